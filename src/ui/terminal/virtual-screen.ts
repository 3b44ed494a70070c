// A tiny terminal model for tests: enough of xterm's cursor and wrap rules to check what
// the line editor's output looks like on screen, without a DOM.
import { charWidth } from './text-width.js';

/** A grid of cells that interprets the escape sequences the line editor emits. */
export class VirtualScreen {
  private rows: string[][] = [[]];
  row = 0;
  /** Column; equal to `cols` while a wrap is pending, as in xterm. */
  col = 0;
  bells = 0;

  constructor(readonly cols = 80) {}

  /** Interprets text the way the terminal would. */
  write(text: string): void {
    const chars = Array.from(text);
    for (let i = 0; i < chars.length; i++) {
      const ch = chars[i];
      if (ch === '\x1b' && chars[i + 1] === '[') {
        let j = i + 2;
        let params = '';
        while (/[0-?]/.test(chars[j] ?? '')) params += chars[j++];
        this.csi(params, chars[j]);
        i = j;
      } else if (ch === '\r') this.col = 0;
      else if (ch === '\n') this.lineFeed();
      else if (ch === '\b') this.col = Math.max(0, Math.min(this.col, this.cols - 1) - 1);
      else if (ch === '\x07') this.bells++;
      else this.print(ch);
    }
  }

  /** Visible lines with trailing spaces and trailing empty lines removed. */
  lines(): string[] {
    const out = this.rows.map((r) => r.map((c) => c || ' ').join('').replace(/\u0000/g, '').trimEnd());
    while (out.length > 1 && out[out.length - 1] === '') out.pop();
    return out;
  }

  /** The cursor cell, with a pending wrap shown as the last column. */
  cursor(): { row: number; col: number } {
    return { row: this.row, col: Math.min(this.col, this.cols - 1) };
  }

  private line(r: number): string[] {
    while (this.rows.length <= r) this.rows.push([]);
    return this.rows[r];
  }

  private lineFeed(): void {
    this.row++;
    this.line(this.row);
  }

  private print(ch: string): void {
    const w = charWidth(ch);
    if (w === 0) return;
    if (this.col + w > this.cols) {
      this.lineFeed();
      this.col = 0;
    }
    const line = this.line(this.row);
    while (line.length < this.col + w) line.push(' ');
    line[this.col] = ch;
    if (w === 2) line[this.col + 1] = '\u0000';
    this.col += w;
  }

  private csi(params: string, final: string | undefined): void {
    const n = Number(params || '1');
    this.col = Math.min(this.col, this.cols - 1);
    if (final === 'A') this.row = Math.max(0, this.row - n);
    else if (final === 'B') this.row += n;
    else if (final === 'C') this.col = Math.min(this.cols - 1, this.col + n);
    else if (final === 'D') this.col = Math.max(0, this.col - n);
    else if (final === 'K') this.line(this.row).length = this.col;
    else if (final === 'J') {
      if (params === '2' || params === '3') this.rows = this.rows.map(() => []);
      else {
        this.line(this.row).length = Math.min(this.line(this.row).length, this.col);
        this.rows.length = this.row + 1;
      }
    } else if (final === 'H') {
      this.row = 0;
      this.col = 0;
    }
    this.line(this.row);
  }
}
