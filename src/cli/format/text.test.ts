import { describe, expect, it } from 'vitest';
import { ellipsis, stringWidth, truncateId, utf8Length } from './text.js';

describe('ellipsis', () => {
  it('cuts CREATED BY to 45 cells with "…" as docker history does', () => {
    const createdBy = '/bin/sh -c #(nop)  CMD ["cat" "/app/hello.txt"]';
    expect(ellipsis(createdBy, 45)).toBe('/bin/sh -c #(nop)  CMD ["cat" "/app/hello.tx…');
    expect(stringWidth(ellipsis(createdBy, 45))).toBe(45);
  });

  it('leaves strings that fit and handles the tiny widths like docker', () => {
    expect(ellipsis('short', 45)).toBe('short');
    expect(ellipsis('abc', 0)).toBe('');
    expect(ellipsis('abc', 1)).toBe('a');
    expect(ellipsis('abc', 2)).toBe('a…');
  });

  it('counts East Asian wide characters as two cells', () => {
    expect(ellipsis('日本語テキスト', 6)).toBe('日本…');
    expect(ellipsis('日本', 4)).toBe('日本');
    // No prefix fits before the ellipsis: docker returns the string unchanged.
    expect(ellipsis('日本', 2)).toBe('日本');
  });
});

describe('widths and IDs', () => {
  it('measures terminal cells like go-runewidth', () => {
    expect(stringWidth('abc')).toBe(3);
    expect(stringWidth('名前')).toBe(4);
    expect(stringWidth('e\u0301')).toBe(1);
    expect(stringWidth('🐳')).toBe(2);
  });

  it('truncates IDs to 12 hex digits without the algorithm', () => {
    expect(truncateId('sha256:e0c1d2f3a4b5c6d7e8f9')).toBe('e0c1d2f3a4b5');
    expect(truncateId('abc')).toBe('abc');
  });

  it('counts UTF-8 bytes as Go len does', () => {
    expect(utf8Length('héllo')).toBe(6);
    expect(utf8Length('😀')).toBe(4);
  });
});
