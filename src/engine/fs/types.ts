/**
 * The entries a layer can hold, in the words of the OCI image layer spec:
 * regular files, directories, symlinks, hardlinks, and whiteouts (`.wh.name`)
 * for deletions. An opaque directory hides everything below it in lower layers.
 */

/** Ownership and permission bits shared by every real entry. */
export interface Meta {
  /** Permission bits including setuid/setgid/sticky (e.g. 0o755, 0o1777). */
  mode: number;
  uid: number;
  gid: number;
  /** Modification time in seconds since the epoch. Part of the layer tar, ignored by COPY cache keys. */
  mtime: number;
}

/**
 * A regular file. Small files carry their bytes; large modelled content
 * (a package's 40 MB of libraries) carries only a size and a digest.
 */
export interface FileEntry extends Meta {
  type: 'file';
  size: number;
  /** sha256 hex of the content (of `data` when present). */
  digest: string;
  data?: Uint8Array;
}

export interface DirEntry extends Meta {
  type: 'dir';
  /** True when this directory hides the lower layers' content (`.wh..wh..opq`). */
  opaque?: boolean;
}

export interface SymlinkEntry extends Meta {
  type: 'symlink';
  target: string;
}

/** A hardlink to another path of the same layer, as a tar link entry. */
export interface HardlinkEntry extends Meta {
  type: 'hardlink';
  target: string;
}

/** A deletion of the path in the layers below (`.wh.name` in the tar). */
export interface WhiteoutEntry {
  type: 'whiteout';
}

export type Entry = FileEntry | DirEntry | SymlinkEntry | HardlinkEntry | WhiteoutEntry;
export type RealEntry = Exclude<Entry, WhiteoutEntry>;

/** What `stat` returns for a path of a union view. */
export interface Stat {
  type: 'file' | 'dir' | 'symlink';
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
  size: number;
  digest?: string;
  target?: string;
  /** Number of names for this file (hardlinks), as `stat -c %h` prints. */
  nlink: number;
}

export type FsErrorCode = 'ENOENT' | 'EEXIST' | 'ENOTDIR' | 'EISDIR' | 'ENOTEMPTY' | 'EACCES' | 'EINVAL' | 'ELOOP' | 'EROFS';

const MESSAGES: Record<FsErrorCode, string> = {
  ENOENT: 'No such file or directory',
  EEXIST: 'File exists',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
  ENOTEMPTY: 'Directory not empty',
  EACCES: 'Permission denied',
  EINVAL: 'Invalid argument',
  ELOOP: 'Symbolic link loop',
  EROFS: 'Read-only file system',
};

/** A filesystem error with the errno name and the libc message that tools print. */
export class FsError extends Error {
  constructor(
    readonly code: FsErrorCode,
    readonly path: string,
  ) {
    super(MESSAGES[code]);
    this.name = 'FsError';
  }
}

/** Options for writes: ownership and mode of a newly created entry. */
export interface CreateOptions {
  mode?: number;
  uid?: number;
  gid?: number;
  mtime?: number;
}

/** The credentials an operation runs with; root bypasses permission checks. */
export interface Cred {
  uid: number;
  gid: number;
}

/**
 * A mutable filesystem view. The shell, COPY and containers use only this
 * interface, so they work the same on a union of layers or a plain tree.
 */
export interface Fs {
  stat(path: string, follow?: boolean): Stat | null;
  readFile(path: string): Uint8Array;
  writeFile(path: string, data: Uint8Array | string, opts?: CreateOptions & { append?: boolean }): void;
  /** Writes modelled content: a file of `size` bytes known only by its digest. */
  writeSynthetic(path: string, size: number, digest: string, opts?: CreateOptions): void;
  mkdir(path: string, opts?: CreateOptions & { parents?: boolean }): void;
  readdir(path: string): string[];
  remove(path: string, opts?: { recursive?: boolean }): void;
  rename(from: string, to: string): void;
  symlink(target: string, path: string, opts?: CreateOptions): void;
  link(existing: string, path: string): void;
  readlink(path: string): string;
  chmod(path: string, mode: number): void;
  chown(path: string, uid: number, gid: number, follow?: boolean): void;
  utimes(path: string, mtime: number): void;
  /** Resolves symlinks in every component; the canonical absolute path. */
  realpath(path: string): string;
}
