/**
 * Uploads: files picked or dropped (with their paths relative to what was picked)
 * turned into workspace paths under one folder, with what must be left out and why.
 */
import type { WorkspaceEntry } from '../../backends/backend.js';
import { humanSize } from '../../shared/format/units.js';
import { folderLabel, joinPath, relativeTo } from './paths.js';

/** One file offered for upload; `relativePath` is `web/app.js` for a folder upload, `app.js` otherwise. */
export interface Incoming {
  relativePath: string;
  size: number;
}

export interface UploadLimits {
  /** Largest single file, in bytes. */
  maxFileBytes: number;
  /** Largest upload, all files together. */
  maxTotalBytes: number;
  maxFiles: number;
}

/** The workspace lives in the browser's storage: keep it to what a build context needs. */
export const DEFAULT_LIMITS: UploadLimits = { maxFileBytes: 5_000_000, maxTotalBytes: 50_000_000, maxFiles: 2000 };

export interface Skipped {
  /** The path as it was offered. */
  name: string;
  reason: string;
}

export interface UploadPlan<T extends Incoming> {
  /** Files to write, in order: the absolute workspace path and the incoming item. */
  writes: { path: string; item: T; replaces: boolean }[];
  skipped: Skipped[];
}

/** Folders whose contents are never uploaded: not part of a build context. */
const SKIPPED_FOLDERS: Record<string, string> = {
  '.git': 'Git’s own history folder (.git) is left out',
  __MACOSX: 'macOS archive metadata is left out',
};

/**
 * The parts of `relativePath` (backslashes count as slashes, `.` and empty parts
 * dropped), or a reason it cannot be used.
 */
export function splitRelative(relativePath: string): string[] | string {
  const parts = relativePath.replace(/\\/g, '/').split('/').filter((p) => p !== '' && p !== '.');
  if (parts.length === 0) return 'it has no name';
  if (parts.includes('..')) return 'its path uses “..” to leave the folder it is uploaded to';
  // eslint-disable-next-line no-control-regex
  if (parts.some((p) => /[\u0000-\u001f\u007f]/.test(p))) return 'its name contains control characters';
  return parts;
}

/**
 * Where each incoming file goes under `target` (an existing folder), given the
 * workspace `entries`. Files replace files of the same name; a file never
 * replaces a folder, nor goes inside something that is a file.
 */
export function planUpload<T extends Incoming>(items: readonly T[], target: string, entries: readonly WorkspaceEntry[], limits: UploadLimits = DEFAULT_LIMITS): UploadPlan<T> {
  const types = new Map<string, WorkspaceEntry['type']>(entries.map((e) => [e.path, e.type]));
  const plan: UploadPlan<T> = { writes: [], skipped: [] };
  let total = 0;
  for (const item of items) {
    const skip = (reason: string) => plan.skipped.push({ name: item.relativePath, reason });
    const parts = splitRelative(item.relativePath);
    if (typeof parts === 'string') {
      skip(parts);
      continue;
    }
    const hidden = parts.slice(0, -1).find((p) => p in SKIPPED_FOLDERS);
    if (hidden) {
      skip(SKIPPED_FOLDERS[hidden]);
      continue;
    }
    if (parts[parts.length - 1] === '.DS_Store') {
      skip('macOS folder settings (.DS_Store) are left out');
      continue;
    }
    if (item.size > limits.maxFileBytes) {
      skip(`it is ${humanSize(item.size)}; files over ${humanSize(limits.maxFileBytes)} are left out (the workspace lives in your browser)`);
      continue;
    }
    if (plan.writes.length >= limits.maxFiles) {
      skip(`an upload takes at most ${limits.maxFiles} files`);
      continue;
    }
    if (total + item.size > limits.maxTotalBytes) {
      skip(`the upload would go over ${humanSize(limits.maxTotalBytes)} in total`);
      continue;
    }
    const path = parts.reduce(joinPath, target);
    let blocked: string | undefined;
    let dir = target;
    for (const part of parts.slice(0, -1)) {
      dir = joinPath(dir, part);
      const t = types.get(dir);
      if (t !== undefined && t !== 'dir') {
        blocked = `${relativeTo(target, dir)} is a file here, so it can't hold other files`;
        break;
      }
    }
    const existing = types.get(path);
    if (!blocked && existing === 'dir') blocked = 'a folder with that name is already there';
    if (!blocked && existing === 'file' && plan.writes.some((w) => w.path === path)) blocked = 'another file in this upload has the same path';
    if (blocked) {
      skip(blocked);
      continue;
    }
    // claim the folders on the way, so a later file can't be a file where this one needs a folder
    dir = target;
    for (const part of parts.slice(0, -1)) {
      dir = joinPath(dir, part);
      if (!types.has(dir)) types.set(dir, 'dir');
    }
    plan.writes.push({ path, item, replaces: existing === 'file' });
    types.set(path, 'file');
    total += item.size;
  }
  return plan;
}

/** One or two sentences on how an upload went, for the tree's status line. */
export function describeUpload(plan: UploadPlan<Incoming>, root: string, target: string): string {
  const n = plan.writes.length;
  const replaced = plan.writes.filter((w) => w.replaces).length;
  const parts: string[] = [];
  if (n > 0) parts.push(`Uploaded ${n} ${n === 1 ? 'file' : 'files'} to ${folderLabel(root, target)}${replaced ? ` (${replaced} replaced)` : ''}.`);
  if (plan.skipped.length === 1) parts.push(`Skipped ${plan.skipped[0].name}: ${plan.skipped[0].reason}.`);
  else if (plan.skipped.length > 1) {
    // group by reason: a skipped node_modules is one line, not a thousand
    const byReason = new Map<string, string[]>();
    for (const s of plan.skipped) byReason.set(s.reason, [...(byReason.get(s.reason) ?? []), s.name]);
    const lines = [...byReason].map(([reason, names]) => (names.length === 1 ? `${names[0]}: ${reason}` : `${names.length} files (${names[0]}, …): ${reason}`));
    parts.push(`Skipped ${plan.skipped.length} files — ${lines.join('; ')}.`);
  }
  if (parts.length === 0) parts.push('Nothing to upload.');
  return parts.join(' ');
}
