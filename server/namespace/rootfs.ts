/**
 * The root filesystem a namespace demo pivots into: an image exported through the Engine
 * API as one flat tar, unpacked into a fresh directory. The tar is untrusted input, so the
 * unpacker never writes outside the directory, never follows a symlink it has unpacked and
 * makes no device nodes. Files are owned by the shifted uid range the user namespace maps,
 * so root inside owns what the image's root owned.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { extract } from 'tar-stream';

/** Ids the user namespace maps: inside 0..COUNT-1 → host BASE..BASE+COUNT-1. */
export const ID_BASE = 100000;
export const ID_COUNT = 65536;
/** Label on the throwaway container `exportImageRootfs` creates (and removes). */
export const LABEL_NAMESPACE_EXPORT = 'org.layerlab.namespace-export';
/** Exports bigger than this are refused: the demos need a small image. */
const MAX_TAR_BYTES = 256 * 1024 * 1024;

const cache = new Map<string, Promise<Buffer>>();

/** The flat rootfs tar of image `ref` and its ID, exported once per image ID. */
export async function exportImageRootfs(docker: Docker, ref: string): Promise<{ imageId: string; tar: Buffer }> {
  let imageId: string;
  try {
    imageId = (await docker.getImage(ref).inspect()).Id;
  } catch (e) {
    throw new Error(`image ${ref} is not in the engine (${(e as Error).message}); run npm run images:seed`);
  }
  let tar = cache.get(imageId);
  if (!tar) {
    tar = exportOnce(docker, imageId);
    cache.set(imageId, tar);
    // a failed export must not stick: the next demo tries again
    tar.catch(() => cache.delete(imageId));
  }
  return { imageId, tar: await tar };
}

/** Forgets the exported tars (tests; an image rebuilt under the same ID cannot happen). */
export function clearRootfsCache(): void {
  cache.clear();
}

async function exportOnce(docker: Docker, imageId: string): Promise<Buffer> {
  // created, never started: export wants a container, and the Cmd only has to exist on paper
  const c = await docker.createContainer({ Image: imageId, Cmd: ['true'], NetworkDisabled: true, Labels: { [LABEL_NAMESPACE_EXPORT]: '1' } });
  try {
    const stream = (await c.export()) as NodeJS.ReadableStream;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_TAR_BYTES) throw new Error(`image export is over ${MAX_TAR_BYTES} bytes`);
      chunks.push(chunk);
    }
    return Buffer.concat(chunks);
  } finally {
    await c.remove({ force: true }).catch(() => undefined);
  }
}

/** Unpacks a rootfs tar into the empty directory `dir`; throws on the first entry it refuses. */
export async function extractRootfs(tar: Buffer, dir: string, ids: { base: number; count: number } = { base: ID_BASE, count: ID_COUNT }): Promise<{ entries: number }> {
  const root = path.resolve(dir);
  const shift = (id: number | undefined) => ids.base + (id !== undefined && id >= 0 && id < ids.count ? id : 65534 % ids.count);
  fs.chownSync(root, shift(0), shift(0));
  const ex = extract();
  Readable.from([tar]).pipe(ex);
  let entries = 0;
  for await (const entry of ex) {
    const h = entry.header;
    const rel = entryPath(h.name);
    const fail = (why: string): never => {
      ex.destroy();
      throw new Error(`refusing tar entry "${h.name}": ${why}`);
    };
    if (rel === null) fail('it leaves the root directory (absolute path or ..)');
    const parts = rel!;
    entries++;
    if (parts.length === 0) {
      // "./": the root directory itself keeps its fresh owner and mode
      entry.resume();
      continue;
    }
    const target = path.join(root, ...parts);
    ensureParents(root, parts.slice(0, -1), shift(0)) || fail('a parent directory is a symlink or not a directory');
    const existing = lstatOr(target);
    const uid = shift(h.uid);
    const gid = shift(h.gid);
    // setuid/setgid bits are dropped: on the host these files are reachable by other users
    const mode = (h.mode ?? 0o644) & 0o1777;
    switch (h.type) {
      case 'directory':
        if (existing && !existing.isDirectory()) fail('a directory over a non-directory');
        if (!existing) fs.mkdirSync(target, { mode });
        fs.chmodSync(target, mode);
        fs.chownSync(target, uid, gid);
        entry.resume();
        break;
      case 'file':
      case 'contiguous-file': {
        if (existing?.isDirectory()) fail('a file over a directory');
        if (existing) fs.unlinkSync(target);
        // O_EXCL|O_NOFOLLOW: the path was just cleared, so anything there now is a race and is refused
        const fd = fs.openSync(target, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | fs.constants.O_NOFOLLOW, mode);
        try {
          for await (const chunk of entry as AsyncIterable<Buffer>) fs.writeSync(fd, chunk);
          fs.fchmodSync(fd, mode);
          fs.fchownSync(fd, uid, gid);
        } finally {
          fs.closeSync(fd);
        }
        break;
      }
      case 'symlink':
        // the link text is stored as it is and never resolved here: inside the container it resolves against the new root
        if (existing?.isDirectory()) fail('a symlink over a directory');
        if (existing) fs.unlinkSync(target);
        fs.symlinkSync(h.linkname ?? '', target);
        fs.lchownSync(target, uid, gid);
        entry.resume();
        break;
      case 'link': {
        const src = entryPath(h.linkname ?? '');
        if (src === null || src.length === 0) fail('a hard link to outside the root directory');
        const srcPath = path.join(root, ...src!);
        if (!ensureParents(root, src!.slice(0, -1), shift(0)) || !lstatOr(srcPath)?.isFile()) fail('a hard link to something that is not a regular file unpacked before');
        if (existing?.isDirectory()) fail('a hard link over a directory');
        if (existing) fs.unlinkSync(target);
        fs.linkSync(srcPath, target);
        entry.resume();
        break;
      }
      default:
        fail(`${h.type} entries are not unpacked (no devices, fifos or sockets)`);
    }
  }
  return { entries };
}

/** The entry's path as clean parts, or null when it is absolute or climbs with `..`. */
export function entryPath(name: string): string[] | null {
  if (name.startsWith('/') || name.includes('\0')) return null;
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  return parts.includes('..') ? null : parts;
}

/** Walks (and makes) the parent directories without following any symlink; false when one is not a real directory. */
function ensureParents(root: string, parts: string[], owner: number): boolean {
  let cur = root;
  for (const p of parts) {
    cur = path.join(cur, p);
    const st = lstatOr(cur);
    if (!st) {
      fs.mkdirSync(cur, { mode: 0o755 });
      fs.chownSync(cur, owner, owner);
    } else if (!st.isDirectory()) {
      return false;
    }
  }
  return true;
}

function lstatOr(p: string): fs.Stats | null {
  try {
    return fs.lstatSync(p);
  } catch {
    return null;
  }
}
