/**
 * Whether a container can run for real in WebContainer: its command starts
 * node, npm or npx (directly, through the official node image's
 * docker-entrypoint.sh, or through `sh -c` with one simple command), and the
 * files that program needs are in the container. Anything else runs simulated,
 * and the reason is one line a learner can read under the "simulated process"
 * badge.
 */
import { fromUtf8 } from '../../engine/hash.js';
import { basename, normalize } from '../../engine/fs/path.js';
import type { Fs } from '../../engine/fs/types.js';
import type { Node } from '../../engine/shell/ast.js';
import { literalText, ShellSyntaxError } from '../../engine/shell/lexer.js';
import { lookupCommand } from '../../engine/shell/exec.js';
import { Parser } from '../../engine/shell/parser.js';

/** What the decision needs to know about a container. */
export interface DecideInput {
  /** The resolved command (ENTRYPOINT + CMD after the run's overrides). */
  argv: readonly string[];
  /** WORKDIR ('' means /). */
  workdir: string;
  env: Readonly<Record<string, string>>;
  /** The container's filesystem as its processes see it. */
  fs: Fs;
}

/** Either the process to spawn in WebContainer, or why the container runs simulated. */
export type Decision = { ok: true; argv: string[]; cwd: string; env: Record<string, string> } | { ok: false; reason: string };

const SHELLS = new Set(['sh', 'ash', 'bash', 'dash']);
const PROGRAMS = new Set(['node', 'npm', 'npx']);
// node options that take the next argument as their value (so it is not the script)
const NODE_VALUE_OPTIONS = new Set(['-r', '--require', '--import', '--loader', '--experimental-loader', '--env-file', '--inspect-port', '--title', '--conditions', '-C']);
const NODE_INLINE_OPTIONS = new Set(['-e', '--eval', '-p', '--print']);
const SCRIPT_SUFFIXES = ['', '.js', '.mjs', '.cjs', '/index.js'];

const show = (argv: readonly string[]) => '`' + argv.join(' ') + '`';

/** Decides whether a container's command can run in WebContainer, and with which argv, cwd and env. */
export function decide(input: DecideInput): Decision {
  const cwd = normalize(input.workdir || '/');
  if (input.fs.stat(cwd)?.type !== 'dir') return { ok: false, reason: `The working directory ${cwd} is not a directory in the container.` };
  const env = { ...input.env };
  const isCommand = (name: string) => lookupCommand({ fs: input.fs, cwd, uid: 0, gid: 0 }, name, env.PATH).kind === 'found';
  const missing = (argv: readonly string[]) => argv.length > 0 && !isCommand(argv[0]!);
  // Docker would fail to start it ("executable file not found"): the simulator shows that, not a real node
  if (missing(input.argv)) return { ok: false, reason: `${show([input.argv[0]!])} is not in the image, so the container cannot start.` };
  const unwrapped = unwrap([...input.argv], env, isCommand);
  if (typeof unwrapped === 'string') return { ok: false, reason: unwrapped };
  const argv = unwrapped;
  if (argv.length === 0) return { ok: false, reason: 'The container has no command to run.' };
  const program = basename(argv[0]!);
  if (!PROGRAMS.has(program) || (argv[0]!.includes('/') && !argv[0]!.startsWith('/'))) {
    return { ok: false, reason: `The command starts ${show([argv[0]!])}, not node or npm, so it runs simulated.` };
  }
  if (missing(argv)) return { ok: false, reason: `${show([argv[0]!])} is not in the image, so the container cannot start.` };
  const spawn = [program, ...argv.slice(1)];
  const lacking = program === 'node' ? nodeNeeds(spawn, cwd, input.fs) : program === 'npm' ? npmNeeds(spawn, cwd, input.fs) : null;
  if (lacking) return { ok: false, reason: lacking };
  return { ok: true, argv: spawn, cwd, env };
}

