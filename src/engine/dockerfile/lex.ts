/**
 * Variable substitution in Dockerfile instructions, following Docker's shell
 * lexer (frontend/dockerfile/shell/lex.go): quotes, the escape character,
 * `$VAR`, `${VAR}`, `${VAR:-word}`, `${VAR:+word}`, `${VAR-word}`, `${VAR+word}`,
 * `${VAR:?msg}`. Unset variables expand to the empty string.
 */
import { DockerError } from '../errors.js';

export type EnvMap = ReadonlyMap<string, string>;

interface LexOptions {
  escape: string;
  /** Keep quotes and escapes in the output (BuildKit's display of RUN lines). */
  raw?: boolean;
}

class Scanner {
  pos = 0;
  constructor(readonly s: string) {}
  peek(): string {
    return this.s[this.pos] ?? '';
  }
  next(): string {
    return this.s[this.pos++] ?? '';
  }
  get done(): boolean {
    return this.pos >= this.s.length;
  }
}

/** Expands one word (quotes removed unless raw), as Docker's ProcessWord does. */
export function processWord(word: string, env: EnvMap, escape = '\\', raw = false): string {
  return process(word, env, { escape, raw }).map((w) => w.text).join(' ');
}

/** Expands and splits into words on unquoted whitespace, as Docker's ProcessWords does. */
export function processWords(word: string, env: EnvMap, escape = '\\'): string[] {
  return process(word, env, { escape }).map((w) => w.text);
}

/** Substitutes variables for display but keeps quotes and escapes as typed (BuildKit vertex names). */
export function displayWord(text: string, env: EnvMap, escape = '\\'): string {
  try {
    return processWord(text, env, escape, true);
  } catch {
    return text;
  }
}

/** Names of the variables a text references (for cache explanations). */
export function referencedVars(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)|([A-Za-z_][A-Za-z0-9_]*))/g)) out.add((m[1] ?? m[2])!);
  return [...out];
}

function process(input: string, env: EnvMap, opts: LexOptions): { text: string }[] {
  const sc = new Scanner(input);
  const words: { text: string }[] = [];
  let cur = '';
  let inWord = false;
  const flush = () => {
    if (inWord) words.push({ text: cur });
    cur = '';
    inWord = false;
  };
  while (!sc.done) {
    const ch = sc.peek();
    if (!opts.raw && (ch === ' ' || ch === '\t' || ch === '\n')) {
      sc.next();
      flush();
      continue;
    }
    inWord = true;
    if (ch === opts.escape) {
      sc.next();
      if (sc.done) {
        cur += ch;
        break;
      }
      const n = sc.next();
      cur += opts.raw ? ch + n : n;
    } else if (ch === "'") {
      cur += singleQuoted(sc, opts);
    } else if (ch === '"') {
      cur += doubleQuoted(sc, env, opts);
    } else if (ch === '$') {
      const value = dollar(sc, env, opts);
      if (opts.raw || !/\s/.test(value)) cur += value;
      else {
        // Docker splits words after substitution: an unquoted value with spaces becomes several words
        const parts = value.split(/[ \t\n]/);
        cur += parts[0];
        for (const part of parts.slice(1)) {
          flush();
          if (part !== '') {
            cur = part;
            inWord = true;
          }
        }
        inWord = cur !== '';
      }
    } else {
      cur += sc.next();
    }
  }
  flush();
  if (opts.raw && words.length === 0) words.push({ text: '' });
  return words;
}

function singleQuoted(sc: Scanner, opts: LexOptions): string {
  sc.next();
  let out = '';
  for (;;) {
    if (sc.done) throw new DockerError('unexpected end of statement while looking for matching single-quote');
    const ch = sc.next();
    if (ch === "'") break;
    out += ch;
  }
  return opts.raw ? `'${out}'` : out;
}

function doubleQuoted(sc: Scanner, env: EnvMap, opts: LexOptions): string {
  sc.next();
  let out = '';
  for (;;) {
    if (sc.done) throw new DockerError('unexpected end of statement while looking for matching double-quote');
    const ch = sc.peek();
    if (ch === '"') {
      sc.next();
      break;
    }
    if (ch === '$') out += dollar(sc, env, opts);
    else if (ch === opts.escape) {
      sc.next();
      const n = sc.peek();
      if (n === '"' || n === '$' || n === opts.escape) {
        sc.next();
        out += opts.raw ? ch + n : n;
      } else out += ch;
    } else out += sc.next();
  }
  return opts.raw ? `"${out}"` : out;
}

function dollar(sc: Scanner, env: EnvMap, opts: LexOptions): string {
  sc.next();
  const ch = sc.peek();
  if (ch === '{') {
    sc.next();
    const name = readName(sc);
    if (!name) throw new DockerError(`missing ':' in substitution`);
    const c = sc.peek();
    if (c === '}') {
      sc.next();
      return env.get(name) ?? '';
    }
    let op = sc.next();
    if (op === ':') op += sc.next();
    const word = readUntilBrace(sc, env, opts);
    const val = env.get(name);
    const set = val !== undefined;
    const nonEmpty = set && val !== '';
    switch (op) {
      case ':-':
        return nonEmpty ? val! : word;
      case '-':
        return set ? val! : word;
      case ':+':
        return nonEmpty ? word : '';
      case '+':
        return set ? word : '';
      case ':?':
      case '?':
        if (op === ':?' ? !nonEmpty : !set) throw new DockerError(`${name}: ${word || 'is not allowed to be unset'}`);
        return val!;
      default:
        throw new DockerError(`unsupported modifier (${op}) in substitution`);
    }
  }
  const name = readName(sc);
  if (!name) return '$';
  return env.get(name) ?? '';
}

function readName(sc: Scanner): string {
  let name = '';
  while (!sc.done && /[A-Za-z0-9_]/.test(sc.peek())) name += sc.next();
  return name;
}

function readUntilBrace(sc: Scanner, env: EnvMap, opts: LexOptions): string {
  let out = '';
  for (;;) {
    if (sc.done) throw new DockerError("missing '}' in substitution");
    const ch = sc.peek();
    if (ch === '}') {
      sc.next();
      return out;
    }
    if (ch === '$') out += dollar(sc, env, opts);
    else if (ch === "'") out += singleQuoted(sc, opts);
    else if (ch === '"') out += doubleQuoted(sc, env, opts);
    else if (ch === opts.escape) {
      sc.next();
      out += sc.next();
    } else out += sc.next();
  }
}
