/** Table and `--format` output the way the docker CLI's formatter package prints it. */
import { formatTable } from './format/tabwriter.js';
import { formatRowLines } from './format/docker-format.js';
import type { CliIO } from './types.js';

/**
 * Prints rows through a `--format` template the way docker's formatter does:
 * `table ...` gets a header line and tabwriter alignment, `json` one JSON
 * object per row, anything else one executed template per row.
 */
export function printFormatted(io: CliIO, format: string, rows: object[], headers: Record<string, string>): void {
  for (const l of formatRowLines(format, rows, headers)) io.stdout(l);
}

/** Lays out rows of cells with Docker's tabwriter settings. */
export function tableRows(rows: string[][]): string[] {
  return formatTable(rows);
}
