/**
 * Go's fmt package (Sprint, Sprintln, Sprintf) over the value model of go-value.ts,
 * so `{{.}}`, `{{printf "%-10s" .Name}}` and friends print what docker prints.
 */
import { formatFloat } from '../../shared/format/go-float.js';
import { GoNil, goTypeName, kindOf, mapEntries, structFields } from './go-value.js';

interface Spec {
  verb: string;
  minus: boolean;
  plus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  plusV?: boolean;
  width: number | undefined;
  prec: number | undefined;
}

const plainV: Spec = { verb: 'v', minus: false, plus: false, sharp: false, space: false, zero: false, width: undefined, prec: undefined };

const printable = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** strconv.Quote (QuoteToASCII when asciiOnly): a double-quoted Go string literal. */
export function quote(s: string, asciiOnly = false): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (cp >= 0xd800 && cp <= 0xdfff) out += '\\ufffd';
    else if (printable.test(ch) && (!asciiOnly || cp < 0x80)) out += ch;
    else if (ch === '\x07') out += '\\a';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\v') out += '\\v';
    else if (cp < 0x20 || cp === 0x7f) out += '\\x' + hex(cp, 2);
    else if (cp < 0x10000) out += '\\u' + hex(cp, 4);
    else out += '\\U' + hex(cp, 8);
  }
  return out + '"';
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

