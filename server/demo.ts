/**
 * The console's `demo` command in real mode: a namespace-runner demo (a container made by
 * hand: unshare, pivot_root, cgroups) with its output, then what the host sees and what the
 * process sees, side by side. One demo runs at a time on the whole server.
 */
import type Docker from 'dockerode';
import { formatTable } from '../src/cli/format/tabwriter.js';
import { canRunNamespaces, DemoRefused, listDemos, NamespaceUnsupported, runDemo, type DemoReport } from './namespace/index.js';

let queue: Promise<unknown> = Promise.resolve();

interface DemoConsole {
  stdout(line: string): void;
  stderr(line: string): void;
  signal: AbortSignal;
}

/** Runs `demo NAME [key=value...]`; returns the exit code. */
export async function demoCommand(docker: Docker, name: string, params: Record<string, string | number>, io: DemoConsole): Promise<number> {
  if (name === '' || name === 'help' || name === 'list') {
    io.stdout('Usage:  demo NAME [KEY=VALUE...]   (a container made by hand, in real mode)');
    io.stdout('');
    for (const l of formatTable(listDemos().map((d) => [d.name, d.description]), { minwidth: 10, tabwidth: 8, padding: 3 })) io.stdout(l);
    return 0;
  }
  const support = await canRunNamespaces();
  if (!support.ok) {
    io.stderr(`demo: this host cannot run the namespace demos: ${support.reason}`);
    return 1;
  }
  const run = queue.then(() => runDemo(name, params, io, { docker }));
  queue = run.catch(() => undefined);
  let report: DemoReport;
  try {
    report = await run;
  } catch (e) {
    if (e instanceof DemoRefused || e instanceof NamespaceUnsupported) {
      io.stderr(`demo: ${e.message}`);
      return 1;
    }
    if (io.signal.aborted) return 130;
    throw e;
  }
  io.stdout('');
  for (const l of sideBySide(report)) io.stdout(l);
  if (report.outcome === 'aborted') return 130;
  if (report.outcome === 'timeout') {
    io.stderr('demo: stopped after its time limit');
    return 124;
  }
  return report.exitCode ?? 137;
}

/** The report as a table: one row per fact, the host's view and the process's view. */
export function sideBySide(r: DemoReport): string[] {
  const show = (v: unknown) => (v === null || v === undefined || v === '' ? '-' : Array.isArray(v) ? v.join(', ') || '-' : String(v));
  const rows = [
    ['', 'ON THE HOST', 'INSIDE'],
    ['PID', show(r.host.pid), show(r.inside.pid)],
    ['hostname', show(r.host.hostname), show(r.inside.hostname)],
    ['user (uid)', show(r.host.uid), show(r.inside.uid)],
    ['network', show(r.host.interfaces), show(r.inside.interfaces)],
    ['mounts', show(r.host.mounts), show(r.inside.mounts)],
    ['root', show(r.host.rootfs), show(r.inside.root)],
  ];
  for (const key of [...new Set([...Object.keys(r.host.limits), ...Object.keys(r.inside.limits)])].sort()) rows.push([key, show(r.host.limits[key]), show(r.inside.limits[key])]);
  if (r.host.counters.oomKills) rows.push(['OOM kills', String(r.host.counters.oomKills), '']);
  if (r.host.counters.pidsMaxHits) rows.push(['forks refused', String(r.host.counters.pidsMaxHits), '']);
  return formatTable(rows, { minwidth: 10, tabwidth: 8, padding: 3 });
}
