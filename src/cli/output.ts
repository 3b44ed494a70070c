/** Table and `--format` output the way the docker CLI's formatter package prints it. */
import { formatTable } from './format/tabwriter.js';
import { parseTemplate } from './format/template.js';
import { goStruct } from './format/go-value.js';
import type { CliIO } from './types.js';

/** Docker's preFormat: drop the `table` key, trim, and turn `\t` and `\n` escapes into characters. */
function preFormat(format: string): { table: boolean; text: string } {
  const table = format.startsWith('table');
  let text = table ? format.slice(5) : format;
  text = text.trim().replace(/\\t/g, '\t').replace(/\\n/g, '\n');
  return { table, text };
}

/**
 * Prints rows through a `--format` template: `table ...` gets a header line
 * (field names mapped through `headers`) and tabwriter alignment; `json`
 * prints each row as JSON; anything else prints one executed template per row.
 */
export function printFormatted(io: CliIO, format: string, rows: object[], headers: Record<string, string>): void {
  if (format === 'json') format = '{{json .}}';
  const { table, text } = preFormat(format);
  const tmpl = parseTemplate(text);
  const out = rows.map((r) => tmpl.execute(r));
  if (!table) {
    for (const o of out) io.stdout(o);
    return;
  }
  const header = tmpl.execute(goStruct('headerContext', { ...headers }));
  const lines = formatTable([header, ...out].flatMap((l) => l.split('\n')).map((l) => l.split('\t')));
  for (const l of lines) io.stdout(l);
}

/** Lays out rows of cells with Docker's tabwriter settings. */
export function tableRows(rows: string[][]): string[] {
  return formatTable(rows);
}
