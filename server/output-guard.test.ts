import { describe, expect, it } from 'vitest';
import { OutputCap, stripUnsafeSequences } from './output-guard.js';

describe('stripUnsafeSequences', () => {
  it('removes OSC 52 clipboard writes and reads, with either terminator', () => {
    expect(stripUnsafeSequences('a\x1b]52;c;aGVsbG8=\x07b')).toBe('ab');
    expect(stripUnsafeSequences('a\x1b]52;c;?\x1b\\b')).toBe('ab');
  });
  it('removes sequences that make the terminal report back', () => {
    expect(stripUnsafeSequences('x\x1b[21ty')).toBe('xy'); // title report
    expect(stripUnsafeSequences('x\x1b[14ty')).toBe('xy'); // window size report
    expect(stripUnsafeSequences('x\x1b[6ny')).toBe('xy'); // cursor position report
    expect(stripUnsafeSequences('x\x1b[>cy')).toBe('xy'); // device attributes
    expect(stripUnsafeSequences('x\x1bP$qm\x1b\\y')).toBe('xy'); // DECRQSS
    expect(stripUnsafeSequences('x\x1b]10;?\x07y')).toBe('xy'); // colour query
    expect(stripUnsafeSequences('x\x05y')).toBe('xy'); // ENQ answerback
  });
  it('keeps colours, cursor moves and plain text', () => {
    const text = '\x1b[1;32mok\x1b[0m \x1b[2K\x1b[1A\r\nline';
    expect(stripUnsafeSequences(text)).toBe(text);
  });
});

describe('OutputCap', () => {
  it('passes output up to the cap, then one marker, then nothing', () => {
    const cap = new OutputCap(10);
    expect(cap.pass('12345')).toBe('12345');
    expect(cap.pass('67890')).toBe('67890');
    expect(cap.pass('x')).toMatch(/output truncated/);
    expect(cap.pass('more')).toBeNull();
    expect(cap.wasTruncated).toBe(true);
  });
});
