// A bash-like line editor as a pure state machine: input in, terminal text and requests out.
// It never touches the DOM or xterm, so every key can be tested headlessly.
import { commonPrefix, formatColumns, wordStart } from './completion.js';
import { parseInput, type InputToken, type KeyName } from './keys.js';
import { moveCursor, positionAfter, stripAnsi, type CellPosition } from './text-width.js';

/** What the caller must do after feeding input. Apply actions in order. */
export type Action =
  | { type: 'write'; text: string }
  | { type: 'submit'; line: string }
  | { type: 'cancel' }
  | { type: 'clear' }
  | { type: 'complete'; line: string; cursor: number }
  | { type: 'eof' };

/** Options for a new editor; `history` is oldest first and is copied. */
export interface LineEditorOptions {
  prompt?: string;
  history?: readonly string[];
  columns?: number;
  historyLimit?: number;
}

interface Search {
  query: string;
  match: number;
  failed: boolean;
  saved: { chars: string[]; cursor: number };
}

const isWordChar = (ch: string) => /[\p{L}\p{N}]/u.test(ch);
const BELL = '\x07';

/** Editing state for one prompt line; see Action for what it asks of the caller. */
export class LineEditor {
  /** While true (a command runs) input is ignored except Ctrl-C, which cancels. */
  busy = false;
  private chars: string[] = [];
  private cur = 0;
  private promptText: string;
  private cols: number;
  private readonly limit: number;
  private hist: string[];
  private histIndex: number;
  private draft: string[] = [];
  private killed = '';
  private search: Search | null = null;
  private pos: CellPosition;
  private tabStreak = 0;
  private awaitingCompletion = false;
  private pending: InputToken[] = [];

  constructor(options: LineEditorOptions = {}) {
    this.promptText = options.prompt ?? '$ ';
    this.cols = Math.max(2, options.columns ?? 80);
    this.limit = options.historyLimit ?? 1000;
    this.hist = [...(options.history ?? [])].slice(-this.limit);
    this.histIndex = this.hist.length;
    this.pos = this.afterPrompt();
  }

  /** The line as typed so far. */
  get line(): string {
    return this.chars.join('');
  }

  /** Cursor position in code points. */
  get cursor(): number {
    return this.cur;
  }

  /** History, oldest first, including lines submitted through this editor. */
  get history(): string[] {
    return [...this.hist];
  }

  /** Text to write for a fresh prompt (after a command finished). */
  prompt(): string {
    return this.promptText;
  }

  /** Changes the prompt used from the next fresh prompt on. */
  setPrompt(prompt: string): void {
    this.promptText = prompt;
    if (this.chars.length === 0) this.pos = this.afterPrompt();
  }

  /** Tells the editor the terminal width so wrapped lines redraw correctly. */
  setColumns(cols: number): void {
    this.cols = Math.max(2, cols);
    this.pos = positionAfter(this.visibleTail() + this.chars.slice(0, this.cur).join(''), this.cols);
  }

  /** Forgets the line and any pending input, for when queued pasted lines are dropped. */
  discard(): void {
    this.pending = [];
    this.awaitingCompletion = false;
    this.search = null;
    this.reset();
  }

  /** Erases the prompt line so output can be printed while the user is typing; pair with show(). */
  hide(): string {
    const out = moveCursor(this.pos, { row: 0, col: 0 }) + '\r\x1b[J';
    this.pos = { row: 0, col: 0 };
    return out;
  }

  /** Draws the prompt and the current line again on a fresh line. */
  show(): string {
    return this.freshDraw();
  }

  /** Feeds what the terminal's onData delivered; returns what to do, in order. */
  feed(data: string): Action[] {
    const tokens = [...this.pending, ...parseInput(data)];
    this.pending = [];
    this.awaitingCompletion = false;
    if (this.busy) {
      return tokens.some((t) => t.kind === 'key' && t.name === 'ctrl-c')
        ? [{ type: 'write', text: '^C' }, { type: 'cancel' }]
        : [];
    }
    const actions: Action[] = [];
    this.run(tokens, actions);
    return merge(actions);
  }

