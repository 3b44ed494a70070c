/**
 * An in-memory Workspace: a folder tree of files the CLI can build from. The
 * app keeps the learner's files in one (persisted elsewhere); tests use it too.
 */
import type { ContextInput } from '../engine/build/context.js';
import { utf8 } from '../engine/hash.js';
import type { Workspace } from './types.js';

interface Node {
  type: 'file' | 'dir' | 'symlink';
  mode: number;
  mtime: number;
  data?: Uint8Array;
  target?: string;
}

function norm(p: string, cwd = '/'): string {
  const parts: string[] = [];
  for (const c of (p.startsWith('/') ? p : `${cwd}/${p}`).split('/')) {
    if (c === '' || c === '.') continue;
    if (c === '..') parts.pop();
    else parts.push(c);
  }
  return '/' + parts.join('/');
}

export class MemoryWorkspace implements Workspace {
  cwd = '/';
  readonly nodes = new Map<string, Node>([['/', { type: 'dir', mode: 0o755, mtime: 0 }]]);
  /** Time source for mtimes (seconds); tests can control it. */
  now: () => number = () => 1_700_000_000;

  /** A workspace holding `files` (paths relative to `cwd`), with `cwd` as the current directory. */
  static of(files: Record<string, string>, cwd = '/w', mtime = 1_690_000_000): MemoryWorkspace {
    const ws = new MemoryWorkspace();
    ws.now = () => mtime;
    ws.mkdirp(cwd);
    ws.cwd = cwd;
    for (const [p, text] of Object.entries(files)) ws.write(p, text);
    return ws;
  }

  /** Creates or replaces a file (and its parent folders). */
  write(path: string, content: string | Uint8Array, mode = 0o644): void {
    const p = norm(path, this.cwd);
    this.mkdirp(p.slice(0, p.lastIndexOf('/')) || '/');
    this.nodes.set(p, { type: 'file', mode, mtime: this.now(), data: typeof content === 'string' ? utf8(content) : content });
  }

  /** Creates a folder and its parents. */
  mkdirp(path: string): void {
    const p = norm(path, this.cwd);
    let cur = '';
    for (const c of p.split('/').filter(Boolean)) {
      cur += '/' + c;
      if (!this.nodes.has(cur)) this.nodes.set(cur, { type: 'dir', mode: 0o755, mtime: this.now() });
    }
  }

  /** Deletes a file or a folder tree. */
  remove(path: string): void {
    const p = norm(path, this.cwd);
    for (const k of [...this.nodes.keys()]) if (k === p || k.startsWith(p + '/')) this.nodes.delete(k);
  }

  /** Changes a file's mode bits. */
  chmod(path: string, mode: number): void {
    const n = this.nodes.get(norm(path, this.cwd));
    if (n) n.mode = mode;
  }

  /** Sets a file's mtime to now (content unchanged). */
  touch(path: string): void {
    const n = this.nodes.get(norm(path, this.cwd));
    if (n) n.mtime = this.now();
  }

  resolve(path: string): string {
    return norm(path, this.cwd);
  }

  readFile(path: string): Uint8Array | null {
    const n = this.nodes.get(norm(path, this.cwd));
    return n?.type === 'file' ? n.data! : null;
  }

  writeFile(path: string, data: Uint8Array, mode?: number): void {
    this.write(path, data, mode);
  }

  mkdir(path: string, mode?: number): void {
    this.mkdirp(path);
    if (mode !== undefined) this.chmod(path, mode);
  }

  readTree(path: string): ContextInput[] | null {
    const root = norm(path, this.cwd);
    if (this.nodes.get(root)?.type !== 'dir') return null;
    const prefix = root === '/' ? '/' : root + '/';
    const out: ContextInput[] = [];
    for (const [p, n] of [...this.nodes].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      if (!p.startsWith(prefix) || p === root) continue;
      out.push({ path: p.slice(prefix.length), type: n.type, mode: n.mode, mtime: n.mtime, data: n.data, target: n.target });
    }
    return out;
  }
}
