/**
 * The console's workspace commands (ls, cd, cat, echo...): bash-like output and
 * error messages over a MemoryWorkspace. Pure: the backend owns the state and
 * hands in what a command may touch.
 */
import type { MemoryWorkspace } from '../cli/memory-workspace.js';
import { utf8 } from '../engine/hash.js';

/** Where a command prints: one call per line. */
export interface ConsoleOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** What a workspace command may read and change. */
export interface ShellContext {
  ws: MemoryWorkspace;
  /** HOME: where a bare `cd` goes. */
  home: string;
  /** The previous directory, for `cd -`; updated by cd. */
  oldPwd: string;
  /** Lines typed so far, oldest first. */
  history: readonly string[];
  undo(): boolean;
  redo(): boolean;
  /** Puts the starter world back (engine and workspace). */
  reset(): void;
}

/** A command's exit code and what it asks of the UI. */
export interface CommandResult {
  code: number;
  /** `edit FILE`: open this absolute path in the editor. */
  edit?: string;
  /** `clear`: clear the terminal. */
  clear?: true;
  /** `echo -n`: the last line printed has no newline (matters for redirects). */
  noNewline?: true;
}

/** The workspace commands and their one-line help, in the order `help` lists them. */
export const WORKSPACE_COMMANDS: readonly { name: string; usage: string; help: string }[] = [
  { name: 'ls', usage: 'ls [-l] [-a] [PATH...]', help: 'List a folder of the workspace' },
  { name: 'cd', usage: 'cd [PATH | -]', help: 'Change the current folder' },
  { name: 'pwd', usage: 'pwd', help: 'Print the current folder' },
  { name: 'cat', usage: 'cat FILE...', help: 'Print files' },
  { name: 'mkdir', usage: 'mkdir [-p] DIR...', help: 'Create folders' },
  { name: 'rm', usage: 'rm [-r] [-f] PATH...', help: 'Remove files (and folders with -r)' },
  { name: 'touch', usage: 'touch FILE...', help: 'Create empty files or update their time' },
  { name: 'echo', usage: 'echo [-n] TEXT... [> FILE | >> FILE]', help: 'Print text, or write it to a file' },
  { name: 'edit', usage: 'edit FILE', help: 'Open a file in the editor' },
  { name: 'curl', usage: 'curl [-s] [-i] [-f] URL', help: 'Ask a published port for a page (curl localhost:8080)' },
  { name: 'clear', usage: 'clear', help: 'Clear the console' },
  { name: 'history', usage: 'history', help: 'List the commands typed so far' },
  { name: 'help', usage: 'help', help: 'Show this list' },
  { name: 'reset', usage: 'reset [--yes]', help: 'Start over: remove every image, container and file change' },
  { name: 'undo', usage: 'undo', help: 'Undo the last command that changed something' },
  { name: 'redo', usage: 'redo', help: 'Redo what undo took back' },
];

const NAMES = new Set(WORKSPACE_COMMANDS.map((c) => c.name));

/** True when `name` is one of the console's own commands. */
export function isWorkspaceCommand(name: string): boolean {
  return NAMES.has(name);
}

/** A `> file` or `>> file` found in a command's words. */
export interface Redirect {
  path: string;
  append: boolean;
}

/** Takes `> FILE`, `>FILE`, `>> FILE` out of the words; error text when the file name is missing. */
export function parseRedirect(words: string[]): { words: string[]; redirect?: Redirect; error?: string } {
  const rest: string[] = [];
  let redirect: Redirect | undefined;
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const m = /^(>>?)(.*)$/.exec(w);
    if (!m) {
      rest.push(w);
      continue;
    }
    const path = m[2] || words[++i];
    if (!path) return { words: rest, error: "bash: syntax error near unexpected token `newline'" };
    redirect = { path, append: m[1] === '>>' };
  }
  return { words: rest, redirect };
}

/** Writes captured output to a redirect target; returns the bash error text, or null on success. */
export function writeRedirect(ws: MemoryWorkspace, r: Redirect, text: string): string | null {
  const p = ws.resolve(r.path);
  const node = ws.nodes.get(p);
  if (node?.type === 'dir') return `bash: ${r.path}: Is a directory`;
  const parent = ws.nodes.get(parentOf(p));
  if (parent?.type !== 'dir') return `bash: ${r.path}: No such file or directory`;
  const before = r.append && node?.type === 'file' ? node.data! : new Uint8Array(0);
  const add = utf8(text);
  const data = new Uint8Array(before.length + add.length);
  data.set(before);
  data.set(add, before.length);
  ws.write(p, data, node?.mode ?? 0o644);
  return null;
}