/** Strips the wrappers that only hand over to the real program: docker-entrypoint.sh and `sh -c "one command"`. */
function unwrap(argv: string[], env: Record<string, string>, isCommand: (name: string) => boolean): string[] | string {
  if (argv.length > 0 && basename(argv[0]!) === 'docker-entrypoint.sh') {
    // the node image's entrypoint: `set -- node "$@"` when $1 is an option or not an executable command, then `exec "$@"`
    argv = argv.slice(1);
    if (argv.length > 0 && (argv[0]!.startsWith('-') || !isCommand(argv[0]!))) return ['node', ...argv];
  }
  if (argv.length < 3 || !SHELLS.has(basename(argv[0]!))) return argv;
  // the shell form is SHELL + the line, e.g. /bin/sh -c "..." or /bin/ash -eo pipefail -c "..."; later arguments are $0, $1...
  let i = 1;
  while (i < argv.length && argv[i]!.startsWith('-') && argv[i] !== '-c') i += /^-[a-z]*o$/.test(argv[i]!) ? 2 : 1;
  if (argv[i] !== '-c' || i + 1 >= argv.length) return argv;
  return simpleCommand(argv[i + 1]!, env);
}

/** The argv of a shell line that is one simple command with literal words (assignments go into env), or why not. */
function simpleCommand(line: string, env: Record<string, string>): string[] | string {
  const notSimple = `The shell line ${show([line])} is more than one simple command, so it runs simulated.`;
  let node: Node | null;
  try {
    const parser = new Parser(line);
    node = parser.nextCommand();
    if (parser.nextCommand() !== null) return notSimple;
  } catch (e) {
    if (e instanceof ShellSyntaxError) return `The shell line ${show([line])} has a syntax error, so it runs simulated.`;
    throw e;
  }
  if (!node || node.type !== 'simple' || node.redirs.length > 0) return notSimple;
  const words = node.words.map(literalText);
  const values = node.assigns.map((a) => literalText(a.value));
  if (words.some((w) => w === null) || values.some((v) => v === null)) return `The shell line ${show([line])} expands variables or commands, so it runs simulated.`;
  node.assigns.forEach((a, k) => (env[a.name] = values[k]!));
  const argv = words as string[];
  return argv[0] === 'exec' ? argv.slice(1) : argv;
}

/** Why `node ...` cannot start here (its script is missing), or null when it can. */
function nodeNeeds(argv: string[], cwd: string, fs: DecideInput['fs']): string | null {
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (NODE_INLINE_OPTIONS.has(a)) return null;
    if (NODE_VALUE_OPTIONS.has(a)) {
      i++;
      continue;
    }
    if (a === '-' || a === '--') break;
    if (a.startsWith('-')) continue;
    const path = normalize(a, cwd);
    if (SCRIPT_SUFFIXES.some((s) => fs.stat(path + s)?.type === 'file')) return null;
    return `The command runs ${show(argv.slice(0, i + 1))}, but ${path} is not in the container.`;
  }
  return `The command runs ${show(argv)} without a script (the node REPL), so it runs simulated.`;
}

/** Why `npm ...` cannot start here (no package.json, or no such script), or null when it can. */
function npmNeeds(argv: string[], cwd: string, fs: DecideInput['fs']): string | null {
  const file = normalize('package.json', cwd);
  if (fs.stat(file)?.type !== 'file') return `The command runs ${show(argv)}, but ${cwd} has no package.json.`;
  let scripts: Record<string, unknown>;
  try {
    const pkg: unknown = JSON.parse(fromUtf8(fs.readFile(file)));
    const s = pkg && typeof pkg === 'object' ? (pkg as { scripts?: unknown }).scripts : undefined;
    scripts = s && typeof s === 'object' ? (s as Record<string, unknown>) : {};
  } catch {
    return `The command runs ${show(argv)}, but ${file} is not valid JSON.`;
  }
  const sub = argv[1];
  const script = sub === 'start' ? 'start' : sub === 'test' || sub === 't' ? 'test' : sub === 'run' || sub === 'run-script' ? argv[2] : undefined;
  if (script === undefined || typeof scripts[script] === 'string') return null;
  // npm start without a start script runs `node server.js` when there is one
  if (script === 'start' && fs.stat(normalize('server.js', cwd))?.type === 'file') return null;
  return `The command runs ${show(argv.slice(0, sub === 'run' || sub === 'run-script' ? 3 : 2))}, but ${file} has no "${script}" script.`;
}
