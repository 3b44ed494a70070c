/**
 * The simulated registry's base images: catalog data (images.json, packages.json)
 * and pure functions that look an image up by reference and turn it into layers,
 * a config and a history, as `docker pull` or `FROM` needs them.
 */
import type { Layer } from '../fs/layer.js';
import { sha256Hex } from '../hash.js';
import type { ContainerConfig, HistoryEntry } from '../image/types.js';
import type { ShellFlavor } from '../shell/types.js';
import imagesJson from './images.json';
import packagesJson from './packages.json';
import { catalogErrors, packageErrors, type CatalogData, type CatalogImageData, type HistoryRowData, type LanguageTool, type PackageData, type PackageDb, type PackageManager } from './schema.js';
import { cloneState, emptyState, synthLayer, type SynthState } from './synth.js';

export type { CatalogImageData, LanguageTool, PackageDb, PackageManager } from './schema.js';

/** A history row with the time and the entry it belongs to. */
export interface CatalogHistoryRow extends HistoryRowData {
  /** Seconds since the epoch (the owning entry's created date). */
  created: number;
  /** The entry whose build added this row (`python:3.12-slim`, or its base's id). */
  owner: string;
}

/** A catalog image with everything inherited from its base resolved. */
export interface CatalogImage {
  /** `repository:first-tag`, e.g. `python:3.12-slim`. */
  readonly id: string;
  readonly repository: string;
  /** The fully qualified name: `docker.io/library/python`, `gcr.io/distroless/static-debian12`. */
  readonly name: string;
  readonly tags: readonly string[];
  /** The stable fake manifest digest (`sha256:` + 64 hex) that `name@digest` resolves. */
  readonly digest: string;
  readonly created: string;
  readonly architecture: 'amd64';
  readonly os: 'linux';
  readonly base?: string;
  readonly shell: ShellFlavor | null;
  readonly packageManager: PackageManager;
  readonly packageDb: PackageDb;
  readonly tools: readonly LanguageTool[];
  readonly user: string;
  readonly osRelease?: string;
  readonly config: Partial<ContainerConfig>;
  /** Every history row, base image first, as `docker history` lists them bottom-up. */
  readonly rows: readonly CatalogHistoryRow[];
  /** Sum of the layer sizes: what `docker images` shows as SIZE. */
  readonly size: number;
  readonly source: string;
  readonly notes?: string;
}

const catalog = imagesJson as unknown as CatalogData;
const packages = packagesJson as unknown as PackageData;

const DOCKER_HUB = 'docker.io';

/** A parsed image reference: registry domain, path, tag and digest. */
export interface ImageReference {
  domain: string;
  path: string;
  tag?: string;
  digest?: string;
}

/** Parses a reference as the docker CLI does (`alpine` -> docker.io/library/alpine); undefined when malformed. */
export function parseImageReference(ref: string): ImageReference | undefined {
  let rest = ref.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!/^sha256:[0-9a-f]{64}$/.test(digest)) return undefined;
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag)) return undefined;
  }
  const parts = rest.split('/');
  let domain = DOCKER_HUB;
  if (parts.length > 1 && (parts[0]!.includes('.') || parts[0]!.includes(':') || parts[0] === 'localhost')) domain = parts.shift()!;
  if (domain === 'index.docker.io' || domain === 'registry-1.docker.io') domain = DOCKER_HUB;
  if (domain === DOCKER_HUB && parts.length === 1) parts.unshift('library');
  const path = parts.join('/');
  if (!/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/.test(path)) return undefined;
  return { domain, path, tag: tag ?? (digest ? undefined : 'latest'), digest };
}

/** The fully qualified repository name of a reference or an entry's repository. */
function qualifiedName(repository: string): string {
  const r = parseImageReference(repository);
  if (!r) throw new Error(`catalog: bad repository ${repository}`);
  return `${r.domain}/${r.path}`;
}

/** A text value: literal, or "@name" for an entry of the catalog's `texts`. */
function textRef(value: string): string {
  if (!value.startsWith('@')) return value;
  const t = catalog.texts[value.slice(1)];
  if (t === undefined) throw new Error(`catalog: no text named ${value}`);
  return t;
}