function parentOf(p: string): string {
  return p.slice(0, p.lastIndexOf('/')) || '/';
}

function baseName(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1) || '/';
}

/** Splits `-la` style options from operands; `--` ends options. Unknown letters give bash's message. */
function options(cmd: string, args: string[], allowed: string, out: ConsoleOutput): { opts: Set<string>; operands: string[] } | null {
  const opts = new Set<string>();
  const operands: string[] = [];
  let done = false;
  for (const a of args) {
    if (!done && a === '--') done = true;
    else if (!done && a.startsWith('-') && a.length > 1) {
      for (const c of a.slice(1)) {
        if (!allowed.includes(c)) {
          out.stderr(`${cmd}: invalid option -- '${c}'`);
          out.stderr(`Try '${cmd} --help' for more information.`);
          return null;
        }
        opts.add(c);
      }
    } else operands.push(a);
  }
  return { opts, operands };
}

/** Runs one workspace command (argv[0] must satisfy isWorkspaceCommand). */
export function runWorkspaceCommand(argv: string[], ctx: ShellContext, out: ConsoleOutput): CommandResult {
  const [name, ...args] = argv as [string, ...string[]];
  switch (name) {
    case 'ls':
      return { code: ls(args, ctx.ws, out) };
    case 'cd':
      return { code: cd(args, ctx, out) };
    case 'pwd':
      out.stdout(ctx.ws.cwd);
      return { code: 0 };
    case 'cat':
      return { code: cat(args, ctx.ws, out) };
    case 'mkdir':
      return { code: mkdir(args, ctx.ws, out) };
    case 'rm':
      return { code: rm(args, ctx.ws, out) };
    case 'touch':
      return { code: touch(args, ctx.ws, out) };
    case 'echo':
      return echo(args, out);
    case 'edit':
      return edit(args, ctx.ws, out);
    case 'clear':
      return { code: 0, clear: true };
    case 'history':
      ctx.history.forEach((l, i) => out.stdout(`${String(i + 1).padStart(5)}  ${l}`));
      return { code: 0 };
    case 'help':
      help(out);
      return { code: 0 };
    case 'reset':
      if (args[0] === '--yes' || args[0] === '-y') {
        ctx.reset();
        out.stdout('The workspace and the Docker world are back to the start.');
        return { code: 0 };
      }
      out.stdout("This clears every image, container and file change. Type 'reset --yes' to confirm.");
      return { code: 1 };
    case 'undo':
      if (ctx.undo()) return { code: 0 };
      out.stderr('undo: nothing to undo');
      return { code: 1 };
    case 'redo':
      if (ctx.redo()) return { code: 0 };
      out.stderr('redo: nothing to redo');
      return { code: 1 };
    default:
      out.stderr(`bash: ${name}: command not found`);
      return { code: 127 };
  }
}

function ls(args: string[], ws: MemoryWorkspace, out: ConsoleOutput): number {
  const o = options('ls', args, 'la1', out);
  if (!o) return 2;
  const long = o.opts.has('l');
  const all = o.opts.has('a');
  const targets = o.operands.length ? o.operands : ['.'];
  let code = 0;
  const files: string[] = [];
  const dirs: string[] = [];
  for (const t of targets) {
    const node = ws.nodes.get(ws.resolve(t));
    if (!node) {
      out.stderr(`ls: cannot access '${t}': No such file or directory`);
      code = 2;
    } else if (node.type === 'dir') dirs.push(t);
    else files.push(t);
  }
  const print = (names: { name: string; path: string }[]) => {
    if (!long) {
      if (names.length) out.stdout(names.map((n) => n.name).join('  '));
      return;
    }
    for (const n of names) out.stdout(longLine(ws, n.path, n.name));
  };
  print(files.sort(byName).map((f) => ({ name: f, path: ws.resolve(f) })));
  dirs.sort(byName).forEach((d, i) => {
    if (targets.length > 1) {
      if (files.length || i > 0) out.stdout('');
      out.stdout(`${d}:`);
    }
    const dir = ws.resolve(d);
    const entries = children(ws, dir).filter((n) => all || !n.startsWith('.'));
    const list = entries.map((n) => ({ name: n, path: dir === '/' ? `/${n}` : `${dir}/${n}` }));
    if (all) list.unshift({ name: '.', path: dir }, { name: '..', path: parentOf(dir) });
    if (long) out.stdout(`total ${list.reduce((s, n) => s + Math.ceil(sizeOf(ws, n.path) / 4096) * 4, 0)}`);
    print(list);
  });
  return code;
}

