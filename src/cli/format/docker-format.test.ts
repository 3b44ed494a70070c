import { describe, expect, it } from 'vitest';
import {
  containerHeaders,
  defaultTableFormats,
  finalFormat,
  formatRowLines,
  formatRows,
  historyHeaders,
  imageHeaders,
  isJsonFormat,
  isTableFormat,
} from './docker-format.js';
import { TemplateError } from './template-error.js';
import { goStruct } from './go-value.js';

/*
 * [format, rows, header map, output, error]: the output of docker's formatter.Context.Write
 * logic (preFormat, templates with docker's functions, header row through the header
 * functions, Go's tabwriter 10/1/3) run under Go 1.19 over the same rows.
 */
type Golden = [string, unknown[], Record<string, string>, string, string];
const golden: Golden[] = [
  ["table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}", [{"ID": "e0c1d2f3a4b5", "CreatedSince": "2 minutes ago", "CreatedBy": "/bin/sh -c #(nop)  CMD [\"cat\" \"/app/hello.tx…", "Size": "0B", "Comment": ""}, {"ID": "<missing>", "CreatedSince": "3 weeks ago", "CreatedBy": "/bin/sh -c #(nop) ADD file:0123456789abcdef…", "Size": "7.8MB", "Comment": "buildkit.dockerfile.v0"}], {"ID": "IMAGE", "CreatedSince": "CREATED", "CreatedAt": "CREATED AT", "CreatedBy": "CREATED BY", "Size": "SIZE", "Comment": "COMMENT"}, "IMAGE          CREATED         CREATED BY                                      SIZE      COMMENT\ne0c1d2f3a4b5   2 minutes ago   /bin/sh -c #(nop)  CMD [\"cat\" \"/app/hello.tx…   0B        \n<missing>      3 weeks ago     /bin/sh -c #(nop) ADD file:0123456789abcdef…    7.8MB     buildkit.dockerfile.v0\n", ""],
  ["table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}", [{"Repository": "s01/app", "Tag": "v1", "ID": "0123456789ab", "CreatedSince": "2 seconds ago", "Size": "1.98MB"}], {"ID": "IMAGE ID", "Repository": "REPOSITORY", "Tag": "TAG", "CreatedSince": "CREATED", "Size": "SIZE"}, "REPOSITORY   TAG       IMAGE ID       CREATED         SIZE\ns01/app      v1        0123456789ab   2 seconds ago   1.98MB\n", ""],
  ["table {{.Repository}}\t{{.Tag}}", [], {"Repository": "REPOSITORY", "Tag": "TAG"}, "REPOSITORY   TAG\n", ""],
  ["table", [{"A": 1}], {}, "\n\n", ""],
  ["{{.Repository}}:{{.Tag}}", [{"Repository": "a", "Tag": "1"}, {"Repository": "b", "Tag": "2"}], {}, "a:1\nb:2\n", ""],
  ["json", [{"b": "x<y>", "a": 1, "c": [1, "2"]}, {"a": 2}], {"A": "AA"}, "{\"a\":1,\"b\":\"x<y>\",\"c\":[1,\"2\"]}\n{\"a\":2}\n", ""],
  ["table {{json .}}", [{"a": 1}], {"A": "AA"}, "\n{\"a\":1}\n", ""],
  ["  table {{.A}}", [{"A": 1}], {"A": "AA"}, "table 1\n", ""],
  ["table   {{.A}}\t{{.Nope}}  ", [{"A": 1}], {"A": "AA"}, "AA        <no value>\n1         <no value>\n", ""],
  ["{{.A}}\\n--", [{"A": 1}], {}, "1\n--\n", ""],
  ["table {{.A}}\t{{truncate .B 2}}\t{{pad .C 1 1}}|", [{"A": "x", "B": "yyyy", "C": "z"}], {"A": "A", "B": "BEE", "C": "SEE"}, "A         BEE        SEE |\nx         yy         z |\n", ""],
  ["table {{.A", [], {}, "", "template parsing error: template: :1: unclosed action"],
  ["table {{.A.B}}", [{"A": "x"}], {"A": "AA"}, "", "template parsing error: template: :1:4: executing \"\" at <.A.B>: can't evaluate field B in type interface {}"],
  ["table {{.ID}}", [{"ID": "abc"}, {"ID": "defghijklmno"}], {"ID": "CONTAINER ID"}, "CONTAINER ID\nabc\ndefghijklmno\n", ""]
];

