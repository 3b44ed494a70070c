/**
 * The shape of the catalog data (images.json, packages.json) and a hand-written
 * validator for it. The JSON is the source of truth; these types only describe it.
 */
import type { ContainerConfig } from '../image/types.js';
import type { ShellFlavor } from '../shell/types.js';

export type PackageManager = 'apt' | 'apk' | 'none';
/** How the image records installed packages on disk. */
export type PackageDb = 'dpkg' | 'dpkg-status.d' | 'apk' | 'none';
export type LanguageTool = 'pip' | 'npm' | 'yarn' | 'go';

/**
 * What one layer contains besides its bulk. Paths are absolute. A `meta` string is
 * "0755" or "0755 uid gid". Text values starting with "@" name an entry of `texts`.
 */
export interface LayerContent {
  /** Generators in kits.ts for content that is long but regular (applets, coreutils). */
  kits?: string[];
  dirs?: Record<string, string>;
  /** Modelled files (size and digest only): size, or [size, meta]. */
  files?: Record<string, number | [number, string]>;
  /** Files with real bytes: text, or [text, meta]. */
  texts?: Record<string, string | [string, string]>;
  symlinks?: Record<string, string>;
  /** passwd lines to add (shadow, gshadow and the `-` backups are derived). */
  users?: string[];
  /** group lines to add. */
  groups?: string[];
  /** Package sets (packages.json) installed by this layer, or `+name` for one package; the package DB is rewritten. */
  packages?: string[];
  /** Name templates for the filler files; `#` becomes a number (a name without `#` is used as is). */
  bulk?: string[];
}

/** One `docker history` row; a row with `size` made a layer. */
export interface HistoryRowData {
  created_by: string;
  /** Uncompressed layer size in bytes, as `docker history` shows it. */
  size?: number;
  /** Where the size comes from (required for layer rows). */
  source?: string;
  content?: LayerContent;
  comment?: string;
}

/** A catalog entry as stored in images.json. */
export interface CatalogImageData {
  /** Docker Hub short name (`alpine`, `python`) or a full name (`gcr.io/distroless/static-debian12`). */
  repository: string;
  /** The first tag names the entry; the others are aliases of the same manifest. */
  tags: string[];
  /** Entry whose layers and history rows come first (`repository:tag`). */
  base?: string;
  /** ISO 8601; also the mtime of every file of this entry's own layers. */
  created: string;
  architecture: 'amd64';
  os: 'linux';
  /** Absent: inherited from the base entry. */
  shell?: ShellFlavor | null;
  packageManager?: PackageManager;
  packageDb?: PackageDb;
  tools?: LanguageTool[];
  /** Name of the user a container runs as by default. */
  user?: string;
  osRelease?: string;
  /** Config keys set here override the base entry's. */
  config: Partial<ContainerConfig>;
  history: HistoryRowData[];
  /** Where the totals come from. */
  source: string;
  notes?: string;
}

export interface CatalogData {
  schema: 'layerlab-catalog/1';
  snapshot: string;
  texts: Record<string, string>;
  images: CatalogImageData[];
}

/** A Debian package as a dpkg status stanza (fields in dpkg's order, Status left out). */
export type DebStanza = Record<string, string>;

/** An Alpine package: the fields of a /lib/apk/db/installed record. */
export interface ApkPackage {
  P: string;
  V: string;
  A: string;
  S: number;
  I: number;
  T: string;
  U: string;
  L: string;
  o: string;
  D?: string;
  /** Files the package owns (absolute paths), written as F: directory / R: file lines. */
  F?: string[];
}

export interface PackageData {
  /** Set name -> package names (Debian) */
  deb: Record<string, string[]>;
  debStanzas: Record<string, DebStanza>;
  /** Set name -> packages (Alpine) and the names added to /etc/apk/world. */
  apk: Record<string, { world: string[]; packages: ApkPackage[] }>;
  source: string;
}

const SHELLS = new Set(['busybox', 'dash', 'bash']);
const MANAGERS = new Set(['apt', 'apk', 'none']);
const DBS = new Set(['dpkg', 'dpkg-status.d', 'apk', 'none']);
const TOOLS = new Set(['pip', 'npm', 'yarn', 'go']);
const META = /^0[0-7]{3,4}( \d+ \d+)?$/;
const CONFIG_KEYS = new Set(['User', 'ExposedPorts', 'Env', 'Cmd', 'Entrypoint', 'WorkingDir', 'Labels', 'StopSignal', 'Volumes', 'Shell']);

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStrArr = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');
const isStrMap = (v: unknown): v is Record<string, string> => isObj(v) && Object.values(v).every((s) => typeof s === 'string');

