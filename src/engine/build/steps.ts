/**
 * Build steps that change files: RUN (through the built-in shell), COPY/ADD
 * (from the context, another stage or an image) and WORKDIR. Each returns the
 * diff it made as a layer; the builders decide what becomes an image layer.
 */
import { processWord } from '../dockerfile/lex.js';
import type { Instruction } from '../dockerfile/instructions.js';
import { DockerError } from '../errors.js';
import { Layer } from '../fs/layer.js';
import { resolveChown, resolveUser } from '../fs/passwd.js';
import { basename, dirname, normalize } from '../fs/path.js';
import { isArchive, readTar } from '../fs/tar.js';
import { FsError, type RealEntry } from '../fs/types.js';
import { UnionFs } from '../fs/union.js';
import { sha256Hex } from '../hash.js';
import { runArgv } from '../shell/index.js';
import type { CommandResolver, ShellFlavor } from '../shell/types.js';
import type { BuildContext } from './context.js';
import type { BuilderKind } from './history.js';
import { envOf, runArgs, shellCommand, substitutionEnv, type StageState } from './stage.js';

type RunIns = Extract<Instruction, { kind: 'RUN' }>;
type CopyIns = Extract<Instruction, { kind: 'COPY' | 'ADD' }>;

export interface RunOutcome {
  diff: Layer;
  argv: string[];
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Output in the order it was written. */
  chunks: { stream: 'stdout' | 'stderr'; text: string }[];
  /** The executable of an exec-form command was not found (runc's error). */
  notFound?: boolean;
}

export interface StepEnv {
  builder: BuilderKind;
  escape: string;
  now: () => number;
  resolver?: CommandResolver;
  signal?: AbortSignal;
  hostname: string;
  /** Predict only: RUN does not execute (its diff is empty), so nothing but cache keys is computed. */
  dryRun?: boolean;
}

/** Which /bin/sh an image has: busybox ash, dash or bash, for error wording. */
export function shellFlavorOf(fs: Pick<UnionFs, "realpath">): ShellFlavor {
  try {
    const real = fs.realpath('/bin/sh');
    if (real.endsWith('busybox')) return 'busybox';
    if (real.endsWith('bash')) return 'bash';
    return 'dash';
  } catch {
    return 'busybox';
  }
}

/** Mount points runc creates in a rootfs that lacks them; BuildKit keeps them in the RUN's diff. */
function addRuntimeStubs(fs: UnionFs): void {
  const cred = fs.cred;
  fs.cred = { uid: 0, gid: 0 };
  try {
    for (const d of ['/dev', '/proc', '/sys']) if (!fs.stat(d, false)) fs.mkdir(d, { mode: 0o755, mtime: 0 });
    if (fs.stat('/etc')?.type === 'dir') {
      for (const f of ['/etc/hosts', '/etc/resolv.conf']) if (!fs.stat(f, false)) fs.writeFile(f, '', { mode: 0o644, mtime: 0 });
      // the bind mounts touch /etc, so even a RUN that changes nothing leaves it in the diff
      const etc = fs.stat('/etc')!;
      fs.chmod('/etc', etc.mode);
    }
  } finally {
    fs.cred = cred;
  }
}

/** Runs a RUN instruction's command over the stage's layers and returns its diff. */
export function runStep(state: StageState, ins: RunIns, env: StepEnv): RunOutcome {
  const argv = ins.exec ?? shellCommand(state, ins.shell!);
  const fs = new UnionFs(state.layers, { now: env.now });
  if (env.dryRun) return { diff: fs.diff(), argv, exitCode: 0, stdout: '', stderr: '', chunks: [] };
  const user = resolveUser(fs, state.config.User || '0');
  if (env.builder === 'buildkit') addRuntimeStubs(fs);
  const procEnv: Record<string, string> = {};
  for (const [k, v] of runArgs(state)) procEnv[k] = v;
  for (const [k, v] of envOf(state)) procEnv[k] = v;
  procEnv.HOSTNAME = env.hostname;
  if (!procEnv.HOME) procEnv.HOME = user.home;
  fs.cred = { uid: user.uid, gid: user.gid };
  const chunks: RunOutcome['chunks'] = [];
  const res = runArgv(
    argv,
    {
      fs,
      env: procEnv,
      cwd: state.config.WorkingDir || '/',
      uid: user.uid,
      gid: user.gid,
      groups: user.groups,
      hostname: env.hostname,
      stdin: '',
      now: env.now,
      signal: env.signal,
      flavor: shellFlavorOf(fs),
    },
    { resolver: env.resolver, onOutput: (stream, text) => chunks.push({ stream, text }) },
  );
  return { diff: fs.diff(), argv, exitCode: res.exitCode, stdout: res.stdout, stderr: res.stderr, chunks, notFound: res.notFound };
}

