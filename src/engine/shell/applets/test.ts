/**
 * `test` / `[`: POSIX's rules by argument count first (so `[ -n = x ]`
 * means what POSIX says), then a recursive-descent grammar for -a, -o, !, ().
 */
import type { CommandIO } from '../types.js';
import { abs, canExecute, canOpen, statPath } from '../files.js';
import { matchPattern } from '../glob.js';

/** A test failure: status 2 and a message (`missing ]`, `a: bad number`). */
export class TestError extends Error {}

const UNARY = new Set(['-e', '-f', '-d', '-s', '-x', '-r', '-w', '-L', '-h', '-b', '-c', '-p', '-S', '-g', '-u', '-k', '-O', '-G', '-t', '-z', '-n']);
const BINARY = new Set(['=', '==', '!=', '<', '>', '-eq', '-ne', '-lt', '-gt', '-le', '-ge', '-nt', '-ot', '-ef']);

function num(s: string): number {
  const t = s.trim();
  if (!/^[+-]?\d+$/.test(t)) throw new TestError(`${s}: bad number`);
  return Number(t);
}

function unary(op: string, a: string, io: CommandIO): boolean {
  switch (op) {
    case '-z': return a === '';
    case '-n': return a !== '';
    case '-t': return false;
  }
  const st = statPath(io, a, op !== '-L' && op !== '-h');
  if (!st) return false;
  switch (op) {
    case '-e': return true;
    case '-f': return st.type === 'file';
    case '-d': return st.type === 'dir';
    case '-L':
    case '-h': return st.type === 'symlink';
    case '-s': return st.size > 0;
    case '-x': return canExecute(st, io);
    case '-r': return canOpen(st, io, 4);
    case '-w': return canOpen(st, io, 2);
    case '-u': return (st.mode & 0o4000) !== 0;
    case '-g': return (st.mode & 0o2000) !== 0;
    case '-k': return (st.mode & 0o1000) !== 0;
    case '-O': return st.uid === io.uid;
    case '-G': return st.gid === io.gid;
    case '-b':
    case '-c': return a.startsWith('/dev/') && st.size === 0 && a !== '/dev/stdin';
    case '-p':
    case '-S': return false;
  }
  return false;
}

function binary(a: string, op: string, b: string, io: CommandIO): boolean {
  switch (op) {
    case '=':
    case '==': return a === b;
    case '!=': return a !== b;
    case '<': return a < b;
    case '>': return a > b;
    case '-eq': return num(a) === num(b);
    case '-ne': return num(a) !== num(b);
    case '-lt': return num(a) < num(b);
    case '-gt': return num(a) > num(b);
    case '-le': return num(a) <= num(b);
    case '-ge': return num(a) >= num(b);
  }
  const sa = statPath(io, a);
  const sb = statPath(io, b);
  if (op === '-nt') return !!sa && (!sb || sa.mtime > sb.mtime);
  if (op === '-ot') return !!sb && (!sa || sa.mtime < sb.mtime);
  if (!sa || !sb) return false;
  try {
    return io.fs.realpath(abs(io, a)) === io.fs.realpath(abs(io, b));
  } catch {
    return false;
  }
}

/** Evaluates a test expression (without the command name and the closing `]`). */
export function evalTest(args: string[], io: CommandIO): boolean {
  let pos = 0;
  const peek = (o = 0) => args[pos + o];

  function primary(): boolean {
    const a = peek();
    if (a === undefined) throw new TestError('argument expected');
    if (a === '(') {
      pos++;
      const v = orExpr();
      if (peek() !== ')') throw new TestError("')' expected");
      pos++;
      return v;
    }
    if (peek(1) !== undefined && BINARY.has(peek(1)!) && peek(2) !== undefined) {
      pos += 3;
      return binary(a, args[pos - 2]!, args[pos - 1]!, io);
    }
    if (UNARY.has(a) && peek(1) !== undefined) {
      pos += 2;
      return unary(a, args[pos - 1]!, io);
    }
    pos++;
    return a !== '';
  }
  function notExpr(): boolean {
    if (peek() === '!' && peek(1) !== undefined) {
      pos++;
      return !notExpr();
    }
    return primary();
  }
  function andExpr(): boolean {
    let v = notExpr();
    while (peek() === '-a') {
      pos++;
      const r = notExpr();
      v = v && r;
    }
    return v;
  }
  function orExpr(): boolean {
    let v = andExpr();
    while (peek() === '-o') {
      pos++;
      const r = andExpr();
      v = v || r;
    }
    return v;
  }

  switch (args.length) {
    case 0: return false;
    case 1: return args[0] !== '';
    case 2:
      if (args[0] === '!') return args[1] === '';
      if (UNARY.has(args[0]!)) return unary(args[0]!, args[1]!, io);
      throw new TestError(`${args[0]}: unknown operand`);
    case 3:
      if (BINARY.has(args[1]!)) return binary(args[0]!, args[1]!, args[2]!, io);
      if (args[0] === '!') return !evalTest(args.slice(1), io);
      if (args[0] === '(' && args[2] === ')') return args[1] !== '';
      break;
    case 4:
      if (args[0] === '!') return !evalTest(args.slice(1), io);
      if (args[0] === '(' && args[3] === ')') return evalTest(args.slice(1, 3), io);
  }
  const v = orExpr();
  if (pos < args.length) throw new TestError(`${args[pos]}: unknown operand`);
  return v;
}

/** Runs test or `[` (argv includes the name); returns the status and an error text for status 2. */
export function runTest(argv: string[], io: CommandIO): { status: number; error?: string } {
  let args = argv.slice(1);
  if (argv[0] === '[') {
    if (args[args.length - 1] !== ']') return { status: 2, error: 'missing ]' };
    args = args.slice(0, -1);
  }
  if (argv[0] === '[[') {
    if (args[args.length - 1] !== ']]') return { status: 2, error: 'missing ]]' };
    args = args.slice(0, -1);
    // bash's [[ matches the right side of == as a pattern and =~ as a regular expression
    const [l, op, r] = args;
    if (args.length === 3 && (op === '==' || op === '=' || op === '!=')) return { status: matchPattern(r!, l!) === (op !== '!=') ? 0 : 1 };
    if (args.length === 3 && op === '=~') return { status: new RegExp(r!).test(l!) ? 0 : 1 };
  }
  try {
    return { status: evalTest(args, io) ? 0 : 1 };
  } catch (e) {
    if (e instanceof TestError) return { status: 2, error: e.message };
    throw e;
  }
}