function checkContent(c: unknown, at: string, errors: string[]): void {
  if (!isObj(c)) return void errors.push(`${at}: content must be an object`);
  const known = new Set(['kits', 'dirs', 'files', 'texts', 'symlinks', 'users', 'groups', 'packages', 'bulk']);
  for (const k of Object.keys(c)) if (!known.has(k)) errors.push(`${at}: unknown content key ${k}`);
  for (const k of ['kits', 'users', 'groups', 'packages', 'bulk']) {
    if (c[k] !== undefined && !isStrArr(c[k])) errors.push(`${at}.${k}: must be a list of strings`);
  }
  for (const k of ['dirs', 'symlinks']) if (c[k] !== undefined && !isStrMap(c[k])) errors.push(`${at}.${k}: must map paths to strings`);
  const paths = [c.dirs, c.files, c.texts, c.symlinks].flatMap((m) => (isObj(m) ? Object.keys(m) : []));
  for (const p of paths) if (!p.startsWith('/') || p.endsWith('/') || p.includes('//')) errors.push(`${at}: bad path ${p}`);
  if (isObj(c.dirs)) for (const [p, m] of Object.entries(c.dirs)) if (!META.test(String(m))) errors.push(`${at}.dirs[${p}]: bad meta ${m}`);
  if (c.files !== undefined) {
    if (!isObj(c.files)) errors.push(`${at}.files: must be an object`);
    else
      for (const [p, v] of Object.entries(c.files)) {
        const ok = (Number.isInteger(v) && (v as number) >= 0) || (Array.isArray(v) && v.length === 2 && Number.isInteger(v[0]) && META.test(String(v[1])));
        if (!ok) errors.push(`${at}.files[${p}]: must be a size or [size, meta]`);
      }
  }
  if (c.texts !== undefined) {
    if (!isObj(c.texts)) errors.push(`${at}.texts: must be an object`);
    else
      for (const [p, v] of Object.entries(c.texts)) {
        const ok = typeof v === 'string' || (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && META.test(String(v[1])));
        if (!ok) errors.push(`${at}.texts[${p}]: must be a text or [text, meta]`);
      }
  }
  if (isStrArr(c.bulk)) for (const b of c.bulk) if (!b.startsWith('/')) errors.push(`${at}.bulk: template ${b} must be an absolute path`);
}

function checkConfig(c: unknown, at: string, errors: string[]): void {
  if (!isObj(c)) return void errors.push(`${at}: config must be an object`);
  for (const [k, v] of Object.entries(c)) {
    if (!CONFIG_KEYS.has(k)) errors.push(`${at}: unexpected config key ${k}`);
    else if (['Env', 'Cmd', 'Entrypoint', 'Shell'].includes(k) && v !== null && !isStrArr(v)) errors.push(`${at}.${k}: must be a list of strings or null`);
    else if (['User', 'WorkingDir'].includes(k) && typeof v !== 'string') errors.push(`${at}.${k}: must be a string`);
    else if (k === 'Labels' && v !== null && !isStrMap(v)) errors.push(`${at}.Labels: must map strings to strings`);
    else if (k === 'ExposedPorts' && v !== null && !(isObj(v) && Object.keys(v).every((p) => /^\d+\/(tcp|udp)$/.test(p)))) errors.push(`${at}.ExposedPorts: bad port`);
  }
  if (isStrArr(c.Env)) for (const e of c.Env) if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(e)) errors.push(`${at}.Env: bad entry ${e}`);
}

