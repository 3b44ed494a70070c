// Column widths as xterm's default (Unicode 6) tables count them, so the editor can
// place the cursor on wrapped lines without asking the terminal.

const ZERO_WIDTH: ReadonlyArray<readonly [number, number]> = [
  [0x0300, 0x036f], [0x0483, 0x0489], [0x0591, 0x05bd], [0x0610, 0x061a], [0x064b, 0x065f],
  [0x1ab0, 0x1aff], [0x1dc0, 0x1dff], [0x200b, 0x200f], [0x20d0, 0x20ff], [0xfe00, 0xfe0f],
  [0xfe20, 0xfe2f],
];

const WIDE: ReadonlyArray<readonly [number, number]> = [
  [0x1100, 0x115f], [0x2329, 0x232a], [0x2e80, 0x303e], [0x3040, 0xa4cf], [0xac00, 0xd7a3],
  [0xf900, 0xfaff], [0xfe10, 0xfe19], [0xfe30, 0xfe6f], [0xff00, 0xff60], [0xffe0, 0xffe6],
  [0x1f300, 0x1f64f], [0x1f900, 0x1f9ff], [0x20000, 0x2fffd], [0x30000, 0x3fffd],
];

function inRanges(cp: number, ranges: ReadonlyArray<readonly [number, number]>): boolean {
  for (const [lo, hi] of ranges) if (cp >= lo && cp <= hi) return true;
  return false;
}

/** Terminal columns one code point occupies: 0 (combining), 1 or 2 (wide). */
export function charWidth(ch: string): number {
  const cp = ch.codePointAt(0) ?? 0;
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return 0;
  if (inRanges(cp, ZERO_WIDTH)) return 0;
  return inRanges(cp, WIDE) ? 2 : 1;
}

/** Removes CSI/OSC escape sequences, leaving the text a terminal would show. */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g, '');
}

/** Columns the visible text occupies on one unwrapped line. */
export function stringWidth(text: string): number {
  let w = 0;
  for (const ch of stripAnsi(text)) w += charWidth(ch);
  return w;
}

/** A cursor cell relative to the first cell of the prompt's last line. */
export interface CellPosition {
  row: number;
  col: number;
}

/**
 * Where the cursor sits after writing `visible` (no escapes) from column 0 on a terminal
 * `cols` wide. A wide character that does not fit wraps whole, as xterm draws it; a line
 * that ends exactly at the margin puts the cursor at the start of the next row.
 */
export function positionAfter(visible: string, cols: number): CellPosition {
  let row = 0;
  let col = 0;
  for (const ch of visible) {
    const w = charWidth(ch);
    if (w === 0) continue;
    if (col + w > cols) {
      row++;
      col = 0;
    }
    col += w;
  }
  if (col >= cols) return { row: row + 1, col: 0 };
  return { row, col };
}

/** ANSI text that moves the cursor from one cell to another within drawn rows. */
export function moveCursor(from: CellPosition, to: CellPosition): string {
  let out = '';
  if (to.row < from.row) out += `\x1b[${from.row - to.row}A`;
  else if (to.row > from.row) out += `\x1b[${to.row - from.row}B`;
  if (to.col !== from.col || out !== '') {
    out += '\r';
    if (to.col > 0) out += `\x1b[${to.col}C`;
  }
  return out;
}
