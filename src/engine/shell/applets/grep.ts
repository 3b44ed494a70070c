/**
 * grep and sed over JavaScript regular expressions, after translating POSIX
 * basic and extended syntax (`\(` groups, `[[:digit:]]` classes, `\<` words).
 */
import { normalize } from '../../fs/path.js';
import type { Command, CommandIO } from '../types.js';
import { abs, errText, readText } from '../files.js';
import { eachInput } from './text.js';
import { parseArgs, splitLines } from './util.js';

const CLASSES: Record<string, string> = {
  alpha: 'A-Za-z', digit: '0-9', alnum: 'A-Za-z0-9', upper: 'A-Z', lower: 'a-z', space: ' \\t\\n\\r\\f\\v',
  blank: ' \\t', punct: '!-\\/:-@\\[-`{-~', xdigit: '0-9A-Fa-f', print: ' -~', graph: '!-~', cntrl: '\\x00-\\x1f',
};

/** Translates a POSIX regex (basic unless `extended`) to a JavaScript RegExp source. */
export function posixToJs(re: string, extended: boolean): string {
  let out = '';
  for (let i = 0; i < re.length; i++) {
    const c = re[i]!;
    if (c === '[') {
      let j = i + 1;
      let cls = '[';
      if (re[j] === '^') cls += re[j++];
      if (re[j] === ']') (cls += '\\]'), j++;
      for (; j < re.length && re[j] !== ']'; j++) {
        const m = /^\[:([a-z]+):\]/.exec(re.slice(j));
        if (m) {
          cls += CLASSES[m[1]!] ?? '';
          j += m[0].length - 1;
        } else cls += re[j] === '\\' || re[j] === '[' ? '\\' + re[j] : re[j];
      }
      out += cls + ']';
      i = j;
      continue;
    }
    if (c === '\\') {
      const n = re[++i] ?? '\\';
      if (n === '<' || n === '>') out += '\\b';
      else if (!extended && '(){}|+?'.includes(n)) out += n;
      else out += '\\' + n;
      continue;
    }
    if (!extended && '(){}|+?'.includes(c)) out += '\\' + c;
    else if (c === '*' && (out === '' || out.endsWith('(') || out.endsWith('|') || out === '^')) out += '\\*';
    else if (c === '{' && extended && !/^\{\d*(,\d*)?\}/.test(re.slice(i))) out += '\\{';
    else out += c;
  }
  return out;
}

function filesUnder(io: CommandIO, path: string, shown: string): [string, string][] {
  const st = io.fs.stat(path);
  if (!st || st.type !== 'dir') return [[shown, path]];
  return io.fs.readdir(path).flatMap((n) => filesUnder(io, normalize(n, path), `${shown.replace(/\/$/, '')}/${n}`));
}

