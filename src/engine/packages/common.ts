/**
 * Helpers every package manager and build model shares: reading files from the
 * image, writing a package's files so their sizes add up exactly, and the size
 * formats the real tools print.
 */
import { sha256Hex, fromUtf8 } from '../hash.js';
import { dirname, normalize } from '../fs/path.js';
import type { Fs } from '../fs/types.js';
import type { CommandIO } from '../shell/types.js';

/** One file of a package: [path, size] (0644), [path, size, 'x'] (0755) or [path, 'target'] (symlink). */
export type FileSpec = [string, number] | [string, number, 'x'] | [string, string];

/** What the writer needs to lay a package onto the filesystem. */
export interface PackagePayload {
  /** Stable identity for digests: `apt:curl@7.88.1`. */
  id: string;
  files: FileSpec[];
  /** Directory that receives the bytes not listed file by file. */
  rest?: string;
  /** Bytes the package must add in total (symlink targets included). */
  size: number;
  /** File times: packaged files keep the archive's times, so layers do not depend on the build clock. */
  mtime: number;
}

/** The text of a file, or undefined when it does not exist or is not a file. */
export function readText(fs: Fs, path: string): string | undefined {
  const st = fs.stat(path);
  if (!st || st.type !== 'file') return undefined;
  return fromUtf8(fs.readFile(path));
}

/** True when a path exists (following symlinks). */
export function exists(fs: Fs, path: string): boolean {
  return fs.stat(path) !== null;
}

/** Creates a directory and its parents if missing. */
export function ensureDir(fs: Fs, path: string, mtime?: number): void {
  if (!fs.stat(path)) fs.mkdir(path, { parents: true, ...(mtime !== undefined ? { mtime } : {}) });
}

/** Removes a path if present; returns whether something was removed. */
export function removeIfExists(fs: Fs, path: string): boolean {
  if (!fs.stat(path, false)) return false;
  fs.remove(path, { recursive: true });
  return true;
}

/** Writes a modelled file (size and a digest of a stable description), creating parents. */
export function writeBlob(fs: Fs, path: string, size: number, what: string, mode = 0o644, mtime?: number): void {
  ensureDir(fs, dirname(path), mtime);
  if (fs.stat(path, false)?.type === 'symlink') fs.remove(path);
  fs.writeSynthetic(path, Math.max(0, Math.round(size)), sha256Hex(what), { mode, ...(mtime !== undefined ? { mtime } : {}) });
}

/** Writes a real text file, creating parents. */
export function writeText(fs: Fs, path: string, text: string, mode = 0o644, mtime?: number): void {
  ensureDir(fs, dirname(path), mtime);
  fs.writeFile(path, text, { mode, ...(mtime !== undefined ? { mtime } : {}) });
}

/** Replaces whatever is at `path` with a symlink. */
export function forceSymlink(fs: Fs, target: string, path: string, mtime?: number): void {
  ensureDir(fs, dirname(path), mtime);
  if (fs.stat(path, false)) fs.remove(path, { recursive: true });
  fs.symlink(target, path, mtime !== undefined ? { mtime } : {});
}

/**
 * Lays a package's files onto the filesystem so it adds exactly `size` bytes:
 * listed files keep their real sizes, the remainder goes to one synthetic
 * `<rest>/.<name>.layerlab-rest` file. Returns the paths written.
 */
export function writePayload(fs: Fs, p: PackagePayload): string[] {
  const written: string[] = [];
  let listed = 0;
  for (const f of p.files) {
    const [path, what] = f;
    if (typeof what === 'string') {
      forceSymlink(fs, what, path, p.mtime);
      listed += what.length;
    } else {
      writeBlob(fs, path, what, `${p.id}:${path}`, f[2] === 'x' ? 0o755 : 0o644, p.mtime);
      listed += what;
    }
    written.push(path);
  }
  const remaining = p.size - listed;
  if (remaining > 0) {
    const bare = p.id.slice(p.id.indexOf(':') + 1);
    const name = bare.slice(0, bare.lastIndexOf('@') > 0 ? bare.lastIndexOf('@') : undefined).replace(/\//g, '_');
    const path = `${p.rest ?? '/usr/share/doc/' + name}/.${name}.layerlab-rest`;
    writeBlob(fs, path, remaining, `${p.id}:rest`, 0o644, p.mtime);
    written.push(path);
  }
  return written;
}

/** Removes the files a package wrote (directories are left, as dpkg and apk leave shared ones). */
export function removePaths(fs: Fs, paths: string[]): void {
  for (const p of paths) {
    const st = fs.stat(p, false);
    if (st && st.type !== 'dir') fs.remove(p);
  }
}

/** apt's SizeToStr: powers of 1000, one decimal under 100, no thousands separator in the C locale. */
export function aptSize(bytes: number): string {
  const units = ['', 'k', 'M', 'G', 'T'];
  let v = bytes;
  for (let i = 0; i < units.length; i++) {
    if (v < 100 && i !== 0) return `${v.toFixed(1)} ${units[i]}B`;
    if (v < 10000) return `${Math.round(v)} ${units[i]}B`;
    v /= 1000;
  }
  return `${Math.round(v)} PB`;
}

/** Sizes as pip and npm print them (decimal units, one decimal). */
export function decimalSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} bytes`;
  if (bytes < 1e6) return `${(bytes / 1e3).toFixed(1)} kB`;
  if (bytes < 1e9) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${(bytes / 1e9).toFixed(1)} GB`;
}

/** Wraps words to 80 columns with a two-space indent, as apt lists packages. */
export function wrapList(names: string[]): string {
  const lines: string[] = [];
  let cur = ' ';
  for (const n of names) {
    if (cur.length + 1 + n.length > 79 && cur.trim()) {
      lines.push(cur);
      cur = ' ';
    }
    cur += ' ' + n;
  }
  if (cur.trim()) lines.push(cur);
  return lines.map((l) => l + '\n').join('');
}

/** Parses a KEY=VALUE file such as /etc/os-release (quotes removed). */
export function parseKeyValues(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m) out[m[1]!] = m[2]!.replace(/^["']|["']$/g, '');
  }
  return out;
}

/** The image's /etc/os-release (or /usr/lib/os-release) as a map. */
export function osRelease(fs: Fs): Record<string, string> {
  return parseKeyValues(readText(fs, '/etc/os-release') ?? readText(fs, '/usr/lib/os-release') ?? '');
}

/** Resolves a path argument against the process's working directory. */
export function resolvePath(io: CommandIO, p: string): string {
  return normalize(p, io.cwd);
}

/** The home directory of the process: $HOME, else /root for root. */
export function homeDir(io: CommandIO): string {
  return io.env.HOME || (io.uid === 0 ? '/root' : '/');
}

/** Date and time as the package logs write them (`2024-01-02 03:04:05`), UTC. */
export function logTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

/** Fixed mtime for files that come out of package archives (2025-05-20, the catalog snapshot). */
export const ARCHIVE_MTIME = 1747699200;
