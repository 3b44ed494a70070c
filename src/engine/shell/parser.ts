/**
 * A recursive-descent parser for the POSIX shell grammar. It hands out one
 * top-level command at a time, as a real shell does, so a syntax error on a
 * later line does not stop the lines before it from running.
 */
import type { Assign, Node, Redir, RedirOp, Script, Word } from './ast.js';
import { Scanner, ShellSyntaxError, isLiteral, literalText, type Token } from './lexer.js';

const CLOSERS = new Set(['then', 'else', 'elif', 'fi', 'do', 'done', 'esac', '}']);
const REDIR_OPS = new Set(['>', '>>', '<', '>|', '<>', '>&', '<&', '&>', '&>>', '<<', '<<-']);
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Parses a script (or a `$(...)` body) into commands. */
export class Parser {
  private readonly sc: Scanner;
  private la: Token | null = null;

  constructor(src: string, pos = 0, line = 1) {
    this.sc = new Scanner(src, pos, line, parseSubst);
  }

  /** The next top-level command (one line's list), or null at the end of the script. */
  nextCommand(): Node | null {
    while (this.peek().k === 'nl') this.take();
    if (this.peek().k === 'eof') return null;
    const node = this.parseList(true);
    const t = this.peek();
    if (t.k === 'nl') this.take();
    else if (t.k !== 'eof') throw this.unexpected(t);
    return node;
  }

  /** Parses a `$(...)` body up to its closing parenthesis. */
  parseUntilParen(): { script: Script; end: number; line: number } {
    const commands: Node[] = [];
    for (;;) {
      while (this.peek().k === 'nl') this.take();
      const t = this.peek();
      if (t.k === 'op' && t.v === ')') break;
      if (t.k === 'eof') throw new ShellSyntaxError('eof', '', t.line);
      commands.push(this.parseList(true));
      const n = this.peek();
      if (n.k === 'nl') this.take();
      else if (!(n.k === 'op' && n.v === ')')) throw this.unexpected(n);
    }
    this.take();
    return { script: { commands }, end: this.sc.pos, line: this.sc.line };
  }

  private peek(): Token {
    if (!this.la) this.la = this.sc.next();
    return this.la;
  }

  private take(): Token {
    const t = this.peek();
    this.la = null;
    return t;
  }

  private unexpected(t: Token): ShellSyntaxError {
    if (t.k === 'eof') return new ShellSyntaxError('eof', '', t.line);
    if (t.k === 'nl') return new ShellSyntaxError('token', 'newline', t.line);
    return new ShellSyntaxError('token', t.k === 'op' ? t.v : t.raw, t.line);
  }

  private isWord(t: Token, s: string): boolean {
    return t.k === 'word' && isLiteral(t.word, s);
  }

  private atCloser(t: Token): boolean {
    if (t.k === 'eof') return true;
    if (t.k === 'op') return t.v === ')' || t.v === ';;';
    return t.k === 'word' && t.word.length === 1 && t.word[0]!.t === 'lit' && !t.word[0]!.quoted && CLOSERS.has(t.word[0]!.v);
  }

  private linebreak(): void {
    while (this.peek().k === 'nl') this.take();
  }

  /** An and-or list separated by `;`/`&` (and newlines unless `oneLine`). */
  private parseList(oneLine: boolean): Node {
    const items: Node[] = [];
    for (;;) {
      if (!oneLine) this.linebreak();
      const t = this.peek();
      if (this.atCloser(t) || (oneLine && t.k === 'nl')) break;
      const item = this.parseAndOr();
      const s = this.peek();
      items.push(s.k === 'op' && s.v === '&' ? { type: 'bg', body: item } : item);
      if (s.k === 'op' && (s.v === ';' || s.v === '&')) this.take();
      else if (s.k === 'nl' && !oneLine) this.take();
      else break;
    }
    if (items.length === 0) throw this.unexpected(this.peek());
    return items.length === 1 ? items[0]! : { type: 'list', items };
  }

