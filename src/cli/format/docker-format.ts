/**
 * The docker CLI's --format conventions (cli/command/formatter): "table ..." prints a
 * header row and aligns columns with the tabwriter, "json" prints `{{json .}}` per row,
 * anything else prints each row raw. Header maps are the per-command field → title maps.
 */
import { TabWriter } from './tabwriter.js';
import { parseTemplate, prefixed, type Template, type TemplateOptions } from './template.js';
import { TemplateError } from './template-error.js';
import { headerFuncs } from './template-funcs.js';

/** Field → column title, as docker's SubHeaderContext maps. */
export type HeaderMap = Record<string, string>;

/** `docker ps` columns. */
export const containerHeaders: HeaderMap = {
  ID: 'CONTAINER ID', Names: 'NAMES', Image: 'IMAGE', Command: 'COMMAND', CreatedAt: 'CREATED AT',
  RunningFor: 'CREATED', Ports: 'PORTS', State: 'STATE', Status: 'STATUS', Size: 'SIZE',
  Labels: 'LABELS', Mounts: 'MOUNTS', LocalVolumes: 'LOCAL VOLUMES', Networks: 'NETWORKS', Platform: 'PLATFORM',
};

/** `docker images` columns. */
export const imageHeaders: HeaderMap = {
  ID: 'IMAGE ID', Repository: 'REPOSITORY', Tag: 'TAG', Digest: 'DIGEST', CreatedSince: 'CREATED',
  CreatedAt: 'CREATED AT', Size: 'SIZE', Containers: 'CONTAINERS', VirtualSize: 'SIZE',
  SharedSize: 'SHARED SIZE', UniqueSize: 'UNIQUE SIZE',
};

/** `docker history` columns. */
export const historyHeaders: HeaderMap = {
  ID: 'IMAGE', CreatedSince: 'CREATED', CreatedAt: 'CREATED AT', CreatedBy: 'CREATED BY', Size: 'SIZE', Comment: 'COMMENT',
};

/** `docker volume ls` columns. */
export const volumeHeaders: HeaderMap = {
  ID: 'ID', Name: 'VOLUME NAME', Group: 'GROUP', Driver: 'DRIVER', Scope: 'SCOPE', Availability: 'AVAILABILITY',
  Mountpoint: 'MOUNTPOINT', Labels: 'LABELS', Links: 'LINKS', Size: 'SIZE', Status: 'STATUS',
};

/** `docker network ls` columns. */
export const networkHeaders: HeaderMap = {
  ID: 'NETWORK ID', Name: 'NAME', Driver: 'DRIVER', Scope: 'SCOPE', IPv6: 'IPV6', Internal: 'INTERNAL',
  Labels: 'LABELS', CreatedAt: 'CREATED',
};

/** Default `table` formats of the list commands, as docker defines them. */
export const defaultTableFormats = {
  images: 'table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}',
  history: 'table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}',
  historyNonHuman: 'table {{.ID}}\t{{.CreatedAt}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}',
  ps: 'table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}',
  volumes: 'table {{.Driver}}\t{{.Name}}',
  networks: 'table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}',
} as const;

/** docker's Format.IsTable: any format starting with "table". */
export function isTableFormat(format: string): boolean {
  return format.startsWith('table');
}

/** docker's Format.IsJSON: exactly "json". */
export function isJsonFormat(format: string): boolean {
  return format === 'json';
}

/** docker's preFormat: strip "table", map "json", trim spaces, turn typed `\t` `\n` into tabs and newlines. */
export function finalFormat(format: string): string {
  let f = format;
  if (isTableFormat(f)) f = f.slice('table'.length);
  else if (isJsonFormat(f)) f = '{{json .}}';
  f = f.replace(/^ +| +$/g, '');
  return f.replace(/\\t|\\n/g, (m) => (m === '\\t' ? '\t' : '\n'));
}

/** SubHeaderContext.Label: `{{.Label "com.example.some-key"}}` titles a column "some key". */
function headerLabel(name: unknown): string {
  const parts = String(name).split('.');
  return parts[parts.length - 1].replace(/[-_]/g, ' ');
}

/**
 * Renders rows exactly as docker's formatter.Context.Write prints them (every row ends
 * in "\n"; a table starts with its header even when there are no rows). Errors are
 * TemplateErrors worded "template parsing error: ..." as docker reports them.
 */
export function formatRows(format: string, rows: readonly unknown[], headers: HeaderMap, options: TemplateOptions = {}): string {
  let tmpl: Template;
  try {
    tmpl = parseTemplate(finalFormat(format), options);
  } catch (e) {
    throw prefixed(e, 'template parsing error: ');
  }
  let body = '';
  for (const row of rows) {
    try {
      body += tmpl.execute(row) + '\n';
    } catch (e) {
      throw prefixed(e, 'template parsing error: ');
    }
  }
  if (!isTableFormat(format)) return body;
  let header: string;
  try {
    header = tmpl.execute({ Label: headerLabel, ...headers }, { funcs: headerFuncs });
  } catch (e) {
    // docker ignores header errors and keeps what was written before them.
    header = e instanceof TemplateError ? e.output : '';
  }
  const tw = new TabWriter();
  tw.write(header + '\n' + body);
  return tw.flush();
}

/** Same as {@link formatRows}, split into lines without the final newline. */
export function formatRowLines(format: string, rows: readonly unknown[], headers: HeaderMap, options?: TemplateOptions): string[] {
  const text = formatRows(format, rows, headers, options);
  return text === '' ? [] : text.replace(/\n$/, '').split('\n');
}
