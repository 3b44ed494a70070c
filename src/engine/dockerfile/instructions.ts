/**
 * Typed Dockerfile instructions and build stages, validated with Docker's
 * messages (instructions/parse.go). Values stay unexpanded here: variable
 * substitution happens while building, with the build's ARG and ENV values.
 */
import { DockerError } from '../errors.js';
import { checkFlags, parseDockerfile, type RawInstruction } from './parse.js';

export type Instruction =
  | { kind: 'FROM'; raw: RawInstruction; image: string; alias?: string; platform?: string }
  | { kind: 'RUN'; raw: RawInstruction; shell?: string; exec?: string[]; network?: string; mounts: string[] }
  | { kind: 'CMD' | 'ENTRYPOINT'; raw: RawInstruction; shell?: string; exec?: string[] }
  | {
      kind: 'COPY' | 'ADD';
      raw: RawInstruction;
      sources: string[];
      dest: string;
      from?: string;
      chown?: string;
      chmod?: string;
      link?: boolean;
      /** The arguments as written (JSON form or words), for history text. */
      argsText: string;
    }
  | { kind: 'WORKDIR'; raw: RawInstruction; path: string }
  | { kind: 'ENV' | 'LABEL'; raw: RawInstruction; pairs: [string, string][] }
  | { kind: 'ARG'; raw: RawInstruction; args: { name: string; value?: string }[] }
  | { kind: 'USER'; raw: RawInstruction; user: string }
  | { kind: 'EXPOSE'; raw: RawInstruction; ports: string[] }
  | { kind: 'VOLUME'; raw: RawInstruction; paths: string[] }
  | { kind: 'HEALTHCHECK'; raw: RawInstruction; none: boolean; test: string[]; interval?: number; timeout?: number; startPeriod?: number; retries?: number }
  | { kind: 'SHELL'; raw: RawInstruction; shell: string[] }
  | { kind: 'STOPSIGNAL'; raw: RawInstruction; signal: string }
  | { kind: 'ONBUILD'; raw: RawInstruction; expression: string }
  | { kind: 'MAINTAINER'; raw: RawInstruction; name: string };

export interface Stage {
  index: number;
  from: Extract<Instruction, { kind: 'FROM' }>;
  /** The `AS name`, lowercased as Docker stores it. */
  name?: string;
  instructions: Instruction[];
}

export interface Dockerfile {
  /** ARGs declared before the first FROM (usable in FROM lines only). */
  metaArgs: { name: string; value?: string }[];
  stages: Stage[];
  escape: string;
  /** Byte length of the Dockerfile text (BuildKit reports its transfer). */
  size: number;
}

function perr(ins: RawInstruction, msg: string): DockerError {
  return new DockerError(`dockerfile parse error line ${ins.line}: ${msg}`, 1, { kind: 'parse', line: ins.line });
}

/** Errors of Docker's line parser (before instructions are typed): classic prefixes them with "failed to parse Dockerfile: ". */
function parserErr(ins: RawInstruction, msg: string): DockerError {
  return new DockerError(msg, 1, { kind: 'parse', parser: true, line: ins.line });
}

/** Splits words on whitespace, keeping quoted runs together with their quotes (Docker's parseStringsWhitespaceDelimited). */
export function splitWords(s: string): string[] {
  return s.match(/(?:"(?:\\.|[^"\\])*"|'[^']*'|\\.|[^\s"'\\])+/g) ?? [];
}

/** `key=value key2="v 2"` or the old `key value with spaces` form (ENV, LABEL). */
function parseNameVal(ins: RawInstruction, kw: string): [string, string][] {
  const rest = ins.rest.trim();
  const words = splitWords(rest);
  if (words.length === 0) throw parserErr(ins, `${kw} requires at least one argument`);
  if (!words[0]!.includes('=')) {
    const m = /^(\S+)\s+([\s\S]*)$/.exec(rest);
    if (!m || m[2]!.trim() === '') throw parserErr(ins, `${kw} must have two arguments`);
    return [[m[1]!, m[2]!.trim()]];
  }
  return words.map((w) => {
    const i = w.indexOf('=');
    if (i < 0) throw parserErr(ins, `${kw} must have two arguments`);
    if (i === 0) throw parserErr(ins, `${kw} names can not be blank`);
    return [w.slice(0, i), w.slice(i + 1)];
  });
}