function run(format: string, rows: unknown[], headers: Record<string, string>): [string, string] {
  try {
    return [formatRows(format, rows, headers), ''];
  } catch (e) {
    if (!(e instanceof TemplateError)) throw e;
    return ['', e.message];
  }
}

describe('formatRows matches docker --format output', () => {
  it.each(golden)('%j', (format, rows, headers, out, err) => {
    expect(run(format, rows, headers)).toEqual([out, err]);
  });
});

describe('docker format conventions', () => {
  it('recognises table and json formats the way docker does', () => {
    expect(isTableFormat('table {{.ID}}')).toBe(true);
    expect(isTableFormat('tablefoo')).toBe(true);
    expect(isTableFormat(' table')).toBe(false);
    expect(isJsonFormat('json')).toBe(true);
    expect(isJsonFormat('{{json .}}')).toBe(false);
    expect(finalFormat('table {{.A}}\\t{{.B}}\\n ')).toBe('{{.A}}\t{{.B}}\n');
    expect(finalFormat('json')).toBe('{{json .}}');
  });

  it('titles a {{.Label "..."}} column from the last segment of the label key', () => {
    const rows = [{ Names: 'web', Label: (k: string) => (k === 'com.example.some-key_x' ? 'v1' : '') }];
    expect(formatRowLines('table {{.Names}}\t{{.Label "com.example.some-key_x"}}', rows, containerHeaders)).toEqual([
      'NAMES     some key x',
      'web       v1',
    ]);
  });

  it('prints docker images with its default table format', () => {
    const rows = [
      { Repository: 's01/app', Tag: 'v1', ID: '0123456789ab', CreatedSince: '2 seconds ago', Size: '1.98MB' },
      { Repository: '<none>', Tag: '<none>', ID: 'ba9876543210', CreatedSince: '3 days ago', Size: '7.8MB' },
    ];
    expect(formatRowLines(defaultTableFormats.images, rows, imageHeaders)).toEqual([
      'REPOSITORY   TAG       IMAGE ID       CREATED         SIZE',
      's01/app      v1        0123456789ab   2 seconds ago   1.98MB',
      '<none>       <none>    ba9876543210   3 days ago      7.8MB',
    ]);
  });

  it('keeps the header functions from changing column titles', () => {
    const rows = [{ ID: 'abc', CreatedBy: 'run make' }];
    expect(formatRowLines('table {{lower .ID}}\t{{truncate (upper .CreatedBy) 3}}', rows, historyHeaders)).toEqual([
      'IMAGE     CREATED BY',
      'abc       RUN',
    ]);
  });

  it('reads struct rows through getters, as docker reads its context methods', () => {
    class Row {
      constructor(private readonly id: string) {}
      get ID() {
        return this.id.slice(0, 3);
      }
    }
    expect(formatRows('{{.ID}}', [new Row('abcdef')], {})).toBe('abc\n');
    const err = (() => {
      try {
        formatRows('{{.Nope}}', [goStruct('*formatter.ImageContext', { ID: 'x' })], imageHeaders);
      } catch (e) {
        return (e as Error).message;
      }
    })();
    expect(err).toBe('template parsing error: template: :1:2: executing "" at <.Nope>: can\'t evaluate field Nope in type *formatter.ImageContext');
  });

  it('returns no lines for a raw format without rows', () => {
    expect(formatRowLines('{{.ID}}', [], imageHeaders)).toEqual([]);
  });
});
