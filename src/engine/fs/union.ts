/**
 * A union view over a stack of read-only layers plus one writable upper layer,
 * with overlayfs semantics: writes copy the entry (and its parent directories)
 * up, deletions of lower entries become whiteouts, a directory re-created over a
 * deleted one is opaque. The upper layer, frozen, is the diff a RUN step or a
 * container's writable layer produces.
 */
import { sha256Hex, utf8 } from '../hash.js';
import { Layer } from './layer.js';
import { ancestors, basename, dirname, isWithin, normalize } from './path.js';
import { FsError, type CreateOptions, type Cred, type Entry, type Fs, type RealEntry, type Stat } from './types.js';

const ROOT_DIR: RealEntry = { type: 'dir', mode: 0o755, uid: 0, gid: 0, mtime: 0 };
const MAX_LINKS = 40;

export interface UnionOptions {
  /** Who performs the operations; uid 0 skips permission checks. */
  cred?: Cred;
  /** Clock for the mtime of new and changed entries, in seconds. */
  now?: () => number;
  /** When set, every write fails with EROFS (`docker run --read-only`). */
  readOnly?: boolean;
}

export class UnionFs implements Fs {
  cred: Cred;
  readOnly: boolean;
  private readonly now: () => number;
  private readonly upper = new Map<string, Entry>();
  private readonly upperChildren = new Map<string, Set<string>>();
  private readonly lowerCache = new Map<string, RealEntry | null>();

  constructor(
    readonly lower: readonly Layer[],
    opts: UnionOptions = {},
    upper?: Layer,
  ) {
    this.cred = opts.cred ?? { uid: 0, gid: 0 };
    this.now = opts.now ?? (() => 0);
    this.readOnly = opts.readOnly ?? false;
    if (upper) for (const [p, e] of upper.entries) this.setUpper(p, e);
  }

  /** The writable layer's changes, frozen into a layer. */
  diff(): Layer {
    return new Layer(this.upper);
  }

  /** True when nothing was written, changed or deleted. */
  get unchanged(): boolean {
    return this.upper.size === 0;
  }

  // ---- lookup -------------------------------------------------------------

  /** The entry at an exact path (ancestors taken as they are), hardlinks resolved. */
  private lookup(p: string): RealEntry | null {
    if (p === '/') return (this.upper.get('/') as RealEntry | undefined) ?? this.lowerLookup('/', this.lower.length) ?? ROOT_DIR;
    const up = this.upper.get(p);
    if (up) return up.type === 'whiteout' ? null : this.deref(up, null);
    const anc = ancestors(p);
    let stop = false;
    for (const a of anc) {
      const e = this.upper.get(a);
      if (!e) continue;
      if (e.type === 'whiteout' || e.type !== 'dir') return null;
      if (e.opaque) stop = true;
    }
    if (stop) return null;
    return this.lowerLookup(p, this.lower.length);
  }

  /** Lookup in lower layers [0, top) only; the full stack's answers are memoised (lower layers never change). */
  private lowerLookup(p: string, top: number): RealEntry | null {
    if (top === this.lower.length) {
      const hit = this.lowerCache.get(p);
      if (hit !== undefined) return hit;
      const v = this.lowerLookupUncached(p, top);
      this.lowerCache.set(p, v);
      return v;
    }
    return this.lowerLookupUncached(p, top);
  }

  private lowerLookupUncached(p: string, top: number): RealEntry | null {
    const anc = p === '/' ? [] : ancestors(p);
    for (let i = top - 1; i >= 0; i--) {
      const layer = this.lower[i]!;
      const e = layer.entries.get(p);
      if (e) return e.type === 'whiteout' ? null : this.deref(e, layer);
      if (layer.blockers.size > 0) {
        let stop = false;
        for (const a of anc) {
          const b = layer.blockers.get(a);
          if (b === 'whiteout' || b === 'nondir') return null;
          if (b === 'opaque') stop = true;
        }
        if (stop) return null;
      }
    }
    return null;
  }

  private deref(e: Entry, layer: Layer | null): RealEntry | null {
    if (e.type === 'whiteout') return null;
    if (e.type !== 'hardlink') return e;
    const t = layer ? layer.entries.get(e.target) : this.upper.get(e.target);
    return t && t.type !== 'whiteout' && t.type !== 'hardlink' ? t : null;
  }