  /** Answers a 'complete' action with full words for the word before the cursor. */
  completeWith(candidates: readonly string[]): Action[] {
    if (!this.awaitingCompletion) return [];
    this.awaitingCompletion = false;
    const actions: Action[] = [];
    const start = wordStart(this.chars, this.cur);
    const word = this.chars.slice(start, this.cur).join('');
    const unique = [...new Set(candidates)];
    if (unique.length === 0) {
      actions.push(write(BELL));
    } else if (unique.length === 1) {
      const c = unique[0];
      const suffix = c.endsWith('/') || this.chars[this.cur] === ' ' ? '' : ' ';
      actions.push(write(this.replace(start, c + suffix)));
    } else {
      const prefix = commonPrefix(unique);
      if (Array.from(prefix).length > Array.from(word).length) {
        actions.push(write(this.replace(start, prefix)));
      } else if (this.tabStreak >= 2) {
        const listing = this.moveTo(this.endPos()) + '\r\n' + formatColumns(unique, this.cols);
        actions.push(write(listing + this.freshDraw()));
      } else {
        actions.push(write(BELL));
      }
    }
    const rest = this.pending;
    this.pending = [];
    this.run(rest, actions);
    return merge(actions);
  }

  private run(tokens: InputToken[], actions: Action[]): void {
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i];
      if (t.kind === 'key' && t.name === 'tab') this.tabStreak++;
      else this.tabStreak = 0;
      if (this.search && this.searchToken(t, actions)) continue;
      if (t.kind === 'text') {
        actions.push(write(this.insert(t.text)));
        continue;
      }
      if (t.name === 'tab') {
        actions.push({ type: 'complete', line: this.line, cursor: this.cur });
        this.awaitingCompletion = true;
        this.pending = tokens.slice(i + 1);
        return;
      }
      this.key(t.name, actions);
    }
  }

  private key(name: KeyName, actions: Action[]): void {
    const n = this.chars.length;
    switch (name) {
      case 'enter': return this.submit(actions);
      case 'ctrl-c': {
        actions.push(write(this.moveTo(this.endPos()) + '^C\r\n' + this.promptText), { type: 'cancel' });
        this.reset();
        return;
      }
      case 'ctrl-d':
        if (n === 0) actions.push({ type: 'eof' });
        else if (this.cur < n) actions.push(write(this.edit(this.cur, this.cur + 1, '', this.cur)));
        return;
      case 'ctrl-l':
        actions.push({ type: 'clear' }, write(this.freshDraw()));
        return;
      case 'left': case 'ctrl-b': return this.moveCursorTo(this.cur - 1, actions);
      case 'right': case 'ctrl-f': return this.moveCursorTo(this.cur + 1, actions);
      case 'home': case 'ctrl-a': return this.moveCursorTo(0, actions);
      case 'end': case 'ctrl-e': return this.moveCursorTo(n, actions);
      case 'word-left': return this.moveCursorTo(this.wordBack(), actions);
      case 'word-right': return this.moveCursorTo(this.wordForward(), actions);
      case 'backspace':
        if (this.cur > 0) actions.push(write(this.edit(this.cur - 1, this.cur, '', this.cur - 1)));
        return;
      case 'delete':
        if (this.cur < n) actions.push(write(this.edit(this.cur, this.cur + 1, '', this.cur)));
        return;
      case 'ctrl-u': return this.kill(0, this.cur, actions);
      case 'ctrl-k': return this.kill(this.cur, n, actions);
      case 'ctrl-w': {
        let i = this.cur;
        while (i > 0 && /\s/.test(this.chars[i - 1])) i--;
        while (i > 0 && !/\s/.test(this.chars[i - 1])) i--;
        return this.kill(i, this.cur, actions);
      }
      case 'kill-word-back': return this.kill(this.wordBack(), this.cur, actions);
      case 'kill-word-forward': return this.kill(this.cur, this.wordForward(), actions);
      case 'ctrl-y':
        if (this.killed) actions.push(write(this.insert(this.killed)));
        return;
      case 'up': case 'ctrl-p': return this.recall(this.histIndex - 1, actions);
      case 'down': case 'ctrl-n': return this.recall(this.histIndex + 1, actions);
      case 'ctrl-r':
        this.search = { query: '', match: -1, failed: false, saved: { chars: [...this.chars], cursor: this.cur } };
        actions.push(write(this.drawSearch()));
        return;
      default:
        return; // escape, ctrl-g and unbound keys do nothing outside a search
    }
  }

  /** Handles a token during Ctrl-R; returns false when the token should run as a normal key. */
  private searchToken(t: InputToken, actions: Action[]): boolean {
    const s = this.search!;
    if (t.kind === 'text') {
      s.query += t.text;
      this.findMatch(s.match >= 0 ? s.match : this.hist.length - 1);
      actions.push(write(this.drawSearch()));
      return true;
    }
    switch (t.name) {
      case 'ctrl-r':
        if (s.query) this.findMatch(s.match - 1);
        actions.push(write(this.drawSearch()));
        return true;
      case 'backspace':
        s.query = Array.from(s.query).slice(0, -1).join('');
        s.match = -1;
        s.failed = false;
        if (s.query) this.findMatch(this.hist.length - 1);
        actions.push(write(this.drawSearch()));
        return true;
      case 'escape': case 'ctrl-g':
        this.chars = s.saved.chars;
        this.cur = s.saved.cursor;
        this.search = null;
        actions.push(write(this.redraw()));
        return true;
      case 'ctrl-c':
        this.chars = s.saved.chars;
        this.cur = s.saved.cursor;
        this.search = null;
        return false;
      default:
        // Any other key accepts the match and then acts on it, as in bash.
        this.acceptSearch();
        actions.push(write(this.redraw()));
        return false;
    }
  }

  private findMatch(from: number): void {
    const s = this.search!;
    for (let i = Math.min(from, this.hist.length - 1); i >= 0; i--) {
      if (this.hist[i].includes(s.query)) {
        s.match = i;
        s.failed = false;
        return;
      }
    }
    s.failed = true;
  }

  private matchCursor(): number {
    const s = this.search!;
    const text = this.hist[s.match];
    const at = text.indexOf(s.query);
    return Array.from(text.slice(0, Math.max(0, at))).length;
  }

  private acceptSearch(): void {
    const s = this.search!;
    if (s.match >= 0) {
      this.chars = Array.from(this.hist[s.match]);
      this.cur = this.matchCursor();
      this.histIndex = s.match;
      this.draft = s.saved.chars;
    }
    this.search = null;
  }

  private drawSearch(): string {
    const s = this.search!;
    const head = `(${s.failed ? 'failed ' : ''}reverse-i-search)'${s.query}': `;
    if (s.match < 0) return this.draw(head, '', 0);
    return this.draw(head, this.hist[s.match], this.matchCursor());
  }

  private submit(actions: Action[]): void {
    const line = this.line;
    actions.push(write(this.moveTo(this.endPos()) + '\r\n'), { type: 'submit', line });
    if (line.trim() !== '' && this.hist[this.hist.length - 1] !== line) {
      this.hist.push(line);
      if (this.hist.length > this.limit) this.hist.shift();
    }
    this.reset();
  }

  private reset(): void {
    this.chars = [];
    this.cur = 0;
    this.histIndex = this.hist.length;
    this.draft = [];
    this.pos = this.afterPrompt();
  }

  private recall(index: number, actions: Action[]): void {
    if (index < 0 || index > this.hist.length || index === this.histIndex) return;
    if (this.histIndex === this.hist.length) this.draft = this.chars;
    this.histIndex = index;
    this.chars = index === this.hist.length ? [...this.draft] : Array.from(this.hist[index]);
    this.cur = this.chars.length;
    actions.push(write(this.redraw()));
  }

  private kill(from: number, to: number, actions: Action[]): void {
    if (from >= to) return;
    this.killed = this.chars.slice(from, to).join('');
    actions.push(write(this.edit(from, to, '', from)));
  }

  private wordBack(): number {
    let i = this.cur;
    while (i > 0 && !isWordChar(this.chars[i - 1])) i--;
    while (i > 0 && isWordChar(this.chars[i - 1])) i--;
    return i;
  }

  private wordForward(): number {
    let i = this.cur;
    const n = this.chars.length;
    while (i < n && !isWordChar(this.chars[i])) i++;
    while (i < n && isWordChar(this.chars[i])) i++;
    return i;
  }

  private moveCursorTo(index: number, actions: Action[]): void {
    const to = Math.max(0, Math.min(this.chars.length, index));
    if (to === this.cur) return;
    this.cur = to;
    const text = this.moveTo(this.cursorPos());
    if (text) actions.push(write(text));
  }

  /** Inserts text at the cursor; typing at the end of the line writes just the text. */
  private insert(text: string): string {
    const add = Array.from(text);
    if (this.cur < this.chars.length) return this.edit(this.cur, this.cur, text, this.cur + add.length);
    this.chars.push(...add);
    this.cur = this.chars.length;
    const end = this.cursorPos();
    // At the right margin the terminal holds the cursor until the next character; a space
    // and a backspace move it onto the new row so later cursor moves land where we think.
    const wrap = end.col === 0 && end.row > this.pos.row ? ' \b\x1b[K' : '';
    this.pos = end;
    return text + wrap;
  }

  private replace(start: number, text: string): string {
    return this.edit(start, this.cur, text, start + Array.from(text).length);
  }

  private edit(from: number, to: number, text: string, cursor: number): string {
    this.chars.splice(from, to - from, ...Array.from(text));
    this.cur = cursor;
    return this.redraw();
  }

  private redraw(): string {
    return this.draw(this.promptTail(), this.line, this.cur);
  }

  /** Rewrites the prompt's last line from its first cell and places the cursor. */
  private draw(head: string, body: string, cursor: number): string {
    const visibleHead = stripAnsi(head);
    let out = this.moveTo({ row: 0, col: 0 }) + head + body;
    const end = positionAfter(visibleHead + body, this.cols);
    if (end.col === 0 && end.row > 0) out += ' \b';
    out += '\x1b[J';
    const at = positionAfter(visibleHead + Array.from(body).slice(0, cursor).join(''), this.cols);
    this.pos = end;
    return out + this.moveTo(at);
  }

  private freshDraw(): string {
    const lead = this.promptText.slice(0, this.promptText.lastIndexOf('\n') + 1);
    this.pos = { row: 0, col: 0 };
    const body = this.search ? this.drawSearch() : this.redraw();
    return '\r' + lead + body;
  }

  private moveTo(to: CellPosition): string {
    const out = moveCursor(this.pos, to);
    this.pos = to;
    return out;
  }

  private promptTail(): string {
    return this.promptText.slice(this.promptText.lastIndexOf('\n') + 1);
  }

  private visibleTail(): string {
    return stripAnsi(this.promptTail());
  }

  private afterPrompt(): CellPosition {
    return positionAfter(this.visibleTail(), this.cols);
  }

  private cursorPos(): CellPosition {
    return positionAfter(this.visibleTail() + this.chars.slice(0, this.cur).join(''), this.cols);
  }

  private endPos(): CellPosition {
    return positionAfter(this.visibleTail() + this.line, this.cols);
  }
}

function write(text: string): Action {
  return { type: 'write', text };
}

/** Joins neighbouring writes so the terminal gets one write per step; drops empty ones. */
function merge(actions: Action[]): Action[] {
  const out: Action[] = [];
  for (const a of actions) {
    const last = out[out.length - 1];
    if (a.type === 'write' && a.text === '') continue;
    if (a.type === 'write' && last?.type === 'write') last.text += a.text;
    else out.push(a);
  }
  return out;
}
