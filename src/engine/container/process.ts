/**
 * Running a program inside a container: its environment (as the daemon and
 * runc compose it), its user and working directory, and the model of
 * programs that keep running. A synchronous simulator cannot leave a process
 * running, so the run stops where the program would go on serving: at a
 * server (nginx, redis-server...), `sleep` once the run has slept 5 seconds
 * or more, `tail -f`, an interactive shell or REPL whose stdin stays open, or
 * an unmodelled program in an image that declares ports (EXPOSE). What it
 * printed until then is kept; the container stays running until stopped.
 */
import { shellFlavorOf } from '../build/steps.js';
import type { Engine } from '../engine.js';
import type { ResolvedUser } from '../fs/passwd.js';
import { defaultApplets, runArgv } from '../shell/index.js';
import { DEFAULT_PATH, unmodelledText } from '../shell/exec.js';
import { shellIO, StopRun } from '../shell/process.js';
import type { Command, CommandIO, CommandResolver } from '../shell/types.js';
import type { ContainerView } from './rootfs.js';
import type { ContainerRecord, ProcessRecord } from './types.js';

/** Seconds of `sleep` after which a run counts as long-running. */
export const LONG_SLEEP = 5;

/** PIDs one `docker exec` takes in the container's namespace (runc's init and the process; as observed on 20.10). */
export const PIDS_PER_EXEC = 6;

/**
 * The environment of a container process: PATH and HOSTNAME first (TERM with a
 * TTY), then the container's Env (replacing in place), then `extra` (exec -e),
 * and HOME last when nothing set it, as runc does. `NAME` without `=` is dropped.
 */
export function processEnv(c: ContainerRecord, home: string, extra: string[] = []): Record<string, string> {
  const env: Record<string, string> = { PATH: DEFAULT_PATH, HOSTNAME: c.config.Hostname };
  if (c.config.Tty) env.TERM = 'xterm';
  for (const e of [...(c.config.Env ?? []), ...extra]) {
    const i = e.indexOf('=');
    if (i > 0) env[e.slice(0, i)] = e.slice(i + 1);
  }
  if (!('HOME' in env)) env.HOME = home;
  return env;
}

const SHELLS = new Set(['sh', 'ash', 'bash', 'dash', 'zsh']);
const SERVERS = new Set(['redis-server', 'postgres', 'mysqld', 'mongod', 'memcached', 'httpd-foreground', 'apache2-foreground', 'php-fpm', 'caddy', 'traefik', 'registry']);
const VERSION_FLAGS = new Set(['-v', '-V', '--version', '-h', '--help', '-t', '-T', '-?']);