const grep: Command = (argv, io) => {
  const name = argv[0]!.replace(/^.*\//, '');
  const a = parseArgs(argv, 'qvicnEFlLowxhHrRsIaz', 'ef', io, { quiet: 'q', silent: 'q', 'invert-match': 'v', 'ignore-case': 'i', count: 'c' });
  if (!a) return 2;
  const extended = a.opts.has('E') || name === 'egrep';
  const fixed = a.opts.has('F') || name === 'fgrep';
  let patterns = a.all.get('e') ?? [];
  if (a.opts.has('f')) {
    try {
      patterns = [...patterns, ...splitLines(readText(io, String(a.opts.get('f'))))];
    } catch (e) {
      io.stderr(`${name}: ${a.opts.get('f')}: ${errText(e)}\n`);
      return 2;
    }
  }
  let args = a.args;
  if (patterns.length === 0) {
    if (args.length === 0) {
      io.stderr(`BusyBox v1.36.1 multi-call binary.\n\nUsage: grep [-HhnlLoqvsrRiwFE] [-m N] [-A|B|C N] { PATTERN | -e PATTERN... | -f FILE... } [FILE]...\n`);
      return 2;
    }
    patterns = args[0]!.split('\n');
    args = args.slice(1);
  }
  let regexes: RegExp[];
  try {
    regexes = patterns.map((p) => {
      let src = fixed ? p.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&') : posixToJs(p, extended);
      if (a.opts.has('w')) src = `(?<![A-Za-z0-9_])(?:${src})(?![A-Za-z0-9_])`;
      if (a.opts.has('x')) src = `^(?:${src})$`;
      return new RegExp(src, a.opts.has('i') ? 'gi' : 'g');
    });
  } catch {
    io.stderr(`${name}: bad regex '${patterns[0]}'\n`);
    return 2;
  }
  const recursive = a.opts.has('r') || a.opts.has('R');
  let files: [string, string][] = [];
  if (recursive) for (const f of args.length ? args : ['.']) files.push(...filesUnder(io, abs(io, f), f));
  else files = args.map((f) => [f, f]);
  const showName = (files.length > 1 || recursive || a.opts.has('H')) && !a.opts.has('h');
  let matched = false;
  let errors = false;
  for (const [shown, path] of files.length ? files : [['(standard input)', '-']] as [string, string][]) {
    let text: string;
    if (path === '-') text = io.stdin;
    else {
      try {
        text = readText(io, recursive ? path : shown);
      } catch (e) {
        if (!a.opts.has('s')) io.stderr(`${name}: ${shown}: ${errText(e)}\n`);
        errors = true;
        continue;
      }
    }
    let count = 0;
    let out = '';
    const prefix = (n: number) => (showName ? `${shown}:` : '') + (a.opts.has('n') ? `${n}:` : '');
    splitLines(text).forEach((line, idx) => {
      const hits = regexes.some((r) => ((r.lastIndex = 0), r.test(line)));
      if (hits === a.opts.has('v')) return;
      count++;
      if (a.opts.has('o') && !a.opts.has('v')) {
        for (const r of regexes) for (const m of line.matchAll(r)) if (m[0] !== '') out += prefix(idx + 1) + m[0] + '\n';
      } else out += prefix(idx + 1) + line + '\n';
    });
    if (count > 0) matched = true;
    if (a.opts.has('q')) {
      if (matched) return 0;
      continue;
    }
    if (a.opts.has('l')) {
      if (count > 0) io.stdout(shown + '\n');
    } else if (a.opts.has('L')) {
      if (count === 0) io.stdout(shown + '\n');
    } else if (a.opts.has('c')) io.stdout((showName ? `${shown}:` : '') + count + '\n');
    else io.stdout(out);
  }
  return errors ? 2 : matched ? 0 : 1;
};

interface SedCmd {
  a1?: string;
  a2?: string;
  neg: boolean;
  c: string;
  re?: RegExp;
  rep?: string;
  global?: boolean;
  nth?: number;
  print?: boolean;
  text?: string;
  from?: string;
  to?: string;
}

function sedAddrMatch(addr: string, line: string, n: number, last: boolean, ext: boolean): boolean {
  if (addr === '$') return last;
  if (/^\d+$/.test(addr)) return n === Number(addr);
  return new RegExp(posixToJs(addr.slice(1, -1), ext)).test(line);
}

/** Parses a sed script into commands; throws with busybox's message. */
function parseSed(script: string, ext: boolean): SedCmd[] {
  const cmds: SedCmd[] = [];
  let i = 0;
  const addr = (): string | undefined => {
    const m = /^(\d+|\$|\/(?:\\.|[^/])*\/)/.exec(script.slice(i));
    if (!m) return undefined;
    i += m[0].length;
    return m[0];
  };
  const delimited = (d: string): string => {
    let s = '';
    while (i < script.length && script[i] !== d) {
      if (script[i] === '\\' && script[i + 1] === d) {
        s += d;
        i += 2;
      } else if (script[i] === '\\' && script[i + 1] === 'n') {
        s += '\\n';
        i += 2;
      } else s += script[i++];
    }
    if (script[i] !== d) throw new Error(`unmatched '${d}'`);
    i++;
    return s;
  };
  while (i < script.length) {
    while (/[\s;]/.test(script[i] ?? '')) i++;
    if (i >= script.length) break;
    const cmd: SedCmd = { neg: false, c: '' };
    cmd.a1 = addr();
    if (cmd.a1 && script[i] === ',') {
      i++;
      cmd.a2 = addr();
    }
    while (script[i] === ' ') i++;
    if (script[i] === '!') {
      cmd.neg = true;
      i++;
    }
    cmd.c = script[i++] ?? '';
    switch (cmd.c) {
      case 's': {
        const d = script[i++]!;
        const re = delimited(d);
        cmd.rep = delimited(d);
        const flags = /^[gpiI0-9]*/.exec(script.slice(i))![0];
        i += flags.length;
        cmd.global = flags.includes('g');
        cmd.print = flags.includes('p');
        cmd.nth = /\d+/.test(flags) ? Number(/\d+/.exec(flags)![0]) : 1;
        cmd.re = new RegExp(posixToJs(re, ext), (cmd.global ? 'g' : '') + (/[iI]/.test(flags) ? 'i' : ''));
        break;
      }
      case 'y': {
        const d = script[i++]!;
        cmd.from = delimited(d);
        cmd.to = delimited(d);
        break;
      }
      case 'a':
      case 'i':
      case 'c': {
        // `a text` (GNU one-liner) or `a\` followed by the text on the next line
        const m = /^\\?\n?[ \t]*([^\n]*)/.exec(script.slice(i))!;
        cmd.text = m[1]!;
        i += m[0].length;
        break;
      }
      case 'd':
      case 'p':
      case 'q':
      case '=':
        break;
      default:
        throw new Error(`unsupported command ${cmd.c}`);
    }
    cmds.push(cmd);
  }
  return cmds;
}

function runSed(cmds: SedCmd[], text: string, quiet: boolean, ext: boolean): string {
  const lines = text.split('\n');
  const trailingNewline = lines[lines.length - 1] === '';
  if (trailingNewline) lines.pop();
  let out = '';
  const active = new Map<SedCmd, boolean>();
  for (let n = 1; n <= lines.length; n++) {
    let line = lines[n - 1]!;
    const last = n === lines.length;
    const nl = last && !trailingNewline ? '' : '\n';
    let deleted = false;
    let quit = false;
    let append = '';
    for (const c of cmds) {
      let hit = true;
      if (c.a1) {
        if (c.a2) {
          if (active.get(c)) {
            hit = true;
            if (sedAddrMatch(c.a2, line, n, last, ext) || (/^\d+$/.test(c.a2) && n >= Number(c.a2))) active.set(c, false);
          } else if (sedAddrMatch(c.a1, line, n, last, ext)) {
            hit = true;
            active.set(c, !(/^\d+$/.test(c.a2) && Number(c.a2) <= n));
          } else hit = false;
        } else hit = sedAddrMatch(c.a1, line, n, last, ext);
      }
      if (hit === c.neg) continue;
      if (c.c === 's') {
        let k = 0;
        const before = line;
        line = line.replace(c.re!, (...m) => {
          k++;
          if (!c.global && k !== c.nth) return m[0] as string;
          const groups = m.slice(1, -2) as (string | undefined)[];
          return c.rep!.replace(/\\(\d)|\\n|\\&|\\\\|&/g, (t, d: string | undefined) => (d ? (groups[Number(d) - 1] ?? '') : t === '\\n' ? '\n' : t === '\\&' ? '&' : t === '\\\\' ? '\\' : (m[0] as string)));
        });
        if (c.print && line !== before) out += line + '\n';
      } else if (c.c === 'y') line = [...line].map((ch) => (c.from!.includes(ch) ? (c.to![c.from!.indexOf(ch)] ?? ch) : ch)).join('');
      else if (c.c === 'd') {
        deleted = true;
        break;
      } else if (c.c === 'p') out += line + '\n';
      else if (c.c === '=') out += n + '\n';
      else if (c.c === 'a') append += c.text + '\n';
      else if (c.c === 'i') out += c.text + '\n';
      else if (c.c === 'c') {
        out += c.text + '\n';
        deleted = true;
        break;
      } else if (c.c === 'q') {
        quit = true;
        break;
      }
    }
    if (!deleted && !quiet) out += line + nl;
    out += append;
    if (quit) break;
  }
  return out;
}

const sed: Command = (argv, io) => {
  const a = parseArgs(argv.map((x) => (/^-i./.test(x) ? '-i' : x)), 'niErsu', 'ef', io, { quiet: 'n', silent: 'n', 'in-place': 'i', expression: 'e', 'regexp-extended': 'E' });
  if (!a) return 1;
  const ext = a.opts.has('E') || a.opts.has('r');
  let scripts = a.all.get('e') ?? [];
  let files = a.args;
  if (a.opts.has('f')) scripts = [...scripts, readText(io, String(a.opts.get('f')))];
  if (scripts.length === 0) {
    if (files.length === 0) {
      io.stderr('sed: no script specified\n');
      return 1;
    }
    scripts = [files[0]!];
    files = files.slice(1);
  }
  let cmds: SedCmd[];
  try {
    cmds = parseSed(scripts.join('\n'), ext);
  } catch (e) {
    io.stderr(`sed: ${(e as Error).message}\n`);
    return 1;
  }
  const quiet = a.opts.has('n');
  if (a.opts.has('i')) {
    let st = 0;
    for (const f of files) {
      try {
        io.fs.writeFile(abs(io, f), runSed(cmds, readText(io, f), quiet, ext));
      } catch (e) {
        io.stderr(`sed: can't open '${f}': ${errText(e)}\n`);
        st = 1;
      }
    }
    return st;
  }
  let all = '';
  const st = eachInput(io, 'sed', files, (t) => (all += t));
  io.stdout(runSed(cmds, all, quiet, ext));
  return st;
};

export const GREP_APPLETS: Record<string, Command> = { grep, egrep: grep, fgrep: grep, sed };
