/**
 * Turns one layer row of the catalog into a Layer: the files a learner expects
 * (real bytes where small), the package database in its on-disk format, and
 * modelled "bulk" files so that Layer.size equals the catalog's figure exactly.
 * Deterministic: the same data always gives the same entries and diff ID.
 */
import { sha256Hex, utf8 } from '../hash.js';
import { Layer } from '../fs/layer.js';
import { ancestors, basename } from '../fs/path.js';
import type { Entry, Meta } from '../fs/types.js';
import { KITS, type KitApi } from './kits.js';
import { renderApkInstalled, renderApkWorld, renderDebStanza } from './package-db.js';
import type { HistoryRowData, LayerContent, PackageDb } from './schema.js';

/** Largest bulk file; bigger remainders are split so listings look like many files. */
const BULK_CHUNK = 4 * 1024 * 1024;

/** What a layer may depend on from the layers below it. */
export interface SynthState {
  texts: Record<string, string | null>;
  debPackages: string[];
  apkSets: string[];
  /** Every path the lower layers created, so copied-up parents keep their mode. */
  nodes: Map<string, { type: Entry['type']; mode: number; uid: number; gid: number }>;
}

/** What the synthesizer needs to know about the image being built. */
export interface SynthContext {
  name: string;
  mtime: number;
  packageDb: PackageDb;
  osRelease?: string;
  texts: Record<string, string>;
}

/** A fresh state for the bottom layer of an image. */
export function emptyState(): SynthState {
  return { texts: { passwd: null, group: null, shadow: null, gshadow: null }, debPackages: [], apkSets: [], nodes: new Map() };
}

/** A copy of a state, so a derived image can go on from its base's state. */
export function cloneState(s: SynthState): SynthState {
  return { texts: { ...s.texts }, debPackages: [...s.debPackages], apkSets: [...s.apkSets], nodes: new Map(s.nodes) };
}

/** Parses a meta string: "0755" or "0755 uid gid". */
export function parseMeta(meta: string | undefined, fallback: number): { mode: number; uid: number; gid: number } {
  if (!meta) return { mode: fallback, uid: 0, gid: 0 };
  const [m, u, g] = meta.split(' ');
  return { mode: parseInt(m!, 8), uid: u ? Number(u) : 0, gid: g ? Number(g) : 0 };
}

const modelled = new Map<string, string>();

/** The digest a modelled file gets: equal names and sizes give equal content. */
export function modelledDigest(path: string, size: number): string {
  const key = `layerlab-catalog:${basename(path)}:${size}`;
  let d = modelled.get(key);
  if (d === undefined) modelled.set(key, (d = sha256Hex(key)));
  return d;
}

const ACCOUNT_FILES: Record<string, string> = { '/etc/passwd': 'passwd', '/etc/group': 'group', '/etc/shadow': 'shadow', '/etc/gshadow': 'gshadow' };

/** Builds one layer from its row and advances `state` past it. */
export function synthLayer(row: HistoryRowData, ctx: SynthContext, state: SynthState, packages: PackageIndex): Layer {
  const entries = new Map<string, Entry>();
  const where = `${ctx.name}: layer "${row.created_by.slice(0, 40)}"`;
  let size = 0;

  const meta = (m: { mode: number; uid: number; gid: number }): Meta => ({ ...m, mtime: ctx.mtime });
  const put = (path: string, e: Entry): void => {
    parents(path);
    const old = entries.get(path);
    if (old?.type === 'file') size -= old.size;
    if (old?.type === 'symlink') size -= old.target.length;
    entries.set(path, e);
    if (e.type === 'file') size += e.size;
    if (e.type === 'symlink') size += e.target.length;
    if (e.type !== 'whiteout') state.nodes.set(path, { type: e.type, mode: e.mode, uid: e.uid, gid: e.gid });
  };
  const parents = (path: string): void => {
    for (const a of ancestors(path)) {
      const mine = entries.get(a);
      if (mine) {
        if (mine.type !== 'dir') throw new Error(`${where}: ${path} lies under the non-directory ${a}`);
        continue;
      }
      const lower = state.nodes.get(a);
      if (lower && lower.type !== 'dir') throw new Error(`${where}: ${path} lies under ${a}, a ${lower.type} in a lower layer`);
      const m = lower ? { mode: lower.mode, uid: lower.uid, gid: lower.gid } : { mode: 0o755, uid: 0, gid: 0 };
      entries.set(a, { type: 'dir', ...meta(m) });
      state.nodes.set(a, { type: 'dir', ...m });
    }
  };

  const api: KitApi = {
    mtime: ctx.mtime,
    osRelease: ctx.osRelease,
    dir: (path, m) => put(path, { type: 'dir', ...meta(parseMeta(m, 0o755)) }),
    file: (path, bytes, m) => put(path, { type: 'file', size: bytes, digest: modelledDigest(path, bytes), ...meta(parseMeta(m, 0o644)) }),
    text: (path, text, m) => {
      const data = utf8(text);
      put(path, { type: 'file', size: data.length, digest: sha256Hex(data), data, ...meta(parseMeta(m, 0o644)) });
      const acct = ACCOUNT_FILES[path];
      if (acct) state.texts[acct] = text;
    },
    symlink: (path, target) => put(path, { type: 'symlink', target, ...meta({ mode: 0o777, uid: 0, gid: 0 }) }),
  };

  const c: LayerContent = row.content ?? {};
  for (const k of c.kits ?? []) {
    const kit = KITS[k];
    if (!kit) throw new Error(`${where}: unknown kit ${k}`);
    kit(api);
  }
  for (const [p, m] of Object.entries(c.dirs ?? {})) api.dir(p, m);
  for (const [p, v] of Object.entries(c.files ?? {})) {
    if (typeof v === 'number') api.file(p, v);
    else api.file(p, v[0], v[1]);
  }
  for (const [p, v] of Object.entries(c.texts ?? {})) {
    const [raw, m] = typeof v === 'string' ? [v, undefined] : v;
    api.text(p, resolveText(raw, ctx, where), m);
  }
  for (const [p, t] of Object.entries(c.symlinks ?? {})) api.symlink(p, t);
  if (c.users?.length || c.groups?.length) addAccounts(api, state, c.users ?? [], c.groups ?? [], ctx.mtime);
  if (c.packages?.length) writePackageDb(api, state, c.packages, ctx.packageDb, packages, where);

  const wanted = row.size ?? 0;
  const rest = wanted - size;
  if (rest < 0) throw new Error(`${where}: content is ${size} bytes, more than the layer's ${wanted}`);
  if (rest > 0) {
    const templates = c.bulk ?? [];
    if (templates.length === 0) throw new Error(`${where}: ${rest} bytes left over and no bulk templates`);
    const n = Math.max(templates.length, Math.ceil(rest / BULK_CHUNK));
    const each = Math.floor(rest / n);
    for (let i = 0; i < n; i++) {
      const t = templates[i % templates.length]!;
      // a template without `#` names one file (more only if the rest must be split)
      const path = t.includes('#') ? t.replace('#', String(i).padStart(3, '0')) : i < templates.length ? t : `${t}.${i}`;
      api.file(path, each + (i === 0 ? rest - each * n : 0));
    }
  }
  return new Layer(entries);
}

