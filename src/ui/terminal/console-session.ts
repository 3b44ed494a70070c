// Connects a LineEditor to a terminal surface and the app's handlers: runs submitted lines
// one at a time with an AbortSignal, answers Tab, and keeps output and the prompt apart.
import type { Action, LineEditor } from './line-editor.js';
import { stripAnsi } from './text-width.js';

/** The little a session needs from a terminal (xterm in the app, a VirtualScreen in tests). */
export interface TerminalSurface {
  write(text: string): void;
}

/** The app's side of the console; read on every use so changed props take effect. */
export interface ConsoleHandlers {
  onsubmit?: (line: string, signal: AbortSignal) => Promise<void> | void;
  oncomplete?: (line: string, cursor: number) => string[];
  onhistory?: (history: string[]) => void;
  announce?: (text: string) => void;
}

/** What the Terminal component hands the app through `bind:api`. */
export interface TerminalApi {
  write(text: string): void;
  writeln(text: string): void;
  clear(): void;
  focus(): void;
  announce(text: string): void;
  /** Feeds text to the line editor as if typed (`\r` submits): lesson run buttons, presenter mode. */
  type(text: string): void;
  /**
   * Raw terminal output for drawing in place (cursor movement); it bypasses the text that is
   * announced to screen readers. `columns` is the terminal's width now.
   */
  tty: { readonly columns: number; readonly rows: number; write(raw: string): void; takeInput(cb: (data: string) => void): () => void };
}

const CLEAR_SCREEN = '\x1b[3J\x1b[H\x1b[2J';

/** Drives one console: input in, terminal text out, commands run in order. */
export class ConsoleSession {
  private queue: Action[] = [];
  private draining = false;
  private running: AbortController | null = null;
  private atLineStart = true;
  private output = '';
  /** While an interactive command runs (real mode's `exec -it`), keys go to it raw. */
  private raw: ((data: string) => void) | null = null;

  constructor(
    private readonly surface: TerminalSurface,
    private readonly editor: LineEditor,
    private readonly handlers: () => ConsoleHandlers,
  ) {}

  /** Writes the first prompt. */
  start(): void {
    this.surface.write(this.editor.prompt());
  }

  /** True while a submitted line's handler runs. */
  get busy(): boolean {
    return this.running !== null;
  }

  /** Feeds terminal input (xterm's onData). */
  input(data: string): void {
    if (this.raw && this.running) {
      this.raw(data);
      return;
    }
    const actions = this.editor.feed(data);
    if (this.running) {
      // Only Ctrl-C gets through while busy; it must not wait behind the running command.
      for (const a of actions) this.apply(a);
      return;
    }
    this.queue.push(...actions);
    void this.drain();
  }

  /** Sends every key to `cb` until the returned function is called (a command with a TTY). */
  takeInput(cb: (data: string) => void): () => void {
    this.raw = cb;
    return () => {
      if (this.raw === cb) this.raw = null;
    };
  }

  /** Prints command output; lone \n become \r\n because the terminal does not convert them. */
  write(text: string): void {
    const normalized = text.replace(/\r?\n/g, '\r\n');
    if (!normalized) return;
    if (this.running) {
      this.output += text;
      this.surface.write(normalized);
      this.atLineStart = normalized.endsWith('\n');
      return;
    }
    // Output outside a command (a notification): lift the prompt line, print, put it back.
    const newline = normalized.endsWith('\n') ? '' : '\r\n';
    this.surface.write(this.editor.hide() + normalized + newline + this.editor.show());
  }

  /** Writes terminal control text as is (progress drawn in place); not announced. */
  writeRaw(raw: string): void {
    if (!raw) return;
    if (this.running) {
      this.surface.write(raw);
      this.atLineStart = raw.endsWith('\n');
      return;
    }
    this.surface.write(this.editor.hide() + raw + (raw.endsWith('\n') ? '' : '\r\n') + this.editor.show());
  }

  /** Clears screen and scrollback and redraws the prompt line. */
  clear(): void {
    if (this.running) {
      this.surface.write(CLEAR_SCREEN);
      this.atLineStart = true;
    } else {
      this.surface.write(CLEAR_SCREEN + this.editor.show());
    }
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      for (let a = this.queue.shift(); a; a = this.queue.shift()) {
        if (a.type === 'submit') await this.run(a.line);
        else this.apply(a);
      }
    } finally {
      this.draining = false;
    }
  }

  private apply(a: Action): void {
    const h = this.handlers();
    switch (a.type) {
      case 'write':
        this.surface.write(a.text);
        if (this.running) this.atLineStart = a.text.endsWith('\n');
        return;
      case 'clear':
        this.surface.write(CLEAR_SCREEN);
        return;
      case 'cancel':
        if (this.running) {
          this.running.abort();
          // Lines pasted after the cancelled one are dropped, as in a shell.
          this.queue = [];
          this.editor.discard();
        }
        return;
      case 'complete': {
        let candidates: string[] = [];
        try {
          candidates = h.oncomplete?.(a.line, a.cursor) ?? [];
        } catch {
          candidates = [];
        }
        this.queue.unshift(...this.editor.completeWith(candidates));
        return;
      }
      case 'eof':
        return; // there is no shell to leave in the browser
      case 'submit':
        return; // handled by drain
    }
  }

  private async run(line: string): Promise<void> {
    const h = this.handlers();
    h.onhistory?.(this.editor.history);
    const controller = new AbortController();
    this.running = controller;
    this.editor.busy = true;
    this.atLineStart = true;
    this.output = '';
    try {
      if (line.trim() !== '') await h.onsubmit?.(line, controller.signal);
    } catch (e) {
      if (!controller.signal.aborted) this.write(`${e instanceof Error ? e.message : String(e)}\n`);
    } finally {
      if (!this.atLineStart) this.surface.write('\r\n');
      this.running = null;
      this.raw = null;
      this.editor.busy = false;
      const said = stripAnsi(this.output).trim();
      if (said) h.announce?.(said);
      this.surface.write(this.editor.prompt());
    }
  }
}
