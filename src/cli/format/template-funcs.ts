/**
 * Template functions: Go's builtins plus the docker CLI's (json, split, join, title,
 * lower, upper, pad, truncate), with the typed signatures Go checks arguments against.
 */
import { sprint, sprintf, sprintln } from './go-fmt.js';
import { marshal } from './go-json.js';
import { GoNil, goTypeName, isTrue, kindOf, mapGet, mapSize } from './go-value.js';
import { utf8Length } from './text.js';

/**
 * Parameter types Go distinguishes: `value` is reflect.Value (sees a missing value as
 * undefined), `any` is interface{} (sees it as nil), the rest are concrete Go types.
 */
export type ParamType = 'value' | 'any' | 'string' | 'int' | 'strings';

/** One template function; `call` throws an Error to report "error calling NAME: ...". */
export interface TemplateFunc {
  params: ParamType[];
  variadic?: ParamType;
  call: (args: unknown[]) => unknown;
}

/** Functions by name, as template.FuncMap. */
export type FuncMap = Record<string, TemplateFunc>;

/** Go's sentinel error texts for comparisons. */
const badComparisonType = 'invalid type for comparison';
const badComparison = 'incompatible types for comparison';

type Basic = 'bool' | 'int' | 'float' | 'string' | 'invalid' | 'other';

function basicKind(v: unknown): Basic {
  const k = kindOf(v);
  if (k === 'bool' || k === 'int' || k === 'float' || k === 'string') return k;
  return k === 'invalid' || k === 'nil' ? 'invalid' : 'other';
}

const isZero = (v: unknown) => v === undefined || v === null;

function eq(arg1: unknown, ...rest: unknown[]): boolean {
  if (rest.length === 0) throw new Error('missing argument for comparison');
  const k1 = basicKind(arg1);
  for (const arg of rest) {
    const k2 = basicKind(arg);
    let truth: boolean;
    if (k1 !== k2) {
      if (!isZero(arg1) && !isZero(arg)) throw new Error(badComparison);
      truth = false;
    } else if (k1 === 'invalid') {
      truth = true;
    } else if (k1 === 'other') {
      const k = kindOf(arg1);
      const kk = kindOf(arg);
      if (k !== kk) throw new Error(`non-comparable types ${sprintf('%s', [arg1])}: ${goTypeName(arg1)}, ${goTypeName(arg)}: ${sprintf('%s', [arg])}`);
      if (kk === 'slice' || kk === 'map' || kk === 'func') throw new Error(`non-comparable type ${sprintf('%s', [arg])}: ${goTypeName(arg)}`);
      // Structs: identity stands in for Go's field-wise ==.
      truth = arg1 === arg;
    } else {
      truth = arg1 === arg || (typeof arg1 === 'bigint' || typeof arg === 'bigint' ? BigInt(arg1 as number) === BigInt(arg as number) : false);
    }
    if (truth) return true;
  }
  return false;
}

function lt(a: unknown, b: unknown): boolean {
  const k1 = basicKind(a);
  const k2 = basicKind(b);
  if (k1 === 'invalid' || k1 === 'other' || k2 === 'invalid' || k2 === 'other') throw new Error(badComparisonType);
  if (k1 !== k2) throw new Error(badComparison);
  if (k1 === 'bool') throw new Error(badComparisonType);
  if (k1 === 'string') return (a as string) < (b as string);
  return (a as number) < (b as number);
}

function indexArg(index: unknown, cap: number): number {
  if (isZero(index)) throw new Error('cannot index slice/array with nil');
  if (kindOf(index) !== 'int') throw new Error(`cannot index slice/array with type ${goTypeName(index)}`);
  const x = Number(index);
  if (x < 0 || x > cap) throw new Error(`index out of range: ${x}`);
  return x;
}

function utf8Slice(s: string, from: number, to: number): string {
  // Go slices strings by byte; cutting inside a character leaves bytes a terminal shows as U+FFFD.
  let out = '';
  let pos = 0;
  for (const ch of s) {
    const n = utf8Length(ch);
    const start = pos;
    pos += n;
    if (pos <= from || start >= to) continue;
    out += start >= from && pos <= to ? ch : '\ufffd';
  }
  return out;
}

