/**
 * File access as programs see it: paths relative to the working directory,
 * read permission (the Fs only checks writes), and the character devices
 * every container has but no layer contains (/dev/null, /dev/zero, ...).
 */
import { fromUtf8, utf8 } from '../hash.js';
import { normalize } from '../fs/path.js';
import { canAccess } from '../fs/union.js';
import { FsError, type Stat } from '../fs/types.js';
import type { CommandIO } from './types.js';

/** Bytes a read of an endless device returns: enough for `head -c`, bounded for memory. */
export const DEVICE_READ_BYTES = 64 * 1024;

const DEVICES = new Set(['/dev/null', '/dev/zero', '/dev/urandom', '/dev/random', '/dev/full', '/dev/stdin', '/dev/stdout', '/dev/stderr', '/dev/tty', '/dev/fd/0', '/dev/fd/1', '/dev/fd/2']);

/** The absolute path of `p` for a process in `io.cwd`. */
export function abs(io: Pick<CommandIO, 'cwd'>, p: string): string {
  return normalize(p, io.cwd);
}

/** A `Stat` for a device, so `test -e /dev/null` and `ls -l /dev/null` work without it in a layer. */
export function deviceStat(path: string): Stat | null {
  if (!DEVICES.has(path)) return null;
  return { type: 'file', mode: 0o666, uid: 0, gid: 0, mtime: 0, size: 0, nlink: 1 };
}

/** Deterministic "random" bytes: the same image built twice gives the same layer. */
export function urandomBytes(n: number, offset = 0): Uint8Array {
  const out = new Uint8Array(n);
  let x = 0x9e3779b9 ^ offset;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** Stats a path (following symlinks unless `follow` is false), devices included. */
export function statPath(io: CommandIO, p: string, follow = true): Stat | null {
  const a = abs(io, p);
  return deviceStat(a) ?? io.fs.stat(a, follow);
}

/**
 * Reads a file's bytes with the permission checks of open(2): EACCES without
 * read permission, EISDIR for a directory. Devices read as the kernel's would,
 * bounded: /dev/zero and /dev/urandom give DEVICE_READ_BYTES.
 */
export function readBytes(io: CommandIO, p: string): Uint8Array {
  const a = abs(io, p);
  switch (a) {
    case '/dev/null':
    case '/dev/full':
    case '/dev/tty':
    case '/dev/stdout':
    case '/dev/stderr':
    case '/dev/fd/1':
    case '/dev/fd/2':
      return new Uint8Array(0);
    case '/dev/zero':
      return new Uint8Array(DEVICE_READ_BYTES);
    case '/dev/urandom':
    case '/dev/random':
      return urandomBytes(DEVICE_READ_BYTES);
    case '/dev/stdin':
    case '/dev/fd/0':
      return utf8(io.stdin);
  }
  const st = io.fs.stat(a);
  if (!st) throw new FsError('ENOENT', a);
  if (st.type === 'dir') throw new FsError('EISDIR', a);
  if (!canAccess(st, { uid: io.uid, gid: io.gid }, 4)) throw new FsError('EACCES', a);
  return io.fs.readFile(a);
}

/** Reads a file as UTF-8 text (see readBytes). */
export function readText(io: CommandIO, p: string): string {
  const a = abs(io, p);
  if (a === '/dev/stdin' || a === '/dev/fd/0') return io.stdin;
  return fromUtf8(readBytes(io, p));
}

/** The errno text of an error from the Fs (anything else is a bug and is rethrown). */
export function errText(e: unknown): string {
  if (e instanceof FsError) return e.message;
  throw e;
}

/** Whether the process may execute (or, for a directory, search) a file. */
export function canExecute(st: Stat, io: Pick<CommandIO, 'uid' | 'gid'>): boolean {
  if (io.uid === 0) return (st.mode & 0o111) !== 0 || st.type === 'dir';
  return canAccess(st, { uid: io.uid, gid: io.gid }, 1);
}

/** Whether the process may read or write a file (root always may). */
export function canOpen(st: Stat, io: Pick<CommandIO, 'uid' | 'gid'>, want: 4 | 2): boolean {
  return canAccess(st, { uid: io.uid, gid: io.gid }, want);
}

/** Lists a directory with the read permission check of opendir(3) (the Fs does not check reads). */
export function readDir(io: CommandIO, p: string): string[] {
  const a = abs(io, p);
  const st = io.fs.stat(a);
  if (!st) throw new FsError('ENOENT', a);
  if (st.type !== 'dir') throw new FsError('ENOTDIR', a);
  if (!canAccess(st, { uid: io.uid, gid: io.gid }, 4)) throw new FsError('EACCES', a);
  return io.fs.readdir(a);
}
