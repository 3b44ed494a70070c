/**
 * Base-image sizes: the same Node app on a full Debian base, Ubuntu, slim, Alpine and
 * distroless, from the catalog's figures, plus the learner's own tagged images. Pure data
 * preparation (no DOM, no d3): View.svelte draws what `basesModel` returns.
 *
 * What a catalog bar is: the base image's size (the sum of its layer rows in the
 * catalog, base chain included: what `docker images` shows) plus the app's own bytes.
 * The app's bytes are the layers the learner's latest image added on top of a Node
 * base (when there is one), otherwise the starter app's (`STARTER_APP`, pinned by a
 * test against the simulator's build of app/). Ubuntu has no Node image: that bar is
 * ubuntu:22.04 plus node:20-slim's own layers (the same Node 20 tarball and yarn),
 * which is how you install the official tarball on Ubuntu. Distroless has no shell or
 * npm: the app is built in a node stage and copied in (multi-stage), same bytes.
 */
import { humanSize } from '../../../shared/format/units.js';
import type { ImageView, WorldView } from '../../../shared/world.js';

/** The subset of images.json this view reads. */
export interface CatalogSizeData {
  images: { repository: string; tags: string[]; base?: string; history: { created_by: string; size?: number; source?: string }[] }[];
}

/** One catalog entry with its base chain resolved. */
export interface CatalogEntrySizes {
  /** `repository:first-tag`. */
  id: string;
  repository: string;
  tags: string[];
  /** Layer sizes, base first (rows with a size). */
  layers: number[];
  /** Bytes of this entry's own layers (without its base's). */
  own: number;
  /** All layers: what `docker images` shows. */
  size: number;
  /** Where the largest own layer's figure comes from. */
  source: string;
}

/** Resolves every catalog entry's layers through its `base` chain; entries whose base is missing keep their own rows. */
export function catalogSizes(data: CatalogSizeData | undefined): Map<string, CatalogEntrySizes> {
  const out = new Map<string, CatalogEntrySizes>();
  const list = Array.isArray(data?.images) ? data.images : [];
  const find = (ref: string) => {
    const colon = ref.lastIndexOf(':');
    const repo = colon > ref.lastIndexOf('/') ? ref.slice(0, colon) : ref;
    const tag = colon > ref.lastIndexOf('/') ? ref.slice(colon + 1) : 'latest';
    return list.find((e) => e?.repository === repo && Array.isArray(e.tags) && e.tags.includes(tag));
  };
  const resolve = (e: CatalogSizeData['images'][number], depth: number): CatalogEntrySizes => {
    const id = `${e.repository}:${e.tags[0]}`;
    const known = out.get(id);
    if (known) return known;
    const rows = (Array.isArray(e.history) ? e.history : []).filter((h) => typeof h?.size === 'number' && h.size >= 0);
    const baseEntry = e.base && depth < 16 ? find(e.base) : undefined;
    const base = baseEntry && baseEntry !== e ? resolve(baseEntry, depth + 1) : undefined;
    const ownLayers = rows.map((h) => h.size!);
    const own = ownLayers.reduce((a, b) => a + b, 0);
    const biggest = rows.reduce<(typeof rows)[number] | undefined>((m, h) => (!m || h.size! > m.size! ? h : m), undefined);
    const entry: CatalogEntrySizes = {
      id,
      repository: e.repository,
      tags: [...e.tags],
      layers: [...(base?.layers ?? []), ...ownLayers],
      own,
      size: (base?.size ?? 0) + own,
      source: biggest?.source ?? base?.source ?? '',
    };
    out.set(id, entry);
    return entry;
  };
  for (const e of list) if (e && typeof e.repository === 'string' && Array.isArray(e.tags) && e.tags.length) resolve(e, 0);
  return out;
}

/** The starter app's own layers as the simulator builds app/ (WORKDIR, COPY package.json, RUN npm install, COPY . .). */
export const STARTER_APP = { layers: [0, 103, 338, 277], label: 'the starter Node app (package.json, npm install with no dependencies, app.js)' };

/** The Node bases compared, as catalog ids; `plus` adds another entry's own layers (Ubuntu has no Node image). */
export const NODE_BASES: readonly { key: string; label: string; ref: string; plus?: string; kind: string; note: string }[] = [
  { key: 'full', label: 'node:20', ref: 'node:20', kind: 'Debian 12 with compilers and headers', note: 'buildpack-deps:bookworm under Node: gcc, git, dev headers' },
  { key: 'ubuntu', label: 'ubuntu:22.04 + Node 20', ref: 'ubuntu:22.04', plus: 'node:20-slim', kind: 'Ubuntu 22.04 plus the Node tarball', note: "ubuntu:22.04 plus node:20-slim's own layers (the official Node 20 tarball and yarn)" },
  { key: 'slim', label: 'node:20-slim', ref: 'node:20-slim', kind: 'Debian 12 slim', note: 'debian:bookworm-slim: glibc, apt, bash, no compilers' },
  { key: 'alpine', label: 'node:20-alpine', ref: 'node:20-alpine', kind: 'Alpine 3.21 (musl, busybox)', note: 'alpine:3.21: musl libc and busybox' },
  { key: 'distroless', label: 'distroless/nodejs20', ref: 'gcr.io/distroless/nodejs20-debian12:latest', kind: 'distroless: no shell, no package manager', note: 'gcr.io/distroless/nodejs20-debian12: Node and its libraries only; build in a node stage, COPY the app in' },
];

