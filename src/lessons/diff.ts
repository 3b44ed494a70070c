/**
 * A line diff for "show solution": what applying a step's solution files would change in the
 * learner's files. Pure; longest common subsequence, which is plenty for lesson-sized files.
 */

export interface DiffLine {
  /** ' ' kept, '-' only in the learner's file, '+' only in the solution. */
  op: ' ' | '-' | '+';
  text: string;
}

/** The lines of a text, without a phantom empty line after a final newline. */
function linesOf(text: string): string[] {
  if (text === '') return [];
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** A line diff from `before` to `after` (null: the file does not exist). */
export function diffLines(before: string | null, after: string | null): DiffLine[] {
  const a = linesOf(before ?? '');
  const b = linesOf(after ?? '');
  // lcs[i][j]: the longest common subsequence of a[i..] and b[j..]
  const lcs: Uint32Array[] = Array.from({ length: a.length + 1 }, () => new Uint32Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--) for (let j = b.length - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      out.push({ op: ' ', text: a[i]! });
      i++;
      j++;
    } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) out.push({ op: '-', text: a[i++]! });
    else out.push({ op: '+', text: b[j++]! });
  }
  while (i < a.length) out.push({ op: '-', text: a[i++]! });
  while (j < b.length) out.push({ op: '+', text: b[j++]! });
  return out;
}

/** What a solution would do to one file. */
export interface FileDiff {
  /** Relative to the workspace root. */
  path: string;
  status: 'new' | 'changed' | 'same';
  lines: DiffLine[];
}

/** The diff of each solution file against the learner's current file (read returns null when missing). */
export function solutionDiff(files: Record<string, string>, read: (rel: string) => string | null): FileDiff[] {
  return Object.entries(files).map(([path, text]) => {
    const current = read(path);
    const status = current === null ? 'new' : current === text ? 'same' : 'changed';
    return { path, status, lines: status === 'same' ? [] : diffLines(current, text) };
  });
}
