/**
 * Property tests for UnionFs against a reference model: a plain map from
 * absolute path to what a POSIX filesystem would show there. The model knows
 * nothing of layers, so any disagreement is a layering bug (copy-up, whiteouts,
 * opaque directories) or a path-resolution bug.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sha256Hex, utf8 } from '../hash.js';
import { Layer } from './layer.js';
import { ancestors, dirname, normalize } from './path.js';
import type { Entry } from './types.js';
import { UnionFs } from './union.js';

const SEED = 20240611;
const decoder = new TextDecoder();

// ---- the reference model -----------------------------------------------------

type ModelEntry = { type: 'file'; data: string; mode: number } | { type: 'dir'; mode: number } | { type: 'symlink'; target: string };
type Model = Map<string, ModelEntry>;

const MAX_LINKS = 40;

class ModelError extends Error {}

function emptyModel(): Model {
  return new Map([['/', { type: 'dir', mode: 0o755 }]]);
}

function childPrefix(p: string): string {
  return p === '/' ? '/' : p + '/';
}

function deleteTree(m: Model, p: string): void {
  m.delete(p);
  const pre = childPrefix(p);
  for (const k of [...m.keys()]) if (k.startsWith(pre)) m.delete(k);
}

/** POSIX path resolution: symlinks followed in every component, and in the last one when `follow`. */
function modelResolve(m: Model, path: string, follow: boolean, links = 0): { path: string; entry: ModelEntry | null } {
  const comps = normalize(path).split('/').filter(Boolean);
  let cur = '/';
  for (let i = 0; i < comps.length; i++) {
    const next = childPrefix(cur) + comps[i];
    const e = m.get(next) ?? null;
    const last = i === comps.length - 1;
    if (!e) {
      if (last) return { path: next, entry: null };
      throw new ModelError('ENOENT');
    }
    if (e.type === 'symlink' && (!last || follow)) {
      if (links >= MAX_LINKS) throw new ModelError('ELOOP');
      const rest = comps.slice(i + 1).join('/');
      const target = normalize(e.target, cur);
      return modelResolve(m, rest ? target + '/' + rest : target, follow, links + 1);
    }
    if (!last && e.type !== 'dir') throw new ModelError('ENOTDIR');
    cur = next;
  }
  return { path: cur, entry: m.get(cur) ?? null };
}

function requireParentDir(m: Model, p: string): void {
  const parent = m.get(dirname(p));
  if (!parent) throw new ModelError('ENOENT');
  if (parent.type !== 'dir') throw new ModelError('ENOTDIR');
}

type Op =
  | { op: 'writeFile'; path: string; data: string }
  | { op: 'mkdirP'; path: string }
  | { op: 'remove'; path: string }
  | { op: 'rename'; from: string; to: string }
  | { op: 'chmod'; path: string; mode: number }
  | { op: 'symlink'; target: string; path: string };