  private parseAndOr(): Node {
    const first = this.parsePipeline();
    const rest: { op: '&&' | '||'; node: Node }[] = [];
    for (;;) {
      const t = this.peek();
      if (t.k !== 'op' || (t.v !== '&&' && t.v !== '||')) break;
      this.take();
      this.linebreak();
      rest.push({ op: t.v, node: this.parsePipeline() });
    }
    return rest.length === 0 ? first : { type: 'andor', first, rest };
  }

  private parsePipeline(): Node {
    const line = this.peek().line;
    let negate = false;
    if (this.isWord(this.peek(), '!')) {
      this.take();
      negate = true;
    }
    const cmds = [this.parseCommand()];
    for (;;) {
      const t = this.peek();
      if (t.k !== 'op' || t.v !== '|') break;
      this.take();
      this.linebreak();
      cmds.push(this.parseCommand());
    }
    return cmds.length === 1 && !negate ? cmds[0]! : { type: 'pipeline', cmds, negate, line };
  }

  private parseCommand(): Node {
    const t = this.peek();
    if (t.k === 'op' && t.v === '(') {
      this.take();
      const body = this.parseList(false);
      this.expectOp(')');
      return { type: 'subshell', body, redirs: this.parseRedirs() };
    }
    if (t.k === 'word' && t.word.length === 1 && t.word[0]!.t === 'lit' && !t.word[0]!.quoted) {
      switch (t.word[0]!.v) {
        case '{': {
          this.take();
          const body = this.parseList(false);
          this.expectWord('}');
          return { type: 'group', body, redirs: this.parseRedirs() };
        }
        case 'if':
          return this.parseIf();
        case 'while':
        case 'until': {
          this.take();
          const cond = this.parseList(false);
          const body = this.parseDoGroup();
          return { type: 'loop', until: t.word[0]!.v === 'until', cond, body, redirs: this.parseRedirs() };
        }
        case 'for':
          return this.parseFor();
        case 'case':
          return this.parseCase();
        case 'function': {
          this.take();
          const name = this.take();
          if (name.k !== 'word' || !NAME.test(literalText(name.word) ?? '')) throw this.unexpected(name);
          if (this.peek().k === 'op' && (this.peek() as { v: string }).v === '(') {
            this.take();
            this.expectOp(')');
          }
          this.linebreak();
          return { type: 'func', name: literalText(name.word)!, body: this.parseCommand(), line: t.line };
        }
      }
      if (CLOSERS.has(t.word[0]!.v)) throw this.unexpected(t);
    }
    return this.parseSimple();
  }

  private parseSimple(): Node {
    const line = this.peek().line;
    const assigns: Assign[] = [];
    const words: Word[] = [];
    const redirs: Redir[] = [];
    for (;;) {
      const t = this.peek();
      if (t.k === 'op' && REDIR_OPS.has(t.v)) {
        redirs.push(this.parseRedir());
        continue;
      }
      if (t.k !== 'word') break;
      this.take();
      if (words.length === 0) {
        const a = splitAssignment(t.word);
        if (a) {
          assigns.push(a);
          continue;
        }
        const n = this.peek();
        if (n.k === 'op' && n.v === '(' && NAME.test(literalText(t.word) ?? '') && assigns.length === 0) {
          this.take();
          this.expectOp(')');
          this.linebreak();
          return { type: 'func', name: literalText(t.word)!, body: this.parseCommand(), line };
        }
      }
      words.push(t.word);
    }
    if (words.length === 0 && assigns.length === 0 && redirs.length === 0) throw this.unexpected(this.peek());
    return { type: 'simple', assigns, words, redirs, line };
  }

  private parseRedirs(): Redir[] {
    const out: Redir[] = [];
    for (;;) {
      const t = this.peek();
      if (t.k === 'op' && REDIR_OPS.has(t.v)) out.push(this.parseRedir());
      else return out;
    }
  }

