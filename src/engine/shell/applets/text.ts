/**
 * Text applets: cat, head, tail, wc, sort, uniq, tee, tr, cut, with busybox's
 * output formats and its `can't open 'FILE': ERRNO` errors.
 */
import { fromUtf8, utf8 } from '../../hash.js';
import type { Command, CommandIO } from '../types.js';
import { abs, errText, readText } from '../files.js';
import { parseArgs, splitLines } from './util.js';

/** Reads each named file (or stdin for none or `-`); reports unreadable ones. Returns the exit status. */
export function eachInput(io: CommandIO, name: string, files: string[], fn: (text: string, file: string) => void): number {
  let st = 0;
  for (const f of files.length === 0 ? ['-'] : files) {
    if (f === '-') {
      fn(io.stdin, f);
      continue;
    }
    let text: string;
    try {
      text = readText(io, f);
    } catch (e) {
      const why = errText(e);
      io.stderr(why === 'Is a directory' ? `${name}: read error: ${why}\n` : `${name}: can't open '${f}': ${why}\n`);
      st = 1;
      continue;
    }
    fn(text, f);
  }
  return st;
}

const cat: Command = (argv, io) => {
  const a = parseArgs(argv, 'nbuvteAsE', '', io);
  if (!a) return 1;
  let n = 0;
  return eachInput(io, 'cat', a.args, (text) => {
    if (!a.opts.has('n') && !a.opts.has('b')) {
      io.stdout(text);
      return;
    }
    const lines = text.split('\n');
    const last = lines.pop();
    let out = lines.map((l) => (a.opts.has('b') && l === '' ? '' : `${String(++n).padStart(6)}\t`) + l + '\n').join('');
    if (last) out += `${String(++n).padStart(6)}\t${last}`;
    io.stdout(out);
  });
};

function countArg(v: string | true | undefined, dflt: number): { n: number; sign: string } | null {
  if (v === undefined || v === true) return { n: dflt, sign: '' };
  const m = /^([+-]?)(\d+)([kKmMbB]?)$/.exec(v);
  if (!m) return null;
  const mult = { '': 1, k: 1024, K: 1024, m: 1 << 20, M: 1 << 20, b: 512, B: 512 }[m[3]!]!;
  return { n: Number(m[2]) * mult, sign: m[1]! };
}

/** `head -5` and `tail -5` are the old spelling of `-n 5`. */
function oldCount(argv: string[]): string[] {
  return argv.map((a, i) => {
    if (i === 0 || argv[i - 1] === '-n' || argv[i - 1] === '-c') return a;
    if (/^-\d+$/.test(a)) return `-n${a.slice(1)}`;
    return /^\+\d+$/.test(a) && argv[0]!.endsWith('tail') ? `-n${a}` : a;
  });
}

type Count = { n: number; sign: string };

/**
 * head and tail share options, headers and errors; `pick` selects the part
 * of an array (of lines or bytes) that the count names.
 */
function headTail(name: 'head' | 'tail', flags: string, pick: <T>(items: T[], c: Count) => T[]): Command {
  return (argv, io) => {
    const a = parseArgs(oldCount(argv), flags, 'nc', io);
    if (!a) return 1;
    const lines = countArg(a.opts.get('n'), 10);
    const bytes = a.opts.has('c') ? countArg(a.opts.get('c'), 0) : null;
    if (!lines || (a.opts.has('c') && !bytes)) {
      io.stderr(`${name}: invalid number '${a.opts.get('n') ?? a.opts.get('c')}'\n`);
      return 1;
    }
    const multi = (a.args.length > 1 && !a.opts.has('q')) || a.opts.has('v');
    let first = true;
    return eachInput(io, name, a.args, (text, f) => {
      if (multi) io.stdout(`${first ? '' : '\n'}==> ${f === '-' ? 'standard input' : f} <==\n`);
      first = false;
      if (bytes) io.stdout(fromUtf8(Uint8Array.from(pick([...utf8(text)], bytes))));
      else io.stdout(pick(text.split(/(?<=\n)/).filter((l) => l !== ''), lines).join(''));
    });
  };
}

const head = headTail('head', 'qv', (items, c) => (c.sign === '-' ? items.slice(0, Math.max(0, items.length - c.n)) : items.slice(0, c.n)));
const tail = headTail('tail', 'qvfFs', (items, c) => (c.sign === '+' ? items.slice(Math.max(0, c.n - 1)) : c.n === 0 ? [] : items.slice(-c.n)));