function sleepSeconds(args: string[]): number {
  let total = 0;
  for (const a of args) {
    if (a === 'infinity') return Infinity;
    const m = /^(\d+\.?\d*|\.\d+)([smhd]?)$/.exec(a);
    if (!m) return 0;
    total += Number(m[1]) * ({ '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2]!] ?? 1);
  }
  return total;
}

/** What a program does in the model: keeps running, exits at once without output, or runs as modelled. */
type Fate = 'serves' | 'exits' | 'runs';

/** State of one run that the program hooks share. */
export interface RunContext {
  /** stdin stays open with nothing coming (`-i` without an attached terminal): shells and REPLs wait. */
  interactive: boolean;
  /** The image declares ports: a program the simulator cannot run is taken to be its server. */
  exposesPorts: boolean;
  /** Seconds slept so far in this run. */
  slept: number;
  /** Set when a program keeps running: its argv and user. */
  server?: { argv: string[]; uid: number };
  /** PID the run's first process shows in `ps` (1 for the main process, higher for exec). */
  pidBase: number;
  /** Other processes of the container that `ps` lists (PID 1 first). */
  others: ProcessRecord[];
}

function fateOf(name: string, argv: string[], ctx: RunContext, modelled: boolean): Fate {
  const args = argv.slice(1);
  if (name === 'sleep') {
    const s = sleepSeconds(args);
    ctx.slept += s;
    return ctx.slept >= LONG_SLEEP ? 'serves' : 'runs';
  }
  if (name === 'tail') return args.some((a) => a === '--follow' || /^-[a-zA-Z]*[fF]/.test(a) || a.startsWith('--follow=')) ? 'serves' : 'runs';
  if (args.some((a) => VERSION_FLAGS.has(a)) && name !== 'sh') return 'runs';
  if (name === 'nginx') {
    // without "daemon off;" nginx forks into the background and the foreground process exits 0
    return args.some((a) => /daemon\s+off/.test(a)) ? 'serves' : 'exits';
  }
  if (name === 'httpd' || name === 'apache2') return args.some((a) => a.includes('FOREGROUND')) ? 'serves' : 'exits';
  if (SERVERS.has(name)) return 'serves';
  if (/^python[\d.]*$/.test(name)) {
    if (args[0] === '-m' && args[1] === 'http.server') return 'serves';
    if (args.length === 0 || (args.length === 1 && args[0] === '-i')) return ctx.interactive ? 'serves' : 'exits';
  }
  if (name === 'node' && args.length === 0) return ctx.interactive ? 'serves' : 'exits';
  if (SHELLS.has(name) && ctx.interactive && !args.some((a) => a === '-c' || !a.startsWith('-'))) return 'serves';
  if (!modelled && ctx.exposesPorts) return 'serves';
  return 'runs';
}

/** Runs the shell's `ps` with the container's other processes listed and this run's PIDs shifted. */
function containerPs(inner: Command, ctx: RunContext): Command {
  return (argv, io) => {
    const machine = shellIO(io)?.machine;
    if (!machine) return inner(argv, io);
    const own = machine.procs.map((p) => [p, p.pid] as const);
    for (const p of machine.procs) p.pid = ctx.pidBase + p.pid - 1;
    const others = ctx.others.map((p) => ({ pid: p.pid, uid: p.uid, argv: p.argv }));
    machine.procs.unshift(...others);
    try {
      return inner(argv, io);
    } finally {
      machine.procs.splice(0, others.length);
      for (const [p, pid] of own) p.pid = pid;
    }
  };
}

function isText(io: CommandIO, path: string): boolean {
  try {
    const st = io.fs.stat(path);
    if (!st || st.size === 0) return true;
    const head = io.fs.readFile(path).subarray(0, 512);
    return head.length > 0 && !head.includes(0);
  } catch {
    return false;
  }
}

/** The resolver a container run uses: the engine's programs and applets, with the long-running model around them. */
export function containerResolver(base: CommandResolver | undefined, ctx: RunContext): CommandResolver {
  return (name: string, path: string, io: CommandIO) => {
    const inner = base?.(name, path, io) ?? defaultApplets.get(name);
    if (name === 'ps' && inner) return containerPs(inner, ctx);
    const known = SERVERS.has(name) || ['nginx', 'httpd', 'apache2', 'node'].includes(name) || /^python[\d.]*$/.test(name);
    // a script (or any text file) runs through its interpreter; only a program the simulator lacks can be the image's server
    if (!inner && !known && (!ctx.exposesPorts || isText(io, path))) return undefined;
    return (argv, pio) => {
      const fate = fateOf(name, argv, ctx, inner !== undefined);
      if (fate === 'serves') {
        ctx.server = { argv: [...argv], uid: pio.uid };
        throw new StopRun(0, '');
      }
      if (fate === 'exits') return 0;
      if (inner) return inner(argv, pio);
      pio.stderr(unmodelledText(name) + '\n');
      return 126;
    };
  };
}

/** A program to run in a container and how. */
export interface RunRequest {
  argv: string[];
  user: ResolvedUser;
  cwd: string;
  env: Record<string, string>;
  stdin: string;
  interactive: boolean;
  pidBase: number;
  others: ProcessRecord[];
}

/** What a run produced; `server` is set when the program is still running. */
export interface RunOutcome {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Output in the order it was written. */
  chunks: { stream: 'stdout' | 'stderr'; text: string }[];
  notFound?: boolean;
  notExecutable?: boolean;
  server?: { argv: string[]; uid: number };
}

/** Runs a program against a container's filesystem; the caller commits the view's changes. */
export function runInContainer(engine: Engine, c: ContainerRecord, view: ContainerView, req: RunRequest): RunOutcome {
  const ctx: RunContext = {
    interactive: req.interactive,
    exposesPorts: Object.keys(c.config.ExposedPorts ?? {}).length > 0,
    slept: 0,
    pidBase: req.pidBase,
    others: req.others,
  };
  const io = {
    fs: view.fs,
    env: req.env,
    cwd: req.cwd,
    uid: req.user.uid,
    gid: req.user.gid,
    groups: req.user.groups,
    hostname: c.config.Hostname,
    stdin: req.stdin,
    now: () => engine.now(),
    flavor: shellFlavorOf(view.fs),
  };
  const chunks: { stream: 'stdout' | 'stderr'; text: string }[] = [];
  const res = runArgv(req.argv, io, { resolver: containerResolver(engine.resolver, ctx), onOutput: (stream, text) => chunks.push({ stream, text }) });
  return { exitCode: res.exitCode, stdout: res.stdout, stderr: res.stderr, chunks, notFound: res.notFound, notExecutable: res.notExecutable, server: ctx.server };
}
