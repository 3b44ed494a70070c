/**
 * The container side of `docker cp`: reading a file or tree out of a
 * container's filesystem (volumes included) and writing one in, owned by root
 * as the daemon extracts it. Works on running and stopped containers alike.
 */
import type { Engine } from '../engine.js';
import { DockerError } from '../errors.js';
import { basename, dirname, isWithin, normalize } from '../fs/path.js';
import type { Fs } from '../fs/types.js';
import { openContainer } from './rootfs.js';
import type { ContainerRecord } from './types.js';

/** One file, directory or symlink being copied; `path` is relative to the copied item ('' for the item itself). */
export interface CopiedNode {
  path: string;
  type: 'file' | 'dir' | 'symlink';
  mode: number;
  mtime: number;
  data?: Uint8Array;
  target?: string;
}

/** What a path in the container is, without following a final symlink (as `docker cp` stats it). */
export function statInContainer(engine: Engine, c: ContainerRecord, path: string): 'file' | 'dir' | 'symlink' | null {
  return openContainer(engine, c).fs.stat(normalize(path), false)?.type ?? null;
}

function walk(fs: Fs, abs: string, rel: string, out: CopiedNode[]): void {
  const st = fs.stat(abs, false);
  if (!st) return;
  if (st.type === 'symlink') {
    out.push({ path: rel, type: 'symlink', mode: st.mode, mtime: st.mtime, target: fs.readlink(abs) });
    return;
  }
  if (st.type === 'file') {
    let data: Uint8Array;
    try {
      data = fs.readFile(abs);
    } catch {
      data = new Uint8Array(0);
    }
    out.push({ path: rel, type: 'file', mode: st.mode, mtime: st.mtime, data });
    return;
  }
  out.push({ path: rel, type: 'dir', mode: st.mode, mtime: st.mtime });
  for (const name of fs.readdir(abs).sort()) walk(fs, abs === '/' ? `/${name}` : `${abs}/${name}`, rel ? `${rel}/${name}` : name, out);
}

/** Reads a path (and everything under it) out of a container; null when it does not exist. */
export function readFromContainer(engine: Engine, c: ContainerRecord, path: string): CopiedNode[] | null {
  const fs = openContainer(engine, c).fs;
  const abs = normalize(path);
  if (!fs.stat(abs, false)) return null;
  const out: CopiedNode[] = [];
  walk(fs, abs, '', out);
  return out;
}

/**
 * Writes copied nodes into a container at `dest` (the item's own path: its
 * parent must exist). Refuses a read-only root filesystem unless `dest` is on
 * a writable mount, as the daemon does.
 */
export function writeIntoContainer(engine: Engine, c: ContainerRecord, dest: string, nodes: CopiedNode[]): void {
  const abs = normalize(dest);
  const onMount = c.mounts.some((m) => m.rw && isWithin(abs, m.destination));
  if (c.readOnly && !onMount) throw new DockerError('Error response from daemon: container rootfs is marked read-only');
  const view = openContainer(engine, c);
  const fs = view.fs;
  const own = { uid: 0, gid: 0 };
  for (const n of nodes) {
    const p = n.path ? (abs === '/' ? `/${n.path}` : `${abs}/${n.path}`) : abs;
    const existing = fs.stat(p, false);
    if (n.type === 'dir') {
      if (existing?.type !== 'dir') {
        if (existing) fs.remove(p, { recursive: true });
        fs.mkdir(p, { mode: n.mode & 0o7777, mtime: n.mtime, ...own });
      }
      continue;
    }
    if (existing?.type === 'dir') throw new DockerError(`Error response from daemon: cannot overwrite directory "${p}" with non-directory "${basename(p)}"`);
    if (existing) fs.remove(p);
    if (n.type === 'symlink') fs.symlink(n.target ?? '', p, { mtime: n.mtime, ...own });
    else fs.writeFile(p, n.data ?? new Uint8Array(0), { mode: n.mode & 0o7777, mtime: n.mtime, ...own });
  }
  for (const n of nodes) {
    const p = n.path ? (abs === '/' ? `/${n.path}` : `${abs}/${n.path}`) : abs;
    if (n.type === 'dir') fs.utimes(p, n.mtime);
  }
  view.commit();
}

/** The parent folder of a container path, as `docker cp` names it in "No such container:path". */
export function parentPath(path: string): string {
  return dirname(normalize(path));
}
