/**
 * Go's encoding/json Marshal over the value model of go-value.ts: compact output,
 * map keys sorted, struct fields in declaration order, Go's string escapes.
 */
import { GoNil, goTypeName, isExported, kindOf, mapEntries, structFields } from './go-value.js';

/** A value encoding/json refuses (NaN, functions), with Go's message. */
export class JsonMarshalError extends Error {
  override readonly name = 'JsonMarshalError';
}

/** Options of the encoder; Go's json.Marshal escapes HTML, docker's `json` func does not. */
export interface MarshalOptions {
  escapeHTML?: boolean;
}

const shortEscapes: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  // Go 1.22 and later print these two short forms; older Go printed \u0008 and \u000c.
  '\b': '\\b',
  '\f': '\\f',
};

/** A JSON string literal exactly as encoding/json writes it. */
export function marshalString(s: string, escapeHTML = true): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    const c = s.charCodeAt(i);
    if (shortEscapes[ch] !== undefined) out += shortEscapes[ch];
    else if (c < 0x20 || (escapeHTML && (ch === '<' || ch === '>' || ch === '&'))) out += '\\u00' + c.toString(16).padStart(2, '0');
    // JSONP-safety escapes Go always applies.
    else if (c === 0x2028 || c === 0x2029) out += '\\u' + c.toString(16);
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      out += ch + s[++i];
    } else if (c >= 0xd800 && c <= 0xdfff) out += '\\ufffd'; // a lone surrogate is invalid UTF-8 to Go
    else out += ch;
  }
  return out + '"';
}

function marshalNumber(x: number): string {
  if (!Number.isFinite(x)) throw new JsonMarshalError(`json: unsupported value: ${x === Infinity ? '+Inf' : x === -Infinity ? '-Inf' : 'NaN'}`);
  // JS's shortest form matches Go's: plain for 1e-6 <= |x| < 1e21, else exponent without zero padding.
  return Object.is(x, -0) ? '-0' : String(x);
}

function encode(v: unknown, escapeHTML: boolean, seen: Set<object>): string {
  if (v !== null && typeof v === 'object' && !(v instanceof GoNil)) {
    const custom = (v as { toJSON?: () => unknown }).toJSON;
    if (typeof custom === 'function') return encode(custom.call(v), escapeHTML, seen);
    if (seen.has(v)) throw new JsonMarshalError(`json: unsupported value: encountered a cycle via ${goTypeName(v)}`);
  }
  switch (kindOf(v)) {
    case 'invalid':
    case 'nil':
      return 'null';
    case 'bool':
      return v ? 'true' : 'false';
    case 'int':
      return typeof v === 'bigint' ? v.toString() : marshalNumber(v as number);
    case 'float':
      return marshalNumber(v as number);
    case 'string':
      return marshalString(v as string, escapeHTML);
    case 'func':
      throw new JsonMarshalError(`json: unsupported type: ${goTypeName(v)}`);
    default:
      break;
  }
  const obj = v as object;
  seen.add(obj);
  try {
    const kind = kindOf(v);
    if (kind === 'slice') return '[' + (v as unknown[]).map((e) => encode(e, escapeHTML, seen)).join(',') + ']';
    // encoding/json only sees a struct's exported fields.
    const entries = kind === 'map' ? mapEntries(obj) : structFields(obj).filter(([k, x]) => x !== undefined && isExported(k));
    return '{' + entries.map(([k, x]) => marshalString(k, escapeHTML) + ':' + encode(x, escapeHTML, seen)).join(',') + '}';
  } finally {
    seen.delete(obj);
  }
}

/** json.Marshal: compact JSON with Go's escaping and key order. */
export function marshal(v: unknown, options: MarshalOptions = {}): string {
  return encode(v, options.escapeHTML ?? true, new Set());
}

/** json.MarshalIndent(v, prefix, indent), as `docker inspect` lays its output out. */
export function marshalIndent(v: unknown, prefix: string, indent: string, options: MarshalOptions = {}): string {
  return indentJson(marshal(v, options), prefix, indent);
}

/** json.Indent over compact JSON: empty arrays and objects stay `[]` and `{}`. */
export function indentJson(compact: string, prefix: string, indent: string): string {
  let out = '';
  let depth = 0;
  let inString = false;
  let needIndent = false;
  const newline = () => '\n' + prefix + indent.repeat(depth);
  for (let i = 0; i < compact.length; i++) {
    const c = compact[i];
    if (inString) {
      out += c;
      if (c === '\\') out += compact[++i];
      else if (c === '"') inString = false;
      continue;
    }
    if (needIndent && c !== ']' && c !== '}') {
      out += newline();
      needIndent = false;
    }
    switch (c) {
      case '"':
        inString = true;
        out += c;
        break;
      case '{':
      case '[':
        out += c;
        depth++;
        needIndent = true;
        break;
      case '}':
      case ']':
        depth--;
        if (needIndent) needIndent = false;
        else out += newline();
        out += c;
        break;
      case ',':
        out += c + newline();
        break;
      case ':':
        out += ': ';
        break;
      default:
        out += c;
    }
  }
  return out;
}
