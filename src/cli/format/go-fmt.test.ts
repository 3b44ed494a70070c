import { describe, expect, it } from 'vitest';
import { formatValue, quote, sprint, sprintf, sprintln } from './go-fmt.js';
import { goStruct } from './go-value.js';

describe('go fmt', () => {
  it('prints structs as {v1 v2} and with field names under %+v', () => {
    const s = goStruct('T', { Name: 'web', Port: 80, Tags: ['a'] });
    expect(formatValue(s)).toBe('{web 80 [a]}');
    expect(sprintf('%+v', [s])).toBe('{Name:web Port:80 Tags:[a]}');
  });

  it('quotes like strconv.Quote', () => {
    expect(quote('a"b\\c\n\x07\u2028é😀')).toBe('"a\\"b\\\\c\\n\\a\\u2028é😀"');
    expect(quote('é', true)).toBe('"\\u00e9"');
  });

  it('spaces Sprint operands only between non-strings, Sprintln always', () => {
    expect(sprint([1, 2, 'a', 3, 'b', 'c'])).toBe('1 2a3bc');
    expect(sprintln([1, 'a'])).toBe('1 a\n');
  });

  it('pads with zeros after the sign and reports bad verbs, missing and extra args', () => {
    expect(sprintf('%06.2f|%+05d|%-5s|', [-3.14159, 42, 'ab'])).toBe('-03.14|+0042|ab   |');
    expect(sprintf('%d %s', ['x'])).toBe('%!d(string=x) %!s(MISSING)');
    expect(sprintf('%s', [1, 2])).toBe('%!s(int=1)%!(EXTRA int=2)');
    expect(sprintf('100%%', [])).toBe('100%');
  });
});
