/**
 * What lesson checks and the layer views ask of the world beyond its summary, answered from
 * the real engine: what is at a path in one of the session's containers, images or volumes
 * (`docker cp`'s stat, HEAD /containers/{id}/archive), and one layer's entries (read from
 * `docker save` of an image that holds it). Only what the session may see is answered.
 */
import { extract } from 'tar-stream';
import type { LayerEntryView, PathInfo, PathPlace } from '../../src/shared/world.js';
import { findContainer } from './container-common.js';
import { EngineError, engineRequest, pathName } from './engine-api.js';
import { findImage, visibleImages } from './image-scope.js';
import { lockedHostConfig } from './template.js';
import type { SessionScope } from './types.js';
import { findVolume } from './volumes.js';

/** The stat the archive endpoint reports in its `X-Docker-Container-Path-Stat` header. */
interface PathStat {
  name: string;
  size: number;
  /** Go's os.FileMode: type bits high, permissions low. */
  mode: number;
  linkTarget: string;
}

const GO_MODE_DIR = 2 ** 31;
const GO_MODE_SYMLINK = 2 ** 27;
/** Symlinks followed before giving up (Linux's own limit is 40). */
const MAX_LINKS = 16;
/** The most entries one layer's listing carries to the page. */
export const MAX_LAYER_ENTRIES = 20_000;

async function statIn(scope: SessionScope, containerId: string, path: string): Promise<PathStat | null> {
  try {
    const res = (await scope.docker.getContainer(containerId).infoArchive({ path })) as unknown as { headers: Record<string, string | undefined> };
    const raw = res.headers['x-docker-container-path-stat'];
    return raw ? (JSON.parse(Buffer.from(raw, 'base64').toString('utf8')) as PathStat) : null;
  } catch (e) {
    if ((e as { statusCode?: number }).statusCode === 404) return null;
    throw e;
  }
}

/** Resolves `target` (a symlink's) against the directory of `from`. */
function resolveLink(from: string, target: string): string {
  const parts = target.startsWith('/') ? [] : from.split('/').slice(0, -1);
  for (const p of target.split('/')) {
    if (p === '' || p === '.') continue;
    if (p === '..') parts.pop();
    else parts.push(p);
  }
  return '/' + parts.filter(Boolean).join('/');
}

/** What is at `path` in a container's filesystem (image, writable layer and mounts), following symlinks as stat does. */
async function statFollowing(scope: SessionScope, containerId: string, path: string): Promise<PathInfo | null> {
  let p = path.startsWith('/') ? path : `/${path}`;
  for (let hops = 0; hops <= MAX_LINKS; hops++) {
    const st = await statIn(scope, containerId, p);
    if (!st) return null;
    if (st.mode & GO_MODE_SYMLINK && st.linkTarget) {
      p = resolveLink(p, st.linkTarget);
      continue;
    }
    return { type: st.mode & GO_MODE_DIR ? 'dir' : 'file', size: st.mode & GO_MODE_DIR ? 0 : st.size };
  }
  return null;
}

/** A container that never starts, to look into an image or a volume; removed after. */
async function withScratch<T>(scope: SessionScope, image: string, binds: string[], fn: (id: string) => Promise<T>): Promise<T> {
  const c = await scope.docker.createContainer({ Image: image, Cmd: ['true'], Labels: { ...scope.labels }, NetworkDisabled: true, HostConfig: lockedHostConfig({ binds }) });
  try {
    return await fn(c.id);
  } finally {
    await c.remove({ force: true, v: false }).catch(() => undefined);
  }
}

/** What is at `path` in the session's container, image or volume; null when nothing is there or the session cannot see the place. */
export async function realPathInfo(scope: SessionScope, where: PathPlace, path: string): Promise<PathInfo | null> {
  if ('container' in where) {
    const c = await findContainer(scope, where.container);
    return c ? statFollowing(scope, c.Id, path) : null;
  }
  if ('image' in where) {
    const img = await findImage(scope, where.image);
    return img ? withScratch(scope, img.Id, [], (id) => statFollowing(scope, id, path)) : null;
  }
  const vol = await findVolume(scope, where.volume);
  if (!vol) return null;
  // a volume is looked at through a container that mounts it; any base image will do
  const base = [...(await visibleImages(scope)).values()].find((i) => (i.RepoTags ?? []).some((t) => t !== '<none>:<none>'));
  if (!base) return null;
  const rel = path.replace(/^\/+/, '');
  return withScratch(scope, base.Id, [`${vol.Name}:/layerlab-volume`], (id) => statFollowing(scope, id, rel ? `/layerlab-volume/${rel}` : '/layerlab-volume'));
}