  /** Whether a path exists below the upper layer (so deleting it needs a whiteout). */
  private inLower(p: string): boolean {
    return this.lowerLookup(p, this.lower.length) !== null;
  }

  /**
   * Resolves symlinks in the path's components (and in the last one when
   * `follow`). Returns the canonical path and its entry, or null entry when
   * only the last component is missing.
   */
  resolve(path: string, follow = true): { path: string; entry: RealEntry | null } {
    const r = this.walkPath(path, follow, 0);
    if (typeof r === 'string') throw new FsError(r, path);
    return r;
  }

  /** resolve() without exceptions: an errno name instead (stat and lookups in $PATH miss often). */
  private walkPath(path: string, follow: boolean, links: number): { path: string; entry: RealEntry | null } | 'ENOENT' | 'ENOTDIR' | 'ELOOP' {
    const comps = normalize(path).split('/').filter(Boolean);
    let cur = '/';
    for (let i = 0; i < comps.length; i++) {
      const next = cur === '/' ? '/' + comps[i] : cur + '/' + comps[i];
      const e = this.lookup(next);
      const last = i === comps.length - 1;
      if (!e) {
        if (last) return { path: next, entry: null };
        return 'ENOENT';
      }
      if (e.type === 'symlink' && (!last || follow)) {
        if (links >= MAX_LINKS) return 'ELOOP';
        const target = normalize(e.target, cur);
        const rest = comps.slice(i + 1).join('/');
        return this.walkPath(rest ? target + '/' + rest : target, follow, links + 1);
      }
      if (!last && e.type !== 'dir') return 'ENOTDIR';
      cur = next;
    }
    return { path: cur, entry: this.lookup(cur) };
  }

  // ---- reading ------------------------------------------------------------

  stat(path: string, follow = true): Stat | null {
    const r = this.walkPath(path, follow, 0);
    if (typeof r === 'string') return null;
    const e = r.entry;
    if (!e || e.type === 'hardlink') return null;
    return {
      type: e.type,
      mode: e.mode,
      uid: e.uid,
      gid: e.gid,
      mtime: e.mtime,
      size: e.type === 'file' ? e.size : e.type === 'symlink' ? e.target.length : 4096,
      digest: e.type === 'file' ? e.digest : undefined,
      target: e.type === 'symlink' ? e.target : undefined,
      nlink: e.type === 'dir' ? 2 : 1,
    };
  }

  readFile(path: string): Uint8Array {
    const { entry } = this.resolve(path, true);
    if (!entry) throw new FsError('ENOENT', path);
    if (entry.type === 'dir') throw new FsError('EISDIR', path);
    if (entry.type !== 'file') throw new FsError('EINVAL', path);
    return entry.data ?? syntheticBytes(entry.size);
  }

  /** The raw file entry (bytes or synthetic content) at a path, following symlinks. */
  fileEntry(path: string): (RealEntry & { type: 'file' }) | null {
    try {
      const { entry } = this.resolve(path, true);
      return entry && entry.type === 'file' ? entry : null;
    } catch {
      return null;
    }
  }

  readdir(path: string): string[] {
    const r = this.resolve(path, true);
    if (!r.entry) throw new FsError('ENOENT', path);
    if (r.entry.type !== 'dir') throw new FsError('ENOTDIR', path);
    const dir = r.path;
    const names = new Set<string>();
    const up = this.upperChildren.get(dir);
    if (up) for (const n of up) names.add(n);
    const upEntry = this.upper.get(dir);
    if (!(upEntry && upEntry.type === 'dir' && upEntry.opaque)) {
      for (let i = this.lower.length - 1; i >= 0; i--) {
        const layer = this.lower[i]!;
        for (const n of layer.children(dir)) names.add(n);
        const e = layer.entries.get(dir);
        if (e && e.type === 'dir' && e.opaque) break;
      }
    }
    const prefix = dir === '/' ? '/' : dir + '/';
    return [...names].filter((n) => this.lookup(prefix + n) !== null).sort();
  }

  readlink(path: string): string {
    const { entry } = this.resolve(path, false);
    if (!entry) throw new FsError('ENOENT', path);
    if (entry.type !== 'symlink') throw new FsError('EINVAL', path);
    return entry.target;
  }

