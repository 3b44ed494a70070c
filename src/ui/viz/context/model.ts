/**
 * The build-context view's data: what the last build sent (files in, largest first),
 * what .dockerignore dropped, the totals, and which context files each COPY/ADD read.
 * Pure: the component draws what contextModel returns.
 */
import type { BuildContextEvent, BuildStepEvent } from '../../../shared/events.js';
import { humanSize } from '../../../shared/format/units.js';

export interface ContextFile {
  path: string;
  size: number;
  /** Index of the COPY/ADD steps (in `copies`) that read it. */
  readBy: number[];
}

export interface CopyRead {
  instruction: string;
  stage?: string;
  /** `context`, or the stage/image it copies from. */
  from: string;
  count: number;
  bytes: number;
  files: { path: string; size: number }[];
  cached: boolean | null;
  label: string;
}

export interface ContextModel {
  context: string;
  files: ContextFile[];
  /** Files sent but not shown (the event caps its list). */
  moreFiles: number;
  fileCount: number;
  bytes: number;
  /** Sent files no COPY/ADD read. */
  unreadCount: number;
  excluded: { path: string; size: number; dir: boolean }[];
  moreExcluded: number;
  excludedCount: number;
  excludedBytes: number;
  patterns: string[];
  copies: CopyRead[];
  /** One sentence with the totals (text alternative). */
  summary: string;
}

/** Joins the build.context event with the steps' reads; undefined when no build sent a context. */
export function contextModel(ev: BuildContextEvent | undefined, steps: readonly BuildStepEvent[], limit = 40): ContextModel | undefined {
  if (!ev) return undefined;
  const copies: CopyRead[] = steps
    .filter((s) => s.reads)
    .map((s) => {
      const r = s.reads!;
      const src = r.from === 'context' ? 'the context' : `--from=${r.from}`;
      return {
        instruction: s.instruction,
        ...(s.stage ? { stage: s.stage } : {}),
        from: r.from,
        count: r.count,
        bytes: r.bytes,
        files: r.files,
        cached: s.cached,
        label: `${s.instruction} reads ${r.count} file${r.count === 1 ? '' : 's'} (${humanSize(r.bytes)}) from ${src}${s.cached ? ', cache hit' : s.cached === false ? ', cache miss' : ''}`,
      };
    });
  const readers = new Map<string, number[]>();
  copies.forEach((c, i) => {
    if (c.from !== 'context') return;
    for (const f of c.files) readers.set(f.path, [...(readers.get(f.path) ?? []), i]);
  });
  const all = ev.files.map((f) => ({ path: f.path, size: f.size, readBy: readers.get(f.path) ?? [] }));
  const excludedPaths = new Set(ev.excluded.map((e) => e.path));
  // a directory and every file under it are dropped: show the directory, not each file
  const excluded = ev.excluded
    .filter((e) => {
      const i = e.path.lastIndexOf('/');
      for (let j = i; j > 0; j = e.path.lastIndexOf('/', j - 1)) if (excludedPaths.has(e.path.slice(0, j))) return false;
      return true;
    })
    .map((e) => ({ path: e.path, size: e.size, dir: ev.excluded.some((x) => x.path.startsWith(e.path + '/')) }));
  const unreadCount = all.filter((f) => f.readBy.length === 0).length + Math.max(0, ev.fileCount - ev.files.length);
  const summary =
    `The build sent ${ev.fileCount} file${ev.fileCount === 1 ? '' : 's'} (${humanSize(ev.bytes)}) from ${ev.context}` +
    (ev.excludedCount ? `; .dockerignore dropped ${excluded.length} path${excluded.length === 1 ? '' : 's'} (${humanSize(ev.excludedBytes)}): ${excluded.slice(0, 5).map((e) => e.path).join(', ')}` : '; nothing was dropped by .dockerignore') +
    `. ${copies.length} COPY/ADD step${copies.length === 1 ? '' : 's'} read from it.`;
  return {
    context: ev.context,
    files: all.slice(0, limit),
    moreFiles: ev.fileCount - Math.min(limit, all.length),
    fileCount: ev.fileCount,
    bytes: ev.bytes,
    unreadCount,
    excluded: excluded.slice(0, limit),
    // paths past the event's cap are mostly inside a directory already shown as dropped
    moreExcluded: Math.max(0, excluded.length - limit),
    excludedCount: ev.excludedCount,
    excludedBytes: ev.excludedBytes,
    patterns: ev.dockerignore,
    copies,
    summary,
  };
}
