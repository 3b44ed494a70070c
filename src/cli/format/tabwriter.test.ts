import { describe, expect, it } from 'vitest';
import { ALIGN_RIGHT, DEBUG, TabWriter, formatTable } from './tabwriter.js';

// Expected strings below were produced by Go 1.19's text/tabwriter with docker's settings
// (minwidth 10, tabwidth 1, padding 3, ' ', 0) unless a test says otherwise.
function docker(text: string): string {
  const tw = new TabWriter();
  tw.write(text);
  return tw.flush();
}

describe('TabWriter', () => {
  it('keeps the padding of the SIZE column when the trailing COMMENT cell is empty', () => {
    const out = docker(
      'IMAGE\tCREATED\tCREATED BY\tSIZE\tCOMMENT\n' +
        'e0c1d2f3a4b5\t2 minutes ago\t/bin/sh -c #(nop)  CMD ["cat" "/app/hello.tx…\t0B\t\n',
    );
    expect(out).toBe(
      'IMAGE          CREATED         CREATED BY                                      SIZE      COMMENT\n' +
        'e0c1d2f3a4b5   2 minutes ago   /bin/sh -c #(nop)  CMD ["cat" "/app/hello.tx…   0B        \n',
    );
  });

  it('pads a header to the widest cell of its column and never pads the last cell', () => {
    expect(docker('REPOSITORY\tTAG\tIMAGE ID\tCREATED\tSIZE\ns01/app\tv1\t0123456789ab\t2 seconds ago\t1.98MB\n')).toBe(
      'REPOSITORY   TAG       IMAGE ID       CREATED         SIZE\n' +
        's01/app      v1        0123456789ab   2 seconds ago   1.98MB\n',
    );
  });

  it('treats only consecutive lines with a cell in a column as one column block', () => {
    expect(docker('a\tb\tc\naa\tbb\nx\naaa\tb\tc\tddddddddddddd\n')).toBe(
      'a         b         c\naa        bb\nx\naaa       b         c         ddddddddddddd\n',
    );
    expect(docker('aaaa\tbbb\td\naa\tb\tdd\na\t\naa\tcccc\teee\n')).toBe(
      'aaaa      bbb       d\naa        b         dd\na         \naa        cccc      eee\n',
    );
  });

  it('prints single-cell lines untouched, as `--format table {{.ID}}` does', () => {
    expect(docker('ID\nabc\ndef\n')).toBe('ID\nabc\ndef\n');
  });

  it('pads empty cells and keeps text after the last tab outside any column', () => {
    expect(docker('NAME\tX\n\t\n\t\tz\nlast')).toBe('NAME      X\n          \n                    z\nlast');
    expect(docker('\t\tindented\nx\ty\tz\n')).toBe('                    indented\nx         y         z\n');
    expect(docker('a\tb')).toBe('a         b');
    expect(docker('')).toBe('');
  });

  it('counts wide characters as two cells like go-runewidth', () => {
    expect(docker('名前\tX\nab\tY\n')).toBe('名前      X\nab        Y\n');
  });

  it('supports tab padding, right alignment, debug bars and formfeed sections', () => {
    const tabs = new TabWriter({ minwidth: 0, tabwidth: 8, padding: 1, padchar: '\t', flags: ALIGN_RIGHT | DEBUG });
    tabs.write('a\tbbbbbbbbbbbb\tc\n\tx\ty\n');
    expect(tabs.flush()).toBe('a\t|bbbbbbbbbbbb\t|c\n\t|x\t\t|y\n');
    const dots = new TabWriter({ minwidth: 5, tabwidth: 0, padding: 2, padchar: '.', flags: ALIGN_RIGHT | DEBUG });
    dots.write('a\tbbbbbbbbbbbb\tc\n\tx\ty\fq\tr\n');
    expect(dots.flush()).toBe('....a|..bbbbbbbbbbbb|c\n.....|.............x|y\n---\n....q|r\n');
  });
});

describe('formatTable', () => {
  it('turns rows of cells into aligned lines without trailing newline', () => {
    expect(
      formatTable([
        ['IMAGE', 'CREATED', 'SIZE', 'COMMENT'],
        ['abc', '1 second ago', '0B', ''],
      ]),
    ).toEqual(['IMAGE     CREATED        SIZE      COMMENT', 'abc       1 second ago   0B        ']);
    expect(formatTable([])).toEqual([]);
  });
});