const wc: Command = (argv, io) => {
  const a = parseArgs(argv, 'lwcmL', '', io);
  if (!a) return 1;
  // busybox order: lines, words, chars, bytes, max line length
  let types = ['l', 'w', 'm', 'c', 'L'].filter((t) => a.opts.has(t));
  if (types.length === 0) types = ['l', 'w', 'c'];
  const single = a.args.length <= 1 && types.length === 1;
  const totals: Record<string, number> = { l: 0, w: 0, m: 0, c: 0, L: 0 };
  let count = 0;
  const print = (c: Record<string, number>, label: string) => {
    const cols = types.map((t, i) => (single && i === 0 ? String(c[t]) : (i === 0 ? '' : ' ') + String(c[t]).padStart(9)));
    io.stdout(cols.join('') + (label === '-' ? '\n' : ` ${label}\n`));
  };
  const st = eachInput(io, 'wc', a.args, (text, f) => {
    count++;
    const c = {
      l: (text.match(/\n/g) ?? []).length,
      w: text.split(/\s+/).filter(Boolean).length,
      m: [...text].length,
      c: utf8(text).length,
      L: Math.max(0, ...text.split('\n').map((l) => l.length)),
    };
    for (const k of Object.keys(totals)) totals[k] = k === 'L' ? Math.max(totals[k]!, c.L) : totals[k]! + c[k as keyof typeof c];
    print(c, f === '-' && a.args.length === 0 ? '-' : f);
  });
  if (count > 1) print(totals, 'total');
  return st;
};

function sortKey(line: string, a: { key?: number; sep?: string }): string {
  if (a.key === undefined) return line;
  const fields = a.sep !== undefined ? line.split(a.sep) : line.split(/(?=\s+\S)/);
  return fields.slice(a.key - 1).join(a.sep ?? '').replace(a.sep === undefined ? /^\s+/ : /$^/, '');
}

const sort: Command = (argv, io) => {
  const a = parseArgs(argv, 'rnufbhsVcmz', 'kto', io);
  if (!a) return 1;
  const lines: string[] = [];
  const st = eachInput(io, 'sort', a.args, (text) => lines.push(...splitLines(text)));
  if (st) return 2;
  const key = a.opts.has('k') ? Number(String(a.opts.get('k')).split(/[.,]/)[0]) : undefined;
  const sep = a.opts.has('t') ? String(a.opts.get('t')) : undefined;
  const k = (l: string) => {
    let s = sortKey(l, { key, sep });
    if (a.opts.has('b')) s = s.trimStart();
    return a.opts.has('f') ? s.toUpperCase() : s;
  };
  const num = (s: string) => {
    const m = /^\s*[-+]?\d*\.?\d+/.exec(s);
    return m ? Number(m[0]) : 0;
  };
  const cmp = (x: string, y: string) => {
    const kx = k(x);
    const ky = k(y);
    if (a.opts.has('n') || a.opts.has('h')) {
      const d = num(kx) - num(ky);
      if (d !== 0) return d;
    } else if (kx !== ky) return kx < ky ? -1 : 1;
    return x < y ? -1 : x > y ? 1 : 0;
  };
  let out = lines.sort(cmp);
  if (a.opts.has('r')) out.reverse();
  if (a.opts.has('u')) out = out.filter((l, i) => i === 0 || cmp(out[i - 1]!, l) !== 0 || (!a.opts.has('n') && k(out[i - 1]!) !== k(l)));
  const text = out.map((l) => l + '\n').join('');
  if (a.opts.has('o')) {
    io.fs.writeFile(abs(io, String(a.opts.get('o'))), text);
    return 0;
  }
  io.stdout(text);
  return 0;
};

const uniq: Command = (argv, io) => {
  const a = parseArgs(argv, 'cdui', '', io);
  if (!a) return 1;
  return eachInput(io, 'uniq', a.args.slice(0, 1), (text) => {
    const groups: [string, number][] = [];
    for (const l of splitLines(text)) {
      const last = groups[groups.length - 1];
      if (last && (a.opts.has('i') ? last[0].toLowerCase() === l.toLowerCase() : last[0] === l)) last[1]++;
      else groups.push([l, 1]);
    }
    let out = '';
    for (const [l, n] of groups) {
      if (a.opts.has('d') && n < 2) continue;
      if (a.opts.has('u') && n > 1) continue;
      out += (a.opts.has('c') ? `${String(n).padStart(7)} ` : '') + l + '\n';
    }
    io.stdout(out);
  });
};

