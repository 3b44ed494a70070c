/**
 * Small utilities: basename, dirname, expr, xargs, readlink, realpath,
 * mktemp, checksums, base64, pwd.
 */
import { md5, sha1 } from '@noble/hashes/legacy.js';
import { sha256, sha512 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { fromUtf8, utf8 } from '../../hash.js';
import { bytesToBase64, base64ToBytes } from '../../fs/layer.js';
import { basename as baseOf, dirname as dirOf, normalize } from '../../fs/path.js';
import type { Command, CommandIO } from '../types.js';
import { abs, errText, readBytes, statPath } from '../files.js';
import { posixToJs } from './grep.js';
import { shellIO } from '../process.js';
import { parseArgs } from './util.js';

const basename: Command = (argv, io) => {
  const name = argv[1];
  if (name === undefined) {
    io.stderr('basename: missing operand\n');
    return 1;
  }
  let b = name === '' ? '' : /^\/+$/.test(name) ? '/' : baseOf(name.replace(/\/+$/, ''));
  const suffix = argv[2];
  if (suffix && b !== suffix && b.endsWith(suffix)) b = b.slice(0, -suffix.length);
  io.stdout(b + '\n');
  return 0;
};

const dirname: Command = (argv, io) => {
  const name = argv[1];
  if (name === undefined) {
    io.stderr('dirname: missing operand\n');
    return 1;
  }
  const trimmed = name.replace(/\/+$/, '');
  if (trimmed === '') io.stdout(name.startsWith('/') ? '/\n' : '.\n');
  else if (!trimmed.includes('/')) io.stdout('.\n');
  else io.stdout((trimmed.slice(0, trimmed.lastIndexOf('/')).replace(/\/+$/, '') || '/') + '\n');
  return 0;
};

class ExprError extends Error {}

/** Evaluates `expr` arguments with POSIX precedence (or, and, comparison, sums, products, match) and the GNU words. */
function evalExpr(args: string[]): string {
  let pos = 0;
  const isNum = (s: string) => /^-?\d+$/.test(s);
  const isNull = (s: string) => s === '' || (isNum(s) && Number(s) === 0);
  const num = (s: string) => {
    if (!isNum(s)) throw new ExprError('non-numeric argument');
    return Number(s);
  };
  const primary = (): string => {
    const t = args[pos++];
    if (t === undefined) throw new ExprError('syntax error');
    if (t === '(') {
      const v = or();
      if (args[pos++] !== ')') throw new ExprError('syntax error');
      return v;
    }
    if (t === 'length') return String([...primary()].length);
    if (t === 'substr') {
      const s = primary();
      const p = num(primary());
      const l = num(primary());
      return p < 1 || l < 1 ? '' : [...s].slice(p - 1, p - 1 + l).join('');
    }
    if (t === 'index') {
      const s = primary();
      const chars = primary();
      const i = [...s].findIndex((c) => chars.includes(c));
      return String(i + 1);
    }
    if (t === 'match') return match(primary(), primary());
    return t;
  };
  const match = (s: string, re: string): string => {
    const m = new RegExp('^(?:' + posixToJs(re, false) + ')').exec(s);
    if (!m) return /\\\(/.test(re) ? '' : '0';
    return m[1] !== undefined ? m[1] : /\\\(/.test(re) ? '' : String(m[0].length);
  };
  const colon = (): string => {
    let v = primary();
    while (args[pos] === ':') {
      pos++;
      v = match(v, primary());
    }
    return v;
  };
  const mul = (): string => {
    let v = colon();
    while (['*', '/', '%'].includes(args[pos] ?? '')) {
      const op = args[pos++]!;
      const r = num(colon());
      if (op !== '*' && r === 0) throw new ExprError('division by zero');
      v = String(op === '*' ? num(v) * r : op === '/' ? Math.trunc(num(v) / r) : num(v) % r);
    }
    return v;
  };
  const add = (): string => {
    let v = mul();
    while (args[pos] === '+' || args[pos] === '-') {
      const op = args[pos++]!;
      v = String(op === '+' ? num(v) + num(mul()) : num(v) - num(mul()));
    }
    return v;
  };
  const cmp = (): string => {
    let v = add();
    while (['<', '<=', '=', '==', '!=', '>=', '>'].includes(args[pos] ?? '')) {
      const op = args[pos++]!;
      const r = add();
      const c = isNum(v) && isNum(r) ? Number(v) - Number(r) : v < r ? -1 : v > r ? 1 : 0;
      v = String(+(op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '=' || op === '==' ? c === 0 : op === '!=' ? c !== 0 : op === '>=' ? c >= 0 : c > 0));
    }
    return v;
  };
  const and = (): string => {
    let v = cmp();
    while (args[pos] === '&') {
      pos++;
      const r = cmp();
      v = isNull(v) || isNull(r) ? '0' : v;
    }
    return v;
  };
  const or = (): string => {
    let v = and();
    while (args[pos] === '|') {
      pos++;
      const r = and();
      v = isNull(v) ? (isNull(r) ? '0' : r) : v;
    }
    return v;
  };
  const v = or();
  if (pos < args.length) throw new ExprError('syntax error');
  return v;
}

const expr: Command = (argv, io) => {
  try {
    const v = evalExpr(argv.slice(1));
    io.stdout(v + '\n');
    return v === '' || v === '0' ? 1 : 0;
  } catch (e) {
    if (!(e instanceof ExprError)) throw e;
    io.stderr(`expr: ${e.message}\n`);
    return 2;
  }
};

/** Splits xargs input into arguments: blanks separate, quotes and backslashes group. */
function xargsWords(text: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|\\(.)|(\s+)|([^\s"'\\]+)/gs;
  let cur: string | null = null;
  for (const m of text.matchAll(re)) {
    if (m[4] !== undefined) {
      if (cur !== null) out.push(cur);
      cur = null;
    } else cur = (cur ?? '') + (m[1] ?? m[2] ?? m[3] ?? m[5] ?? '');
  }
  if (cur !== null) out.push(cur);
  return out;
}

const xargs: Command = (argv, io) => {
  let i = 1;
  let maxArgs = Infinity;
  let replace: string | null = null;
  let nul = false;
  let noEmpty = false;
  let trace = false;
  for (; i < argv.length && argv[i]!.startsWith('-'); i++) {
    const o = argv[i]!;
    if (o === '-n') maxArgs = Number(argv[++i]);
    else if (/^-n\d+$/.test(o)) maxArgs = Number(o.slice(2));
    else if (o === '-I') replace = argv[++i] ?? '{}';
    else if (o.startsWith('-I')) replace = o.slice(2);
    else if (o === '-0') nul = true;
    else if (o === '-r') noEmpty = true;
    else if (o === '-t') trace = true;
    else if (o === '--') {
      i++;
      break;
    }
  }
  const cmd = argv.length > i ? argv.slice(i) : ['echo'];
  const input = io.stdin;
  const items = replace !== null ? input.split(nul ? '\0' : '\n').filter((l) => l !== '') : nul ? input.split('\0').filter((x) => x !== '') : xargsWords(input);
  if (items.length === 0 && noEmpty) return 0;
  const sio = shellIO(io);
  if (!sio) return 1;
  const batches: string[][] = [];
  if (replace !== null) for (const it of items) batches.push(cmd.map((c) => c.split(replace!).join(it)));
  else if (items.length === 0) batches.push(cmd);
  else for (let k = 0; k < items.length; k += Math.min(maxArgs, items.length)) batches.push([...cmd, ...items.slice(k, k + maxArgs)]);
  let st = 0;
  for (const b of batches) {
    if (trace) io.stderr(b.join(' ') + '\n');
    const r = sio.spawn(b, { stdin: '' });
    if (r.notFound) {
      io.stderr(`xargs: ${b[0]}: No such file or directory\n`);
      return 127;
    }
    if (r.notExecutable) return 126;
    if (r.code === 255) return 124;
    if (r.code !== 0) st = 123;
  }
  return st;
};

/** Resolves symlinks like `readlink -f`: every component but the last must exist. */
function canonical(io: CommandIO, p: string, lastMayBeMissing: boolean): string | null {
  const a = abs(io, p);
  try {
    return io.fs.realpath(a);
  } catch {
    if (!lastMayBeMissing) return null;
    try {
      return normalize(baseOf(a), io.fs.realpath(dirOf(a)));
    } catch {
      return null;
    }
  }
}

const readlink: Command = (argv, io) => {
  const a = parseArgs(argv, 'fenqsv', '', io);
  if (!a) return 1;
  let st = 0;
  for (const f of a.args) {
    let v: string | null;
    if (a.opts.has('f') || a.opts.has('e')) v = canonical(io, f, a.opts.has('f'));
    else {
      try {
        v = io.fs.readlink(abs(io, f));
      } catch {
        v = null;
      }
    }
    if (v === null) st = 1;
    else io.stdout(v + (a.opts.has('n') ? '' : '\n'));
  }
  return st;
};

const realpath: Command = (argv, io) => {
  let st = 0;
  for (const f of argv.slice(1).filter((x) => !x.startsWith('-'))) {
    const v = canonical(io, f, false);
    if (v === null) {
      io.stderr(`realpath: ${f}: No such file or directory\n`);
      st = 1;
    } else io.stdout(v + '\n');
  }
  return st;
};

const mktemp: Command = (argv, io) => {
  const a = parseArgs(argv, 'dqtu', 'p', io);
  if (!a) return 1;
  const template = a.args[0] ?? 'tmp.XXXXXX';
  const dir = a.opts.has('p') ? String(a.opts.get('p')) : a.opts.has('t') || !a.args[0] ? (io.env.TMPDIR ?? '/tmp') : '';
  const xs = /X+$/.exec(template)?.[0].length ?? 0;
  if (xs < 3) {
    io.stderr(`mktemp: invalid template '${template}'\n`);
    return 1;
  }
  const chars = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  for (let attempt = 0; attempt < 1000; attempt++) {
    let seed = (io.now() * 31 + attempt * 7919) >>> 0;
    let suffix = '';
    for (let k = 0; k < xs; k++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      suffix += chars[(seed >>> 16) % chars.length];
    }
    const name = (dir ? dir.replace(/\/$/, '') + '/' : '') + template.slice(0, -xs) + suffix;
    const p = abs(io, name);
    if (statPath(io, p, false)) continue;
    if (a.opts.has('u')) {
      io.stdout(name + '\n');
      return 0;
    }
    try {
      if (a.opts.has('d')) io.fs.mkdir(p, { mode: 0o700 });
      else io.fs.writeFile(p, '', { mode: 0o600 });
    } catch (e) {
      if (!a.opts.has('q')) io.stderr(`mktemp: (null): ${errText(e)}\n`);
      return 1;
    }
    io.stdout(name + '\n');
    return 0;
  }
  return 1;
};

const checksum = (name: string, hash: (b: Uint8Array) => Uint8Array, useDigest: boolean): Command => (argv, io) => {
  let st = 0;
  const files = argv.slice(1).filter((x) => !x.startsWith('-') || x === '-');
  for (const f of files.length ? files : ['-']) {
    try {
      let hex: string;
      const s = f === '-' ? null : statPath(io, f);
      if (useDigest && s?.digest && s.type === 'file') {
        readBytes(io, f);
        hex = s.digest;
      } else hex = bytesToHex(hash(f === '-' ? utf8(io.stdin) : readBytes(io, f)));
      io.stdout(`${hex}  ${f}\n`);
    } catch (e) {
      io.stderr(`${name}: can't open '${f}': ${errText(e)}\n`);
      st = 1;
    }
  }
  return st;
};

const base64: Command = (argv, io) => {
  const a = parseArgs(argv, 'dw', '', io);
  if (!a) return 1;
  const data = a.args[0] ? readBytes(io, a.args[0]) : utf8(io.stdin);
  if (a.opts.has('d')) io.stdout(fromUtf8(base64ToBytes(fromUtf8(data).replace(/\s+/g, ''))));
  else io.stdout((bytesToBase64(data).match(/.{1,76}/g) ?? []).join('\n') + '\n');
  return 0;
};

export const MISC_APPLETS: Record<string, Command> = {
  basename,
  dirname,
  expr,
  xargs,
  readlink,
  realpath,
  mktemp,
  sha256sum: checksum('sha256sum', (b) => sha256(b), true),
  sha512sum: checksum('sha512sum', (b) => sha512(b), false),
  sha1sum: checksum('sha1sum', (b) => sha1(b), false),
  md5sum: checksum('md5sum', (b) => md5(b), false),
  base64,
  pwd: (_a, io) => (io.stdout(io.cwd + '\n'), 0),
};