  realpath(path: string): string {
    const r = this.resolve(path, true);
    if (!r.entry) throw new FsError('ENOENT', path);
    return r.path;
  }

  /** Every visible path under `dir` (depth first, sorted), with its entry. */
  *walk(dir = '/'): Generator<[string, RealEntry]> {
    const r = this.resolve(dir, true);
    if (!r.entry) return;
    yield* this.walkCanonical(r.path, r.entry);
  }

  private *walkCanonical(p: string, e: RealEntry): Generator<[string, RealEntry]> {
    yield [p, e];
    if (e.type !== 'dir') return;
    const prefix = p === '/' ? '/' : p + '/';
    for (const n of this.readdir(p)) {
      const child = this.lookup(prefix + n);
      if (child) yield* this.walkCanonical(prefix + n, child);
    }
  }

  // ---- writing ------------------------------------------------------------

  private setUpper(p: string, e: Entry): void {
    this.upper.set(p, e);
    if (p === '/') return;
    const parent = dirname(p);
    let set = this.upperChildren.get(parent);
    if (!set) this.upperChildren.set(parent, (set = new Set()));
    set.add(basename(p));
  }

  private deleteUpper(p: string): void {
    if (!this.upper.delete(p)) return;
    this.upperChildren.get(dirname(p))?.delete(basename(p));
  }

  private writable(): void {
    if (this.readOnly) throw new FsError('EROFS', '/');
  }

  /** Permission to create or delete names in a directory. */
  private checkDirWrite(dir: string, path: string): void {
    if (this.cred.uid === 0) return;
    const e = this.lookup(dir);
    if (!e) throw new FsError('ENOENT', path);
    if (!canAccess(e, this.cred, 2)) throw new FsError('EACCES', path);
  }

  /** Copies the parent directories of a path into the upper layer, as overlayfs does. */
  private copyUpParents(p: string): void {
    for (const a of ancestors(p)) {
      if (this.upper.has(a)) continue;
      const e = this.lookup(a);
      if (e && e.type === 'dir') this.setUpper(a, { ...e, opaque: false });
    }
  }

  /** Resolves a path to create: the last component is not followed (a dangling symlink there is EEXIST). */
  private resolveNew(path: string): { path: string; entry: RealEntry | null } {
    const r = this.resolve(path, false);
    const parent = this.lookup(dirname(r.path));
    if (!parent) throw new FsError('ENOENT', path);
    if (parent.type !== 'dir') throw new FsError('ENOTDIR', path);
    return r;
  }

  private resolveParent(path: string): { path: string; entry: RealEntry | null } {
    const r = this.resolve(path, true);
    const parent = this.lookup(dirname(r.path));
    if (!parent) throw new FsError('ENOENT', path);
    if (parent.type !== 'dir') throw new FsError('ENOTDIR', path);
    return r;
  }

  private place(p: string, e: RealEntry): void {
    this.copyUpParents(p);
    const prev = this.upper.get(p);
    if (e.type === 'dir' && prev?.type === 'whiteout') e = { ...e, opaque: true };
    // a subtree replaced by a non-directory: its upper descendants vanish
    if (e.type !== 'dir') this.dropUpperBelow(p);
    this.setUpper(p, e);
  }

  private dropUpperBelow(p: string): void {
    const kids = this.upperChildren.get(p);
    if (!kids || kids.size === 0) return;
    const prefix = p === '/' ? '/' : p + '/';
    for (const name of [...kids]) {
      this.dropUpperBelow(prefix + name);
      this.deleteUpper(prefix + name);
    }
    this.upperChildren.delete(p);
  }