function checkImage(img: unknown, at: string, errors: string[]): void {
  if (!isObj(img)) return void errors.push(`${at}: must be an object`);
  if (typeof img.repository !== 'string' || !/^[a-z0-9][a-z0-9._/-]*$/.test(img.repository)) errors.push(`${at}.repository: bad name`);
  if (!isStrArr(img.tags) || img.tags.length === 0 || !img.tags.every((t) => /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(t))) errors.push(`${at}.tags: need valid tags`);
  if (img.base !== undefined && typeof img.base !== 'string') errors.push(`${at}.base: must be a reference`);
  if (typeof img.created !== 'string' || Number.isNaN(Date.parse(img.created))) errors.push(`${at}.created: must be an ISO date`);
  if (img.architecture !== 'amd64' || img.os !== 'linux') errors.push(`${at}: must be linux/amd64`);
  if (img.shell !== undefined && img.shell !== null && !SHELLS.has(String(img.shell))) errors.push(`${at}.shell: unknown flavor`);
  if (img.packageManager !== undefined && !MANAGERS.has(String(img.packageManager))) errors.push(`${at}.packageManager: unknown`);
  if (img.packageDb !== undefined && !DBS.has(String(img.packageDb))) errors.push(`${at}.packageDb: unknown`);
  if (img.tools !== undefined && !(isStrArr(img.tools) && img.tools.every((t) => TOOLS.has(t)))) errors.push(`${at}.tools: unknown tool`);
  for (const k of ['user', 'osRelease', 'notes']) if (img[k] !== undefined && typeof img[k] !== 'string') errors.push(`${at}.${k}: must be a string`);
  if (typeof img.source !== 'string' || img.source.length < 10) errors.push(`${at}.source: say where the figures come from`);
  checkConfig(img.config, `${at}.config`, errors);
  if (!Array.isArray(img.history)) return void errors.push(`${at}.history: must be a list`);
  img.history.forEach((row: unknown, i) => {
    const rat = `${at}.history[${i}]`;
    if (!isObj(row) || typeof row.created_by !== 'string') return void errors.push(`${rat}: needs created_by`);
    if (row.size === undefined) {
      if (row.content !== undefined || row.source !== undefined) errors.push(`${rat}: content and source belong to layer rows (with size)`);
      return;
    }
    if (!Number.isInteger(row.size) || (row.size as number) < 0) errors.push(`${rat}.size: must be a byte count`);
    if (typeof row.source !== 'string' || row.source.length < 10) errors.push(`${rat}.source: say where the size comes from`);
    if (row.content !== undefined) checkContent(row.content, `${rat}.content`, errors);
  });
}

/** Lists what is wrong with catalog data (empty when it is valid). */
export function catalogErrors(data: unknown): string[] {
  const errors: string[] = [];
  if (!isObj(data)) return ['catalog: must be an object'];
  if (data.schema !== 'layerlab-catalog/1') errors.push('catalog.schema: expected layerlab-catalog/1');
  if (typeof data.snapshot !== 'string') errors.push('catalog.snapshot: must be a string');
  if (!isStrMap(data.texts)) errors.push('catalog.texts: must map names to strings');
  if (!Array.isArray(data.images)) return [...errors, 'catalog.images: must be a list'];
  data.images.forEach((img, i) => checkImage(img, `images[${i}]`, errors));
  return errors;
}

/** True when `data` has the shape of images.json. */
export function isCatalogData(data: unknown): data is CatalogData {
  return catalogErrors(data).length === 0;
}

/** Lists what is wrong with package data (empty when it is valid). */
export function packageErrors(data: unknown): string[] {
  const errors: string[] = [];
  if (!isObj(data) || !isObj(data.deb) || !isObj(data.debStanzas) || !isObj(data.apk)) return ['packages: needs deb, debStanzas and apk'];
  for (const [name, list] of Object.entries(data.deb)) {
    if (!isStrArr(list)) errors.push(`deb.${name}: must be a list of names`);
    else for (const p of list) if (!isObj(data.debStanzas[p])) errors.push(`deb.${name}: no stanza for ${p}`);
  }
  for (const [name, st] of Object.entries(data.debStanzas)) {
    // Ubuntu stanzas are keyed "noble:dash": the key's last part is the package name
    if (!isStrMap(st) || st.Package !== name.split(':').pop() || !st.Version || !/^\d+$/.test(st['Installed-Size'] ?? '')) errors.push(`debStanzas.${name}: needs Package, Version, Installed-Size`);
  }
  for (const [name, set] of Object.entries(data.apk)) {
    if (!isObj(set) || !isStrArr(set.world) || !Array.isArray(set.packages)) {
      errors.push(`apk.${name}: needs world and packages`);
      continue;
    }
    for (const p of set.packages) {
      if (!isObj(p) || typeof p.P !== 'string' || typeof p.V !== 'string' || !Number.isInteger(p.I)) errors.push(`apk.${name}: package needs P, V, I`);
    }
  }
  return errors;
}

/** True when `data` has the shape of packages.json. */
export function isPackageData(data: unknown): data is PackageData {
  return packageErrors(data).length === 0;
}
