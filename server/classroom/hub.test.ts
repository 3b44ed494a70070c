import { describe, expect, it } from 'vitest';
import { keepTail } from './hub.js';

describe('keepTail', () => {
  it('keeps short text whole', () => {
    expect(keepTail('abc\n', 10)).toBe('abc\n');
  });

  it('keeps the last characters from the start of a line, so no escape sequence is cut in half', () => {
    const text = Array.from({ length: 100 }, (_, i) => `\x1b[32mline ${i}\x1b[0m\r\n`).join('');
    const kept = keepTail(text, 200);
    expect(kept.length).toBeLessThanOrEqual(200);
    expect(kept.startsWith('\x1b[32mline ')).toBe(true);
    expect(text.endsWith(kept)).toBe(true);
  });

  it('cuts mid-line when no line starts near the cut', () => {
    expect(keepTail('x'.repeat(10_000), 5000)).toBe('x'.repeat(5000));
  });
});