/** Go duration strings used by HEALTHCHECK flags (`30s`, `1m30s`, `500ms`) to nanoseconds. */
export function parseDuration(s: string): number {
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g;
  const unit: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
  let total = 0;
  let consumed = 0;
  for (const m of s.matchAll(re)) {
    total += parseFloat(m[1]!) * unit[m[2]!]!;
    consumed += m[0].length;
  }
  if (/^\d+(\.\d+)?$/.test(s)) throw new DockerError(`time: missing unit in duration "${s}"`);
  if (consumed !== s.length || s === '') throw new DockerError(`time: invalid duration "${s}"`);
  return Math.round(total);
}

function toInstruction(ins: RawInstruction): Instruction {
  const rest = ins.rest.trim();
  switch (ins.keyword) {
    case 'FROM': {
      const f = checkFlags(ins, ['platform']);
      const words = splitWords(rest);
      if (!(words.length === 1 || (words.length === 3 && words[1]!.toLowerCase() === 'as'))) {
        throw perr(ins, 'FROM requires either one or three arguments');
      }
      const platform = f.get('platform');
      return { kind: 'FROM', raw: ins, image: words[0]!, alias: words[2]?.toLowerCase(), platform: typeof platform === 'string' ? platform : undefined };
    }
    case 'RUN': {
      const f = checkFlags(ins, ['mount', 'network', 'security']);
      if (!rest) throw perr(ins, 'RUN requires at least one argument');
      const mounts = ins.flags.filter(([k]) => k === 'mount').map(([, v]) => String(v));
      const network = f.get('network');
      return { kind: 'RUN', raw: ins, ...(ins.json ? { exec: ins.json } : { shell: rest }), mounts, network: typeof network === 'string' ? network : undefined };
    }
    case 'CMD':
    case 'ENTRYPOINT':
      return { kind: ins.keyword, raw: ins, ...(ins.json ? { exec: ins.json } : { shell: rest }) };
    case 'COPY':
    case 'ADD': {
      const f = checkFlags(ins, ins.keyword === 'COPY' ? ['from', 'chown', 'chmod', 'link'] : ['chown', 'chmod', 'link', 'checksum', 'keep-git-dir']);
      const parts = ins.json ?? splitWords(rest);
      if (parts.length < 2) {
        throw perr(ins, `${ins.keyword} requires at least two arguments, but only one was provided. Destination could not be determined.`);
      }
      const str = (k: string) => {
        const v = f.get(k);
        return typeof v === 'string' ? v : undefined;
      };
      return {
        kind: ins.keyword,
        raw: ins,
        sources: parts.slice(0, -1),
        dest: parts[parts.length - 1]!,
        from: str('from'),
        chown: str('chown'),
        chmod: str('chmod'),
        link: f.has('link'),
        argsText: rest,
      };
    }
    case 'WORKDIR':
      if (splitWords(rest).length !== 1) throw perr(ins, 'WORKDIR requires exactly one argument');
      return { kind: 'WORKDIR', raw: ins, path: rest };
    case 'ENV':
    case 'LABEL':
      return { kind: ins.keyword, raw: ins, pairs: parseNameVal(ins, ins.keyword) };
    case 'ARG': {
      const words = splitWords(rest);
      if (words.length === 0) throw perr(ins, 'ARG requires at least one argument');
      return {
        kind: 'ARG',
        raw: ins,
        args: words.map((w) => {
          const i = w.indexOf('=');
          return i < 0 ? { name: w } : { name: w.slice(0, i), value: w.slice(i + 1) };
        }),
      };
    }
    case 'USER':
      if (splitWords(rest).length !== 1) throw perr(ins, 'USER requires exactly one argument');
      return { kind: 'USER', raw: ins, user: rest };
    case 'EXPOSE': {
      const ports = splitWords(rest);
      if (ports.length === 0) throw perr(ins, 'EXPOSE requires at least one argument');
      return { kind: 'EXPOSE', raw: ins, ports };
    }
    case 'VOLUME': {
      const paths = ins.json ?? splitWords(rest);
      if (paths.length === 0) throw perr(ins, 'VOLUME requires at least one argument');
      if (paths.some((p) => p.trim() === '')) throw perr(ins, 'VOLUME specified can not be an empty string');
      return { kind: 'VOLUME', raw: ins, paths };
    }
    case 'HEALTHCHECK': {
      const f = checkFlags(ins, ['interval', 'timeout', 'start-period', 'retries', 'start-interval']);
      const m = /^(\S+)\s*([\s\S]*)$/.exec(rest);
      if (!m) throw perr(ins, 'HEALTHCHECK requires at least one argument');
      const type = m[1]!.toUpperCase();
      if (type === 'NONE') {
        if (m[2]) throw perr(ins, 'HEALTHCHECK NONE takes no arguments');
        return { kind: 'HEALTHCHECK', raw: ins, none: true, test: ['NONE'] };
      }
      if (type !== 'CMD') throw perr(ins, `Unknown type "${type}" in HEALTHCHECK (try CMD)`);
      if (!m[2]) throw perr(ins, 'Missing command after HEALTHCHECK CMD');
      const json = ins.json ?? (m[2].trim().startsWith('[') ? tryJson(m[2]) : undefined);
      const test = json ? ['CMD', ...json] : ['CMD-SHELL', m[2].trim()];
      const dur = (k: string) => {
        const v = f.get(k);
        if (typeof v !== 'string') return undefined;
        let ns: number;
        try {
          ns = parseDuration(v);
        } catch (e) {
          throw perr(ins, (e as Error).message);
        }
        if (ns !== 0 && ns < 1e6) throw perr(ins, `Interval "${k}" cannot be less than 1ms`);
        return ns;
      };
      const retries = f.get('retries');
      let r: number | undefined;
      if (typeof retries === 'string') {
        r = Number(retries);
        if (!Number.isInteger(r)) throw perr(ins, `strconv.ParseInt: parsing "${retries}": invalid syntax`);
        if (r < 1) throw perr(ins, `--retries cannot be negative (${r})`);
      }
      return { kind: 'HEALTHCHECK', raw: ins, none: false, test, interval: dur('interval'), timeout: dur('timeout'), startPeriod: dur('start-period'), retries: r };
    }
    case 'SHELL':
      if (!ins.json || ins.json.length === 0) throw perr(ins, 'SHELL requires the arguments to be in JSON form');
      return { kind: 'SHELL', raw: ins, shell: ins.json };
    case 'STOPSIGNAL':
      if (splitWords(rest).length !== 1) throw perr(ins, 'STOPSIGNAL requires exactly one argument');
      return { kind: 'STOPSIGNAL', raw: ins, signal: rest };
    case 'ONBUILD': {
      const m = /^(\S+)/.exec(rest);
      if (!m) throw perr(ins, 'ONBUILD requires at least one argument');
      const trig = m[1]!.toUpperCase();
      if (trig === 'ONBUILD') throw perr(ins, 'Chaining ONBUILD via `ONBUILD ONBUILD` isn\'t allowed');
      if (trig === 'FROM' || trig === 'MAINTAINER') throw perr(ins, `${trig} isn't allowed as an ONBUILD trigger`);
      return { kind: 'ONBUILD', raw: ins, expression: rest };
    }
    case 'MAINTAINER':
      if (!rest) throw perr(ins, 'MAINTAINER requires exactly one argument');
      return { kind: 'MAINTAINER', raw: ins, name: rest };
  }
}

