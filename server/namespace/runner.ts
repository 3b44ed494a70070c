/**
 * "A container by hand": runs one fixed demo in new user, pid, uts, mount, net and ipc
 * namespaces, pivoted into an exported image and held by a cgroup, and reports what the
 * process saw next to what the host sees of it. Everything it makes (cgroup, rootfs,
 * namespaces and their mounts) is gone when runDemo settles, whatever way the demo ended.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import Docker from 'dockerode';
import { RunCgroup, sweepCgroups } from './cgroup.js';
import { prepareDemo, type PreparedDemo } from './demos.js';
import { exportImageRootfs, extractRootfs, ID_BASE } from './rootfs.js';
import { DEMO_DIR, HOST_BUSYBOX, PIVOT, PREAMBLE, unshareArgs, WRAPPER } from './scripts.js';
import { namespaceHost, shimPath, writeIdMapShims } from './support.js';
import { LineSplitter, mountCount, netInterfaces, parseFacts, procStatus, rootMountSource, type Facts } from './facts.js';

/** Where a demo's output goes, and how it is stopped. */
export interface DemoIO {
  stdout(line: string): void;
  stderr(line: string): void;
  signal: AbortSignal;
}

/** Knobs with safe defaults (tests use them; the UI needs none). */
export interface DemoOptions {
  docker?: Docker;
  /** The image whose rootfs the demo pivots into; `busybox:latest` (seeded). */
  image?: string;
  /** The whole run, rootfs included; 10 s. */
  timeoutMs?: number;
  /** Output over either cap stops the demo; 64 KiB and 1000 lines. */
  maxOutputBytes?: number;
  maxOutputLines?: number;
}

/** What one side (the host, or the process inside) sees. */
export interface SideView {
  pid: number | null;
  hostname: string | null;
  interfaces: string[];
  mounts: number | null;
  /** Inside: the host path that became /; on the host: the root mount's own root. */
  root: string | null;
  uid: number | null;
  gid: number | null;
  /** cgroup file → value (on the host: what was written; inside: what the demo read). */
  limits: Record<string, string>;
}

/** The side-by-side report of one demo run. */
export interface DemoReport {
  demo: string;
  params: Record<string, string | number>;
  outcome: 'exited' | 'timeout' | 'aborted' | 'output-limit';
  /** PID 1's exit code, or null when it was killed. */
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  host: SideView & { rootfs: string; cgroupVersion: 1 | 2; cgroups: string[]; counters: { oomKills: number; pidsMaxHits: number } };
  inside: SideView;
  /** Demo-specific `fact result KEY VALUE` lines (forkbomb: started, current; memhog: hogExit). */
  results: Record<string, string>;
  output: { lines: number; bytes: number; truncated: boolean };
}

let defaultDocker: Docker | null = null;