/** Applies an operation with POSIX semantics (open(O_CREAT), mkdir -p, rm -r, rename(2), chmod, symlink(2)). */
function modelApply(m: Model, o: Op): void {
  switch (o.op) {
    case 'writeFile': {
      const r = modelResolve(m, o.path, true);
      if (r.entry?.type === 'dir' || r.path === '/') throw new ModelError('EISDIR');
      requireParentDir(m, r.path);
      const mode = r.entry?.type === 'file' ? r.entry.mode : 0o644;
      deleteTree(m, r.path);
      m.set(r.path, { type: 'file', data: o.data, mode });
      return;
    }
    case 'mkdirP': {
      // mkdir(2) on each prefix; EEXIST is fine when the name (followed) is a directory
      const comps = normalize(o.path).split('/').filter(Boolean);
      let prefix = '';
      for (const c of comps) {
        prefix += '/' + c;
        const r = modelResolve(m, prefix, false);
        if (!r.entry) {
          requireParentDir(m, r.path);
          m.set(r.path, { type: 'dir', mode: 0o755 });
          continue;
        }
        const followed = modelResolve(m, prefix, true);
        if (followed.entry?.type !== 'dir') throw new ModelError('EEXIST');
      }
      return;
    }
    case 'remove': {
      const r = modelResolve(m, o.path, false);
      if (!r.entry) throw new ModelError('ENOENT');
      if (r.path === '/') throw new ModelError('EACCES');
      deleteTree(m, r.path);
      return;
    }
    case 'rename': {
      const src = modelResolve(m, o.from, false);
      if (!src.entry) throw new ModelError('ENOENT');
      const dst = modelResolve(m, o.to, false);
      requireParentDir(m, dst.path);
      if (src.path === dst.path) return;
      if (src.path === '/' || dst.path.startsWith(childPrefix(src.path))) throw new ModelError('EINVAL');
      if (dst.entry?.type === 'dir') {
        if (src.entry.type !== 'dir') throw new ModelError('EISDIR');
        if (modelChildren(m, dst.path).length > 0) throw new ModelError('ENOTEMPTY');
      } else if (dst.entry && src.entry.type === 'dir') throw new ModelError('ENOTDIR');
      const moved: [string, ModelEntry][] = [];
      const pre = childPrefix(src.path);
      for (const [k, e] of m) if (k === src.path || k.startsWith(pre)) moved.push([dst.path + k.slice(src.path.length), e]);
      deleteTree(m, src.path);
      deleteTree(m, dst.path);
      for (const [k, e] of moved) m.set(k, e);
      return;
    }
    case 'chmod': {
      const r = modelResolve(m, o.path, true);
      if (!r.entry) throw new ModelError('ENOENT');
      if (r.entry.type !== 'symlink') m.set(r.path, { ...r.entry, mode: o.mode & 0o7777 });
      return;
    }
    case 'symlink': {
      const r = modelResolve(m, o.path, false);
      if (r.entry) throw new ModelError('EEXIST');
      requireParentDir(m, r.path);
      m.set(r.path, { type: 'symlink', target: o.target });
      return;
    }
  }
}

function unionApply(u: UnionFs, o: Op): void {
  switch (o.op) {
    case 'writeFile':
      return u.writeFile(o.path, o.data);
    case 'mkdirP':
      return u.mkdir(o.path, { parents: true });
    case 'remove':
      return u.remove(o.path, { recursive: true });
    case 'rename':
      return u.rename(o.from, o.to);
    case 'chmod':
      return u.chmod(o.path, o.mode);
    case 'symlink':
      return u.symlink(o.target, o.path);
  }
}

function modelChildren(m: Model, dir: string): string[] {
  const pre = childPrefix(dir);
  const out: string[] = [];
  for (const k of m.keys()) if (k !== '/' && k.startsWith(pre) && !k.slice(pre.length).includes('/')) out.push(k.slice(pre.length));
  return out.sort();
}

/** Applies a layer on top of the model as overlayfs shows it: whiteouts and non-directories replace subtrees, opaque directories empty them. */
function modelApplyLayer(m: Model, layer: Layer): void {
  for (const [p, e] of layer.entries) {
    if (e.type === 'whiteout') {
      deleteTree(m, p);
      continue;
    }
    const prev = m.get(p);
    if (e.type === 'dir') {
      if (e.opaque || (prev && prev.type !== 'dir')) deleteTree(m, p);
      m.set(p, { type: 'dir', mode: e.mode });
    } else {
      deleteTree(m, p);
      if (e.type === 'file') m.set(p, { type: 'file', data: decoder.decode(e.data!), mode: e.mode });
      else if (e.type === 'symlink') m.set(p, { type: 'symlink', target: e.target });
    }
  }
}

function modelOfLayers(layers: readonly Layer[]): Model {
  const m = emptyModel();
  for (const l of layers) modelApplyLayer(m, l);
  return m;
}

// ---- what the union shows ----------------------------------------------------

type Visible = Record<string, string>;

function describeModel(m: Model): Visible {
  const out: Visible = {};
  for (const [p, e] of [...m].sort((a, b) => (a[0] < b[0] ? -1 : 1))) out[p] = describeEntry(e);
  return out;
}

function describeEntry(e: ModelEntry): string {
  if (e.type === 'file') return `file ${e.mode.toString(8)} ${JSON.stringify(e.data)}`;
  if (e.type === 'dir') return `dir ${e.mode.toString(8)}`;
  return `symlink -> ${e.target}`;
}

