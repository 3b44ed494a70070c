/** Splitting a command line into words with POSIX quoting (as Python's shlex does). */

export class QuoteError extends Error {}

/** Splits a line into words: quotes group, backslash escapes, no expansion. */
export function splitWords(line: string): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === ' ' || c === '\t' || c === '\n') {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
      continue;
    }
    inWord = true;
    if (c === "'") {
      const j = line.indexOf("'", i + 1);
      if (j < 0) throw new QuoteError('No closing quotation');
      cur += line.slice(i + 1, j);
      i = j;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < line.length && line[j] !== '"'; j++) {
        if (line[j] === '\\' && j + 1 < line.length && '"\\$`\n'.includes(line[j + 1]!)) {
          cur += line[j + 1];
          j++;
        } else cur += line[j];
      }
      if (j >= line.length) throw new QuoteError('No closing quotation');
      i = j;
    } else if (c === '\\') {
      if (i + 1 < line.length) cur += line[++i];
    } else cur += c;
  }
  if (inWord) words.push(cur);
  return words;
}

/** Quotes a word for display so that splitWords gives it back. */
export function quoteWord(w: string): string {
  if (w !== '' && /^[\w@%+=:,./-]+$/.test(w)) return w;
  return `'${w.replace(/'/g, `'"'"'`)}'`;
}