/** Runs demo `name` with checked `params`, streaming its output lines; rejects when refused or unsupported. */
export async function runDemo(name: string, params: Record<string, string | number>, io: DemoIO, opts: DemoOptions = {}): Promise<DemoReport> {
  const demo = prepareDemo(name, params);
  const started = Date.now();
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const host = await namespaceHost();
  sweepCgroups(host.cgroups);
  sweepWorkDirs();
  io.signal.throwIfAborted();
  const docker = opts.docker ?? (defaultDocker ??= new Docker());
  const { tar } = await exportImageRootfs(docker, opts.image ?? 'busybox:latest');

  const id = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `layerlab-ns-${process.pid}-`));
  let cg: RunCgroup | null = null;
  try {
    // traversable, not listable: root inside (an unprivileged uid here) must reach rootfs/ to bind it
    fs.chmodSync(work, 0o711);
    const rootfs = path.join(work, 'rootfs');
    fs.mkdirSync(rootfs, { mode: 0o755 });
    await extractRootfs(tar, rootfs);
    const script = writeDemoScript(rootfs, demo);
    const bin = await writeIdMapShims(work);
    cg = RunCgroup.create(host.cgroups, id, demo.limits);
    const args = ['sh', '-c', WRAPPER, 'layerlab-ns-wrapper', ...cg.procsFiles, '--', host.unshare, ...unshareArgs(), HOST_BUSYBOX, 'sh', '-c', PIVOT, 'layerlab-ns-pivot', rootfs, demo.hostname, ...cg.binds.flat(), '--', '/bin/sh', script];
    const remaining = Math.max(1000, timeoutMs - (Date.now() - started));
    const run = await supervise(args, { PATH: shimPath(bin), HOME: '/root' }, cg, io, remaining, opts);
    const counters = cg.counters();
    return {
      demo: demo.name,
      params: demo.params,
      outcome: run.outcome,
      exitCode: run.exitCode,
      signal: run.signal,
      durationMs: Date.now() - started,
      host: {
        pid: run.hostPid,
        hostname: os.hostname(),
        interfaces: netInterfaces(fs.readFileSync('/proc/self/net/dev', 'utf8')),
        mounts: mountCount(fs.readFileSync('/proc/self/mountinfo', 'utf8')),
        root: rootMountSource(fs.readFileSync('/proc/self/mountinfo', 'utf8')),
        uid: run.hostUid,
        gid: run.hostGid,
        limits: { ...cg.applied },
        rootfs,
        cgroupVersion: host.cgroups.version,
        cgroups: cg.dirs.map((d) => d.dir),
        counters,
      },
      inside: insideView(run.facts),
      results: run.facts.results,
      output: run.output,
    };
  } finally {
    try {
      await cg?.remove();
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  }
}

function writeDemoScript(rootfs: string, demo: PreparedDemo): string {
  const dir = path.join(rootfs, DEMO_DIR);
  fs.mkdirSync(dir, { mode: 0o755 });
  fs.chownSync(dir, ID_BASE, ID_BASE);
  const file = path.join(dir, `${demo.name}.sh`);
  fs.writeFileSync(file, PREAMBLE + demo.body, { mode: 0o644 });
  fs.chownSync(file, ID_BASE, ID_BASE);
  return `/${DEMO_DIR}/${demo.name}.sh`;
}

interface Supervised {
  outcome: DemoReport['outcome'];
  exitCode: number | null;
  signal: string | null;
  hostPid: number | null;
  hostUid: number | null;
  hostGid: number | null;
  facts: Facts;
  output: DemoReport['output'];
}

