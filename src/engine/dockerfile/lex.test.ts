import { describe, expect, it } from 'vitest';
import { displayWord, processWord, processWords } from './lex.js';

const env = new Map([
  ['A', 'x'],
  ['EMPTY', ''],
  ['SP', 'a b'],
]);

describe('Docker variable substitution', () => {
  it.each([
    ['$A', 'x'],
    ['${A}', 'x'],
    ['pre-${A}-post', 'pre-x-post'],
    ['$NOPE', ''],
    ['${NOPE:-def}', 'def'],
    ['${EMPTY:-def}', 'def'],
    ['${EMPTY-def}', ''],
    ['${A:+alt}', 'alt'],
    ['${NOPE:+alt}', ''],
    ['${EMPTY+alt}', 'alt'],
    ["'$A'", '$A'],
    ['"$A"', 'x'],
    ['\\$A', '$A'],
    ['"a\\"b"', 'a"b'],
    ['$', '$'],
    ['$1', ''],
  ])('%s -> %j', (input, out) => {
    expect(processWord(input, env)).toBe(out);
  });

  it('splits words on unquoted whitespace only', () => {
    expect(processWords('a "b c" $SP', env)).toEqual(['a', 'b c', 'a', 'b']);
  });

  it('honours a backtick escape character', () => {
    expect(processWord('`$A', env, '`')).toBe('$A');
  });

  it('keeps quotes for BuildKit display', () => {
    expect(displayWord(' echo "$A" > /g', env)).toBe(' echo "x" > /g');
  });

  it('reports unterminated quotes', () => {
    expect(() => processWord('"abc', env)).toThrow('unexpected end of statement while looking for matching double-quote');
  });
});
