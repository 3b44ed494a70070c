/**
 * The shell's tokenizer: operators, newlines and words with their quoting
 * kept as parts. Words need the parser for `$(...)`, so the scanner takes a
 * callback that parses a nested command list from a given offset.
 */
import type { ParamOp, Redir, Script, Word, WordPart } from './ast.js';

/** A syntax error, with what the shell would name in its message. */
export class ShellSyntaxError extends Error {
  constructor(
    readonly kind: 'token' | 'eof' | 'quote',
    readonly token: string,
    readonly line: number,
  ) {
    super(kind === 'token' ? `unexpected "${token}"` : kind === 'eof' ? 'unexpected end of file' : 'unterminated quoted string');
  }
}

export type Token =
  | { k: 'word'; word: Word; raw: string; line: number }
  | { k: 'op'; v: string; fd?: number; line: number }
  | { k: 'nl'; line: number }
  | { k: 'eof'; line: number };

/** Parses `$(...)` starting at `pos` (after the parenthesis); returns the script and the offset after `)`. */
export type SubParse = (src: string, pos: number, line: number) => { script: Script; end: number; line: number };

const OPS = ['&&', '||', ';;', '<<-', '<<', '>>', '>&', '<&', '>|', '<>', '&>>', '&>', ';', '&', '|', '(', ')', '<', '>'];
const META = new Set([' ', '\t', '\n', '|', '&', ';', '<', '>', '(', ')']);
const SPECIAL_PARAMS = new Set(['@', '*', '#', '?', '$', '!', '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;

/** Reads tokens from a script; the parser drives it one token ahead. */
export class Scanner {
  line: number;
  /** Here-documents whose bodies start after the next newline. */
  readonly pendingHeredocs: { redir: Redir; delim: string; strip: boolean; quoted: boolean }[] = [];

  constructor(
    readonly src: string,
    public pos: number,
    line: number,
    private readonly subParse: SubParse,
  ) {
    this.line = line;
  }

  private peekc(off = 0): string {
    return this.src[this.pos + off] ?? '';
  }

  private advance(n = 1): string {
    const s = this.src.slice(this.pos, this.pos + n);
    for (const c of s) if (c === '\n') this.line++;
    this.pos += n;
    return s;
  }

  /** Reads the next token; `eof` at the end of input. */
  next(): Token {
    for (;;) {
      const c = this.peekc();
      if (c === ' ' || c === '\t') this.pos++;
      else if (c === '\\' && this.peekc(1) === '\n') this.advance(2);
      else if (c === '#') while (this.pos < this.src.length && this.peekc() !== '\n') this.pos++;
      else break;
    }
    const line = this.line;
    if (this.pos >= this.src.length) return { k: 'eof', line };
    const c = this.peekc();
    if (c === '\n') {
      this.advance();
      this.readHeredocs();
      return { k: 'nl', line };
    }
    const io = /^(\d+)(?=[<>])/.exec(this.src.slice(this.pos, this.pos + 12));
    if (io) {
      this.pos += io[1]!.length;
      const op = this.readOp()!;
      return { k: 'op', v: op, fd: Number(io[1]), line };
    }
    const op = this.readOp();
    if (op) return { k: 'op', v: op, line };
    const start = this.pos;
    const word = this.scanWord('normal');
    return { k: 'word', word, raw: this.src.slice(start, this.pos), line };
  }

  private readOp(): string | undefined {
    for (const op of OPS) {
      if (this.src.startsWith(op, this.pos)) {
        this.pos += op.length;
        return op;
      }
    }
    return undefined;
  }

  private readHeredocs(): void {
    while (this.pendingHeredocs.length > 0) {
      const h = this.pendingHeredocs.shift()!;
      const lines: string[] = [];
      // like busybox and dash, end of input also ends a here-document
      while (this.pos < this.src.length) {
        let end = this.src.indexOf('\n', this.pos);
        if (end < 0) end = this.src.length;
        let text = this.src.slice(this.pos, end);
        this.advance(Math.min(end + 1, this.src.length) - this.pos);
        if (h.strip) text = text.replace(/^\t+/, '');
        if (text === h.delim) break;
        lines.push(text + '\n');
      }
      const body = lines.join('');
      h.redir.here = { body: h.quoted ? [{ t: 'lit', v: body, quoted: true }] : scanText(body, this.subParse), quoted: h.quoted };
    }
  }

  /**
   * Scans a word. `normal` ends at blanks and operators; `brace` ends at an
   * unmatched `}` (the argument of `${x:-...}`); `text` reads to the end of
   * input with double-quote rules (here-documents, arithmetic).
   */
  scanWord(mode: 'normal' | 'brace' | 'text', inDquote = false): Word {
    const parts: WordPart[] = [];
    const lit = (v: string, quoted: boolean) => {
      const last = parts[parts.length - 1];
      if (last && last.t === 'lit' && last.quoted === quoted) last.v += v;
      else parts.push({ t: 'lit', v, quoted });
    };
    const startPos = this.pos;
    while (this.pos < this.src.length) {
      const c = this.peekc();
      if (mode === 'normal' && !inDquote && META.has(c)) break;
      if (mode === 'brace' && c === '}') break;
      if (c === '\\') {
        const n = this.peekc(1);
        if (n === '\n') {
          this.advance(2);
          continue;
        }
        if (mode === 'text' || inDquote) {
          if (n === '$' || n === '`' || n === '\\' || (inDquote && n === '"')) {
            this.advance(2);
            lit(n, true);
          } else {
            this.advance();
            lit('\\', true);
          }
          continue;
        }
        this.advance(2);
        lit(n, true);
        continue;
      }
      if (c === "'" && mode !== 'text' && !inDquote) {
        const end = this.src.indexOf("'", this.pos + 1);
        if (end < 0) throw new ShellSyntaxError('quote', "'", this.line);
        lit('', true);
        lit(this.advance(end + 1 - this.pos).slice(1, -1), true);
        continue;
      }
      if (c === '"' && mode !== 'text') {
        if (inDquote && mode === 'normal') break;
        this.advance();
        lit('', true);
        for (const p of this.scanWord('normal', true)) {
          if (p.t === 'lit') lit(p.v, true);
          else parts.push(p);
        }
        if (this.peekc() !== '"') throw new ShellSyntaxError('quote', '"', this.line);
        this.advance();
        continue;
      }
      if (c === '$') {
        const p = this.scanDollar(inDquote || mode === 'text');
        if (p) parts.push(p);
        else lit(this.advance(), inDquote || mode === 'text');
        continue;
      }
      if (c === '`') {
        parts.push(this.scanBackquote(inDquote || mode === 'text'));
        continue;
      }
      if (c === '~' && this.pos === startPos && mode === 'normal' && !inDquote) {
        const m = /^~([A-Za-z0-9_.-]*)(?=$|[/\s|&;<>()])/.exec(this.src.slice(this.pos));
        if (m) {
          this.advance(m[0].length);
          parts.push({ t: 'tilde', user: m[1]! });
          continue;
        }
      }
      lit(this.advance(), inDquote || mode === 'text');
    }
    return parts;
  }

  private scanDollar(quoted: boolean): WordPart | null {
    const n = this.peekc(1);
    if (n === '(' && this.peekc(2) === '(') {
      const start = this.pos + 3;
      let depth = 0;
      for (let i = start; i < this.src.length; i++) {
        const ch = this.src[i];
        if (ch === '(') depth++;
        else if (ch === ')') {
          if (depth === 0 && this.src[i + 1] === ')') {
            const expr = scanText(this.src.slice(start, i), this.subParse);
            this.advance(i + 2 - this.pos);
            return { t: 'arith', expr, quoted };
          }
          depth--;
        }
      }
      throw new ShellSyntaxError('eof', '', this.line);
    }
    if (n === '(') {
      const r = this.subParse(this.src, this.pos + 2, this.line);
      this.pos = r.end;
      this.line = r.line;
      return { t: 'cmd', body: r.script, quoted };
    }
    if (n === '{') return this.scanBrace(quoted);
    if (SPECIAL_PARAMS.has(n)) {
      this.advance(2);
      return { t: 'param', name: n, quoted };
    }
    if (NAME_START.test(n)) {
      let end = this.pos + 1;
      while (end < this.src.length && NAME_CHAR.test(this.src[end]!)) end++;
      const name = this.src.slice(this.pos + 1, end);
      this.pos = end;
      return { t: 'param', name, quoted };
    }
    return null;
  }

  private scanBrace(quoted: boolean): WordPart {
    this.advance(2);
    let length = false;
    if (this.peekc() === '#' && this.peekc(1) !== '}' && /[A-Za-z_0-9@*#?$!-]/.test(this.peekc(1))) {
      length = true;
      this.advance();
    }
    let name: string;
    if (NAME_START.test(this.peekc())) {
      let end = this.pos;
      while (end < this.src.length && NAME_CHAR.test(this.src[end]!)) end++;
      name = this.advance(end - this.pos);
    } else if (/\d/.test(this.peekc())) {
      let end = this.pos;
      while (end < this.src.length && /\d/.test(this.src[end]!)) end++;
      name = this.advance(end - this.pos);
    } else if (SPECIAL_PARAMS.has(this.peekc())) name = this.advance();
    else throw new ShellSyntaxError('token', '${', this.line);
    if (length) {
      if (this.peekc() !== '}') throw new ShellSyntaxError('token', '${', this.line);
      this.advance();
      return { t: 'length', name, quoted };
    }
    if (this.peekc() === '}') {
      this.advance();
      return { t: 'param', name, quoted };
    }
    const ops: ParamOp[] = [':-', ':=', ':+', ':?', '##', '%%', '//', '-', '=', '+', '?', '#', '%', '/', ':'];
    const op = ops.find((o) => this.src.startsWith(o, this.pos));
    if (!op) throw new ShellSyntaxError('token', '${', this.line);
    this.advance(op.length);
    const arg = this.scanWord('brace', quoted);
    if (this.peekc() !== '}') throw new ShellSyntaxError('eof', '', this.line);
    this.advance();
    return { t: 'param', name, op, arg, quoted };
  }

  private scanBackquote(quoted: boolean): WordPart {
    let i = this.pos + 1;
    let body = '';
    while (i < this.src.length && this.src[i] !== '`') {
      if (this.src[i] === '\\' && '\\`$'.includes(this.src[i + 1] ?? '')) {
        body += this.src[i + 1];
        i += 2;
      } else body += this.src[i++];
    }
    if (i >= this.src.length) throw new ShellSyntaxError('quote', '`', this.line);
    this.advance(i + 1 - this.pos);
    const r = this.subParse(body + ')', 0, this.line);
    return { t: 'cmd', body: r.script, quoted };
  }
}

/** Scans text with double-quote rules ($, backquotes and backslash escapes of $ ` \ only). */
export function scanText(text: string, subParse: SubParse): Word {
  return new Scanner(text, 0, 1, subParse).scanWord('text');
}

/** Whether a word is a plain unquoted literal equal to `s` (reserved words, `{`, `}`). */
export function isLiteral(word: Word, s: string): boolean {
  return word.length === 1 && word[0]!.t === 'lit' && !word[0]!.quoted && word[0]!.v === s;
}

/** The literal text of a word with quotes removed, if it has no expansions. */
export function literalText(word: Word): string | null {
  let s = '';
  for (const p of word) {
    if (p.t !== 'lit') return null;
    s += p.v;
  }
  return s;
}