  writeFile(path: string, data: Uint8Array | string, opts: CreateOptions & { append?: boolean } = {}): void {
    this.writable();
    const bytes = typeof data === 'string' ? utf8(data) : data;
    const r = this.resolveParent(path);
    const old = r.entry;
    if (old && old.type === 'dir') throw new FsError('EISDIR', path);
    if (old) {
      if (this.cred.uid !== 0 && !canAccess(old, this.cred, 2)) throw new FsError('EACCES', path);
    } else this.checkDirWrite(dirname(r.path), path);
    let content = bytes;
    if (opts.append && old && old.type === 'file') {
      const prev = old.data ?? syntheticBytes(old.size);
      content = new Uint8Array(prev.length + bytes.length);
      content.set(prev);
      content.set(bytes, prev.length);
    }
    const meta = old && old.type === 'file' ? old : undefined;
    this.place(r.path, {
      type: 'file',
      mode: opts.mode ?? meta?.mode ?? 0o644,
      uid: opts.uid ?? meta?.uid ?? this.cred.uid,
      gid: opts.gid ?? meta?.gid ?? this.cred.gid,
      mtime: opts.mtime ?? this.now(),
      size: content.length,
      digest: sha256Hex(content),
      data: content,
    });
  }

  writeSynthetic(path: string, size: number, digest: string, opts: CreateOptions = {}): void {
    this.writable();
    const r = this.resolveParent(path);
    if (r.entry && r.entry.type === 'dir') throw new FsError('EISDIR', path);
    if (!r.entry) this.checkDirWrite(dirname(r.path), path);
    const meta = r.entry && r.entry.type === 'file' ? r.entry : undefined;
    this.place(r.path, {
      type: 'file',
      mode: opts.mode ?? meta?.mode ?? 0o644,
      uid: opts.uid ?? this.cred.uid,
      gid: opts.gid ?? this.cred.gid,
      mtime: opts.mtime ?? this.now(),
      size,
      digest,
    });
  }

  /** Puts a prepared entry (from a build context or another image) at a path, as COPY does. */
  putEntry(path: string, entry: RealEntry): void {
    this.writable();
    // fast path for COPY of a tree: the parent was just written here, so the path is already canonical
    const parentUp = this.upper.get(dirname(path));
    if (parentUp?.type === 'dir' && path === normalize(path)) {
      this.place(path, entry.type === 'dir' ? { ...entry, opaque: false } : entry);
      return;
    }
    const r = this.resolve(path, false);
    const parent = this.lookup(dirname(r.path));
    if (!parent) throw new FsError('ENOENT', path);
    if (parent.type !== 'dir') throw new FsError('ENOTDIR', path);
    if (entry.type === 'dir' && r.entry?.type === 'dir') {
      // an existing directory keeps its content; only its metadata changes
      this.place(r.path, { ...entry, opaque: false });
      return;
    }
    this.place(r.path, entry.type === 'dir' ? { ...entry, opaque: false } : entry);
  }

  mkdir(path: string, opts: CreateOptions & { parents?: boolean } = {}): void {
    this.writable();
    const mk = (p: string) => {
      this.checkDirWrite(dirname(p), path);
      this.place(p, {
        type: 'dir',
        mode: opts.mode ?? 0o755,
        uid: opts.uid ?? this.cred.uid,
        gid: opts.gid ?? this.cred.gid,
        mtime: opts.mtime ?? this.now(),
      });
    };
    if (!opts.parents) {
      const r = this.resolveNew(path);
      if (r.entry) throw new FsError('EEXIST', path);
      mk(r.path);
      return;
    }
    const comps = normalize(path).split('/').filter(Boolean);
    let cur = '/';
    for (const c of comps) {
      const here = cur === '/' ? '/' + c : cur + '/' + c;
      const r = this.resolve(here, true);
      // a dangling symlink in the way: mkdir(2) on it fails, it does not create the target
      if (!r.entry && this.lookup(here)) throw new FsError('EEXIST', path);
      if (!r.entry) mk(r.path);
      else if (r.entry.type !== 'dir') throw new FsError(c === comps[comps.length - 1] ? 'EEXIST' : 'ENOTDIR', path);
      cur = r.path;
    }
  }

  remove(path: string, opts: { recursive?: boolean } = {}): void {
    this.writable();
    const r = this.resolve(path, false);
    if (!r.entry) throw new FsError('ENOENT', path);
    if (r.path === '/') throw new FsError('EACCES', path);
    if (r.entry.type === 'dir' && !opts.recursive && this.readdir(r.path).length > 0) throw new FsError('ENOTEMPTY', path);
    this.checkDirWrite(dirname(r.path), path);
    this.dropUpperBelow(r.path);
    this.copyUpParents(r.path);
    if (this.inLower(r.path)) this.setUpper(r.path, { type: 'whiteout' });
    else this.deleteUpper(r.path);
  }