function index(item: unknown, ...indexes: unknown[]): unknown {
  if (isZero(item)) throw new Error('index of untyped nil');
  for (const i of indexes) {
    if (isZero(item) || item instanceof GoNil) throw new Error('index of nil pointer');
    const k = kindOf(item);
    if (k === 'slice') {
      const a = item as unknown[];
      const x = indexArg(i, a.length);
      if (x === a.length) throw new Error(`index out of range: ${x}`);
      item = a[x];
    } else if (k === 'string') {
      const s = item as string;
      const x = indexArg(i, utf8Length(s));
      if (x === utf8Length(s)) throw new Error(`index out of range: ${x}`);
      item = byteAt(s, x);
    } else if (k === 'map') {
      if (typeof i !== 'string') {
        throw new Error(isZero(i) ? 'value is nil; should be of type string' : `value has type ${goTypeName(i)}; should be string`);
      }
      const v = mapGet(item as object, i);
      // A missing key yields the zero value of interface{}: nil.
      item = v === undefined ? null : v;
    } else {
      throw new Error(`can't index item of type ${goTypeName(item)}`);
    }
  }
  return item;
}

function byteAt(s: string, x: number): number {
  let pos = 0;
  for (const ch of s) {
    const n = utf8Length(ch);
    if (x < pos + n) {
      const cp = ch.codePointAt(0)!;
      if (n === 1) return cp;
      const bytes = encodeUtf8(cp);
      return bytes[x - pos];
    }
    pos += n;
  }
  return 0;
}

function encodeUtf8(cp: number): number[] {
  if (cp < 0x800) return [0xc0 | (cp >> 6), 0x80 | (cp & 63)];
  if (cp < 0x10000) return [0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)];
  return [0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)];
}

function slice(item: unknown, ...indexes: unknown[]): unknown {
  if (isZero(item)) throw new Error('slice of untyped nil');
  if (indexes.length > 3) throw new Error(`too many slice indexes: ${indexes.length}`);
  const k = kindOf(item);
  if (k !== 'string' && k !== 'slice') throw new Error(`can't slice item of type ${goTypeName(item)}`);
  if (k === 'string' && indexes.length === 3) throw new Error('cannot 3-index slice a string');
  const len = k === 'string' ? utf8Length(item as string) : (item as unknown[]).length;
  const idx = [0, len, len];
  indexes.forEach((v, i) => (idx[i] = indexArg(v, len)));
  if (idx[0] > idx[1]) throw new Error(`invalid slice index: ${idx[0]} > ${idx[1]}`);
  if (indexes.length === 3 && idx[1] > idx[2]) throw new Error(`invalid slice index: ${idx[1]} > ${idx[2]}`);
  return k === 'string' ? utf8Slice(item as string, idx[0], idx[1]) : (item as unknown[]).slice(idx[0], idx[1]);
}

function length(item: unknown): number {
  if (item === null || kindOf(item) === 'nil') throw new Error('len of nil pointer');
  if (item === undefined) throw new Error('reflect: call of reflect.Value.Type on zero Value');
  switch (kindOf(item)) {
    case 'string':
      return utf8Length(item as string);
    case 'slice':
      return (item as unknown[]).length;
    case 'map':
      return mapSize(item as object);
    default:
      throw new Error(`len of type ${goTypeName(item)}`);
  }
}

/** text/template's evalArgs: one string as is, anything else through fmt.Sprint. */
function evalArgs(args: unknown[]): string {
  if (args.length === 1 && typeof args[0] === 'string') return args[0];
  return sprint(args.map((a) => (isZero(a) ? '<no value>' : a)));
}

const htmlEscapes: Record<string, string> = { '"': '&#34;', "'": '&#39;', '&': '&amp;', '<': '&lt;', '>': '&gt;', '\0': '\ufffd' };
const jsEscapes: Record<string, string> = { '\\': '\\\\', "'": "\\'", '"': '\\"', '<': '\\u003C', '>': '\\u003E', '&': '\\u0026', '=': '\\u003D' };
const printableRune = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

function jsEscape(s: string): string {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (jsEscapes[ch]) out += jsEscapes[ch];
    else if (cp < 0x20) out += '\\u00' + cp.toString(16).toUpperCase().padStart(2, '0');
    else if (cp >= 0x80 && !printableRune.test(ch)) out += '\\u' + cp.toString(16).toUpperCase().padStart(4, '0');
    else out += ch;
  }
  return out;
}