/** Applies WORKDIR: the new directory and the diff that creating it made (null: no layer). */
export function workdirStep(state: StageState, ins: Extract<Instruction, { kind: 'WORKDIR' }>, env: StepEnv): { dir: string; diff: Layer | null } {
  const raw = processWord(ins.path, substitutionEnv(state), env.escape);
  const dir = normalize(raw, state.config.WorkingDir || '/');
  state.config.WorkingDir = dir;
  const fs = new UnionFs(state.layers, { now: env.now });
  const exists = fs.stat(dir)?.type === 'dir';
  if (env.builder === 'classic') {
    if (exists) return { dir, diff: null };
    fs.mkdir(dir, { parents: true, mode: 0o755, uid: 0, gid: 0 });
    return { dir, diff: fs.diff() };
  }
  if (dir === '/') return { dir, diff: null };
  if (!exists) {
    const owner = state.config.User ? resolveChown(fs, state.config.User) : { uid: 0, gid: 0 };
    fs.mkdir(dir, { parents: true, mode: 0o755, ...owner });
  }
  return { dir, diff: fs.diff() };
}

/** Where COPY and ADD read from: the build context or another stage's / image's filesystem. */
export type CopySource = { kind: 'context'; context: BuildContext } | { kind: 'fs'; fs: UnionFs; name: string };


export interface Item {
  rel: string;
  entry: RealEntry;
}

