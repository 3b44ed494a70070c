/**
 * Dockerfile parsing: dockerfile-ast splits the file into instructions, lines
 * and directives; this module turns each instruction into Docker's own view of
 * it (the joined "original" line, flags, JSON or shell form), with Docker's
 * error messages.
 */
import { DockerfileParser } from 'dockerfile-ast';
import { DockerError } from '../errors.js';

export const KNOWN_INSTRUCTIONS = [
  'ADD', 'ARG', 'CMD', 'COPY', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'FROM', 'HEALTHCHECK', 'LABEL',
  'MAINTAINER', 'ONBUILD', 'RUN', 'SHELL', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR',
] as const;
export type Keyword = (typeof KNOWN_INSTRUCTIONS)[number];

/** One Dockerfile instruction as Docker's parser sees it. */
export interface RawInstruction {
  keyword: Keyword;
  /** The keyword as typed (`run` stays lowercase in classic's `Step n/N : run ...`). */
  typed: string;
  /** 1-based line of the keyword. */
  line: number;
  endLine: number;
  /** The instruction on one line, continuations joined (Docker's `node.Original`). */
  original: string;
  /** `--name=value` flags before the arguments, in order. */
  flags: [string, string | true][];
  /** The text after the keyword and flags. */
  rest: string;
  /** Exec (JSON array) form arguments, when the rest is a valid JSON string array. */
  json?: string[];
}

export interface ParsedDockerfile {
  instructions: RawInstruction[];
  escape: string;
  syntax?: string;
}

/** Docker's prefix for parse errors. */
function parseError(line: number, msg: string): DockerError {
  return new DockerError(`dockerfile parse error line ${line}: ${msg}`, 1, { kind: 'parse', line });
}

/** Parses Dockerfile text; throws a DockerError with Docker's wording on bad input. */
export function parseDockerfile(text: string, name = 'Dockerfile'): ParsedDockerfile {
  if (text.trim() === '' || !/^\s*[^#\s]/m.test(text)) {
    throw new DockerError('file with no instructions', 1, { kind: 'parse', parser: true, name });
  }
  const df = DockerfileParser.parse(text);
  const escape = df.getEscapeCharacter();
  const syntax = df.getDirectives().find((d) => d.getName().toLowerCase() === 'syntax')?.getValue();
  const lines = text.split(/\r?\n/);
  const out: RawInstruction[] = [];
  for (const ins of df.getInstructions()) {
    const range = ins.getRange();
    const typed = ins.getInstruction();
    const keyword = typed.toUpperCase();
    const line = range.start.line + 1;
    if (!(KNOWN_INSTRUCTIONS as readonly string[]).includes(keyword)) {
      throw parseError(line, `unknown instruction: ${keyword}`);
    }
    const original = joinOriginal(lines.slice(range.start.line, range.end.line + 1), escape);
    const afterKw = original.slice(original.search(/\s|$/)).replace(/^\s+/, '');
    const { flags, rest } = splitFlags(afterKw, keyword as Keyword);
    const raw: RawInstruction = { keyword: keyword as Keyword, typed, line, endLine: range.end.line + 1, original, flags, rest };
    const json = parseJsonArray(rest);
    if (json) raw.json = json;
    out.push(raw);
  }
  return { instructions: out, escape, syntax };
}

/** Joins an instruction's physical lines the way Docker's parser does. */
function joinOriginal(physical: string[], escape: string): string {
  const cont = new RegExp('\\' + escape + '[ \\t]*$');
  let line = '';
  for (let i = 0; i < physical.length; i++) {
    let l = physical[i]!;
    if (i === 0) l = l.replace(/^\s+/, '');
    else {
      if (/^\s*#/.test(l)) continue;
      if (l.trim() === '') continue;
    }
    const m = cont.exec(l);
    if (m) l = l.slice(0, m.index);
    line += l;
    if (!m) break;
  }
  return line.replace(/\s+$/, '');
}

const FLAG_INSTRUCTIONS = new Set<Keyword>(['FROM', 'RUN', 'COPY', 'ADD', 'HEALTHCHECK']);

/** Splits leading `--flag[=value]` words off an instruction's arguments (Docker's BFlags). */
function splitFlags(args: string, keyword: Keyword): { flags: [string, string | true][]; rest: string } {
  const flags: [string, string | true][] = [];
  if (!FLAG_INSTRUCTIONS.has(keyword)) return { flags, rest: args };
  let rest = args;
  for (;;) {
    const m = /^--([A-Za-z0-9-]+)(?:=("[^"]*"|\S*))?(\s+|$)/.exec(rest);
    if (!m) break;
    let v: string | true = m[2] === undefined ? true : m[2];
    if (typeof v === 'string' && v.startsWith('"') && v.endsWith('"') && v.length >= 2) v = v.slice(1, -1);
    flags.push([m[1]!, v]);
    rest = rest.slice(m[0].length);
    if (keyword === 'HEALTHCHECK' && /^(CMD|NONE)\b/i.test(rest)) break;
  }
  return { flags, rest };
}

/** The exec-form arguments when `rest` is a JSON array of strings (else shell form, as Docker does). */
export function parseJsonArray(rest: string): string[] | undefined {
  const t = rest.trim();
  if (!t.startsWith('[') || !t.endsWith(']')) return undefined;
  try {
    const v: unknown = JSON.parse(t);
    if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
  } catch {
    // not JSON: Docker treats the text as shell form
  }
  return undefined;
}

/** Docker's flag validation: unknown flags and missing values fail with its wording. */
export function checkFlags(ins: RawInstruction, allowed: string[]): Map<string, string | true> {
  const m = new Map<string, string | true>();
  for (const [k, v] of ins.flags) {
    if (!allowed.includes(k)) throw parseError(ins.line, `Unknown flag: ${k}`);
    m.set(k, v);
  }
  return m;
}
