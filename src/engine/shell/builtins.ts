/**
 * Commands the shell runs itself, without looking in PATH: the ones that
 * change the shell (cd, export, set, exit, ...) and the ones ash builds in
 * (echo, printf, test). Errors use the shell's own prefix and wording.
 */
import { normalize } from '../fs/path.js';
import { echoText, printfText } from './applets/echo.js';
import { runTest } from './applets/test.js';
import { lookupCommand, runExternal } from './exec.js';
import { canExecute, errText, readText } from './files.js';
import { ExitError, LoopControl, ReturnError } from './control.js';
import type { Shell } from './interp.js';

export type Builtin = (sh: Shell, argv: string[]) => number;

/** POSIX special builtins: their assignments persist and their errors end a script. */
export const SPECIAL_BUILTINS = new Set([':', '.', 'source', 'break', 'continue', 'eval', 'exec', 'exit', 'export', 'readonly', 'return', 'set', 'shift', 'times', 'trap', 'unset', 'local']);

/** Ends the script after a special builtin's error, as a non-interactive POSIX shell does. */
function fatal(sh: Shell, text: string, cmd: string): never {
  sh.err(sh.msg(text, cmd));
  throw new ExitError(2);
}

function quoteValue(v: string): string {
  return `'${v.replace(/'/g, `'\\''`)}'`;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function exportLike(sh: Shell, argv: string[], readonly: boolean): number {
  const args = argv.slice(1).filter((a) => a !== '-p' && a !== '-n');
  if (args.length === 0) {
    const names = [...(readonly ? sh.readonlyVars : sh.exported)].filter((n) => sh.vars.has(n)).sort();
    for (const n of names) sh.out(`${readonly ? 'readonly' : 'export'} ${n}=${quoteValue(sh.vars.get(n)!)}\n`);
    return 0;
  }
  for (const a of args) {
    const eq = a.indexOf('=');
    const name = eq < 0 ? a : a.slice(0, eq);
    if (!NAME.test(name)) fatal(sh, `${name}: bad variable name`, argv[0]!);
    if (eq >= 0 && !sh.assign(name, a.slice(eq + 1))) return 1;
    if (readonly) sh.readonlyVars.add(name);
    else if (argv.includes('-n')) sh.exported.delete(name);
    else sh.exported.add(name);
  }
  return 0;
}

function setOption(sh: Shell, flag: string, on: boolean): boolean {
  switch (flag) {
    case 'e':
    case 'errexit': sh.opts.errexit = on; return true;
    case 'x':
    case 'xtrace': sh.opts.xtrace = on; return true;
    case 'u':
    case 'nounset': sh.opts.nounset = on; return true;
    case 'f':
    case 'noglob': sh.opts.noglob = on; return true;
    case 'pipefail': sh.opts.pipefail = on; return true;
    case 'v':
    case 'verbose':
    case 'C':
    case 'noclobber':
    case 'a':
    case 'h':
    case 'm':
      return true;
  }
  return false;
}

function setCmd(sh: Shell, argv: string[]): number {
  const args = argv.slice(1);
  if (args.length === 0) {
    for (const n of [...sh.vars.keys()].sort()) sh.out(`${n}=${quoteValue(sh.vars.get(n)!)}\n`);
    return 0;
  }
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      i++;
      sh.args = args.slice(i);
      return 0;
    }
    if (!/^[-+]/.test(a) || a === '-' || a === '+') break;
    const on = a[0] === '-';
    if (a.slice(1) === 'o') {
      const name = args[++i];
      if (name === undefined) {
        sh.out(`pipefail       \t${sh.opts.pipefail ? 'on' : 'off'}\nerrexit        \t${sh.opts.errexit ? 'on' : 'off'}\n`);
        continue;
      }
      if (!setOption(sh, name, on)) fatal(sh, `Illegal option -o ${name}`, 'set');
      continue;
    }
    for (const f of a.slice(1)) if (!setOption(sh, f, on)) fatal(sh, `Illegal option ${a[0]}${f}`, 'set');
  }
  if (i < args.length) sh.args = args.slice(i);
  return 0;
}

function cd(sh: Shell, argv: string[]): number {
  const args = argv.slice(1).filter((a) => a !== '-L' && a !== '-P');
  let target = args[0];
  let print = false;
  if (target === undefined || target === '') target = sh.get('HOME') ?? '/';
  if (target === '-') {
    target = sh.get('OLDPWD') ?? sh.cwd;
    print = true;
  }
  const dest = normalize(target, sh.cwd);
  const st = sh.fs.stat(dest);
  const fail = (errno: string): number => {
    if (sh.flavor === 'bash') {
      sh.err(sh.msg(`${target}: ${errno}`, 'cd'));
      return 1;
    }
    sh.err(sh.msg(sh.flavor === 'dash' ? `can't cd to ${target}` : `can't cd to ${target}: ${errno}`, 'cd'));
    return 2;
  };
  if (!st) return fail('No such file or directory');
  if (st.type !== 'dir') return fail('Not a directory');
  if (!canExecute(st, sh.base)) return fail('Permission denied');
  sh.vars.set('OLDPWD', sh.cwd);
  sh.cwd = dest;
  sh.vars.set('PWD', dest);
  if (print) sh.out(dest + '\n');
  return 0;
}

function read(sh: Shell, argv: string[]): number {
  let raw = false;
  const names: string[] = [];
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-r') raw = true;
    else if (a === '-p') sh.err(argv[++i] ?? '');
    else if (a === '-t' || a === '-n' || a === '-u' || a === '-d') i++;
    else if (a === '-s') continue;
    else names.push(a);
  }
  if (names.length === 0) names.push('REPLY');
  const first = sh.readLine();
  let complete = first?.complete ?? false;
  let line = first?.text ?? '';
  if (!raw) {
    while (complete && line.endsWith('\\')) {
      const more = sh.readLine();
      line = line.slice(0, -1) + (more?.text ?? '');
      complete = more?.complete ?? false;
    }
    line = line.replace(/\\(.)/g, '$1');
  }
  const ifs = sh.get('IFS') ?? ' \t\n';
  const ws = [...ifs].filter((c) => ' \t\n'.includes(c)).join('');
  const trimRe = ws ? new RegExp(`^[${escapeClass(ws)}]+|[${escapeClass(ws)}]+$`, 'g') : null;
  let rest = trimRe ? line.replace(trimRe, '') : line;
  names.forEach((n, i) => {
    if (i === names.length - 1) {
      sh.vars.set(n, rest);
      return;
    }
    const m = ifs ? new RegExp(`[${escapeClass(ifs)}]`).exec(rest) : null;
    if (!m) {
      sh.vars.set(n, rest);
      rest = '';
      return;
    }
    sh.vars.set(n, rest.slice(0, m.index));
    rest = rest.slice(m.index + 1);
    if (trimRe) rest = rest.replace(trimRe, '');
  });
  return complete ? 0 : 1;
}

function escapeClass(s: string): string {
  return s.replace(/[\\\]^-]/g, '\\$&').replace(/\t/g, '\\t').replace(/\n/g, '\\n');
}

/** What `command -v` / `type` say about a name: builtin, function or a path. */
function describe(sh: Shell, name: string): { kind: 'builtin' | 'function' | 'file' | 'keyword'; path?: string } | null {
  if (['if', 'then', 'else', 'elif', 'fi', 'for', 'while', 'until', 'do', 'done', 'case', 'esac', '{', '}', '!'].includes(name)) return { kind: 'keyword' };
  if (sh.funcs.has(name)) return { kind: 'function' };
  if (BUILTINS.has(name)) return { kind: 'builtin' };
  const f = lookupCommand(sh.view(), name, sh.get('PATH'));
  return f.kind === 'found' ? { kind: 'file', path: f.path } : null;
}

function commandCmd(sh: Shell, argv: string[]): number {
  const flag = argv[1];
  if (flag === '-v' || flag === '-V') {
    let st = 0;
    for (const name of argv.slice(2)) {
      const d = describe(sh, name);
      if (!d) {
        if (flag === '-V') sh.err(`${name}: not found\n`);
        st = sh.flavor === 'bash' ? 1 : 127;
      } else if (flag === '-v') sh.out((d.path ?? name) + '\n');
      else sh.out(typeLine(name, d) + '\n');
    }
    return st;
  }
  const args = flag === '-p' ? argv.slice(2) : argv.slice(1);
  if (args.length === 0) return 0;
  const b = BUILTINS.get(args[0]!);
  return b ? b(sh, args) : runExternal(sh, args, {});
}

function typeLine(name: string, d: NonNullable<ReturnType<typeof describe>>): string {
  if (d.kind === 'keyword') return `${name} is a shell keyword`;
  if (d.kind === 'function') return `${name} is a function`;
  if (d.kind === 'builtin') return `${name} is a ${SPECIAL_BUILTINS.has(name) ? 'special ' : ''}shell builtin`;
  return `${name} is ${d.path}`;
}

function typeCmd(sh: Shell, argv: string[]): number {
  let st = 0;
  for (const name of argv.slice(1)) {
    const d = describe(sh, name);
    if (d) sh.out(typeLine(name, d) + '\n');
    else {
      if (sh.flavor === 'bash') sh.err(sh.msg(`${name}: not found`, 'type'));
      else sh.out(`${name}: not found\n`);
      st = sh.flavor === 'bash' ? 1 : 127;
    }
  }
  return st;
}

function number(sh: Shell, cmd: string, v: string | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  if (!/^\d+$/.test(v)) fatal(sh, `Illegal number: ${v}`, cmd);
  return Number(v);
}

function source(sh: Shell, argv: string[]): number {
  const name = argv[1];
  if (name === undefined) fatal(sh, 'filename argument required', argv[0]!);
  let path = name;
  if (!name.includes('/')) {
    const found = (sh.get('PATH') ?? '').split(':').map((d) => normalize(name, normalize(d || '.', sh.cwd))).find((p) => sh.fs.stat(p)?.type === 'file');
    path = found ?? name;
  }
  let text: string;
  try {
    text = readText(sh.view(), path);
  } catch (e) {
    fatal(sh, `can't open '${name}': ${errText(e)}`, argv[0]!);
  }
  const saved = sh.args;
  if (argv.length > 2) sh.args = argv.slice(2);
  try {
    return sh.runSource(text);
  } catch (e) {
    if (e instanceof ReturnError) return (sh.status = e.code);
    throw e;
  } finally {
    if (argv.length > 2) sh.args = saved;
  }
}

