import { describe, expect, it } from 'vitest';
import { diffLines, solutionDiff } from './diff.js';

describe('diffLines', () => {
  it('marks an appended line as added and keeps the rest', () => {
    expect(diffLines('FROM a\nCMD x\n', 'FROM a\nRUN rm f\nCMD x\n')).toEqual([
      { op: ' ', text: 'FROM a' },
      { op: '+', text: 'RUN rm f' },
      { op: ' ', text: 'CMD x' },
    ]);
  });
  it('shows a changed line as removed then added', () => {
    expect(diffLines('a\nb\nc', 'a\nB\nc')).toEqual([
      { op: ' ', text: 'a' },
      { op: '-', text: 'b' },
      { op: '+', text: 'B' },
      { op: ' ', text: 'c' },
    ]);
  });
  it('treats a missing file as empty', () => {
    expect(diffLines(null, 'x\n')).toEqual([{ op: '+', text: 'x' }]);
    expect(diffLines('x', null)).toEqual([{ op: '-', text: 'x' }]);
  });
  it('ignores CRLF versus LF', () => {
    expect(diffLines('a\r\nb\r\n', 'a\nb\n').every((l) => l.op === ' ')).toBe(true);
  });
});

describe('solutionDiff', () => {
  it('says which solution files are new, changed or already the same', () => {
    const files: Record<string, string> = { 'a.txt': 'same\n', 'b.txt': 'old\n' };
    const d = solutionDiff({ 'a.txt': 'same\n', 'b.txt': 'new\n', 'c.txt': 'c\n' }, (p) => files[p] ?? null);
    expect(d.map((f) => [f.path, f.status])).toEqual([
      ['a.txt', 'same'],
      ['b.txt', 'changed'],
      ['c.txt', 'new'],
    ]);
    expect(d[0]!.lines).toEqual([]);
  });
});
