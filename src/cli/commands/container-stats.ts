/**
 * `docker top` (the container's processes as the host's ps sees them) and
 * `docker stats` (one sample of resource use). Host PIDs, memory use and
 * network bytes are modelled: each process costs what the program typically
 * holds, the limit is `--memory` or the simulated host's memory.
 */
import { SIMULATED_HOST } from '../../engine/container/host-config.js';
import { isRunning } from '../../engine/container/lifecycle.js';
import type { ContainerRecord, ProcessRecord } from '../../engine/container/types.js';
import { DockerError } from '../../engine/errors.js';
import { bytesSize, humanSize } from '../../shared/format/units.js';
import { goStruct } from '../format/go-value.js';
import { formatTable } from '../format/tabwriter.js';
import { printFormatted } from '../output.js';
import type { DockerCommand } from '../types.js';
import { shortId } from '../../engine/hash.js';
import { mustFind, settle } from './container-common.js';

/** Typical resident memory of a program (bytes), for `docker stats`. */
const MEMORY: Record<string, number> = {
  nginx: 3_538_944,
  httpd: 6_815_744,
  'redis-server': 2_936_012,
  postgres: 21_495_808,
  mysqld: 367_001_600,
  mongod: 78_643_200,
  node: 41_943_040,
  python: 10_485_760,
  python3: 10_485_760,
};
const SMALL = 516_096;

function memoryOf(procs: ProcessRecord[]): number {
  return procs.reduce((n, p) => n + (MEMORY[(p.argv[0] ?? '').split('/').pop() ?? ''] ?? SMALL), 0);
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** What `ps -ef` on the host prints for a container process. */
function psField(field: string, p: ProcessRecord, shimPid: number): [string, string] | undefined {
  const d = new Date(Math.floor(p.started) * 1000);
  const stime = `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}`;
  const cmd = p.argv.join(' ');
  const user = p.uid === 0 ? 'root' : String(p.uid);
  const table: Record<string, [string, string]> = {
    uid: ['UID', user],
    user: ['USER', user],
    pid: ['PID', String(p.hostPid)],
    ppid: ['PPID', String(shimPid)],
    c: ['C', '0'],
    stime: ['STIME', stime],
    tty: ['TTY', '?'],
    time: ['TIME', '00:00:00'],
    cmd: ['CMD', cmd],
    args: ['COMMAND', cmd],
    command: ['COMMAND', cmd],
    comm: ['COMMAND', (p.argv[0] ?? '').split('/').pop() ?? ''],
    '%cpu': ['%CPU', '0.0'],
    '%mem': ['%MEM', '0.0'],
    rss: ['RSS', String(Math.round(memoryOf([p]) / 1024))],
    stat: ['STAT', 'Ss'],
    etime: ['ELAPSED', '00:00'],
  };
  return table[field];
}

export const top: DockerCommand = {
  spec: { name: 'top', usage: 'CONTAINER [ps OPTIONS]', description: 'Display the running processes of a container', aliases: ['container top'], stopAtFirstArg: true, args: { min: 1 }, flags: [] },
  run(engine, f, io) {
    settle(engine);
    const [ref, ...psArgs] = f.args as [string, ...string[]];
    const c = mustFind(engine, ref);
    if (!isRunning(c)) throw new DockerError(`Error response from daemon: Container ${c.id} is not running`);
    let fields = ['uid', 'pid', 'ppid', 'c', 'stime', 'tty', 'time', 'cmd'];
    const o = psArgs.indexOf('-o');
    if (o >= 0 && psArgs[o + 1]) fields = psArgs[o + 1]!.split(',').map((x) => x.trim().toLowerCase());
    else if (psArgs.length === 1 && /^a?u?x$/.test(psArgs[0]!)) fields = ['user', 'pid', '%cpu', '%mem', 'rss', 'tty', 'stat', 'stime', 'time', 'command'];
    const procs = c.processes ?? [];
    const shim = (procs[0]?.hostPid ?? 2000) - 21;
    if (!fields.includes('pid')) throw new DockerError("Error response from daemon: Couldn't find PID field in ps output");
    const known = fields.map((x) => psField(x, procs[0] ?? { pid: 1, hostPid: 0, uid: 0, argv: [], started: 0 }, shim));
    const bad = fields.find((_, i) => !known[i]);
    if (bad) throw new DockerError(`Error response from daemon: ps: error: unknown user-defined format specifier "${bad}"`);
    const rows = [known.map((k) => k![0]), ...procs.map((p) => fields.map((x) => psField(x, p, shim)![1]))];
    for (const l of formatTable(rows, { minwidth: 20, tabwidth: 1, padding: 3 })) io.stdout(l);
    return 0;
  },
};

function statsRow(c: ContainerRecord, shown: string, noTrunc: boolean) {
  const up = isRunning(c);
  const procs = up ? (c.processes ?? []) : [];
  const usage = up ? memoryOf(procs) : 0;
  const limit = up ? c.host?.memory || SIMULATED_HOST.memory : 0;
  return goStruct('*formatter.statsContext', {
    Container: shown,
    Name: c.name,
    ID: noTrunc ? c.id : shortId(c.id),
    CPUPerc: '0.00%',
    MemUsage: `${bytesSize(usage)} / ${bytesSize(limit)}`,
    MemPerc: `${(limit > 0 ? (usage / limit) * 100 : 0).toFixed(2)}%`,
    NetIO: `${humanSize(0)} / ${humanSize(0)}`,
    BlockIO: `${humanSize(0)} / ${humanSize(0)}`,
    PIDs: String(procs.length),
  });
}

export const stats: DockerCommand = {
  spec: {
    name: 'stats',
    usage: '[OPTIONS] [CONTAINER...]',
    description: 'Display a live stream of container(s) resource usage statistics',
    aliases: ['container stats'],
    flags: [
      { name: 'all', short: 'a', type: 'bool', help: 'Show all containers (default shows just running)' },
      { name: 'format', type: 'string', help: 'Pretty-print images using a Go template' },
      { name: 'no-stream', type: 'bool', help: 'Disable streaming stats and only pull the first result' },
      { name: 'no-trunc', type: 'bool', help: 'Do not truncate output' },
    ],
  },
  run(engine, f, io) {
    settle(engine);
    const noTrunc = f.bool('no-trunc');
    const rows = [];
    let code = 0;
    if (f.args.length > 0) {
      for (const ref of f.args) {
        const c = engine.findContainer(ref);
        if (!c) {
          io.stderr(`Error response from daemon: No such container: ${ref}`);
          code = 1;
          continue;
        }
        rows.push(statsRow(c, ref, noTrunc));
      }
      if (code !== 0) return code;
    } else {
      const list = [...engine.containers.values()].filter((c) => f.bool('all') || isRunning(c)).sort((a, b) => b.created - a.created);
      for (const c of list) rows.push(statsRow(c, shortId(c.id), noTrunc));
    }
    const headers = { Container: 'CONTAINER', ID: 'CONTAINER ID', Name: 'NAME', CPUPerc: 'CPU %', MemUsage: 'MEM USAGE / LIMIT', MemPerc: 'MEM %', NetIO: 'NET I/O', BlockIO: 'BLOCK I/O', PIDs: 'PIDS' };
    printFormatted(io, f.string('format') ?? 'table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}', rows, headers);
    return 0;
  },
};
