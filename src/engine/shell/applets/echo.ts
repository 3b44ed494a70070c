/**
 * echo and printf, shared by the shell builtins and the applets. busybox and
 * bash echo interpret escapes only with -e; dash's echo always does and
 * prints `-e` literally, a classic surprise in Debian-based RUN lines.
 */
import type { ShellFlavor } from '../types.js';

/**
 * Interprets backslash escapes; `stop` is set when `\c` ends all output.
 * `zeroPrefixed`: `\0NNN` takes three more digits (echo, %b) rather than three in all (printf formats).
 */
export function unescape(s: string, zeroPrefixed: boolean): { text: string; stop: boolean } {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '\\' || i + 1 >= s.length) {
      out += c;
      continue;
    }
    const n = s[++i]!;
    switch (n) {
      case 'a': out += '\x07'; break;
      case 'b': out += '\b'; break;
      case 'c': return { text: out, stop: true };
      case 'e': out += '\x1b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'v': out += '\v'; break;
      case '\\': out += '\\'; break;
      case 'x': {
        const m = /^[0-9a-fA-F]{1,2}/.exec(s.slice(i + 1));
        if (m) {
          out += String.fromCharCode(parseInt(m[0], 16));
          i += m[0].length;
        } else out += '\\x';
        break;
      }
      default:
        if (n === '0' && zeroPrefixed) {
          const d = /^[0-7]{0,3}/.exec(s.slice(i + 1))![0];
          out += String.fromCharCode(parseInt(d || '0', 8) & 0xff);
          i += d.length;
        } else if (/[0-7]/.test(n)) {
          const d = /^[0-7]{1,3}/.exec(s.slice(i))![0];
          out += String.fromCharCode(parseInt(d, 8) & 0xff);
          i += d.length - 1;
        } else out += '\\' + n;
    }
  }
  return { text: out, stop: false };
}

/** The output of `echo ARGS` (argv without the command name). */
export function echoText(args: string[], flavor: ShellFlavor): string {
  let newline = true;
  let escapes = flavor === 'dash';
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    const ok = flavor === 'dash' ? /^-n+$/.test(a) : /^-[neE]+$/.test(a);
    if (!ok) break;
    for (const f of a.slice(1)) {
      if (f === 'n') newline = false;
      else if (f === 'e') escapes = true;
      else if (f === 'E') escapes = false;
    }
  }
  const body = args.slice(i).join(' ');
  if (!escapes) return body + (newline ? '\n' : '');
  const r = unescape(body, true);
  return r.text + (newline && !r.stop ? '\n' : '');
}

/** Parses a printf numeric argument; `'c` is the character code, as POSIX says. */
function toNumber(a: string | undefined, errors: string[]): number {
  if (a === undefined || a === '') return 0;
  if (a[0] === "'" || a[0] === '"') return a.length > 1 ? a.codePointAt(1)! : 0;
  const t = a.trim();
  if (/^[+-]?\d+$/.test(t)) return Number(t);
  if (/^[+-]?0[xX][0-9a-fA-F]+$/.test(t)) return Number.parseInt(t, 16);
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return Number(t);
  errors.push(`invalid number '${a}'`);
  const m = /^[+-]?\d+/.exec(t);
  return m ? Number(m[0]) : 0;
}

function pad(s: string, width: number, left: boolean, zero: boolean): string {
  if (s.length >= width) return s;
  if (left) return s.padEnd(width);
  if (zero) {
    const sign = /^[+-]/.test(s) ? s[0]! : '';
    return sign + s.slice(sign.length).padStart(width - sign.length, '0');
  }
  return s.padStart(width);
}

/**
 * The output of `printf FORMAT ARGS`; the format is reused while arguments
 * remain. Invalid numbers are reported in `errors` (exit status 1).
 */
export function printfText(format: string, args: string[], errors: string[]): string {
  let out = '';
  let ai = 0;
  const next = () => args[ai++];
  for (;;) {
    const startAi = ai;
    let consumed = false;
    for (let i = 0; i < format.length; i++) {
      const c = format[i]!;
      if (c === '\\') {
        const m = /^\\([0-7]{1,3}|x[0-9a-fA-F]{1,2}|.)/s.exec(format.slice(i))!;
        const r = unescape(m[0], false);
        if (r.stop) return out;
        out += r.text;
        i += m[0].length - 1;
        continue;
      }
      if (c !== '%') {
        out += c;
        continue;
      }
      const m = /^%([-+ #0]*)(\*|\d+)?(?:\.(\*|\d*))?([a-zA-Z%])/.exec(format.slice(i));
      if (!m) {
        out += c;
        continue;
      }
      i += m[0].length - 1;
      const flags = m[1]!;
      const conv = m[4]!;
      if (conv === '%') {
        out += '%';
        continue;
      }
      consumed = true;
      const width = m[2] === '*' ? toNumber(next(), errors) : m[2] ? Number(m[2]) : 0;
      const precision = m[3] === undefined ? undefined : m[3] === '*' ? toNumber(next(), errors) : Number(m[3] || 0);
      const left = flags.includes('-') || width < 0;
      const w = Math.abs(width);
      const zero = flags.includes('0') && !left;
      const arg = next();
      let s: string;
      switch (conv) {
        case 's':
          s = arg ?? '';
          if (precision !== undefined) s = s.slice(0, precision);
          out += pad(s, w, left, false);
          break;
        case 'b': {
          const r = unescape(arg ?? '', true);
          out += pad(r.text, w, left, false);
          if (r.stop) return out;
          break;
        }
        case 'c':
          out += pad((arg ?? '').slice(0, 1), w, left, false);
          break;
        case 'd':
        case 'i':
        case 'u': {
          const n = Math.trunc(toNumber(arg, errors));
          s = String(Math.abs(n));
          if (precision !== undefined) s = s.padStart(precision, '0');
          s = (n < 0 ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '') + s;
          out += pad(s, w, left, zero && precision === undefined);
          break;
        }
        case 'o':
        case 'x':
        case 'X': {
          const n = Math.trunc(toNumber(arg, errors));
          const v = n < 0 ? BigInt.asUintN(64, BigInt(n)) : BigInt(n);
          s = v.toString(conv === 'o' ? 8 : 16);
          if (conv === 'X') s = s.toUpperCase();
          if (precision !== undefined) s = s.padStart(precision, '0');
          if (flags.includes('#') && n !== 0) s = (conv === 'o' ? '0' : conv === 'x' ? '0x' : '0X') + s;
          out += pad(s, w, left, zero);
          break;
        }
        case 'f':
        case 'F':
        case 'e':
        case 'E':
        case 'g':
        case 'G': {
          const n = toNumber(arg, errors);
          const p = precision ?? 6;
          s = conv === 'f' || conv === 'F' ? n.toFixed(p) : conv === 'e' || conv === 'E' ? expo(n, p) : String(Number(n.toPrecision(p || 1)));
          if (conv === 'E' || conv === 'G') s = s.toUpperCase();
          if (n >= 0 && flags.includes('+')) s = '+' + s;
          out += pad(s, w, left, zero);
          break;
        }
        default:
          errors.push(`%${conv}: invalid format`);
          return out;
      }
    }
    if (!consumed || ai >= args.length || ai === startAi) return out;
  }
}

/** C's `%e`: a two-digit exponent at least. */
function expo(n: number, p: number): string {
  const [mant, exp] = n.toExponential(p).split('e');
  const e = Number(exp);
  return `${mant}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
}
