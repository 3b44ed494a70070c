/**
 * The build context: the files `docker build` sends, after .dockerignore,
 * with the checksums the cache keys use (content, mode and the file set; not
 * the mtime, which neither builder counts).
 */
import ignore from '@balena/dockerignore';
import { sha256Hex } from '../hash.js';
import { DockerError } from '../errors.js';

/** One file, directory or symlink of a context, by its slash-separated relative path. */
export interface ContextEntry {
  type: 'file' | 'dir' | 'symlink';
  mode: number;
  mtime: number;
  data?: Uint8Array;
  target?: string;
  size: number;
  digest: string;
}

/** What a caller (workspace, runner, server) provides: paths relative to the context root. */
export interface ContextInput {
  path: string;
  type: 'file' | 'dir' | 'symlink';
  mode?: number;
  mtime?: number;
  data?: Uint8Array;
  target?: string;
}

const EMPTY = new Uint8Array();

/** Normalizes a context-relative path (`./a//b/` → `a/b`); '' is the root. */
export function cleanRel(p: string): string {
  const parts: string[] = [];
  for (const c of p.split('/')) {
    if (c === '' || c === '.') continue;
    if (c === '..') parts.pop();
    else parts.push(c);
  }
  return parts.join('/');
}

/** Digests of file contents already hashed: a workspace that keeps unchanged files' bytes is not rehashed. */
const digests = new WeakMap<Uint8Array, string>();

function digestOfData(data: Uint8Array): string {
  let d = digests.get(data);
  if (d === undefined) {
    d = sha256Hex(data);
    digests.set(data, d);
  }
  return d;
}

/** Filtered contexts by source context and .dockerignore text (a context never changes). */
const filtered = new WeakMap<BuildContext, Map<string, BuildContext>>();

const recentContexts: { inputs: ContextInput[]; ctx: BuildContext }[] = [];

function sameInputs(a: ContextInput[], b: ContextInput[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.path !== y.path || x.type !== y.type || x.mode !== y.mode || x.mtime !== y.mtime || x.data !== y.data || x.target !== y.target) return false;
  }
  return true;
}

/** .dockerignore answers by pattern set: whether a path is ignored never changes for the same patterns. */
const ignoreAnswers = new Map<string, Map<string, boolean>>();

export class BuildContext {
  readonly entries: ReadonlyMap<string, ContextEntry>;
  /** Paths removed by .dockerignore (shown by the build-context view). */
  readonly ignored: readonly string[];