function queryEscape(s: string): string {
  let out = '';
  for (const ch of s) {
    if (/^[A-Za-z0-9\-_.~]$/.test(ch)) out += ch;
    else if (ch === ' ') out += '+';
    else for (const b of ch.codePointAt(0)! < 0x80 ? [ch.codePointAt(0)!] : encodeUtf8(ch.codePointAt(0)!)) out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

function title(s: string): string {
  const isSeparator = (c: string) => {
    if (c.codePointAt(0)! <= 0x7f) return !/[0-9A-Za-z_]/.test(c);
    if (/[\p{L}\p{Nd}]/u.test(c)) return false;
    return /\s/u.test(c);
  };
  let prev = ' ';
  let out = '';
  for (const ch of s) {
    out += isSeparator(prev) ? ch.toUpperCase() : ch;
    prev = ch;
  }
  return out;
}

/** Go's builtin template functions (and/or are special-cased by the executor). */
export const builtinFuncs: FuncMap = {
  and: { params: ['value'], variadic: 'value', call: () => undefined },
  or: { params: ['value'], variadic: 'value', call: () => undefined },
  not: { params: ['value'], call: ([a]) => !isTrue(a) },
  call: {
    params: ['value'],
    variadic: 'value',
    call: ([fn, ...args]) => {
      if (isZero(fn)) throw new Error('call of nil');
      if (typeof fn !== 'function') throw new Error(`non-function of type ${goTypeName(fn)}`);
      return fn(...args);
    },
  },
  html: { params: [], variadic: 'any', call: (args) => evalArgs(args).replace(/["'&<>\0]/g, (c) => htmlEscapes[c]) },
  js: { params: [], variadic: 'any', call: (args) => jsEscape(evalArgs(args)) },
  urlquery: { params: [], variadic: 'any', call: (args) => queryEscape(evalArgs(args)) },
  index: { params: ['value'], variadic: 'value', call: ([item, ...rest]) => index(item, ...rest) },
  slice: { params: ['value'], variadic: 'value', call: ([item, ...rest]) => slice(item, ...rest) },
  len: { params: ['value'], call: ([a]) => length(a) },
  print: { params: [], variadic: 'any', call: (args) => sprint(args) },
  printf: { params: ['string'], variadic: 'any', call: ([f, ...args]) => sprintf(f as string, args) },
  println: { params: [], variadic: 'any', call: (args) => sprintln(args) },
  eq: { params: ['value'], variadic: 'value', call: ([a, ...rest]) => eq(a, ...rest) },
  ne: { params: ['value', 'value'], call: ([a, b]) => !eq(a, b) },
  lt: { params: ['value', 'value'], call: ([a, b]) => lt(a, b) },
  le: { params: ['value', 'value'], call: ([a, b]) => lt(a, b) || eq(a, b) },
  gt: { params: ['value', 'value'], call: ([a, b]) => !lt(a, b) && !eq(a, b) },
  ge: { params: ['value', 'value'], call: ([a, b]) => !lt(a, b) },
};

/** The docker CLI's template functions (cli/templates basicFunctions). */
export const dockerFuncs: FuncMap = {
  // docker's json turns HTML escaping off, so "->" and "&&" print as typed.
  json: { params: ['any'], call: ([v]) => { try { return marshal(v, { escapeHTML: false }); } catch { return ''; } } },
  split: { params: ['string', 'string'], call: ([s, sep]) => ((sep as string) === '' ? Array.from(s as string) : (s as string).split(sep as string)) },
  join: { params: ['strings', 'string'], call: ([a, sep]) => (a as string[]).join(sep as string) },
  title: { params: ['string'], call: ([s]) => title(s as string) },
  lower: { params: ['string'], call: ([s]) => (s as string).toLowerCase() },
  upper: { params: ['string'], call: ([s]) => (s as string).toUpperCase() },
  pad: { params: ['string', 'int', 'int'], call: ([s, pre, post]) => ((s as string) === '' ? '' : repeat(' ', pre) + s + repeat(' ', post)) },
  truncate: {
    params: ['string', 'int'],
    call: ([s, n]) => {
      if (utf8Length(s as string) < Number(n)) return s;
      // Go's source[:length] panics on a negative length; text/template reports the panic.
      if (Number(n) < 0) throw new Error(`runtime error: slice bounds out of range [:${n}]`);
      return utf8Slice(s as string, 0, Number(n));
    },
  },
};

function repeat(s: string, count: unknown): string {
  if (Number(count) < 0) throw new Error('strings: negative Repeat count');
  return s.repeat(Number(count));
}

const identity = (params: ParamType[]): TemplateFunc => ({ params, call: ([v]) => v });

/** docker's HeaderFunctions: the table header row keeps column names intact. */
export const headerFuncs: FuncMap = {
  json: identity(['string']),
  split: identity(['string', 'string']),
  join: identity(['string', 'string']),
  title: identity(['string']),
  lower: identity(['string']),
  upper: identity(['string']),
  truncate: identity(['string', 'int']),
};