function resolveText(raw: string, ctx: SynthContext, where: string): string {
  if (!raw.startsWith('@')) return raw;
  const t = ctx.texts[raw.slice(1)];
  if (t === undefined) throw new Error(`${where}: no text named ${raw}`);
  return t;
}

/** useradd/adduser: new account lines plus the `-` backups shadow-utils leaves. */
function addAccounts(api: KitApi, state: SynthState, users: string[], groups: string[], mtime: number): void {
  const days = Math.floor(mtime / 86400);
  const append = (file: string, lines: string[], m?: string): void => {
    const old = state.texts[file];
    if (old === null || old === undefined) throw new Error(`no /etc/${file} below a layer that adds accounts`);
    api.text(`/etc/${file}-`, old, m);
    api.text(`/etc/${file}`, old + lines.map((l) => l + '\n').join(''), m);
  };
  if (groups.length) {
    append('group', groups);
    if (state.texts.gshadow != null) append('gshadow', groups.map((g) => `${g.split(':')[0]}:!::`), '0640 0 42');
  }
  if (users.length) {
    append('passwd', users);
    if (state.texts.shadow != null) append('shadow', users.map((u) => `${u.split(':')[0]}:!:${days}:0:99999:7:::`), '0640 0 42');
  }
}

/** Package sets by name, as loaded from packages.json. */
export interface PackageIndex {
  deb: Record<string, string[]>;
  debStanzas: Record<string, Record<string, string>>;
  apk: Record<string, { world: string[]; packages: import('./schema.js').ApkPackage[] }>;
}

function writePackageDb(api: KitApi, state: SynthState, sets: string[], db: PackageDb, pk: PackageIndex, where: string): void {
  if (db === 'apk') {
    for (const s of sets) if (!pk.apk[s]) throw new Error(`${where}: no apk package set ${s}`);
    state.apkSets = [...state.apkSets, ...sets];
    const all = state.apkSets.map((s) => pk.apk[s]!);
    api.text('/lib/apk/db/installed', renderApkInstalled(all.flatMap((s) => s.packages)));
    api.text('/etc/apk/world', renderApkWorld(all.flatMap((s) => s.world)));
    return;
  }
  if (db !== 'dpkg' && db !== 'dpkg-status.d') throw new Error(`${where}: packages listed but the image has no package database`);
  const before = new Set(state.debPackages);
  const added: string[] = [];
  for (const s of sets) {
    // "+name" installs one package; any other name is a package set
    const list = s.startsWith('+') ? (pk.debStanzas[s.slice(1)] ? [s.slice(1)] : undefined) : pk.deb[s];
    if (!list) throw new Error(`${where}: no deb package set ${s}`);
    for (const p of list) if (!before.has(p) && !added.includes(p)) added.push(p);
  }
  if (db === 'dpkg-status.d') {
    // distroless: one stanza file per package, no dpkg binary to maintain a status file
    for (const p of added) api.text(`/var/lib/dpkg/status.d/${p}`, renderDebStanza(pk.debStanzas[p]!));
  } else {
    const render = (names: string[]): string => [...names].sort().map((p) => renderDebStanza(pk.debStanzas[p]!) + '\n').join('');
    if (state.debPackages.length) api.text('/var/lib/dpkg/status-old', render(state.debPackages));
    api.text('/var/lib/dpkg/status', render([...state.debPackages, ...added]));
  }
  state.debPackages = [...state.debPackages, ...added];
}