/** The visible tree read through readdir/lstat/readFile/readlink only (not the union's internals). */
function describeUnion(u: UnionFs): Visible {
  const out: Visible = {};
  const visit = (p: string) => {
    const st = u.stat(p, false);
    if (!st) throw new Error(`readdir listed ${p} but lstat finds nothing`);
    if (st.type === 'file') out[p] = `file ${st.mode.toString(8)} ${JSON.stringify(decoder.decode(u.readFile(p)))}`;
    else if (st.type === 'symlink') out[p] = `symlink -> ${u.readlink(p)}`;
    else {
      out[p] = `dir ${st.mode.toString(8)}`;
      for (const n of u.readdir(p)) visit(childPrefix(p) + n);
    }
  };
  visit('/');
  return Object.fromEntries(Object.entries(out).sort((a, b) => (a[0] < b[0] ? -1 : 1)));
}

/** Checks every directory's listing is sorted and names exactly the model's children. */
function expectSameListings(u: UnionFs, m: Model): void {
  for (const [p, e] of m) {
    if (e.type !== 'dir') continue;
    const names = u.readdir(p);
    expect(names).toEqual([...names].sort());
    expect(names, `readdir ${p}`).toEqual(modelChildren(m, p));
  }
}

// ---- generators --------------------------------------------------------------

const NAMES = ['a', 'b', 'c'];
const arbName = fc.constantFrom(...NAMES);
const arbPath = fc
  .oneof({ weight: 3, arbitrary: fc.constant(1) }, { weight: 4, arbitrary: fc.constant(2) }, { weight: 1, arbitrary: fc.constant(3) })
  .chain((depth) => fc.array(arbName, { minLength: depth, maxLength: depth }))
  .map((c) => '/' + c.join('/'));
/** Paths as a program would pass them, sometimes relative to / or with `.` and `..`. */
const arbLoosePath = fc.oneof(
  { weight: 6, arbitrary: arbPath },
  { weight: 1, arbitrary: arbPath.map((p) => p.slice(1)) },
  { weight: 1, arbitrary: fc.tuple(arbPath, arbName).map(([p, n]) => `${p}/../${n}/.`) },
);
const arbTarget = fc.oneof(arbPath, arbName, arbName.map((n) => `../${n}`), fc.constant('/nowhere'), fc.constant('.'));
const arbData = fc.string({ maxLength: 6 });
const arbMode = fc.constantFrom(0o644, 0o600, 0o755, 0o700, 0o4755, 0o1777, 0o10644);

const arbOp: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('writeFile' as const), path: arbLoosePath, data: arbData }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('mkdirP' as const), path: arbLoosePath }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('remove' as const), path: arbLoosePath }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('rename' as const), from: arbLoosePath, to: arbLoosePath }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('chmod' as const), path: arbLoosePath, mode: arbMode }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('symlink' as const), target: arbTarget, path: arbLoosePath }) },
);
const arbOps = fc.array(arbOp, { maxLength: 25 });

function fileEntry(text: string, mode = 0o644, mtime = 1): Entry {
  const data = utf8(text);
  return { type: 'file', mode, uid: 0, gid: 0, mtime, size: data.length, digest: sha256Hex(data), data };
}

function dirEntry(mode = 0o755, opaque = false): Entry {
  return opaque ? { type: 'dir', mode, uid: 0, gid: 0, mtime: 1, opaque } : { type: 'dir', mode, uid: 0, gid: 0, mtime: 1 };
}

type RawEntry = { kind: 'file'; data: string; mode: number } | { kind: 'dir'; mode: number; opaque: boolean } | { kind: 'symlink'; target: string } | { kind: 'whiteout' };

const arbRawEntry: fc.Arbitrary<RawEntry> = fc.oneof(
  fc.record({ kind: fc.constant('file' as const), data: arbData, mode: arbMode }),
  fc.record({ kind: fc.constant('dir' as const), mode: fc.constantFrom(0o755, 0o700, 0o1777), opaque: fc.boolean() }),
  fc.record({ kind: fc.constant('symlink' as const), target: arbTarget }),
  fc.constant({ kind: 'whiteout' as const }),
);

/**
 * A well-formed layer tarball: every entry's parent directories are in the
 * layer too (as `docker save` writes them), so nothing hangs below a whiteout
 * or a file of the same layer.
 */