export interface BaseBar {
  key: string;
  label: string;
  /** 'catalog': a base from the catalog plus the app; 'yours': a tagged image in the learner's world. */
  group: 'catalog' | 'yours';
  /** Bytes of the base part. */
  base: number;
  /** Bytes on top of the base (the app's layers). */
  app: number;
  total: number;
  /** What the base is, in a few words (catalog bars), or the base it was built on (yours). */
  detail: string;
  /** Where the figure comes from. */
  source: string;
}

export interface BasesModel {
  bars: BaseBar[];
  /** Largest total (the axis domain). */
  max: number;
  /** Bytes of the app that the catalog bars add, and where that figure comes from. */
  app: { bytes: number; from: string };
  /** One sentence per bar, in bar order: the text alternative. */
  text: string[];
}

/** Sizes as `docker images` prints them (135MB, 1.08GB); '?' for nonsense. */
export function formatSize(bytes: number): string {
  return Number.isFinite(bytes) && bytes >= 0 ? humanSize(bytes) : '?';
}

const nonEmpty = (img: ImageView) => (Array.isArray(img?.layers) ? img.layers.filter((l) => l && !l.empty) : []);

/** The catalog entry whose layers (by size) the image starts with, longest first; undefined when none. */
export function matchBase(img: ImageView, catalog: Map<string, CatalogEntrySizes>): CatalogEntrySizes | undefined {
  const sizes = nonEmpty(img).map((l) => l.size);
  let best: CatalogEntrySizes | undefined;
  for (const e of catalog.values()) {
    if (!e.layers.length || e.layers.length > sizes.length) continue;
    if (e.layers.every((s, i) => sizes[i] === s) && (!best || e.layers.length > best.layers.length)) best = e;
  }
  return best;
}

/** An image is the learner's when it has a tag, was built (its history says how) and is not a catalog image as pulled. */
function isYours(img: ImageView, base: CatalogEntrySizes | undefined): boolean {
  if (!img || !Array.isArray(img.tags) || img.tags.length === 0) return false;
  if (!img.layers?.some((l) => l?.createdBy)) return false;
  return !base || nonEmpty(img).length > base.layers.length;
}

/** Bars for the catalog's Node bases (largest first) and then the learner's own images (newest first). */
export function basesModel(world: WorldView | undefined, catalog: Map<string, CatalogEntrySizes>): BasesModel {
  const images = Array.isArray(world?.images) ? world.images : [];
  const nodeIds = new Set(NODE_BASES.map((b) => catalog.get(b.ref)?.id).filter(Boolean));

  const yours: BaseBar[] = [];
  let app: BasesModel['app'] | undefined;
  for (const img of images) {
    if (!img || typeof img !== 'object') continue;
    const base = matchBase(img, catalog);
    if (!isYours(img, base)) continue;
    const total = Number.isFinite(img.size) ? img.size : nonEmpty(img).reduce((n, l) => n + (l.size || 0), 0);
    const baseBytes = base ? Math.min(base.size, total) : 0;
    const name = img.tags[0]!;
    // images are newest first: the first one built on a Node base gives "the app"
    if (!app && base && nodeIds.has(base.id)) app = { bytes: total - baseBytes, from: `your ${name}'s layers above ${base.id}` };
    yours.push({
      key: `yours:${img.id}`,
      label: name,
      group: 'yours',
      base: baseBytes,
      app: total - baseBytes,
      total,
      detail: base ? `built on ${base.id}` : 'base not in the catalog',
      source: `your image: docker images shows ${formatSize(total)}`,
    });
  }
  app ??= { bytes: STARTER_APP.layers.reduce((a, b) => a + b, 0), from: STARTER_APP.label };

  const catalogBars: BaseBar[] = [];
  for (const b of NODE_BASES) {
    const e = catalog.get(b.ref) ?? [...catalog.values()].find((x) => x.id === b.ref);
    if (!e) continue;
    const plus = b.plus ? catalog.get(b.plus) : undefined;
    if (b.plus && !plus) continue;
    const base = e.size + (plus?.own ?? 0);
    catalogBars.push({
      key: b.key,
      label: b.label,
      group: 'catalog',
      base,
      app: app.bytes,
      total: base + app.bytes,
      detail: b.kind,
      source: `catalog (Docker Hub / gcr.io, 2025-01): ${b.note}. ${e.source}`,
    });
  }
  catalogBars.sort((a, b) => b.total - a.total);

  const bars = [...catalogBars, ...yours];
  const max = bars.reduce((m, b) => Math.max(m, b.total), 0);
  const text = bars.map((b) =>
    b.group === 'catalog'
      ? `${b.label} (${b.detail}): ${formatSize(b.total)}, of which the base is ${formatSize(b.base)} and the app ${formatSize(b.app)}.`
      : `Your image ${b.label}: ${formatSize(b.total)}, ${b.detail}${b.base ? ` (${formatSize(b.base)} of it is the base)` : ''}.`,
  );
  return { bars, max, app, text };
}