/** Names directly inside a folder, sorted as ls sorts them. */
export function children(ws: MemoryWorkspace, dir: string): string[] {
  const prefix = dir === '/' ? '/' : dir + '/';
  const out: string[] = [];
  for (const p of ws.nodes.keys()) if (p.startsWith(prefix) && p !== dir && !p.slice(prefix.length).includes('/')) out.push(p.slice(prefix.length));
  return out.sort(byName);
}

function byName(a: string, b: string): number {
  const ka = a.replace(/^\.+/, '').toLowerCase();
  const kb = b.replace(/^\.+/, '').toLowerCase();
  return ka < kb ? -1 : ka > kb ? 1 : a < b ? -1 : a > b ? 1 : 0;
}

function sizeOf(ws: MemoryWorkspace, p: string): number {
  const n = ws.nodes.get(p);
  return n?.type === 'file' ? n.data!.length : n?.type === 'dir' ? 4096 : 0;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function longLine(ws: MemoryWorkspace, path: string, name: string): string {
  const n = ws.nodes.get(path)!;
  const d = new Date(n.mtime * 1000);
  const date = `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2)} ${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
  const links = n.type === 'dir' ? 2 : 1;
  return `${modeString(n.type, n.mode)} ${links} learner learner ${String(sizeOf(ws, path)).padStart(5)} ${date} ${name}${n.type === 'symlink' ? ` -> ${n.target}` : ''}`;
}

/** `drwxr-xr-x` for a node type and mode bits. */
export function modeString(type: 'file' | 'dir' | 'symlink', mode: number): string {
  const t = type === 'dir' ? 'd' : type === 'symlink' ? 'l' : '-';
  let s = '';
  for (let i = 8; i >= 0; i--) s += mode & (1 << i) ? 'rwx'[(8 - i) % 3] : '-';
  return t + s;
}

function cd(args: string[], ctx: ShellContext, out: ConsoleOutput): number {
  if (args.length > 1) {
    out.stderr('bash: cd: too many arguments');
    return 1;
  }
  const ws = ctx.ws;
  const arg = args[0] ?? ctx.home;
  const target = arg === '-' ? ctx.oldPwd : arg;
  const p = ws.resolve(target);
  const node = ws.nodes.get(p);
  if (!node) {
    out.stderr(`bash: cd: ${target}: No such file or directory`);
    return 1;
  }
  if (node.type !== 'dir') {
    out.stderr(`bash: cd: ${target}: Not a directory`);
    return 1;
  }
  ctx.oldPwd = ws.cwd;
  ws.cwd = p;
  if (arg === '-') out.stdout(p);
  return 0;
}

function cat(args: string[], ws: MemoryWorkspace, out: ConsoleOutput): number {
  let code = 0;
  const dec = new TextDecoder();
  for (const f of args) {
    const node = ws.nodes.get(ws.resolve(f));
    if (!node) {
      out.stderr(`cat: ${f}: No such file or directory`);
      code = 1;
    } else if (node.type === 'dir') {
      out.stderr(`cat: ${f}: Is a directory`);
      code = 1;
    } else {
      const text = dec.decode(node.data ?? new Uint8Array(0));
      const lines = text.split('\n');
      if (lines[lines.length - 1] === '') lines.pop();
      for (const l of lines) out.stdout(l);
    }
  }
  return code;
}

function mkdir(args: string[], ws: MemoryWorkspace, out: ConsoleOutput): number {
  const o = options('mkdir', args, 'p', out);
  if (!o) return 1;
  if (!o.operands.length) {
    out.stderr('mkdir: missing operand');
    out.stderr("Try 'mkdir --help' for more information.");
    return 1;
  }
  let code = 0;
  for (const d of o.operands) {
    const p = ws.resolve(d);
    const node = ws.nodes.get(p);
    if (node && (!o.opts.has('p') || node.type !== 'dir')) {
      out.stderr(`mkdir: cannot create directory '${d}': File exists`);
      code = 1;
    } else if (!o.opts.has('p') && ws.nodes.get(parentOf(p))?.type !== 'dir') {
      out.stderr(`mkdir: cannot create directory '${d}': No such file or directory`);
      code = 1;
    } else if (o.opts.has('p') && blockedByFile(ws, p)) {
      out.stderr(`mkdir: cannot create directory '${d}': Not a directory`);
      code = 1;
    } else if (!node) ws.mkdirp(p);
  }
  return code;
}

function blockedByFile(ws: MemoryWorkspace, p: string): boolean {
  for (let q = parentOf(p); q !== '/'; q = parentOf(q)) {
    const n = ws.nodes.get(q);
    if (n && n.type !== 'dir') return true;
  }
  return false;
}

function rm(args: string[], ws: MemoryWorkspace, out: ConsoleOutput): number {
  const o = options('rm', args, 'rRf', out);
  if (!o) return 1;
  const force = o.opts.has('f');
  const recursive = o.opts.has('r') || o.opts.has('R');
  if (!o.operands.length) {
    if (force) return 0;
    out.stderr('rm: missing operand');
    out.stderr("Try 'rm --help' for more information.");
    return 1;
  }
  let code = 0;
  for (const f of o.operands) {
    const p = ws.resolve(f);
    const node = ws.nodes.get(p);
    if (!node) {
      if (!force) {
        out.stderr(`rm: cannot remove '${f}': No such file or directory`);
        code = 1;
      }
    } else if (p === '/' || p === ws.cwd || ws.cwd.startsWith(p + '/')) {
      out.stderr(`rm: refusing to remove '.' or '..' directory: skipping '${f}'`);
      code = 1;
    } else if (node.type === 'dir' && !recursive) {
      out.stderr(`rm: cannot remove '${f}': Is a directory`);
      code = 1;
    } else ws.remove(p);
  }
  return code;
}

function touch(args: string[], ws: MemoryWorkspace, out: ConsoleOutput): number {
  if (!args.length) {
    out.stderr('touch: missing file operand');
    out.stderr("Try 'touch --help' for more information.");
    return 1;
  }
  let code = 0;
  for (const f of args) {
    const p = ws.resolve(f);
    if (ws.nodes.has(p)) ws.touch(p);
    else if (ws.nodes.get(parentOf(p))?.type !== 'dir') {
      out.stderr(`touch: cannot touch '${f}': No such file or directory`);
      code = 1;
    } else ws.write(p, '');
  }
  return code;
}

function echo(args: string[], out: ConsoleOutput): CommandResult {
  let noNewline = false;
  while (args[0] === '-n') {
    noNewline = true;
    args = args.slice(1);
  }
  out.stdout(args.join(' '));
  return noNewline ? { code: 0, noNewline: true } : { code: 0 };
}

function edit(args: string[], ws: MemoryWorkspace, out: ConsoleOutput): CommandResult {
  if (args.length !== 1) {
    out.stderr('edit: expects exactly one FILE');
    out.stderr('Usage: edit FILE');
    return { code: 1 };
  }
  const p = ws.resolve(args[0]!);
  const node = ws.nodes.get(p);
  if (node?.type === 'dir') {
    out.stderr(`edit: ${args[0]}: Is a directory`);
    return { code: 1 };
  }
  if (!node && ws.nodes.get(parentOf(p))?.type !== 'dir') {
    out.stderr(`edit: ${args[0]}: No such file or directory`);
    return { code: 1 };
  }
  out.stdout(`Opening ${baseName(p)} in the editor`);
  return { code: 0, edit: p };
}

/** The docker commands `help` lists, with one line each. */
const DOCKER_HELP: [string, string][] = [
  ['docker build -t NAME PATH', 'Build an image from a Dockerfile'],
  ['docker images', 'List images'],
  ['docker run [OPTIONS] IMAGE', 'Create and run a container'],
  ['docker ps [-a]', 'List containers'],
  ['docker logs CONTAINER', 'Show what a container printed'],
  ['docker exec CONTAINER CMD', 'Run a command in a running container'],
  ['docker stop | rm CONTAINER', 'Stop or remove containers'],
  ['docker rmi IMAGE', 'Remove images'],
  ['docker history IMAGE', 'Show the layers of an image'],
  ['docker pull | push IMAGE', 'Download or upload an image'],
  ['docker volume ls', 'List volumes'],
  ['docker system df', 'Show disk usage'],
  ['docker --help', 'Every docker command'],
];

function help(out: ConsoleOutput): void {
  out.stdout('Docker commands:');
  for (const [u, h] of DOCKER_HELP) out.stdout(`  ${u.padEnd(28)}${h}`);
  out.stdout('');
  out.stdout('Workspace commands:');
  for (const c of WORKSPACE_COMMANDS) out.stdout(`  ${c.usage.padEnd(28)}${c.help}`);
  out.stdout('');
  out.stdout('Also: VAR=value, $VAR, cmd1 && cmd2, cmd1; cmd2. Tab completes, Up/Down recall, Ctrl-R searches, Ctrl-C cancels.');
  out.stdout('Keys: Ctrl-S saves in the editor; Ctrl-` comes back to the console from anywhere.');
}