  private parseRedir(): Redir {
    const op = this.take() as Token & { k: 'op' };
    const target = this.take();
    if (target.k !== 'word') throw this.unexpected(target);
    const redir: Redir = { op: op.v as RedirOp, fd: op.fd, target: target.word };
    if (op.v === '<<' || op.v === '<<-') {
      const quoted = /['"\\]/.test(target.raw);
      const delim = literalText(target.word) ?? target.raw.replace(/['"\\]/g, '');
      this.sc.pendingHeredocs.push({ redir, delim, strip: op.v === '<<-', quoted });
    }
    return redir;
  }

  private parseIf(): Node {
    this.take();
    const clauses: { cond: Node; body: Node }[] = [];
    let elseBody: Node | undefined;
    for (;;) {
      const cond = this.parseList(false);
      this.expectWord('then');
      const body = this.parseList(false);
      clauses.push({ cond, body });
      const t = this.take();
      if (this.isWord(t, 'elif')) continue;
      if (this.isWord(t, 'else')) {
        elseBody = this.parseList(false);
        this.expectWord('fi');
      } else if (!this.isWord(t, 'fi')) throw this.unexpected(t);
      break;
    }
    return { type: 'if', clauses, else: elseBody, redirs: this.parseRedirs() };
  }

  private parseFor(): Node {
    this.take();
    const nameTok = this.take();
    const name = nameTok.k === 'word' ? literalText(nameTok.word) : null;
    if (!name || !NAME.test(name)) throw this.unexpected(nameTok);
    let items: Word[] | null = null;
    this.linebreak();
    if (this.isWord(this.peek(), 'in')) {
      this.take();
      items = [];
      for (;;) {
        const t = this.peek();
        if (t.k !== 'word') break;
        this.take();
        items.push(t.word);
      }
      const s = this.take();
      if (!(s.k === 'nl' || (s.k === 'op' && s.v === ';'))) throw this.unexpected(s);
    } else if (this.peek().k === 'op' && (this.peek() as { v: string }).v === ';') this.take();
    const body = this.parseDoGroup();
    return { type: 'for', name, items, body, redirs: this.parseRedirs() };
  }

  private parseDoGroup(): Node {
    this.linebreak();
    this.expectWord('do');
    const body = this.parseList(false);
    this.expectWord('done');
    return body;
  }

  private parseCase(): Node {
    this.take();
    const wt = this.take();
    if (wt.k !== 'word') throw this.unexpected(wt);
    this.linebreak();
    this.expectWord('in');
    const items: { patterns: Word[]; body: Node | null }[] = [];
    for (;;) {
      this.linebreak();
      const t = this.peek();
      if (this.isWord(t, 'esac')) {
        this.take();
        break;
      }
      if (t.k === 'op' && t.v === '(') this.take();
      const patterns: Word[] = [];
      for (;;) {
        const p = this.take();
        if (p.k !== 'word') throw this.unexpected(p);
        patterns.push(p.word);
        const s = this.take();
        if (s.k === 'op' && s.v === '|') continue;
        if (s.k === 'op' && s.v === ')') break;
        throw this.unexpected(s);
      }
      this.linebreak();
      const n = this.peek();
      const body = (n.k === 'op' && n.v === ';;') || this.isWord(n, 'esac') ? null : this.parseList(false);
      items.push({ patterns, body });
      const e = this.peek();
      if (e.k === 'op' && e.v === ';;') this.take();
      else if (!this.isWord(e, 'esac')) throw this.unexpected(e);
    }
    return { type: 'case', word: wt.word, items, redirs: this.parseRedirs() };
  }

  private expectWord(s: string): void {
    const t = this.take();
    if (!this.isWord(t, s)) throw this.unexpected(t);
  }

  private expectOp(s: string): void {
    const t = this.take();
    if (t.k !== 'op' || t.v !== s) throw this.unexpected(t);
  }
}

function parseSubst(src: string, pos: number, line: number): { script: Script; end: number; line: number } {
  return new Parser(src, pos, line).parseUntilParen();
}

/** Splits `NAME=value` into an assignment when the name is unquoted and valid. */
function splitAssignment(word: Word): Assign | null {
  const first = word[0];
  if (!first || first.t !== 'lit' || first.quoted) return null;
  const m = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(first.v);
  if (!m) return null;
  const rest = first.v.slice(m[0].length);
  const value: Word = rest ? [{ t: 'lit', v: rest, quoted: false }, ...word.slice(1)] : word.slice(1);
  return { name: m[1]!, value };
}