  private constructor(entries: Map<string, ContextEntry>, ignored: string[] = [], sorted = false) {
    this.entries = sorted ? entries : new Map([...entries].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));
    this.ignored = ignored;
  }

  /**
   * Builds a context from caller-provided files; parent directories are implied.
   * The same files (same bytes objects and stat) give back the same context, so a
   * rebuild reuses everything computed about it.
   */
  static from(inputs: Iterable<ContextInput>): BuildContext {
    const list = [...inputs];
    for (const r of recentContexts) if (sameInputs(r.inputs, list)) return r.ctx;
    const ctx = BuildContext.fromUncached(list);
    recentContexts.unshift({ inputs: list.map((f) => ({ ...f })), ctx });
    if (recentContexts.length > 4) recentContexts.pop();
    return ctx;
  }

  private static fromUncached(inputs: ContextInput[]): BuildContext {
    const m = new Map<string, ContextEntry>();
    for (const f of inputs) {
      const p = cleanRel(f.path);
      if (!p) continue;
      const data = f.data;
      m.set(p, {
        type: f.type,
        mode: f.mode ?? (f.type === 'dir' ? 0o755 : f.type === 'symlink' ? 0o777 : 0o644),
        mtime: f.mtime ?? 0,
        data: f.type === 'file' ? (data ?? new Uint8Array()) : undefined,
        target: f.target,
        size: f.type === 'file' ? (data?.length ?? 0) : f.type === 'symlink' ? (f.target ?? '').length : 0,
        digest: f.type === 'file' ? digestOfData(data ?? EMPTY) : f.type === 'symlink' ? sha256Hex(f.target ?? '') : '',
      });
      let i = p.lastIndexOf('/');
      while (i > 0) {
        const d = p.slice(0, i);
        if (!m.has(d)) m.set(d, { type: 'dir', mode: 0o755, mtime: 0, size: 0, digest: '' });
        i = d.lastIndexOf('/');
      }
    }
    return new BuildContext(m);
  }

  /**
   * Applies .dockerignore patterns with Docker's rules. The Dockerfile and
   * .dockerignore are always sent (the daemon needs them) but COPY skips them
   * when they are excluded.
   */
  withIgnore(dockerignore: string | undefined, keep: string[] = []): BuildContext {
    if (!dockerignore) return this;
    const memoKey = `${keep.join('\0')}\0\0${dockerignore}`;
    let memo = filtered.get(this);
    const hit = memo?.get(memoKey);
    if (hit) return hit;
    const result = this.withIgnoreUncached(dockerignore, keep);
    if (!memo) filtered.set(this, (memo = new Map()));
    memo.set(memoKey, result);
    return result;
  }

  private withIgnoreUncached(dockerignore: string, keep: string[]): BuildContext {
    const patterns = dockerignore
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    if (patterns.length === 0) return this;
    const key = patterns.join('\n');
    let answers = ignoreAnswers.get(key);
    if (!answers) {
      if (ignoreAnswers.size > 32) ignoreAnswers.clear();
      ignoreAnswers.set(key, (answers = new Map()));
    }
    let ig: ReturnType<typeof ignore> | undefined;
    const ignores = (p: string) => {
      let a = answers.get(p);
      if (a === undefined) {
        ig ??= ignore().add(patterns);
        a = ig.ignores(p);
        answers.set(p, a);
      }
      return a;
    };
    const kept = new Map<string, ContextEntry>();
    const ignored: string[] = [];
    for (const [p, e] of this.entries) {
      if (!ignores(p) || keep.includes(p)) kept.set(p, e);
      else ignored.push(p);
    }
    // a directory that is excluded but holds an exception (`!dir/keep`) stays, as a parent
    if (!patterns.some((x) => x.startsWith('!'))) return new BuildContext(kept, ignored, true);
    for (const p of kept.keys()) {
      let i = p.lastIndexOf('/');
      while (i > 0) {
        const d = p.slice(0, i);
        if (!kept.has(d)) kept.set(d, this.entries.get(d)!);
        i = d.lastIndexOf('/');
      }
    }
    return new BuildContext(kept, ignored.filter((p) => !kept.has(p)));
  }

  /** The entry at a relative path. */
  get(rel: string): ContextEntry | undefined {
    return this.entries.get(cleanRel(rel));
  }

  /** Bytes of the uncompressed tar the classic client sends ("Sending build context"). */
  tarSize(): number {
    let n = 1024;
    for (const e of this.entries.values()) {
      n += 512;
      if (e.type === 'file') n += Math.ceil(e.size / 512) * 512;
    }
    return n;
  }

  /** Total bytes of file content. */
  contentSize(): number {
    let n = 0;
    for (const e of this.entries.values()) if (e.type === 'file') n += e.size;
    return n;
  }

  /** Entries under a directory (or the one file), as [path relative to `rel`, entry]. */
  subtree(rel: string): [string, ContextEntry][] {
    const base = cleanRel(rel);
    if (base === '') return [...this.entries];
    const e = this.entries.get(base);
    if (!e) return [];
    if (e.type !== 'dir') return [['', e]];
    const prefix = base + '/';
    const out: [string, ContextEntry][] = [];
    for (const [p, x] of this.entries) if (p.startsWith(prefix)) out.push([p.slice(prefix.length), x]);
    return out;
  }

  /** Source paths matching a COPY/ADD source pattern (Go filepath.Match per path segment). */
  match(pattern: string): string[] {
    const clean = cleanRel(pattern);
    if (clean === '') return [''];
    if (!/[*?[]/.test(clean)) return this.entries.has(clean) ? [clean] : [];
    const re = globToRegExp(clean);
    return [...this.entries.keys()].filter((p) => re.test(p));
  }

  /**
   * The content checksum of a source (file or directory tree): names, types,
   * modes, content and link targets; never mtimes. Equal sources give equal sums.
   */
  checksum(rel: string): string {
    const parts: string[] = [];
    for (const [p, e] of this.subtree(rel)) {
      parts.push(`${p}\0${e.type}\0${(e.mode & 0o7777).toString(8)}\0${e.digest}\0${e.target ?? ''}`);
    }
    return sha256Hex(parts.join('\n'));
  }
}

/** Go's filepath.Match as a RegExp for one relative path (`*` does not cross `/`). */
export function globToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const j = pattern.indexOf(']', i + 1);
      if (j < 0) throw new DockerError('syntax error in pattern');
      let cls = pattern.slice(i + 1, j);
      if (cls.startsWith('^')) cls = '!' + cls.slice(1);
      re += '[' + (cls.startsWith('!') ? '^' + cls.slice(1) : cls).replace(/\\/g, '\\\\') + ']';
      i = j;
    } else if (c === '\\' && i + 1 < pattern.length) re += '\\' + pattern[++i];
    else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp('^' + re + '$');
}
