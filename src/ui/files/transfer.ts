/**
 * Running an upload against the workspace: zips unpacked, the plan applied file
 * by file, and one message for the tree's status line. No DOM: files come in as
 * `Picked` items whose bytes are read only once they are accepted.
 */
import type { WorkspaceAccess } from '../../backends/backend.js';
import { describeUpload, DEFAULT_LIMITS, planUpload, type Incoming, type Skipped, type UploadLimits } from './upload.js';
import { unzipUpload } from './zip.js';

/** A file offered by a picker or a drop; `read` loads its bytes. */
export interface Picked extends Incoming {
  read(): Promise<Uint8Array>;
}

export interface UploadOutcome {
  message: string;
  /** True when nothing was written and something was skipped or failed. */
  failed: boolean;
  /** Absolute paths written. */
  written: string[];
}

/**
 * Uploads `items` into the folder `target`. With `unpackZips`, a top-level `.zip`
 * is replaced by its contents (see unzipUpload). Never throws: failures become the message.
 */
export async function runUpload(ws: WorkspaceAccess, target: string, items: readonly Picked[], opts: { unpackZips?: boolean; limits?: UploadLimits } = {}): Promise<UploadOutcome> {
  const limits = opts.limits ?? DEFAULT_LIMITS;
  const offered: Picked[] = [];
  const early: Skipped[] = [];
  const notes: string[] = [];
  for (const item of items) {
    if (opts.unpackZips && /\.zip$/i.test(item.relativePath) && !item.relativePath.includes('/') && item.size <= limits.maxTotalBytes) {
      try {
        const { files, skipped } = unzipUpload(item.relativePath, await item.read(), limits);
        offered.push(...files.map((f) => ({ relativePath: f.relativePath, size: f.size, read: async () => f.bytes })));
        early.push(...skipped.map((s) => ({ name: `${item.relativePath}: ${s.name}`, reason: s.reason })));
        notes.push(`Unpacked ${item.relativePath}.`);
      } catch (e) {
        early.push({ name: item.relativePath, reason: e instanceof Error ? e.message.replace(/\.$/, '') : String(e) });
      }
    } else offered.push(item);
  }
  const plan = planUpload(offered, target, ws.list(), limits);
  plan.skipped.unshift(...early);
  // read everything first, then write it all as one undo step
  const ready: { path: string; bytes: Uint8Array }[] = [];
  for (const w of plan.writes) {
    try {
      ready.push({ path: w.path, bytes: await w.item.read() });
    } catch (e) {
      plan.skipped.push({ name: w.item.relativePath, reason: `it could not be read (${e instanceof Error ? e.message : String(e)})` });
    }
  }
  const written: string[] = [];
  ws.batch(() => {
    for (const r of ready) {
      ws.write(r.path, r.bytes);
      written.push(r.path);
    }
  });
  plan.writes = plan.writes.filter((w) => written.includes(w.path));
  const message = [...notes, describeUpload(plan, ws.root, target)].join(' ');
  return { message, failed: written.length === 0 && plan.skipped.length > 0, written };
}
