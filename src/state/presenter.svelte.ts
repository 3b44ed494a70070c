/**
 * Presenter mode for live demos: the lesson's `demo.script`, one command per keypress, typed
 * into the console at a natural pace and run; back puts the world as it was before the
 * previous command; pause holds the typing; speaker notes live in a second window. It works
 * offline: everything runs on the simulator in the page.
 */
import type { Backend } from '../backends/backend.js';
import type { LessonRunner } from './lesson.svelte.js';

export interface PresenterHost {
  /** Feeds text to the console's line editor as if typed (`\r` is Enter, `\x15` clears the line). */
  type(text: string): void;
  backend(): Backend | undefined;
  /** The backend changed outside a command (back): redraw and save. */
  changed(): void;
  /** The speaker notes as HTML (escaped). */
  notesHtml(markdown: string): string;
}

/** Milliseconds before typing character `ch`: a little uneven, slower after a word. */
export function keyDelay(ch: string, random: () => number = Math.random): number {
  return Math.round((ch === ' ' ? 110 : 45) + random() * 45);
}

export class Presenter {
  active = $state(false);
  /** The index of the next demo command. */
  index = $state(0);
  typing = $state(false);
  paused = $state(false);
  /** The command being typed (or the one just run). */
  line = $state('');
  /** Text for a polite live region. */
  said = $state('');
  notesOpen = $state(false);

  private snapshots: unknown[] = [];
  private cancelled = false;
  private resume: (() => void) | undefined;
  private notes: Window | null = null;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly runner: LessonRunner,
    private readonly host: PresenterHost,
  ) {}

  get script(): string[] {
    return this.runner.current?.parsed?.lesson.demo?.script ?? [];
  }

  get notesMarkdown(): string {
    return this.runner.current?.parsed?.lesson.demo?.notes ?? '';
  }

  enter(): void {
    if (this.active) return;
    this.active = true;
    this.runner.asking = false;
    this.index = 0;
    this.snapshots = [];
    this.say(this.script.length ? `Presenter mode. ${this.script.length} demo commands. Right arrow types the next one.` : 'Presenter mode. This lesson has no demo script; choose a lesson with one.');
  }

  leave(): void {
    this.cancelled = true;
    this.resume?.();
    this.active = false;
    this.runner.asking = true;
    this.paused = false;
    this.say('Presenter mode off.');
  }

  /** Types and runs the next demo command. */
  async next(): Promise<void> {
    if (this.typing || this.runner.busy) return;
    const script = this.script;
    if (this.index >= script.length) {
      this.say('That was the last demo command.');
      return;
    }
    const line = script[this.index]!;
    const b = this.host.backend();
    this.snapshots[this.index] = b?.snapshot();
    this.typing = true;
    this.cancelled = false;
    this.line = '';
    try {
      for (const ch of line) {
        await this.sleep(keyDelay(ch));
        while (this.paused && !this.cancelled) await new Promise<void>((r) => (this.resume = r));
        if (this.cancelled) return;
        this.host.type(ch);
        this.line += ch;
      }
      await this.sleep(250);
      if (this.cancelled) return;
      const done = this.runner.nextCommand();
      this.host.type('\r');
      this.index++;
      this.pushNotes();
      await done;
    } finally {
      this.typing = false;
    }
  }

  /** Back: stops typing, or puts the world back to before the previous command. */
  back(): void {
    if (this.typing) {
      this.cancelled = true;
      this.paused = false;
      this.resume?.();
      this.host.type('\x15');
      this.say('Typing stopped.');
      return;
    }
    if (this.runner.busy || this.index === 0) return;
    this.index--;
    const snap = this.snapshots[this.index];
    const b = this.host.backend();
    if (snap !== undefined && b) {
      try {
        b.restore(snap);
        this.host.changed();
      } catch {
        // a snapshot that no longer restores: the index still moves back
      }
    }
    this.line = this.script[this.index] ?? '';
    this.pushNotes();
    this.say(`Back before: ${this.line}`);
  }

  togglePause(): void {
    this.paused = !this.paused;
    if (!this.paused) this.resume?.();
    this.say(this.paused ? 'Paused.' : 'Resumed.');
  }

  /** Opens (or focuses) the speaker notes in a second window. */
  openNotes(): void {
    if (this.notes && !this.notes.closed) {
      this.notes.focus();
      return;
    }
    this.notes = window.open('', 'layerlab-speaker-notes', 'popup,width=640,height=720');
    if (!this.notes) {
      this.say('The browser blocked the notes window; allow pop-ups for this page.');
      return;
    }
    this.notesOpen = true;
    this.notes.document.title = 'Speaker notes · Layerlab';
    const style = this.notes.document.createElement('style');
    style.textContent = 'body{font:20px/1.5 system-ui,sans-serif;margin:1.5rem;background:#111;color:#eee}code{font-family:ui-monospace,monospace;background:#222;padding:0 .2em}ol{padding-left:1.5em}li.done{color:#888}li.next{color:#ffd866;font-weight:600}h1{font-size:1.2em}h2{font-size:1em;margin-top:1.5em}';
    this.notes.document.head.append(style);
    this.pushNotes();
    clearInterval(this.timer);
    this.timer = setInterval(() => {
      if (!this.notes || this.notes.closed) {
        this.notesOpen = false;
        clearInterval(this.timer);
      }
    }, 1000);
  }

  /** Redraws the notes window: the notes, and the script with where the demo is. */
  private pushNotes(): void {
    const w = this.notes;
    if (!w || w.closed) return;
    const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
    const title = this.runner.current?.parsed?.lesson.title ?? 'Layerlab';
    const items = this.script.map((c, i) => `<li class="${i < this.index ? 'done' : i === this.index ? 'next' : ''}"><code>${esc(c)}</code></li>`).join('');
    w.document.body.innerHTML = `<h1>${esc(title)}</h1><div class="notes">${this.host.notesHtml(this.notesMarkdown) || '<p>No notes for this lesson.</p>'}</div><h2>Demo (${this.index}/${this.script.length})</h2><ol>${items}</ol>`;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((r) => setTimeout(r, ms));
  }

  private say(text: string): void {
    this.said = '';
    setTimeout(() => (this.said = text), 50);
  }

  dispose(): void {
    clearInterval(this.timer);
    this.cancelled = true;
  }
}