/** Lists what a source pattern selects, as [path relative to the source root, entry] items. */
function selectSources(src: CopySource, pattern: string, ins: CopyIns, builder: BuilderKind): { top: string; items: Item[]; isDir: boolean }[] {
  if (/^(https?|git):\/\//.test(pattern) || /\.git(#.*)?$/.test(pattern) || pattern.startsWith('git@')) {
    throw new DockerError(`${ins.kind} ${pattern}: remote URLs and git repositories are not available in the simulator; download the file into the build context and ${ins.kind} it from there`, 1, { kind: 'remote-source' });
  }
  if (src.kind === 'context') {
    const ctx = src.context;
    if (pattern.split('/').includes('..') && builder === 'classic' && normalize(pattern, '/x').startsWith('/x') === false) {
      throw new DockerError(`COPY failed: forbidden path outside the build context: ${pattern} ()`);
    }
    const matches = ctx.match(pattern);
    return matches.map((m) => {
      const e = m === '' ? { type: 'dir' as const, mode: 0o755, mtime: 0, size: 0, digest: '' } : ctx.get(m)!;
      const items: Item[] = ctx.subtree(m).map(([rel, ce]) => ({ rel, entry: contextEntryToFs(ce) }));
      return { top: m, items, isDir: e.type === 'dir' };
    });
  }
  const fs = src.fs;
  const abs = normalize(pattern);
  const paths = /[*?[]/.test(abs) ? globFs(fs, abs) : fs.stat(abs, false) ? [abs] : [];
  return paths.map((p) => {
    const items: Item[] = [];
    for (const [path, e] of fs.walk(p)) items.push({ rel: path === p ? '' : path.slice(p === '/' ? 1 : p.length + 1), entry: e });
    return { top: p, items, isDir: fs.stat(p)?.type === 'dir' };
  });
}

function globFs(fs: UnionFs, abs: string): string[] {
  const dir = dirname(abs);
  const re = new RegExp('^' + basename(abs).replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]') + '$');
  try {
    return fs.readdir(dir).filter((n) => re.test(n)).map((n) => (dir === '/' ? '/' : dir + '/') + n);
  } catch {
    return [];
  }
}

function contextEntryToFs(e: { type: 'file' | 'dir' | 'symlink'; mode: number; mtime: number; data?: Uint8Array; target?: string; size: number; digest: string }): RealEntry {
  if (e.type === 'file') return { type: 'file', mode: e.mode, uid: 0, gid: 0, mtime: e.mtime, size: e.size, digest: e.digest, data: e.data };
  if (e.type === 'symlink') return { type: 'symlink', target: e.target ?? '', mode: 0o777, uid: 0, gid: 0, mtime: e.mtime };
  return { type: 'dir', mode: e.mode, uid: 0, gid: 0, mtime: e.mtime };
}

function notFound(ins: CopyIns, builder: BuilderKind, pattern: string, src: CopySource): DockerError {
  if (builder === 'classic') {
    if (/[*?[]/.test(pattern)) return new DockerError(`${ins.kind} failed: no source files were specified`, 1, { kind: 'copy-missing', path: pattern });
    if (src.kind === 'fs') return new DockerError(`${ins.kind} failed: stat ${normalize(pattern)}: file does not exist`, 1, { kind: 'copy-missing', path: pattern });
    return new DockerError(`${ins.kind} failed: file not found in build context or excluded by .dockerignore: stat ${pattern}: file does not exist`, 1, { kind: 'copy-missing', path: pattern });
  }
  return new DockerError(`"${normalize(pattern)}" not found: not found`, 1, { kind: 'copy-missing', path: pattern, cacheKey: true });
}

/** What a COPY/ADD will do, computed without writing: enough for its cache key. */
export interface CopyPlan {
  ins: CopyIns;
  /** Classic's history source: `file:<hash>`, `dir:<hash>` or `multi:<hash>`. */
  classicSource: string;
  /** Destination as written (after substitution), for history. */
  dest: string;
  /** Sources and destination after substitution (BuildKit's history). */
  args: string[];
  /** Per-file content sums of everything read: what the cache key covers. */
  files: Map<string, string>;
  /** One checksum over all sources. */
  checksum: string;
  target: string;
  destIsDir: boolean;
  selections: { top: string; items: Item[]; isDir: boolean }[];
  owner: { uid: number; gid: number };
  chmod?: number;
}

/** Recent COPY checksums by a 128-bit fingerprint of their inputs: a rebuild reads the same sources again. */
const checksums = new Map<string, string>();

/**
 * The sha256 checksum of a file list (path, content digest, mode per line).
 * A cheap four-lane FNV-1a fingerprint of the same text finds a rebuild's
 * earlier answer without building and hashing the whole text again.
 */
function filesChecksum(files: ReadonlyMap<string, string>): string {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  let c = 0x9e3779b9;
  let d = 0x85ebca6b;
  const mix = (s: string) => {
    // four characters per round keep this far cheaper than hashing the text
    let i = 0;
    for (; i + 3 < s.length; i += 4) {
      const x = s.charCodeAt(i) ^ (s.charCodeAt(i + 1) << 8) ^ (s.charCodeAt(i + 2) << 16) ^ (s.charCodeAt(i + 3) << 24);
      a = Math.imul(a ^ x, 0x01000193);
      b = Math.imul(b ^ x, 0x5bd1e995);
      c = Math.imul(c ^ x, 0x27d4eb2f) ^ (a >>> 15);
      d = Math.imul(d ^ x, 0x165667b1) ^ (b >>> 13);
    }
    for (; i < s.length; i++) a = Math.imul(a ^ s.charCodeAt(i), 0x01000193);
    b = Math.imul(b ^ s.length, 0x5bd1e995);
  };
  for (const [k, v] of files) {
    mix(k);
    mix(v);
  }
  const fp = `${files.size}:${(a >>> 0).toString(16)}${(b >>> 0).toString(16)}${(c >>> 0).toString(16)}${(d >>> 0).toString(16)}`;
  let sum = checksums.get(fp);
  if (sum === undefined) {
    let joined = '';
    for (const [k, v] of files) joined += `${k}\0${v}\n`;
    sum = sha256Hex(joined);
    if (checksums.size > 256) checksums.delete(checksums.keys().next().value!);
    checksums.set(fp, sum);
  }
  return sum;
}

interface SourceRead {
  flat: { top: string; items: Item[]; isDir: boolean }[];
  files: Map<string, string>;
  sum: string;
}

/** What each build context's sources resolved to: a context never changes, and rebuilds ask again. */
const contextReads = new WeakMap<BuildContext, Map<string, SourceRead>>();

/** Selects and checksums COPY/ADD sources (memoised per build context). */
function readSources(src: CopySource, sources: string[], ins: CopyIns, builder: BuilderKind): SourceRead {
  const key = `${builder}\0${ins.kind}\0${sources.join('\0')}`;
  const memo = src.kind === 'context' ? contextReads.get(src.context) : undefined;
  const hit = memo?.get(key);
  if (hit) return hit;
  const flat = sources.flatMap((p) => {
    const sel = selectSources(src, p, ins, builder);
    // BuildKit accepts a wildcard that matches nothing; classic does not
    if (sel.length === 0 && !(builder === 'buildkit' && /[*?[]/.test(p))) throw notFound(ins, builder, p, src);
    return sel;
  });
  const files = new Map<string, string>();
  for (const sel of flat) {
    const prefix = sel.top === '' ? '' : sel.top + '/';
    for (const it of sel.items) {
      const k = it.rel === '' ? sel.top : prefix + it.rel;
      if (it.entry.type === 'file') files.set(k, `${it.entry.digest}:${(it.entry.mode & 0o7777).toString(8)}`);
      else files.set(k + (it.entry.type === 'dir' ? '/' : ''), `${it.entry.type}:${(it.entry.mode & 0o7777).toString(8)}`);
    }
  }
  const read = { flat, files, sum: filesChecksum(files) };
  if (src.kind === 'context') {
    let m = contextReads.get(src.context);
    if (!m) contextReads.set(src.context, (m = new Map()));
    m.set(key, read);
  }
  return read;
}

/** Plans COPY or ADD: resolves sources and checksums them, without touching the filesystem. */
export function planCopy(state: StageState, ins: CopyIns, src: CopySource, env: StepEnv): CopyPlan {
  const senv = substitutionEnv(state);
  const sources = ins.sources.map((s) => processWord(s, senv, env.escape));
  const destRaw = processWord(ins.dest, senv, env.escape);
  const fs = new UnionFs(state.layers, { now: env.now });
  const dest = normalize(destRaw, state.config.WorkingDir || '/');
  const owner = ins.chown ? resolveChown(fs, processWord(ins.chown, senv, env.escape)) : { uid: 0, gid: 0 };
  const chmod = ins.chmod ? parseInt(ins.chmod, 8) : undefined;
  if (ins.chmod && (Number.isNaN(chmod) || !/^[0-7]{3,4}$/.test(ins.chmod))) throw new DockerError(`invalid chmod parameter: ${ins.chmod}`);
  const { flat, files, sum } = readSources(src, sources, ins, env.builder);
  const destExistsAsDir = fs.stat(dest)?.type === 'dir';
  if (flat.length > 1 && !destRaw.endsWith('/') && !destExistsAsDir) {
    throw new DockerError(`When using ${ins.kind} with more than one source file, the destination must be a directory and end with a /`);
  }
  const single = flat.length === 1 ? flat[0]! : undefined;
  const classicSource = single ? `${single.isDir ? 'dir' : 'file'}:${sum}` : `multi:${sum}`;
  const destIsDir = destRaw.endsWith('/') || flat.length > 1 || destExistsAsDir;
  return { ins, classicSource, dest: destRaw, args: [...sources, destRaw], files, checksum: sum, target: dest, destIsDir, selections: flat, owner, chmod };
}

/** Writes a planned COPY/ADD over the stage's layers; returns the diff. */
export function applyCopy(state: StageState, plan: CopyPlan, env: StepEnv): Layer {
  const fs = new UnionFs(state.layers, { now: env.now });
  const { owner, chmod, target: dest, ins } = plan;
  const meta = (e: RealEntry): RealEntry => ({ ...e, uid: owner.uid, gid: owner.gid, ...(chmod !== undefined && e.type !== 'symlink' ? { mode: chmod } : {}) });
  const mkParents = (p: string) => {
    const parent = dirname(p);
    if (!fs.stat(parent)) fs.mkdir(parent, { parents: true, mode: 0o755, uid: 0, gid: 0 });
  };
  try {
    for (const sel of plan.selections) {
      if (!sel.isDir) {
        const e = sel.items[0]!.entry;
        if (ins.kind === 'ADD' && e.type === 'file' && e.data && isArchive(e.data)) {
          extract(fs, e.data, dest, ins.chown ? owner : undefined);
          continue;
        }
        const target = plan.destIsDir ? (dest === '/' ? '/' : dest + '/') + basename(sel.top) : dest;
        mkParents(target);
        fs.putEntry(target, meta(e));
        continue;
      }
      if (!fs.stat(dest)) {
        mkParents(dest);
        fs.putEntry(dest, meta(sel.items.find((i) => i.rel === '')?.entry ?? { type: 'dir', mode: 0o755, uid: 0, gid: 0, mtime: 0 }));
      }
      for (const it of sel.items) {
        if (it.rel === '') continue;
        fs.putEntry(dest + (dest === '/' ? '' : '/') + it.rel, meta(it.entry));
      }
    }
  } catch (e) {
    if (e instanceof FsError) throw new DockerError(`failed to copy files: ${e.message}: ${e.path}`);
    throw e;
  }
  return fs.diff();
}

function extract(fs: UnionFs, data: Uint8Array, dest: string, owner?: { uid: number; gid: number }): void {
  if (!fs.stat(dest)) fs.mkdir(dest, { parents: true, mode: 0o755, uid: 0, gid: 0 });
  for (const t of readTar(data)) {
    const p = normalize(t.path, dest);
    const parent = dirname(p);
    if (!fs.stat(parent)) fs.mkdir(parent, { parents: true, mode: 0o755, uid: 0, gid: 0 });
    const m = { mode: t.mode, uid: owner?.uid ?? t.uid, gid: owner?.gid ?? t.gid, mtime: t.mtime };
    if (t.type === 'dir') fs.putEntry(p, { type: 'dir', ...m });
    else if (t.type === 'symlink') fs.putEntry(p, { type: 'symlink', target: t.linkname, ...m });
    else if (t.type === 'hardlink') fs.link(normalize(t.linkname, dest), p);
    else fs.putEntry(p, { type: 'file', ...m, size: t.data.length, digest: sha256Hex(t.data), data: t.data });
  }
}