function resolveAll(): { list: CatalogImage[]; byId: Map<string, CatalogImage> } {
  const errors = [...catalogErrors(catalog), ...packageErrors(packages)];
  if (errors.length) throw new Error(`catalog data is invalid:\n${errors.slice(0, 20).join('\n')}`);
  const raw = new Map<string, CatalogImageData>();
  for (const img of catalog.images) {
    const id = `${img.repository}:${img.tags[0]}`;
    if (raw.has(id)) throw new Error(`catalog: duplicate entry ${id}`);
    raw.set(id, img);
  }
  const byId = new Map<string, CatalogImage>();
  const resolving = new Set<string>();
  const resolve = (id: string): CatalogImage => {
    const done = byId.get(id);
    if (done) return done;
    const img = raw.get(id);
    if (!img) throw new Error(`catalog: unknown base ${id}`);
    if (resolving.has(id)) throw new Error(`catalog: base cycle at ${id}`);
    resolving.add(id);
    const base = img.base ? resolve(img.base) : undefined;
    const created = Math.floor(Date.parse(img.created) / 1000);
    const own = img.history.map((r) => ({ ...r, created, owner: id }));
    const rows = [...(base?.rows ?? []), ...own];
    const entry: CatalogImage = {
      id,
      repository: img.repository,
      name: qualifiedName(img.repository),
      tags: img.tags,
      digest: 'sha256:' + sha256Hex(`${id}layerlab-catalog`),
      created: img.created,
      architecture: img.architecture,
      os: img.os,
      base: base?.id,
      shell: img.shell !== undefined ? img.shell : (base?.shell ?? null),
      packageManager: img.packageManager ?? base?.packageManager ?? 'none',
      packageDb: img.packageDb ?? base?.packageDb ?? 'none',
      tools: img.tools ?? base?.tools ?? [],
      user: img.user ?? base?.user ?? 'root',
      osRelease: img.osRelease !== undefined ? textRef(img.osRelease) : base?.osRelease,
      config: { ...(base?.config ?? {}), ...img.config },
      rows,
      size: rows.reduce((n, r) => n + (r.size ?? 0), 0),
      source: img.source,
      notes: img.notes,
    };
    resolving.delete(id);
    byId.set(id, entry);
    return entry;
  };
  const list = [...raw.keys()].map(resolve);
  return { list, byId };
}

let resolved: { list: CatalogImage[]; byId: Map<string, CatalogImage> } | undefined;
function index(): { list: CatalogImage[]; byId: Map<string, CatalogImage> } {
  return (resolved ??= resolveAll());
}

/** Every image of the catalog, in the order of images.json. */
export function listCatalog(): readonly CatalogImage[] {
  return index().list;
}

/** The catalog image a reference names (`alpine`, `docker.io/library/alpine:3.20`, `name@sha256:...`), or undefined. */
export function findCatalogImage(reference: string): CatalogImage | undefined {
  const ref = parseImageReference(reference);
  if (!ref) return undefined;
  const name = `${ref.domain}/${ref.path}`;
  for (const img of index().list) {
    if (img.name !== name) continue;
    if (ref.digest ? img.digest === ref.digest : img.tags.includes(ref.tag!)) return img;
  }
  return undefined;
}

const layerCache = new Map<string, Layer[]>();
const stateCache = new Map<string, SynthState>();

/** The image's layers, base first, synthesized once and cached (same diff IDs every time). */
export function catalogLayers(entry: CatalogImage): Layer[] {
  const cached = layerCache.get(entry.id);
  if (cached) return cached;
  const base = entry.base ? index().byId.get(entry.base) : undefined;
  const layers = base ? [...catalogLayers(base)] : [];
  const state = base ? cloneState(stateCache.get(base.id)!) : emptyState();
  const ctx = {
    name: entry.id,
    mtime: Math.floor(Date.parse(entry.created) / 1000),
    packageDb: entry.packageDb,
    osRelease: entry.osRelease,
    texts: catalog.texts,
  };
  for (const row of entry.rows) {
    if (row.owner !== entry.id || row.size === undefined) continue;
    layers.push(synthLayer(row, ctx, state, packages));
  }
  layerCache.set(entry.id, layers);
  stateCache.set(entry.id, state);
  return layers;
}

/** The image config parts the catalog defines, its history (one row per layer plus empty_layer rows) and its created time. */
export function catalogConfig(entry: CatalogImage): { config: Partial<ContainerConfig>; history: HistoryEntry[]; created: number } {
  const history = entry.rows.map((r) => {
    const h: HistoryEntry = { created: r.created, created_by: r.created_by };
    if (r.comment) h.comment = r.comment;
    if (r.size === undefined) h.empty_layer = true;
    return h;
  });
  const config = JSON.parse(JSON.stringify(entry.config)) as Partial<ContainerConfig>;
  return { config, history, created: Math.floor(Date.parse(entry.created) / 1000) };
}

/** Which /bin/sh the image has (null: no shell at all, as in distroless). */
export function shellFlavor(entry: CatalogImage): ShellFlavor | null {
  return entry.shell;
}

/** True when `docker run IMAGE sh` can work. */
export function hasShell(entry: CatalogImage): boolean {
  return entry.shell !== null;
}

/** The image's system package manager (`apt`, `apk` or `none`). */
export function packageManager(entry: CatalogImage): PackageManager {
  return entry.packageManager;
}

/** The language package tools the image ships (pip, npm, yarn, go). */
export function languageTools(entry: CatalogImage): readonly LanguageTool[] {
  return entry.tools;
}

/** The user name a container of the image runs as by default (`root`, `nonroot`, `node`...). */
export function defaultUser(entry: CatalogImage): string {
  return entry.user;
}