function tryJson(s: string): string[] | undefined {
  try {
    const v: unknown = JSON.parse(s.trim());
    return Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;
  } catch {
    return undefined;
  }
}

/** Parsed Dockerfiles by text: rebuilds and what-if predictions parse the same text again and again. */
const parsed = new Map<string, Dockerfile>();

/** Parses a Dockerfile into meta ARGs and stages (memoised; never mutated by the builders). */
export function loadDockerfile(text: string, name = 'Dockerfile'): Dockerfile {
  const key = `${name}\0${text}`;
  const hit = parsed.get(key);
  if (hit) return hit;
  const df = parseUncached(text, name);
  if (parsed.size > 64) parsed.delete(parsed.keys().next().value!);
  parsed.set(key, df);
  return df;
}

function parseUncached(text: string, name: string): Dockerfile {
  const parsed = parseDockerfile(text, name);
  const metaArgs: { name: string; value?: string }[] = [];
  const stages: Stage[] = [];
  for (const raw of parsed.instructions) {
    const ins = toInstruction(raw);
    if (ins.kind === 'FROM') {
      stages.push({ index: stages.length, from: ins, name: ins.alias, instructions: [] });
    } else if (stages.length === 0) {
      if (ins.kind !== 'ARG') throw new DockerError('no build stage in current context', 1, { kind: 'parse', line: raw.line });
      metaArgs.push(...ins.args);
    } else stages[stages.length - 1]!.instructions.push(ins);
  }
  if (stages.length === 0) throw new DockerError('no build stage in current context', 1, { kind: 'parse' });
  return { metaArgs, stages, escape: parsed.escape, size: new TextEncoder().encode(text).length };
}