/** Starts the wrapper, streams and caps its output, answers the preamble, and kills on timeout or abort. */
function supervise(args: string[], env: Record<string, string>, cg: RunCgroup, io: DemoIO, timeoutMs: number, opts: DemoOptions): Promise<Supervised> {
  const maxBytes = opts.maxOutputBytes ?? 64 * 1024;
  const maxLines = opts.maxOutputLines ?? 1000;
  return new Promise((resolve) => {
    const child = spawn(HOST_BUSYBOX, args, { stdio: ['pipe', 'pipe', 'pipe', 'pipe'], env, detached: true });
    const res: Supervised = { outcome: 'exited', exitCode: null, signal: null, hostPid: null, hostUid: null, hostGid: null, facts: parseFacts([]), output: { lines: 0, bytes: 0, truncated: false } };
    const factLines: string[] = [];
    let stopped = false;
    let killTimer: NodeJS.Timeout | undefined;
    const stop = (why: Exclude<DemoReport['outcome'], 'exited'>) => {
      if (stopped) return;
      stopped = true;
      res.outcome = why;
      // PID 1 first: the kernel then kills the rest of its PID namespace, and unshare (its parent) reaps it and exits;
      // killing unshare first would leave PID 1 to the host's init to reap
      const pid1 = res.hostPid ?? (child.pid ? firstChild(child.pid) : null);
      if (pid1) killQuietly(pid1);
      else if (child.pid) killQuietly(child.pid);
      // whatever is still there a moment later (a stuck wrapper, a demo that never got a PID 1) goes with the cgroup
      killTimer = setTimeout(() => {
        if (child.pid && child.exitCode === null && child.signalCode === null) killQuietly(child.pid);
        cg.killAll().catch(() => undefined);
      }, 1000);
    };
    const emit = (sink: (l: string) => void) => (line: string) => {
      if (res.output.truncated) return;
      res.output.lines++;
      res.output.bytes += Buffer.byteLength(line) + 1;
      if (res.output.lines > maxLines || res.output.bytes > maxBytes) {
        res.output.truncated = true;
        io.stderr(`[output limit reached (${maxLines} lines or ${maxBytes} bytes): demo stopped]`);
        stop('output-limit');
        return;
      }
      sink(line);
    };
    const out = new LineSplitter(emit((l) => io.stdout(l)));
    const err = new LineSplitter(emit((l) => io.stderr(l)));
    const facts = new LineSplitter((line) => {
      factLines.push(line);
      if (line === 'ready') {
        // look at PID 1 from the host while it waits, then let it go on
        const hostPid = child.pid ? firstChild(child.pid) : null;
        const st = hostPid ? procStatus(hostPid) : null;
        res.hostPid = hostPid;
        res.hostUid = st?.uid ?? null;
        res.hostGid = st?.gid ?? null;
        (child.stdin as Writable).end('go\n');
      }
    });
    child.stdin!.on('error', () => undefined);
    child.stdout!.on('data', (d: Buffer) => out.push(d));
    child.stderr!.on('data', (d: Buffer) => err.push(d));
    (child.stdio[3] as Readable).on('data', (d: Buffer) => facts.push(d));
    const timer = setTimeout(() => {
      io.stderr(`[timed out after ${opts.timeoutMs ?? 10_000} ms: demo stopped]`);
      stop('timeout');
    }, timeoutMs);
    const onAbort = () => stop('aborted');
    io.signal.addEventListener('abort', onAbort, { once: true });
    if (io.signal.aborted) onAbort();
    let exitGuard: NodeJS.Timeout | undefined;
    const finish = () => {
      clearTimeout(timer);
      clearTimeout(exitGuard);
      clearTimeout(killTimer);
      io.signal.removeEventListener('abort', onAbort);
      out.flush();
      err.flush();
      facts.flush();
      res.facts = parseFacts(factLines);
      if (res.outcome !== 'exited') {
        // it was our SIGKILL, whatever unshare made of it (it cannot re-raise SIGKILL on itself and exits 1)
        res.exitCode = null;
        res.signal = 'SIGKILL';
      }
      resolve(res);
    };
    child.on('exit', (code, signal) => {
      res.exitCode = code;
      res.signal = signal;
      // every process of the namespace holds the pipes; once PID 1 is gone they close at once, so this only guards a stray
      exitGuard = setTimeout(() => {
        for (const s of child.stdio) s?.destroy();
        finish();
      }, 3000);
    });
    child.on('close', finish);
    child.on('error', (e) => {
      io.stderr(`cannot start the demo: ${e.message}`);
      finish();
    });
  });
}

function insideView(f: Facts): SideView {
  return { pid: f.pid, hostname: f.hostname, interfaces: f.interfaces, mounts: f.mounts, root: f.root, uid: f.uid, gid: f.gid, limits: f.limits };
}

/** The PID 1 of the new namespace, as the host numbers it: unshare's only child. */
function firstChild(pid: number): number | null {
  try {
    const kids = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    if (kids.length) return Number(kids[0]);
  } catch {
    // kernel without CONFIG_PROC_CHILDREN: scan below
  }
  for (const e of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${e}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) return Number(e);
    } catch {
      // gone
    }
  }
  return null;
}

/** Removes work directories of server processes that died mid-demo (the PID is in the name). */
function sweepWorkDirs(): void {
  for (const e of fs.readdirSync(os.tmpdir())) {
    const m = /^layerlab-ns-(\d+)-/.exec(e);
    if (!m || Number(m[1]) === process.pid) continue;
    try {
      process.kill(Number(m[1]), 0);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ESRCH') fs.rmSync(path.join(os.tmpdir(), e), { recursive: true, force: true });
    }
  }
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
