import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { describe, expect, it } from 'vitest';
import { describeEngine, docker } from '../../tests/server/engine.js';
import { procStatus } from './facts.js';
import { DemoRefused, canRunNamespaces, runDemo, type DemoReport } from './index.js';

const support = await canRunNamespaces();
// the engine exports the image; the host must also allow namespaces and cgroups, and says why not
const describeNs: typeof describe = (support.ok ? describeEngine : (name: string, fn: () => void) => describe.skip(`${name} (skipped: ${support.reason})`, fn)) as typeof describe;

interface Captured {
  out: string[];
  err: string[];
  report: DemoReport;
}

async function demo(name: string, params: Record<string, string | number> = {}, opts: { timeoutMs?: number; maxOutputLines?: number; abortOn?: RegExp; onLine?: (l: string) => void } = {}): Promise<Captured> {
  const out: string[] = [];
  const err: string[] = [];
  const ac = new AbortController();
  const report = await runDemo(
    name,
    params,
    {
      stdout: (l) => {
        out.push(l);
        opts.onLine?.(l);
        if (opts.abortOn?.test(l)) ac.abort();
      },
      stderr: (l) => err.push(l),
      signal: ac.signal,
    },
    { docker, timeoutMs: opts.timeoutMs, maxOutputLines: opts.maxOutputLines },
  );
  expectNothingLeft(report);
  return { out, err, report };
}

