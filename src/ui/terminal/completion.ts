// Pure helpers for Tab completion: which word is completed and how bash lists candidates.
import { stringWidth } from './text-width.js';

/** Start index (in code points) of the word that ends at the cursor. */
export function wordStart(chars: readonly string[], cursor: number): number {
  let i = cursor;
  while (i > 0 && !/\s/.test(chars[i - 1])) i--;
  return i;
}

/** The longest prefix shared by every candidate. */
export function commonPrefix(candidates: readonly string[]): string {
  if (candidates.length === 0) return '';
  let prefix = Array.from(candidates[0]);
  for (const c of candidates.slice(1)) {
    const chars = Array.from(c);
    let n = 0;
    while (n < prefix.length && n < chars.length && prefix[n] === chars[n]) n++;
    prefix = prefix.slice(0, n);
  }
  return prefix.join('');
}

/** Candidates sorted into columns read top to bottom, as bash prints them; lines end in \r\n. */
export function formatColumns(candidates: readonly string[], cols: number): string {
  const items = [...new Set(candidates)].sort();
  const width = Math.max(...items.map(stringWidth)) + 2;
  const perRow = Math.max(1, Math.floor(cols / width));
  const rows = Math.ceil(items.length / perRow);
  let out = '';
  for (let r = 0; r < rows; r++) {
    let line = '';
    for (let c = 0; c < perRow; c++) {
      const item = items[c * rows + r];
      if (item === undefined) break;
      const isLast = items[(c + 1) * rows + r] === undefined;
      line += isLast ? item : item + ' '.repeat(width - stringWidth(item));
    }
    out += line + '\r\n';
  }
  return out;
}
