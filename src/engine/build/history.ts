/**
 * The text Docker records in an image's history (`docker history --no-trunc`)
 * for each instruction, per builder. Classic writes `/bin/sh -c #(nop) ...`,
 * BuildKit the instruction with Go's formatting of the value.
 */
import type { HealthConfig } from '../image/types.js';

export type BuilderKind = 'classic' | 'buildkit';

/** Go's strconv.Quote for the characters Dockerfiles use. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else out += ch;
  }
  return out + '"';
}

/** `%q` of a []string: `["a" "b"]`. */
export function goQuotedList(xs: readonly string[]): string {
  return '[' + xs.map(goQuote).join(' ') + ']';
}

/** `%v` of a []string: `[a b]`. */
export function goList(xs: readonly string[]): string {
  return '[' + xs.join(' ') + ']';
}

/** Go's time.Duration.String() for nanoseconds. */
export function goDuration(ns: number): string {
  if (ns === 0) return '0s';
  if (ns < 1e3) return `${ns}ns`;
  if (ns < 1e6) return `${trimFloat(ns / 1e3)}µs`;
  if (ns < 1e9) return `${trimFloat(ns / 1e6)}ms`;
  const totalS = ns / 1e9;
  const h = Math.floor(totalS / 3600);
  const m = Math.floor((totalS - h * 3600) / 60);
  const s = totalS - h * 3600 - m * 60;
  if (h > 0) return `${h}h${m}m${trimFloat(s)}s`;
  if (m > 0) return `${m}m${trimFloat(s)}s`;
  return `${trimFloat(s)}s`;
}

function trimFloat(x: number): string {
  return String(Number(x.toFixed(9)));
}

/** `%q` of Docker's HealthConfig struct, as both builders record it. */
export function healthText(h: HealthConfig): string {
  const r = h.Retries ?? 0;
  const rq = r >= 0x20 && r < 0x7f ? `'${String.fromCharCode(r)}'` : `'\\x${r.toString(16).padStart(2, '0')}'`;
  return `&{${goQuotedList(h.Test)} ${goQuote(goDuration(h.Interval ?? 0))} ${goQuote(goDuration(h.Timeout ?? 0))} ${goQuote(goDuration(h.StartPeriod ?? 0))} ${rq}}`;
}

/** `map[8080/tcp:{} 9090/udp:{}]`: BuildKit's EXPOSE history value. */
export function goPortMap(ports: readonly string[]): string {
  return 'map[' + [...new Set(ports)].sort().map((p) => `${p}:{}`).join(' ') + ']';
}

/** History text of a metadata-only instruction (`body` is e.g. `ENV A=b`). */
export function metadataHistory(builder: BuilderKind, body: string): string {
  return builder === 'classic' ? `/bin/sh -c #(nop)  ${body}` : body;
}

/** History text of a WORKDIR step. */
export function workdirHistory(builder: BuilderKind, dir: string): string {
  return builder === 'classic' ? `/bin/sh -c #(nop) WORKDIR ${dir}` : `WORKDIR ${dir}`;
}

/** The `|N k=v` prefix both builders put before a RUN command that has build args in scope. */
export function argsPrefix(args: ReadonlyMap<string, string>): string[] {
  if (args.size === 0) return [];
  const kv = [...args].map(([k, v]) => `${k}=${v}`).sort();
  return [`|${kv.length}`, ...kv];
}

/** History text of a RUN step. */
export function runHistory(builder: BuilderKind, argv: readonly string[], args: ReadonlyMap<string, string>): string {
  const text = [...argsPrefix(args), ...argv].join(' ');
  return builder === 'classic' ? text : `RUN ${text} # buildkit`;
}

/** History text of COPY/ADD: classic names the content hash, BuildKit the arguments. */
export function copyHistory(builder: BuilderKind, kw: 'COPY' | 'ADD', classicSrc: string, dest: string, args: readonly string[]): string {
  return builder === 'classic' ? `/bin/sh -c #(nop) ${kw} ${classicSrc} in ${dest} ` : `${kw} ${args.join(' ')} # buildkit`;
}