const arbLayer: fc.Arbitrary<Layer> = fc.array(fc.tuple(arbPath, arbRawEntry), { maxLength: 6 }).map((raw) => {
  const m = new Map<string, Entry>();
  for (const [p, r] of raw) {
    // the later entry wins: its ancestors become directories, and a non-directory drops what was below it
    for (const a of ancestors(p)) {
      const e = m.get(a);
      if (e && e.type !== 'dir') m.delete(a);
      if (!m.has(a)) m.set(a, dirEntry());
    }
    const pre = p + '/';
    if (r.kind !== 'dir') for (const k of [...m.keys()]) if (k.startsWith(pre)) m.delete(k);
    if (r.kind === 'file') m.set(p, fileEntry(r.data, r.mode));
    else if (r.kind === 'dir') m.set(p, dirEntry(r.mode, r.opaque));
    else if (r.kind === 'symlink') m.set(p, { type: 'symlink', target: r.target, mode: 0o777, uid: 0, gid: 0, mtime: 1 });
    else m.set(p, { type: 'whiteout' });
  }
  return new Layer(m);
});
const arbLowers = fc.array(arbLayer, { maxLength: 4 });

interface Outcome {
  ok: boolean;
  error?: string;
}

function tryApply(f: () => void): Outcome {
  try {
    f();
    return { ok: true };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

/** Runs the ops on both, checking each one succeeds or fails on both alike. */
function runBoth(u: UnionFs, m: Model, ops: readonly Op[]): void {
  ops.forEach((o, i) => {
    const got = tryApply(() => unionApply(u, o));
    const want = tryApply(() => modelApply(m, o));
    expect(got.ok, `op #${i} ${JSON.stringify(o)}: union ${got.ok ? 'succeeded' : `failed (${got.error})`}, model ${want.ok ? 'succeeded' : `failed (${want.error})`}`).toBe(want.ok);
  });
}

// ---- properties --------------------------------------------------------------

describe('UnionFs against a map of paths', () => {
  it('lower layers alone show what applying them in order to a plain tree shows', () => {
    fc.assert(
      fc.property(arbLowers, (lower) => {
        const u = new UnionFs(lower);
        const m = modelOfLayers(lower);
        expect(describeUnion(u)).toEqual(describeModel(m));
        expectSameListings(u, m);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('random writes, mkdir -p, rm -r, renames, chmods and symlinks give the model tree', () => {
    fc.assert(
      fc.property(arbLowers, arbOps, (lower, ops) => {
        const u = new UnionFs(lower);
        const m = modelOfLayers(lower);
        runBoth(u, m, ops);
        expect(describeUnion(u)).toEqual(describeModel(m));
        expectSameListings(u, m);
      }),
      { seed: SEED, numRuns: 400 },
    );
  });

  it('the frozen upper stacked as a new lower layer shows the same tree, round after round', () => {
    fc.assert(
      fc.property(arbLowers, fc.array(arbOps, { minLength: 1, maxLength: 4 }), (lower, rounds) => {
        let layers = [...lower];
        const m = modelOfLayers(lower);
        for (const ops of rounds) {
          const u = new UnionFs(layers);
          runBoth(u, m, ops);
          const before = describeUnion(u);
          const diff = u.diff();
          layers = [...layers, diff];
          const stacked = new UnionFs(layers);
          expect(describeUnion(stacked)).toEqual(before);
          expect(describeUnion(stacked)).toEqual(describeModel(m));
          // the same diff given back as the writable layer (a restarted container)
          expect(describeUnion(new UnionFs(layers.slice(0, -1), {}, diff))).toEqual(before);
          // and the model alone, fed the diff, agrees: whiteouts and opaque dirs mean what they say
          const replay = modelOfLayers(layers);
          expect(describeModel(replay)).toEqual(before);
        }
      }),
      { seed: SEED, numRuns: 250 },
    );
  });

  it('readdir is sorted and never lists a name the upper layer whited out', () => {
    fc.assert(
      fc.property(arbLowers, arbOps, (lower, ops) => {
        const u = new UnionFs(lower);
        for (const o of ops) tryApply(() => unionApply(u, o));
        const diff = u.diff();
        for (const [p, e] of diff.entries) {
          if (e.type !== 'whiteout') continue;
          const parent = dirname(p);
          const st = u.stat(parent, false);
          if (st?.type !== 'dir') continue;
          const names = u.readdir(parent);
          expect(names).toEqual([...names].sort());
          expect(names).not.toContain(p.slice(p.lastIndexOf('/') + 1));
        }
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});

describe('UnionFs layering rules', () => {
  it('a later layer wins for the same file path', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(arbData, arbMode), { minLength: 1, maxLength: 6 }), (versions) => {
        const layers = versions.map(([data, mode]) => new Layer([['/f', fileEntry(data, mode)]]));
        const u = new UnionFs(layers);
        const [data, mode] = versions[versions.length - 1]!;
        expect(decoder.decode(u.readFile('/f'))).toBe(data);
        expect(u.stat('/f')!.mode).toBe(mode);
        expect(u.readdir('/')).toEqual(['f']);
      }),
      { seed: SEED, numRuns: 100 },
    );
  });

  it('a directory deleted and re-created hides the old children, in the union and once stacked', () => {
    fc.assert(
      fc.property(fc.uniqueArray(arbName, { minLength: 1 }), fc.uniqueArray(arbName), (oldKids, newKids) => {
        const lower = new Layer([['/d', dirEntry()], ...oldKids.map((k): [string, Entry] => [`/d/${k}`, fileEntry('old ' + k)])]);
        const u = new UnionFs([lower]);
        u.remove('/d', { recursive: true });
        u.mkdir('/d');
        for (const k of newKids) u.writeFile(`/d/${k}`, 'new ' + k);
        const want = [...newKids].sort();
        expect(u.readdir('/d')).toEqual(want);
        for (const k of oldKids) if (!newKids.includes(k)) expect(u.stat(`/d/${k}`)).toBeNull();
        const diff = u.diff();
        expect(diff.entries.get('/d')).toMatchObject({ type: 'dir', opaque: true });
        expect(diff.blockers.get('/d')).toBe('opaque');
        const stacked = new UnionFs([lower, diff]);
        expect(stacked.readdir('/d')).toEqual(want);
        for (const k of newKids) expect(decoder.decode(stacked.readFile(`/d/${k}`))).toBe('new ' + k);
      }),
      { seed: SEED, numRuns: 100 },
    );
  });

  it('deleting a lower entry records a whiteout; deleting an upper-only entry leaves no trace', () => {
    const lower = new Layer([['/etc', dirEntry()], ['/etc/passwd', fileEntry('root')]]);
    const u = new UnionFs([lower]);
    u.writeFile('/etc/new', 'x');
    u.remove('/etc/new');
    u.remove('/etc/passwd');
    const diff = [...u.diff().entries];
    expect(diff.map(([p, e]) => [p, e.type])).toEqual([
      ['/etc', 'dir'],
      ['/etc/passwd', 'whiteout'],
    ]);
    expect(diff[0]![1]).toMatchObject({ mode: 0o755, mtime: 1 });
    expect(u.readdir('/etc')).toEqual([]);
  });

  it('copies up parent directories with their lower metadata and without the opaque flag', () => {
    const lower = new Layer([['/srv', dirEntry(0o750, true)]]);
    const u = new UnionFs([lower]);
    u.writeFile('/srv/x', 'y');
    const srv = u.diff().entries.get('/srv');
    expect(srv).toMatchObject({ type: 'dir', mode: 0o750, mtime: 1 });
    expect(srv).not.toMatchObject({ opaque: true });
  });
});

describe('diff IDs and sizes', () => {
  it('the same operations give the same diff ID', () => {
    fc.assert(
      fc.property(arbLowers, arbOps, (lower, ops) => {
        const run = () => {
          const u = new UnionFs(lower);
          for (const o of ops) tryApply(() => unionApply(u, o));
          return u.diff();
        };
        const a = run();
        const b = run();
        expect(a.diffId).toBe(b.diffId);
        expect(a.serialize()).toBe(b.serialize());
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('changing any byte or mode of a file in the diff changes the diff ID', () => {
    fc.assert(
      fc.property(arbLowers, arbOps, fc.nat(), fc.nat(), (lower, ops, pick, bytePick) => {
        const u = new UnionFs(lower);
        for (const o of ops) tryApply(() => unionApply(u, o));
        const diff = u.diff();
        const files = [...diff.entries].filter((x): x is [string, Entry & { type: 'file' }] => x[1].type === 'file');
        fc.pre(files.length > 0);
        const [path, e] = files[pick % files.length]!;
        const base = [...diff.entries];
        const withEntry = (next: Entry) => new Layer(base.map(([p, old]) => [p, p === path ? next : old]));
        // a byte flipped (or one appended to an empty file), as writing it again would do
        const data = new Uint8Array(e.data!.length ? e.data! : [0]);
        if (e.data!.length) data[bytePick % data.length]! ^= 1 << bytePick % 8;
        expect(withEntry({ ...e, data, size: data.length, digest: sha256Hex(data) }).diffId).not.toBe(diff.diffId);
        expect(withEntry({ ...e, mode: e.mode ^ 0o001 }).diffId).not.toBe(diff.diffId);
        // and through the union itself
        const again = new UnionFs(lower);
        for (const o of ops) tryApply(() => unionApply(again, o));
        again.writeFile(path, data);
        expect(again.diff().diffId).not.toBe(diff.diffId);
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('Layer.size counts file bytes and symlink target lengths, not directories or whiteouts', () => {
    fc.assert(
      fc.property(arbLowers, arbOps, (lower, ops) => {
        const u = new UnionFs(lower);
        for (const o of ops) tryApply(() => unionApply(u, o));
        for (const layer of [...lower, u.diff()]) {
          let want = 0;
          for (const e of layer.entries.values()) {
            if (e.type === 'file') want += e.data!.length;
            if (e.type === 'symlink') want += utf8(e.target).length;
          }
          expect(layer.size).toBe(want);
        }
      }),
      { seed: SEED, numRuns: 200 },
    );
  });
});

/*
 * Regressions found by the model comparison above (fixed in 8692a47): creating
 * over a symlink acts on the link as POSIX does, and copy-ups never carry a
 * lower layer's opaque flag or list '' under /.
 */
describe('UnionFs regressions', () => {
  const danglingLink = () => {
    const u = new UnionFs([new Layer([['/tmp', dirEntry(0o1777)]])]);
    u.symlink('/nowhere', '/tmp/l');
    return u;
  };

  it('mkdir over a dangling symlink fails with EEXIST and creates nothing', () => {
    const u = danglingLink();
    expect(() => u.mkdir('/tmp/l')).toThrow('File exists');
    expect(u.stat('/nowhere')).toBeNull();
  });

  it('mkdir -p through a dangling symlink fails and creates nothing', () => {
    const u = danglingLink();
    expect(() => u.mkdir('/tmp/l/x', { parents: true })).toThrow();
    expect(u.stat('/nowhere')).toBeNull();
  });

  it('symlink over a dangling symlink fails with EEXIST and leaves the target alone', () => {
    const u = danglingLink();
    expect(() => u.symlink('foo', '/tmp/l')).toThrow('File exists');
    expect(u.stat('/nowhere', false)).toBeNull();
  });

  it('link over a dangling symlink fails with EEXIST and leaves the target alone', () => {
    const u = danglingLink();
    u.writeFile('/tmp/f', 'x');
    expect(() => u.link('/tmp/f', '/tmp/l')).toThrow('File exists');
    expect(u.stat('/nowhere', false)).toBeNull();
  });

  it('rename onto a symlink replaces the link itself, as rename(2) does', () => {
    const u = danglingLink();
    u.writeFile('/tmp/f', 'hi');
    u.rename('/tmp/f', '/tmp/l');
    expect(u.stat('/tmp/l', false)?.type).toBe('file');
    expect(u.stat('/nowhere', false)).toBeNull();
  });

  it('rename of a directory onto a symlink fails with ENOTDIR', () => {
    const u = danglingLink();
    u.mkdir('/tmp/d');
    expect(() => u.rename('/tmp/d', '/tmp/l')).toThrow('Not a directory');
    expect(u.stat('/tmp/d')?.type).toBe('dir');
  });

  it('chmod of a directory that is opaque in a lower layer keeps that layer’s children', () => {
    const lower = new Layer([['/app', dirEntry(0o755, true)], ['/app/new', fileEntry('new')]]);
    const u = new UnionFs([lower]);
    u.chmod('/app', 0o700);
    expect(u.readdir('/app')).toEqual(['new']);
  });

  it('a layer that changed / does not list an empty name in /', () => {
    const u = new UnionFs([new Layer([['/etc', dirEntry()]])]);
    u.chmod('/', 0o755);
    const stacked = new UnionFs([new Layer([['/etc', dirEntry()]]), u.diff()]);
    expect(stacked.readdir('/')).toEqual(['etc']);
  });
});