const tee: Command = (argv, io) => {
  const a = parseArgs(argv, 'ai', '', io);
  if (!a) return 1;
  const text = io.stdin;
  let st = 0;
  for (const f of a.args) {
    try {
      io.fs.writeFile(abs(io, f), text, { append: a.opts.has('a') });
    } catch (e) {
      io.stderr(`tee: ${f}: ${errText(e)}\n`);
      st = 1;
    }
  }
  io.stdout(text);
  return st;
};

/** Expands a tr set: ranges, [:classes:], escapes. */
function trSet(s: string): string[] {
  const classes: Record<string, string> = {
    lower: 'abcdefghijklmnopqrstuvwxyz',
    upper: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
    digit: '0123456789',
    space: ' \t\n\r\f\v',
    blank: ' \t',
    punct: '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~',
  };
  classes.alpha = classes.lower! + classes.upper;
  classes.alnum = classes.alpha + classes.digit;
  classes.xdigit = '0123456789ABCDEFabcdef';
  const chars: string[] = [];
  const src = s.replace(/\\(n|t|r|\\|[0-7]{1,3})/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c === 'r' ? '\r' : c === '\\' ? '\\' : String.fromCharCode(parseInt(c, 8))));
  for (let i = 0; i < src.length; i++) {
    const cls = /^\[:([a-z]+):\]/.exec(src.slice(i));
    if (cls && classes[cls[1]!]) {
      chars.push(...classes[cls[1]!]!);
      i += cls[0].length - 1;
    } else if (src[i + 1] === '-' && i + 2 < src.length) {
      for (let c = src.charCodeAt(i); c <= src.charCodeAt(i + 2); c++) chars.push(String.fromCharCode(c));
      i += 2;
    } else chars.push(src[i]!);
  }
  return chars;
}

const tr: Command = (argv, io) => {
  const a = parseArgs(argv, 'dscC', '', io);
  if (!a) return 1;
  if (a.args.length === 0) {
    io.stderr('tr: missing operand\n');
    return 1;
  }
  const set1 = trSet(a.args[0]!);
  const set2 = a.args[1] !== undefined ? trSet(a.args[1]) : [];
  const complement = a.opts.has('c') || a.opts.has('C');
  const inSet1 = (c: string) => set1.includes(c) !== complement;
  const text = io.stdin;
  let out = '';
  let prev = '';
  for (const c of text) {
    let o = c;
    if (a.opts.has('d')) {
      if (inSet1(c)) continue;
    } else if (set2.length > 0 && inSet1(c)) {
      o = complement ? set2[set2.length - 1]! : (set2[set1.indexOf(c)] ?? set2[set2.length - 1]!);
    }
    const squeezeSet = a.opts.has('d') || set2.length > 0 ? set2 : set1;
    if (a.opts.has('s') && o === prev && squeezeSet.includes(o)) continue;
    out += o;
    prev = o;
  }
  io.stdout(out);
  return 0;
};

/** Parses a cut list (`1,3-5,-2,7-`) into a membership test. */
function cutList(spec: string): ((n: number) => boolean) | null {
  const ranges: [number, number][] = [];
  for (const part of spec.split(',')) {
    const m = /^(\d*)(-?)(\d*)$/.exec(part);
    if (!m || (m[1] === '' && m[3] === '')) return null;
    const lo = m[1] ? Number(m[1]) : 1;
    const hi = m[2] ? (m[3] ? Number(m[3]) : Infinity) : lo;
    ranges.push([lo, hi]);
  }
  return (n) => ranges.some(([lo, hi]) => n >= lo && n <= hi);
}

const cut: Command = (argv, io) => {
  const a = parseArgs(argv, 'sn', 'dfcb', io);
  if (!a) return 1;
  const spec = a.opts.get('f') ?? a.opts.get('c') ?? a.opts.get('b');
  const want = typeof spec === 'string' ? cutList(spec) : null;
  if (!want) {
    io.stderr(spec === undefined ? 'cut: expected a list of bytes, characters, or fields\n' : `cut: invalid byte, character or field list\n`);
    return 1;
  }
  const delim = a.opts.has('d') ? String(a.opts.get('d')) : '\t';
  return eachInput(io, 'cut', a.args, (text) => {
    let out = '';
    for (const line of splitLines(text)) {
      if (a.opts.has('f')) {
        if (!line.includes(delim)) {
          if (!a.opts.has('s')) out += line + '\n';
          continue;
        }
        out += line.split(delim).filter((_, i) => want(i + 1)).join(delim) + '\n';
      } else out += [...line].filter((_, i) => want(i + 1)).join('') + '\n';
    }
    io.stdout(out);
  });
};

export const TEXT_APPLETS: Record<string, Command> = { cat, head, tail, wc, sort, uniq, tee, tr, cut };