  rename(from: string, to: string): void {
    this.writable();
    const src = this.resolve(from, false);
    if (!src.entry) throw new FsError('ENOENT', from);
    // rename(2) replaces a symlink at the destination, it does not follow it
    const dst = this.resolveNew(to);
    if (src.path === dst.path) return;
    if (isWithin(dst.path, src.path)) throw new FsError('EINVAL', to);
    if (dst.entry?.type === 'dir') {
      if (src.entry.type !== 'dir') throw new FsError('EISDIR', to);
      if (this.readdir(dst.path).length > 0) throw new FsError('ENOTEMPTY', to);
    } else if (dst.entry && src.entry.type === 'dir') throw new FsError('ENOTDIR', to);
    const moved: [string, RealEntry][] = [];
    for (const [p, e] of this.walkCanonical(src.path, src.entry)) moved.push([dst.path + p.slice(src.path.length), e]);
    if (dst.entry) this.remove(dst.path, { recursive: true });
    this.remove(src.path, { recursive: true });
    for (const [p, e] of moved) this.place(p, e);
  }

  symlink(target: string, path: string, opts: CreateOptions = {}): void {
    this.writable();
    const r = this.resolveNew(normalize(path));
    if (r.entry) throw new FsError('EEXIST', path);
    this.checkDirWrite(dirname(r.path), path);
    this.place(r.path, {
      type: 'symlink',
      target,
      mode: 0o777,
      uid: opts.uid ?? this.cred.uid,
      gid: opts.gid ?? this.cred.gid,
      mtime: opts.mtime ?? this.now(),
    });
  }

  link(existing: string, path: string): void {
    this.writable();
    const src = this.resolve(existing, false);
    if (!src.entry) throw new FsError('ENOENT', existing);
    if (src.entry.type === 'dir') throw new FsError('EISDIR', existing);
    const r = this.resolveNew(path);
    if (r.entry) throw new FsError('EEXIST', path);
    this.checkDirWrite(dirname(r.path), path);
    // both names must live in the same layer: copy the file up first, as overlayfs does
    if (!this.upper.has(src.path)) this.place(src.path, src.entry);
    this.place(r.path, { ...src.entry, type: 'hardlink', target: src.path } as RealEntry);
  }

  private modify(path: string, follow: boolean, change: (e: RealEntry) => RealEntry): void {
    this.writable();
    const r = this.resolve(path, follow);
    if (!r.entry) throw new FsError('ENOENT', path);
    if (this.cred.uid !== 0 && r.entry.uid !== this.cred.uid) throw new FsError('EACCES', path);
    const up = this.upper.get(r.path);
    // keep an opaque flag and a hardlink's identity when changing metadata
    // an entry copied up from below is never opaque: that would hide the lower layers' children
    const base = up && up.type !== 'whiteout' ? up : r.entry.type === 'dir' ? { ...r.entry, opaque: false } : r.entry;
    const next = change(base.type === 'hardlink' ? r.entry : base);
    this.copyUpParents(r.path);
    this.setUpper(r.path, next);
  }

  chmod(path: string, mode: number): void {
    this.modify(path, true, (e) => ({ ...e, mode: mode & 0o7777 }));
  }

  chown(path: string, uid: number, gid: number, follow = true): void {
    if (this.cred.uid !== 0) throw new FsError('EACCES', path);
    this.modify(path, follow, (e) => ({ ...e, uid, gid }));
  }

  utimes(path: string, mtime: number): void {
    this.modify(path, true, (e) => ({ ...e, mtime }));
  }
}

/** Whether `cred` may read (4), write (2) or execute/search (1) an entry. */
export function canAccess(e: { mode: number; uid: number; gid: number }, cred: Cred, want: 4 | 2 | 1): boolean {
  if (cred.uid === 0) return true;
  const bits = cred.uid === e.uid ? (e.mode >> 6) & 7 : cred.gid === e.gid ? (e.mode >> 3) & 7 : e.mode & 7;
  return (bits & want) !== 0;
}

/** Stand-in bytes for modelled content that has a size but no stored bytes. */
function syntheticBytes(size: number): Uint8Array {
  return new Uint8Array(Math.min(size, 1 << 20));
}