function testCmd(sh: Shell, argv: string[]): number {
  const r = runTest(argv, sh.view());
  if (r.error) {
    if (sh.flavor === 'busybox') sh.err(`${sh.arg0}: ${r.error}\n`);
    else sh.err(sh.msg(r.error, argv[0]));
  }
  return r.status;
}

/** The builtins by name; `[[` is bash's and busybox's, not dash's. */
export const BUILTINS = new Map<string, Builtin>([
  [':', () => 0],
  ['true', () => 0],
  ['false', () => 1],
  ['echo', (sh, argv) => (sh.out(echoText(argv.slice(1), sh.flavor)), 0)],
  ['printf', (sh, argv) => {
    if (argv.length < 2) {
      sh.err(sh.flavor === 'busybox' ? 'printf: usage: printf FORMAT [ARGUMENT...]\n' : sh.msg('usage: printf format [arg ...]', 'printf'));
      return sh.flavor === 'bash' ? 2 : 1;
    }
    const errors: string[] = [];
    sh.out(printfText(argv[1]!, argv.slice(2), errors));
    for (const e of errors) sh.err(`printf: ${e}\n`);
    return errors.length > 0 ? 1 : 0;
  }],
  ['test', testCmd],
  ['[', testCmd],
  ['[[', (sh, argv) => (sh.flavor === 'dash' ? runExternal(sh, argv, {}) : testCmd(sh, argv))],
  ['pwd', (sh) => (sh.out(sh.cwd + '\n'), 0)],
  ['cd', cd],
  ['export', (sh, argv) => exportLike(sh, argv, false)],
  ['readonly', (sh, argv) => exportLike(sh, argv, true)],
  ['unset', (sh, argv) => {
    const fn = argv[1] === '-f';
    for (const n of argv.slice(1).filter((a) => a !== '-f' && a !== '-v')) {
      if (fn) sh.funcs.delete(n);
      else if (sh.readonlyVars.has(n)) fatal(sh, `${n}: readonly variable`, 'unset');
      else {
        sh.vars.delete(n);
        sh.exported.delete(n);
      }
    }
    return 0;
  }],
  ['local', (sh, argv) => {
    const frame = sh.localFrames[sh.localFrames.length - 1];
    if (!frame) fatal(sh, 'not in a function', 'local');
    for (const a of argv.slice(1)) {
      const eq = a.indexOf('=');
      const name = eq < 0 ? a : a.slice(0, eq);
      if (!frame.has(name)) frame.set(name, { value: sh.vars.get(name), exported: sh.exported.has(name) });
      if (eq >= 0) sh.vars.set(name, a.slice(eq + 1));
    }
    return 0;
  }],
  ['set', setCmd],
  ['shift', (sh, argv) => {
    const n = number(sh, 'shift', argv[1], 1);
    if (n > sh.args.length) fatal(sh, "can't shift that many", 'shift');
    sh.args = sh.args.slice(n);
    return 0;
  }],
  ['exit', (sh, argv) => {
    throw new ExitError(number(sh, 'exit', argv[1], sh.status) & 255);
  }],
  ['return', (sh, argv) => {
    throw new ReturnError(number(sh, 'return', argv[1], sh.status) & 255);
  }],
  ['break', (sh, argv) => {
    throw new LoopControl('break', number(sh, 'break', argv[1], 1));
  }],
  ['continue', (sh, argv) => {
    throw new LoopControl('continue', number(sh, 'continue', argv[1], 1));
  }],
  ['eval', (sh, argv) => (argv.length > 1 ? sh.runSource(argv.slice(1).join(' ')) : 0)],
  ['exec', (sh, argv) => {
    const b = BUILTINS.get(argv[1]!);
    throw new ExitError(b ? b(sh, argv.slice(1)) : runExternal(sh, argv.slice(1), {}));
  }],
  ['.', source],
  ['source', source],
  ['read', read],
  ['command', commandCmd],
  ['type', typeCmd],
  ['umask', (sh, argv) => (argv.length < 2 ? sh.out('0022\n') : undefined, 0)],
  ['wait', () => 0],
  ['trap', (sh, argv) => {
    // only EXIT (0) is modelled: no signals reach a simulated process
    const action = argv[1];
    const conds = argv.slice(2);
    if (action !== undefined && conds.some((c) => c === 'EXIT' || c === '0')) sh.exitTrap = action === '-' || action === '' ? undefined : action;
    return 0;
  }],
  ['hash', () => 0],
  ['alias', () => 0],
  ['unalias', () => 0],
  ['kill', () => 0],
  ['ulimit', (sh) => (sh.out('unlimited\n'), 0)],
  ['times', (sh) => (sh.out('0m0.00s 0m0.00s\n0m0.00s 0m0.00s\n'), 0)],
]);
