/**
 * Starting programs the way execve and PATH lookup do: a program runs only
 * if a file with execute permission exists in the image; then it is
 * dispatched on its name (busybox-style), to the engine's resolver first and
 * the built-in applets second. Scripts with `#!` run their interpreter.
 */
import { fromUtf8 } from '../hash.js';
import { basename, normalize } from '../fs/path.js';
import { FsError } from '../fs/types.js';
import { APPLETS } from './applets/index.js';
import { canExecute } from './files.js';
import type { Shell } from './interp.js';
import type { ShellIO, SpawnOptions } from './process.js';
import type { Command, CommandIO } from './types.js';

/** Docker's default PATH, which containers get when the image sets none. */
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export type Lookup = { kind: 'found'; path: string } | { kind: 'notfound' } | { kind: 'denied'; path: string; isDir: boolean };

/** Finds an executable as execvp does: a name with a slash is a path, else each PATH entry in turn. */
export function lookupCommand(io: Pick<CommandIO, 'fs' | 'cwd' | 'uid' | 'gid'>, name: string, pathVar: string | undefined): Lookup {
  if (name === '') return { kind: 'notfound' };
  if (name.includes('/')) {
    const p = normalize(name, io.cwd);
    const st = io.fs.stat(p);
    if (!st) return { kind: 'notfound' };
    if (st.type === 'dir' || !canExecute(st, io)) return { kind: 'denied', path: p, isDir: st.type === 'dir' };
    return { kind: 'found', path: p };
  }
  let denied: Lookup | null = null;
  for (const dir of (pathVar ?? DEFAULT_PATH).split(':')) {
    const p = normalize(name, normalize(dir || '.', io.cwd));
    const st = io.fs.stat(p);
    if (!st || st.type === 'dir') continue;
    if (canExecute(st, io)) return { kind: 'found', path: p };
    denied ??= { kind: 'denied', path: p, isDir: false };
  }
  return denied ?? { kind: 'notfound' };
}

export type ProgramResult = { code: number } | { notFound: true } | { unmodelled: string } | { execFormat: true };

/** What the simulator says about a program that exists in the image but is not modelled. */
export function unmodelledText(name: string): string {
  return `${name}: cannot run in the simulator (Layerlab models shell file commands and package managers, not arbitrary programs)`;
}

/** Runs a command function as a process: it appears in `ps` while it runs. */
function invoke(io: ShellIO, cmd: Command, argv: string[]): number {
  const proc = io.machine.start(io.uid, argv);
  try {
    return io.machine.nested(() => cmd(argv, io));
  } catch (e) {
    // an Fs error a program did not report itself, or a pattern JavaScript rejects (sed, grep addresses)
    if (!(e instanceof FsError || e instanceof SyntaxError)) throw e;
    io.stderr(`${basename(argv[0]!)}: ${e.message}\n`);
    return 1;
  } finally {
    io.machine.end(proc);
  }
}

function fileHead(io: CommandIO, path: string): string {
  try {
    const st = io.fs.stat(path);
    if (!st || st.size === 0) return '';
    return fromUtf8(io.fs.readFile(path).subarray(0, 512));
  } catch {
    return '';
  }
}

/**
 * Runs the executable at `path` (already looked up) with `argv`. `scriptFallback`:
 * a text file without `#!` runs as a shell script, as shells do on ENOEXEC.
 */
export function runProgram(io: ShellIO, argv: string[], path: string, scriptFallback: boolean, depth = 0): ProgramResult {
  let real = path;
  try {
    real = io.fs.realpath(path);
  } catch {
    // a dangling link was already reported as not found by the lookup
  }
  let args = argv;
  let name = basename(argv[0] ?? path);
  if (name === 'busybox' && args.length > 1) {
    args = args.slice(1);
    name = basename(args[0]!);
  }
  const cmd = io.machine.resolver?.(name, real, io) ?? APPLETS.get(name);
  if (cmd) return { code: invoke(io, cmd, args) };
  const head = fileHead(io, real);
  if (head.startsWith('#!') && depth < 4) {
    const line = head.slice(2).split('\n')[0]!.trim();
    const [interp, ...rest] = line.split(/\s+/);
    if (!interp) return { execFormat: true };
    const st = io.fs.stat(interp);
    if (!st || st.type === 'dir') return { notFound: true };
    const arg = rest.length > 0 ? [rest.join(' ')] : [];
    return runProgram(io, [interp, ...arg, path, ...argv.slice(1)], interp, false, depth + 1);
  }
  if (head !== '' && !head.includes('\0')) {
    // a text file without #!: shells run it as a script (ENOEXEC); execve alone cannot
    if (!scriptFallback) return { execFormat: true };
    return { code: invoke(io, APPLETS.get('sh')!, ['sh', path, ...argv.slice(1)]) };
  }
  if (head === '' && io.fs.stat(real)?.size === 0) return scriptFallback ? { code: 0 } : { execFormat: true };
  return { unmodelled: name };
}

