/**
 * A container's view of its filesystem: the root union (image + container
 * layer) with volumes, bind mounts and tmpfs mounted over paths. Each path is
 * served by the filesystem of the longest mount point that contains it.
 */
import { isWithin, normalize } from './path.js';
import { FsError, type CreateOptions, type Cred, type FileEntry, type Fs, type Stat } from './types.js';
import type { UnionFs } from './union.js';

export interface Mounted {
  /** Absolute mount point. */
  at: string;
  fs: UnionFs;
  readOnly: boolean;
}

export class MountFs implements Fs {
  private readonly mounts: Mounted[];

  constructor(
    readonly root: UnionFs,
    mounts: Mounted[],
  ) {
    // longest mount point first, so nested mounts win
    this.mounts = [...mounts].sort((a, b) => b.at.length - a.at.length);
  }

  get cred(): Cred {
    return this.root.cred;
  }

  set cred(c: Cred) {
    this.root.cred = c;
    for (const m of this.mounts) m.fs.cred = c;
  }

  /** The filesystem and the path inside it that serve an absolute path. */
  private route(path: string, write = false): [UnionFs, string] {
    const p = normalize(path);
    for (const m of this.mounts) {
      if (isWithin(p, m.at)) {
        if (write && m.readOnly) throw new FsError('EROFS', path);
        return [m.fs, normalize(p.slice(m.at.length) || '/')];
      }
    }
    return [this.root, p];
  }

  stat(path: string, follow = true): Stat | null {
    const [fs, p] = this.route(path);
    return fs.stat(p, follow);
  }
  readFile(path: string): Uint8Array {
    const [fs, p] = this.route(path);
    return fs.readFile(p);
  }
  /** The raw file entry (bytes or synthetic content) at a path, following symlinks. */
  fileEntry(path: string): FileEntry | null {
    const [fs, p] = this.route(path);
    return fs.fileEntry(p);
  }
  writeFile(path: string, data: Uint8Array | string, opts?: CreateOptions & { append?: boolean }): void {
    const [fs, p] = this.route(path, true);
    fs.writeFile(p, data, opts);
  }
  writeSynthetic(path: string, size: number, digest: string, opts?: CreateOptions): void {
    const [fs, p] = this.route(path, true);
    fs.writeSynthetic(p, size, digest, opts);
  }
  mkdir(path: string, opts?: CreateOptions & { parents?: boolean }): void {
    const [fs, p] = this.route(path, true);
    if (p === '/' && fs !== this.root) return;
    fs.mkdir(p, opts);
  }
  readdir(path: string): string[] {
    const [fs, p] = this.route(path);
    return fs.readdir(p);
  }
  remove(path: string, opts?: { recursive?: boolean }): void {
    const [fs, p] = this.route(path, true);
    if (p === '/' && fs !== this.root) throw new FsError('EACCES', path);
    fs.remove(p, opts);
  }
  rename(from: string, to: string): void {
    const [a, pa] = this.route(from, true);
    const [b, pb] = this.route(to, true);
    if (a !== b) throw new FsError('EINVAL', to);
    a.rename(pa, pb);
  }
  symlink(target: string, path: string, opts?: CreateOptions): void {
    const [fs, p] = this.route(path, true);
    fs.symlink(target, p, opts);
  }
  link(existing: string, path: string): void {
    const [a, pa] = this.route(existing, true);
    const [b, pb] = this.route(path, true);
    if (a !== b) throw new FsError('EINVAL', path);
    a.link(pa, pb);
  }
  readlink(path: string): string {
    const [fs, p] = this.route(path);
    return fs.readlink(p);
  }
  chmod(path: string, mode: number): void {
    const [fs, p] = this.route(path, true);
    fs.chmod(p, mode);
  }
  chown(path: string, uid: number, gid: number, follow?: boolean): void {
    const [fs, p] = this.route(path, true);
    fs.chown(p, uid, gid, follow);
  }
  utimes(path: string, mtime: number): void {
    const [fs, p] = this.route(path, true);
    fs.utimes(p, mtime);
  }
  realpath(path: string): string {
    const [fs, p] = this.route(path);
    const m = this.mounts.find((x) => x.fs === fs);
    const inner = fs.realpath(p);
    return m ? normalize(m.at + inner) : inner;
  }
}