/** The run's cgroups, rootfs, PID 1 and mounts are all gone. */
function expectNothingLeft(r: DemoReport): void {
  for (const d of r.host.cgroups) expect(fs.existsSync(d), d).toBe(false);
  expect(fs.existsSync(r.host.rootfs), r.host.rootfs).toBe(false);
  expect(fs.existsSync(r.host.rootfs.replace(/\/rootfs$/, '')), 'work dir').toBe(false);
  if (r.host.pid) expect(procStatus(r.host.pid)?.uid ?? null, `host pid ${r.host.pid}`).not.toBe(100000);
  expect(fs.readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain('layerlab-ns');
}

describeNs('namespace runner', () => {
  it('runs the demo as PID 1 inside, known by another PID on the host', async () => {
    const { out, report } = await demo('ps');
    expect(report.outcome).toBe('exited');
    expect(report.exitCode).toBe(0);
    expect(report.inside.pid).toBe(1);
    expect(report.host.pid).toBeGreaterThan(1);
    expect(out.join('\n')).toMatch(/^\s+1 root\s+\/bin\/sh \/\.layerlab\/ps\.sh$/m);
    // the host's processes are out of sight: only the demo's own show up
    expect(out.filter((l) => /^\s*\d+ /.test(l)).length).toBeLessThanOrEqual(3);
  });

  it('gives the demo its own hostname and leaves the host name alone', async () => {
    const before = os.hostname();
    const { out, report } = await demo('hostname', { name: 'web-1' });
    expect(report.inside.hostname).toBe('web-1');
    expect(out).toContain('hostname inside: web-1');
    expect(os.hostname()).toBe(before);
    expect(report.host.hostname).toBe(before);
    expect(fs.readFileSync('/proc/sys/kernel/hostname', 'utf8').trim()).toBe(before);
  });

  it('gives the demo only a loopback interface', async () => {
    const { out, report } = await demo('network');
    expect(report.inside.interfaces).toEqual(['lo']);
    expect(report.host.interfaces.length).toBeGreaterThan(1);
    expect(out.filter((l) => /^\d+: /.test(l)).map((l) => l.split(':')[1]!.trim())).toEqual(['lo', 'lo']);
  });

  it('is root inside and an unprivileged uid on the host', async () => {
    const { report } = await demo('whoami');
    expect(report.inside.uid).toBe(0);
    expect(report.inside.gid).toBe(0);
    expect(report.host.uid).toBe(100000);
    expect(report.host.gid).toBe(100000);
  });

  it('shows uid 100000 in the host /proc while the demo runs', async () => {
    let seen: ReturnType<typeof procStatus> = null;
    await demo('sleep', { seconds: 1 }, {
      onLine: (l) => {
        if (!l.startsWith('PID 1 sleeping')) return;
        // find it from the host side, independently of the runner: the process running the sleep demo as PID 1 of its namespace
        for (const p of fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
          const cmd = fs.existsSync(`/proc/${p}/cmdline`) ? fs.readFileSync(`/proc/${p}/cmdline`, 'utf8') : '';
          const st = procStatus(Number(p));
          if (cmd.includes('/.layerlab/sleep.sh') && st?.nspid.at(-1) === 1) seen = st;
        }
      },
    });
    expect(seen).toMatchObject({ uid: 100000, gid: 100000 });
    expect(seen!.nspid[0]).toBeGreaterThan(1);
  });

  it('pivots into the image: its own mount table, / from the exported rootfs', async () => {
    const { out, report } = await demo('mounts');
    expect(report.inside.root).toBe(report.host.rootfs);
    expect(report.inside.mounts).toBeLessThan(20);
    expect(out).toContain('bin');
    expect(out.join('\n')).not.toMatch(/\/work\/main| \/var\/lib\/docker/);
  });

  it('puts the limits in force and lets the demo read them, not raise them', async () => {
    const { out, report } = await demo('limits', { memoryMb: 48, pids: 20, cpuPercent: 30 });
    const v1 = report.host.cgroupVersion === 1;
    expect(report.inside.limits).toMatchObject(
      v1
        ? { '/sys/fs/cgroup/memory/memory.limit_in_bytes': String(48 << 20), '/sys/fs/cgroup/pids/pids.max': '20', '/sys/fs/cgroup/cpu/cpu.cfs_quota_us': '30000' }
        : { '/sys/fs/cgroup/memory.max': String(48 << 20), '/sys/fs/cgroup/pids.max': '20', '/sys/fs/cgroup/cpu.max': '30000 100000' },
    );
    expect(report.host.limits['pids.max']).toBe('20');
    expect(out).toContain('raising pids.max from inside fails: the cgroup files are mounted read-only');
  });

  it('holds a fork bomb at pids.max while the host keeps forking', async () => {
    const { report } = await demo('forkbomb', { pids: 16 });
    expect(report.exitCode).toBe(0);
    expect(Number(report.results.started)).toBeGreaterThan(5);
    expect(Number(report.results.started)).toBeLessThan(16);
    expect(Number(report.results.current)).toBeLessThanOrEqual(16);
    expect(report.host.counters.pidsMaxHits).toBeGreaterThan(0);
    expect(execFileSync('/bin/sh', ['-c', 'echo host fine']).toString()).toBe('host fine\n');
  });

  it('lets the OOM killer end the memory hog while PID 1 lives on', async () => {
    const { out, report } = await demo('memhog', { memoryMb: 32 });
    expect(report.results.hogExit).toBe('137');
    expect(report.host.counters.oomKills).toBeGreaterThan(0);
    expect(report.exitCode).toBe(0);
    expect(out.at(-1)).toMatch(/OOM killer/);
  });

  it('kills everything and cleans up when the demo is aborted', async () => {
    const t = Date.now();
    const { report } = await demo('sleep', { seconds: 30 }, { abortOn: /sleeping/ });
    expect(report.outcome).toBe('aborted');
    expect(report.exitCode).toBeNull();
    expect(Date.now() - t).toBeLessThan(8000);
  });

  it('kills everything and cleans up at the timeout', async () => {
    const { err, report } = await demo('sleep', { seconds: 30 }, { timeoutMs: 2500 });
    expect(report.outcome).toBe('timeout');
    expect(err).toContain('[timed out after 2500 ms: demo stopped]');
  });

  it('stops a demo at the output cap', async () => {
    const { out, report } = await demo('mounts', {}, { maxOutputLines: 3 });
    expect(report.outcome).toBe('output-limit');
    expect(report.output.truncated).toBe(true);
    expect(out.length).toBe(3);
  });

  it('refuses unknown demos and bad parameters before anything runs', async () => {
    const io = { stdout: () => undefined, stderr: () => undefined, signal: new AbortController().signal };
    await expect(runDemo('sh', { cmd: 'id' }, io, { docker })).rejects.toThrow(DemoRefused);
    await expect(runDemo('hostname', { name: 'a;reboot' }, io, { docker })).rejects.toThrow(/parameter "name"/);
  });
});

describe('canRunNamespaces', () => {
  it('says yes, or gives a reason the UI can show', () => {
    if (support.ok) expect(support).toEqual({ ok: true });
    else expect(support.reason).toMatch(/\w+ .{10,}/);
  });
});