/** Builds the io a program gets from the shell: its descriptors, environment and the machine. */
export function programIO(sh: Shell, env: Record<string, string>): ShellIO {
  const input = sh.fds.get(0);
  const out = sh.outStream(1);
  const err = sh.outStream(2);
  const io: ShellIO = {
    ...sh.base,
    env,
    cwd: sh.cwd,
    get stdin() {
      if (!input || input.kind !== 'in') return '';
      const t = input.text.slice(input.pos);
      input.pos = input.text.length;
      return t;
    },
    stdout: (s) => out.write(s),
    stderr: (s) => err.write(s),
    machine: sh.machine,
    spawn: (argv, opts) => spawn(io, argv, opts),
  };
  return io;
}

/** The same io with another stdin or environment (getters kept, so the parent's input is not consumed). */
export function deriveIO(io: ShellIO, opts: SpawnOptions): ShellIO {
  const copy = Object.defineProperties({}, Object.getOwnPropertyDescriptors(io)) as ShellIO;
  if (opts.stdin !== undefined) Object.defineProperty(copy, 'stdin', { value: opts.stdin, enumerable: true });
  if (opts.env) copy.env = opts.env;
  copy.spawn = (argv, o) => spawn(copy, argv, o);
  return copy;
}

/** Starts a program by argv from another program (env, xargs, find -exec, nohup). */
export function spawn(io: ShellIO, argv: string[], opts: SpawnOptions = {}): { code: number; notFound?: boolean; notExecutable?: boolean } {
  const child = opts.stdin === undefined && !opts.env ? io : deriveIO(io, opts);
  const found = lookupCommand(child, argv[0] ?? '', child.env.PATH);
  if (found.kind === 'notfound') return { code: 127, notFound: true };
  if (found.kind === 'denied') return { code: 126, notExecutable: true };
  const r = runProgram(child, argv, found.path, true);
  if ('code' in r) return { code: r.code };
  if ('notFound' in r) return { code: 127, notFound: true };
  if ('execFormat' in r) return { code: 126, notExecutable: true };
  child.stderr(unmodelledText(r.unmodelled) + '\n');
  return { code: 126 };
}

/** Runs a non-builtin command from the shell, with the shell's wording for failures. */
export function runExternal(sh: Shell, argv: string[], assigns: Record<string, string>): number {
  sh.flushFiles();
  const name = argv[0]!;
  const env = { ...sh.environ(), ...assigns };
  const found = lookupCommand(sh.view(), name, assigns.PATH ?? sh.get('PATH'));
  const notFound = () => {
    const text = sh.flavor !== 'bash' ? 'not found' : name.includes('/') ? 'No such file or directory' : 'command not found';
    sh.err(sh.msg(`${name}: ${text}`));
    return 127;
  };
  if (found.kind === 'notfound') return notFound();
  if (found.kind === 'denied') {
    sh.err(sh.msg(`${name}: ${sh.flavor === 'bash' && found.isDir ? 'Is a directory' : 'Permission denied'}`));
    return 126;
  }
  const r = runProgram(programIO(sh, env), argv, found.path, true);
  if ('code' in r) return r.code;
  if ('notFound' in r) return notFound();
  if ('execFormat' in r) {
    sh.err(sh.msg(`${name}: Exec format error`));
    return 126;
  }
  sh.err(sh.msg(unmodelledText(r.unmodelled)));
  return 126;
}