function canBackquote(s: string): boolean {
  return !/[`\uFEFF\x00-\x08\x0a-\x1f\x7f]/.test(s);
}

function utf8Bytes(s: string): number[] {
  const out: number[] = [];
  for (const ch of s) {
    let cp = ch.codePointAt(0)!;
    if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
    if (cp < 0x80) out.push(cp);
    else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 63));
    else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
    else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
  }
  return out;
}

/** Pads to the width; Go pads with zeros when asked, after the sign for numbers. */
function pad(s: string, spec: Spec, zero: 'plain' | 'sign' | 'none' = 'plain'): string {
  const n = spec.width === undefined ? 0 : spec.width - Array.from(s).length;
  if (n <= 0) return s;
  if (spec.minus) return s + ' '.repeat(n);
  if (!spec.zero || zero === 'none') return ' '.repeat(n) + s;
  const sign = zero === 'sign' && /^[+\- ]/.test(s) ? s[0] : '';
  return sign + '0'.repeat(n) + s.slice(sign.length);
}

function badVerb(v: unknown, spec: Spec): string {
  if (v === undefined || v === null) return `%!${spec.verb}(<nil>)`;
  return `%!${spec.verb}(${goTypeName(v)}=${formatValue(v)})`;
}

function signed(body: string, negative: boolean, spec: Spec): string {
  if (negative) return '-' + body;
  if (spec.plus) return '+' + body;
  if (spec.space) return ' ' + body;
  return body;
}

function formatInt(n: bigint, spec: Spec): string {
  const neg = n < 0n;
  const abs = neg ? -n : n;
  let digits: string;
  let prefix = '';
  switch (spec.verb) {
    case 'v':
    case 'd':
      digits = abs.toString();
      break;
    case 'b':
      digits = abs.toString(2);
      if (spec.sharp) prefix = '0b';
      break;
    case 'o':
    case 'O':
      digits = abs.toString(8);
      if (spec.verb === 'O') prefix = '0o';
      else if (spec.sharp && digits !== '0') prefix = '0';
      break;
    case 'x':
    case 'X':
      digits = abs.toString(16);
      if (spec.verb === 'X') digits = digits.toUpperCase();
      if (spec.sharp) prefix = spec.verb === 'X' ? '0X' : '0x';
      break;
    case 'c':
      return pad(String.fromCodePoint(Number(n)), spec);
    case 'q':
      return pad("'" + quote(String.fromCodePoint(Number(n))).slice(1, -1).replace(/\\"/g, '"') + "'", spec);
    case 'U':
      return pad('U+' + abs.toString(16).toUpperCase().padStart(4, '0'), spec);
    case 'e':
    case 'E':
    case 'f':
    case 'F':
    case 'g':
    case 'G':
      return formatFloatSpec(Number(n), spec);
    default:
      return badVerb(Number(n), spec);
  }
  if (spec.prec !== undefined) digits = spec.prec === 0 && abs === 0n ? '' : digits.padStart(spec.prec, '0');
  return pad(signed(prefix + digits, neg, spec), spec, spec.prec === undefined ? 'sign' : 'none');
}

function formatFloatSpec(x: number, spec: Spec): string {
  let verb = spec.verb;
  let prec = spec.prec;
  if (verb === 'v') verb = 'g';
  if (verb === 'F') verb = 'f';
  if (!'eEfgG'.includes(verb)) return badVerb(x, spec);
  if (prec === undefined) prec = verb === 'g' || verb === 'G' ? -1 : 6;
  const s = formatFloat(x, verb as 'e' | 'E' | 'f' | 'g' | 'G', prec);
  const body = s[0] === '-' || s[0] === '+' ? s.slice(1) : s;
  const neg = s[0] === '-';
  // Infinity keeps its own sign; padding never uses zeros for it or NaN.
  if (s === '+Inf') return pad(spec.space && !spec.plus ? ' Inf' : '+Inf', spec, 'none');
  return pad(signed(body, neg, spec), spec, Number.isFinite(x) ? 'sign' : 'none');
}

function formatString(str: string, spec: Spec): string {
  // Precision counts runes for %s/%q and bytes for %x, as in Go.
  const s = spec.prec === undefined || spec.verb === 'x' || spec.verb === 'X' ? str : Array.from(str).slice(0, spec.prec).join('');
  switch (spec.verb) {
    case 'v':
    case 's':
      return pad(s, spec);
    case 'q':
      return pad(spec.sharp && canBackquote(s) ? '`' + s + '`' : quote(s, spec.plus), spec);
    case 'x':
    case 'X': {
      const bytes = utf8Bytes(s).slice(0, spec.prec).map((b) => hex(b, 2));
      const body = bytes.join(spec.space ? ' ' : '');
      return pad(spec.verb === 'X' ? body.toUpperCase() : body, spec);
    }
    default:
      return badVerb(str, spec);
  }
}

function formatArg(v: unknown, spec: Spec): string {
  if (spec.verb === 'T') return pad(v === undefined || v === null ? '<nil>' : goTypeName(v), spec);
  switch (kindOf(v)) {
    case 'invalid':
    case 'nil':
      return spec.verb === 'v' ? pad('<nil>', spec) : badVerb(v instanceof GoNil ? v : null, spec);
    case 'bool':
      return spec.verb === 'v' || spec.verb === 't' ? pad(String(v), spec) : badVerb(v, spec);
    case 'int':
      return formatInt(BigInt(v as number | bigint), spec);
    case 'float':
      return formatFloatSpec(v as number, spec);
    case 'string':
      return formatString(v as string, spec);
    case 'slice':
      return '[' + (v as unknown[]).map((e) => formatArg(e, spec)).join(' ') + ']';
    case 'map':
      return 'map[' + mapEntries(v as object).map(([k, e]) => formatArg(k, spec) + ':' + formatArg(e, spec)).join(' ') + ']';
    case 'struct':
      return (
        '{' +
        structFields(v as object)
          .map(([k, e]) => (spec.plusV ? k + ':' : '') + formatArg(e, spec))
          .join(' ') +
        '}'
      );
    case 'func':
      return spec.verb === 'v' || spec.verb === 'p' ? pad('0x0', spec) : badVerb(v, spec);
  }
}

/** fmt's %v rendering of one value: `[a b]`, `map[k:v]`, `{1 x}`, `<nil>`, `1.5`. */
export function formatValue(v: unknown): string {
  return formatArg(v, plainV);
}

/** fmt.Sprint: spaces go between operands only when neither side is a string. */
export function sprint(args: unknown[]): string {
  let out = '';
  args.forEach((a, i) => {
    if (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string') out += ' ';
    out += formatValue(a);
  });
  return out;
}

/** fmt.Sprintln: operands always separated by spaces, then a newline. */
export function sprintln(args: unknown[]): string {
  return args.map(formatValue).join(' ') + '\n';
}

/** fmt.Sprintf with flags, width, precision (`*` too) and Go's %!verb error notes. */
export function sprintf(format: string, args: unknown[]): string {
  let out = '';
  let argi = 0;
  let i = 0;
  while (i < format.length) {
    const pct = format.indexOf('%', i);
    if (pct < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    i = pct + 1;
    const spec: Spec = { ...plainV };
    for (; i < format.length; i++) {
      const c = format[i];
      if (c === '-') spec.minus = true;
      else if (c === '+') spec.plus = true;
      else if (c === '#') spec.sharp = true;
      else if (c === ' ') spec.space = true;
      else if (c === '0') spec.zero = !spec.minus;
      else break;
    }
    const readNum = (): number | undefined | 'bad' => {
      if (format[i] === '*') {
        i++;
        const a = args[argi++];
        if (typeof a !== 'number' || !Number.isInteger(a)) return 'bad';
        return a;
      }
      const m = /^\d+/.exec(format.slice(i));
      if (!m) return undefined;
      i += m[0].length;
      return Number(m[0]);
    };
    const w = readNum();
    if (w === 'bad') out += '%!(BADWIDTH)';
    else if (w !== undefined && w < 0) {
      spec.minus = true;
      spec.width = -w;
    } else spec.width = w;
    if (format[i] === '.') {
      i++;
      const p = readNum();
      if (p === 'bad' || (p !== undefined && p < 0)) out += '%!(BADPREC)';
      else spec.prec = p ?? 0;
    }
    if (i >= format.length) {
      out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i)!);
    i += verb.length;
    if (verb === '%') {
      out += '%';
      continue;
    }
    spec.verb = verb;
    if (verb === 'v' && spec.plus) {
      // %+v asks for struct field names; numbers inside get no '+'.
      spec.plus = false;
      spec.plusV = true;
    }
    if (argi >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    out += formatArg(args[argi++], spec);
  }
  if (argi < args.length) {
    const extra = args.slice(argi).map((a) => (a === undefined || a === null ? '<nil>' : `${goTypeName(a)}=${formatValue(a)}`));
    out += `%!(EXTRA ${extra.join(', ')})`;
  }
  return out;
}
