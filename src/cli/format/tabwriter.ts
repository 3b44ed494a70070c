/**
 * Go's text/tabwriter (elastic tabstops), as forked by the docker CLI, which measures
 * cells with go-runewidth. Tables must match docker byte for byte, including the
 * padding docker leaves on a row whose last cell is empty (`docker history`), so the
 * column-block algorithm is ported as is rather than re-derived.
 */
import { stringWidth } from './text.js';

/** Right-align cell content instead of left-aligning it. */
export const ALIGN_RIGHT = 1 << 2;
/** Drop columns made only of empty, soft-tab ('\v') terminated cells. */
export const DISCARD_EMPTY_COLUMNS = 1 << 3;
/** Pad leading empty cells with tabs whatever the padchar. */
export const TAB_INDENT = 1 << 4;
/** Print '|' between columns. */
export const DEBUG = 1 << 5;

interface Cell {
  size: number; // UTF-16 code units of text in the buffer
  width: number; // terminal cells
  htab: boolean; // terminated by '\t' rather than '\v'
}

/** How a table is laid out: docker uses minwidth 10, tabwidth 1, padding 3, ' ', flags 0. */
export interface TabWriterOptions {
  minwidth?: number;
  tabwidth?: number;
  padding?: number;
  padchar?: string;
  flags?: number;
}

/** A write filter that aligns tab-terminated cells of consecutive lines into columns. */
export class TabWriter {
  private readonly minwidth: number;
  private readonly tabwidth: number;
  private readonly padding: number;
  private readonly padchar: string;
  private readonly flags: number;

  private buf = '';
  private cell: Cell = { size: 0, width: 0, htab: false };
  private lines: Cell[][] = [[]];
  private widths: number[] = [];
  private out: string[] = [];

  constructor(options: TabWriterOptions = {}) {
    this.minwidth = options.minwidth ?? 10;
    this.tabwidth = options.tabwidth ?? 1;
    this.padding = options.padding ?? 3;
    this.padchar = options.padchar ?? ' ';
    let flags = options.flags ?? 0;
    if (this.minwidth < 0 || this.tabwidth < 0 || this.padding < 0) {
      throw new RangeError('negative minwidth, tabwidth, or padding');
    }
    // Tab padding can only align left, as in Go.
    if (this.padchar === '\t') flags &= ~ALIGN_RIGHT;
    this.flags = flags;
  }

  /** Buffers text; lines are emitted once no later line can change their layout. */
  write(text: string): void {
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      if (ch !== '\t' && ch !== '\v' && ch !== '\n' && ch !== '\f') continue;
      this.append(text.slice(start, i));
      start = i + 1;
      const ncells = this.terminateCell(ch === '\t');
      if (ch === '\n' || ch === '\f') {
        this.lines.push([]);
        // A line with a single cell cannot affect later columns, so Go flushes here;
        // this is what splits a table into independent column blocks.
        if (ch === '\f' || ncells === 1) {
          this.flushInternal();
          if (ch === '\f' && this.flags & DEBUG) this.out.push('---\n');
        }
      }
    }
    this.append(text.slice(start));
  }

  /** Formats whatever is buffered and returns all output produced since the last flush. */
  flush(): string {
    this.flushInternal();
    const result = this.out.join('');
    this.out = [];
    return result;
  }

  private append(text: string): void {
    this.buf += text;
    this.cell.size += text.length;
    this.cell.width += stringWidth(text);
  }

  private terminateCell(htab: boolean): number {
    this.cell.htab = htab;
    const line = this.lines[this.lines.length - 1];
    line.push(this.cell);
    this.cell = { size: 0, width: 0, htab: false };
    return line.length;
  }

  private flushInternal(): void {
    if (this.cell.size > 0) this.terminateCell(false);
    this.format(0, 0, this.lines.length);
    this.buf = '';
    this.cell = { size: 0, width: 0, htab: false };
    this.lines = [[]];
    this.widths = [];
  }

  private writePadding(textw: number, cellw: number, useTabs: boolean): void {
    if (this.padchar === '\t' || useTabs) {
      if (this.tabwidth === 0) return;
      // Round the cell up to a whole number of tab stops.
      cellw = Math.ceil(cellw / this.tabwidth) * this.tabwidth;
      const n = cellw - textw;
      this.out.push('\t'.repeat(Math.ceil(n / this.tabwidth)));
      return;
    }
    this.out.push(this.padchar.repeat(Math.max(cellw - textw, 0)));
  }

  private writeLines(pos: number, line0: number, line1: number): number {
    for (let i = line0; i < line1; i++) {
      const line = this.lines[i];
      let useTabs = (this.flags & TAB_INDENT) !== 0;
      line.forEach((c, j) => {
        if (j > 0 && this.flags & DEBUG) this.out.push('|');
        if (c.size === 0) {
          if (j < this.widths.length) this.writePadding(c.width, this.widths[j], useTabs);
          return;
        }
        useTabs = false;
        const text = this.buf.slice(pos, pos + c.size);
        pos += c.size;
        if (this.flags & ALIGN_RIGHT) {
          if (j < this.widths.length) this.writePadding(c.width, this.widths[j], false);
          this.out.push(text);
        } else {
          this.out.push(text);
          if (j < this.widths.length) this.writePadding(c.width, this.widths[j], false);
        }
      });
      if (i + 1 === this.lines.length) {
        // The last buffered line has no newline yet: write the pending partial cell.
        this.out.push(this.buf.slice(pos, pos + this.cell.size));
        pos += this.cell.size;
      } else {
        this.out.push('\n');
      }
    }
    return pos;
  }

  // The last cell of a line is never part of a column: only tab-terminated cells are.
  private format(pos: number, line0: number, line1: number): number {
    const column = this.widths.length;
    for (let current = line0; current < line1; current++) {
      if (column >= this.lines[current].length - 1) continue;
      // This line has a cell in `column`: print the lines above, then size the block.
      pos = this.writeLines(pos, line0, current);
      line0 = current;
      let width = this.minwidth;
      let discardable = true;
      for (; current < line1; current++) {
        const line = this.lines[current];
        if (column >= line.length - 1) break;
        const c = line[column];
        width = Math.max(width, c.width + this.padding);
        if (c.width > 0 || c.htab) discardable = false;
      }
      if (discardable && this.flags & DISCARD_EMPTY_COLUMNS) width = 0;
      this.widths.push(width);
      pos = this.format(pos, line0, current);
      this.widths.pop();
      line0 = current;
    }
    return this.writeLines(pos, line0, line1);
  }
}

/** Lays out rows of cells the way `docker <cmd> ls` prints tables; one string per line. */
export function formatTable(rows: string[][], options?: TabWriterOptions): string[] {
  const tw = new TabWriter(options);
  for (const row of rows) tw.write(row.join('\t') + '\n');
  const text = tw.flush();
  if (text === '') return [];
  return text.slice(0, -1).split('\n');
}
