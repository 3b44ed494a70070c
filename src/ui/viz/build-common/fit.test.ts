import { describe, expect, it } from 'vitest';
import { fitText } from './fit.js';

describe('fitText', () => {
  it('keeps short text and cuts long text with an ellipsis at either end', () => {
    const font = '10px monospace';
    expect(fitText('abc', 100, font)).toBe('abc');
    const cut = fitText('x'.repeat(50), 62, font);
    expect(cut.endsWith('…')).toBe(true);
    expect(cut.length).toBeLessThan(12);
    expect(fitText('dir/sub/file.txt', 50, font, true).startsWith('…')).toBe(true);
    expect(fitText('abc', 0, font)).toBe('');
  });
});