/** Layer listings by diff ID: content-addressed, so one listing serves every session that may see the layer. */
const listingCache = new Map<string, LayerEntryView[]>();
const LISTING_CACHE_LAYERS = 500;

/** One layer's entries as the layer views list them (whiteouts and opaque directories as the simulator has them). */
export async function realLayerEntries(scope: SessionScope, diffId: string): Promise<LayerEntryView[] | null> {
  // only a layer of an image the session may see is answered, cached or not
  // the daemon answers the inspects in parallel; the first image holding the layer is the one to save
  const ids = [...(await visibleImages(scope)).keys()];
  const docs = await Promise.all(
    ids.map((id) =>
      engineRequest<{ RootFS?: { Layers?: string[] } }>(scope.docker, 'GET', `/images/${pathName(id)}/json`).catch((e) => {
        if (e instanceof EngineError) return null;
        throw e;
      }),
    ),
  );
  const at = docs.findIndex((d) => d?.RootFS?.Layers?.includes(diffId));
  if (at < 0) return null;
  const holder = { id: ids[at]!, layers: docs[at]!.RootFS!.Layers! };
  const cached = listingCache.get(diffId);
  if (cached) return cached;
  // `docker save` holds manifest.json (the layer tars in diff-ID order) and each layer's tar:
  // every layer of the image is listed at once, as the views ask for them one after another
  const listings = new Map<string, LayerEntryView[]>();
  let order: string[] = [];
  const stream = await engineRequest<NodeJS.ReadableStream>(scope.docker, 'GET', `/images/${pathName(holder.id)}/get`, {}, 'stream');
  await new Promise<void>((resolve, reject) => {
    const outer = extract();
    outer.on('entry', (header, body, next) => {
      if (header.name === 'manifest.json') {
        const chunks: Buffer[] = [];
        body.on('data', (c) => chunks.push(c as Buffer));
        body.on('end', () => {
          order = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { Layers: string[] }[])[0]?.Layers ?? [];
          next();
        });
      } else if (header.name.endsWith('/layer.tar')) {
        listLayer(body as unknown as NodeJS.ReadableStream).then((entries) => {
          listings.set(header.name, entries);
          next();
        }, reject);
      } else {
        body.on('end', () => next());
        body.resume();
      }
    });
    outer.on('finish', resolve);
    outer.on('error', reject);
    stream.on('error', reject);
    stream.pipe(outer);
  });
  holder.layers.forEach((d, i) => {
    const entries = listings.get(order[i] ?? '');
    if (entries) listingCache.set(d, entries);
  });
  while (listingCache.size > LISTING_CACHE_LAYERS) listingCache.delete(listingCache.keys().next().value!);
  return listingCache.get(diffId) ?? null;
}

/** The entries of one layer tar: `.wh.NAME` is NAME deleted, `.wh..wh..opq` marks its directory opaque. */
function listLayer(body: NodeJS.ReadableStream): Promise<LayerEntryView[]> {
  return new Promise((resolve, reject) => {
    const entries = new Map<string, LayerEntryView>();
    const opaque = new Set<string>();
    const inner = extract();
    inner.on('entry', (h, b, next) => {
      const path = '/' + h.name.replace(/^\.?\//, '').replace(/\/$/, '');
      const slash = path.lastIndexOf('/');
      const dir = path.slice(0, slash) || '/';
      const base = path.slice(slash + 1);
      if (base === '.wh..wh..opq') opaque.add(dir);
      else if (base.startsWith('.wh.')) entries.set(`${dir === '/' ? '' : dir}/${base.slice(4)}`, { path: `${dir === '/' ? '' : dir}/${base.slice(4)}`, type: 'whiteout', size: 0 });
      else if (entries.size < MAX_LAYER_ENTRIES && path !== '/') {
        const type = h.type === 'directory' ? 'dir' : h.type === 'symlink' ? 'symlink' : h.type === 'link' ? 'hardlink' : 'file';
        entries.set(path, { path, type, size: type === 'file' ? (h.size ?? 0) : type === 'symlink' ? (h.linkname ?? '').length : 0 });
      }
      b.on('end', () => next());
      b.resume();
    });
    inner.on('finish', () => {
      for (const d of opaque) {
        const e = entries.get(d);
        if (e) e.opaque = true;
        else entries.set(d, { path: d, type: 'dir', size: 0, opaque: true });
      }
      resolve([...entries.values()]);
    });
    inner.on('error', reject);
    body.pipe(inner);
  });
}
