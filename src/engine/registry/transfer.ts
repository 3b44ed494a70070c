/**
 * `docker push` and `docker pull` between the local engine and a simulated
 * registry, with the daemon's per-layer statuses: Pushed, Layer already
 * exists, Mounted from <repo>; Already exists, Pull complete.
 */
import type { TransferTotals } from '../../shared/events.js';
import type { Engine } from '../engine.js';
import { DockerError } from '../errors.js';
import { digestOf, shortId } from '../hash.js';
import { familiarName, parseReference, type Reference } from '../image/reference.js';
import type { ImageRecord } from '../image/store.js';
import { blobDigest, compressedSize, configJson, manifestJson, type ManifestLayer } from './blobs.js';
import type { Registry, StoredManifest } from './registry.js';

/** The daemon uploads at most this many layers at once; the rest print `Waiting`. */
const MAX_CONCURRENT_UPLOADS = 5;

function totals(engine: Engine, bytesMoved: number, bytesSaved: number): TransferTotals {
  return { bytesMoved, bytesSaved, seconds: bytesMoved / engine.linkBytesPerSecond, linkBytesPerSecond: engine.linkBytesPerSecond };
}

/** The registry a reference names, or Docker's error for an unreachable host. */
export function registryFor(engine: Engine, r: Reference): Registry {
  const reg = engine.registries.get(r.domain);
  if (!reg) throw new DockerError(`Error response from daemon: Get "https://${r.domain}/v2/": dial tcp: lookup ${r.domain}: no such host`, 1, { kind: 'no-registry' });
  return reg;
}

/** The repository name a registry sees (`library/alpine`, `s19/app`). */
function remotePath(r: Reference): string {
  return r.path;
}

/** Pushes one tag (or every tag of the repository); returns the exit code. */
export function pushImage(engine: Engine, refText: string, out: (line: string) => void): number {
  const r = parseReference(refText);
  if (r.digest) throw new DockerError('cannot push a digest reference');
  const repoName = familiarName(r);
  const display = r.domain === 'docker.io' ? `docker.io/${r.path}` : repoName;
  out(`The push refers to repository [${display}]`);
  // without a tag, docker 20.10 pushes every local tag of the repository
  const tags = r.tag ? [r.tag] : [...engine.store.tags.keys()].filter((t) => t.startsWith(repoName + ':')).map((t) => t.slice(repoName.length + 1)).sort();
  const images = tags.map((t) => engine.store.find(`${repoName}:${t}`));
  if (tags.length === 0 || images.some((i) => !i)) throw new DockerError(`An image does not exist locally with the tag: ${repoName}`, 1, { kind: 'push-missing' });
  const reg = registryFor(engine, r);
  if (reg.host === 'docker.io' && !engine.logins.has('docker.io')) {
    throw new DockerError('denied: requested access to the resource is denied', 1, { kind: 'push-denied' });
  }
  tags.forEach((tag, i) => pushOne(engine, reg, r, repoName, tag, images[i]!, out));
  return 0;
}

function pushOne(engine: Engine, reg: Registry, r: Reference, repoName: string, tag: string, img: ImageRecord, out: (line: string) => void): void {
  const path = remotePath(r);
  const repo = reg.repo(path);
  const layers = engine.store.layersOf(img);
  const top = [...layers].reverse();
  for (const l of top) out(`${shortId(l.diffId)}: Preparing`);
  const distinct = [...new Map(top.map((l) => [l.diffId, l])).values()];
  for (const l of distinct.slice(MAX_CONCURRENT_UPLOADS)) out(`${shortId(l.diffId)}: Waiting`);
  const known = engine.layerRepos;
  let moved = 0;
  let saved = 0;
  for (const l of distinct) {
    const blob = blobDigest(l);
    const size = compressedSize(l);
    const seen = known.get(l.diffId) ?? new Set<string>();
    let status: 'Pushed' | 'Layer already exists' | 'Mounted from';
    let from: string | undefined;
    if (repo.blobs.has(blob) && seen.size > 0) status = 'Layer already exists';
    else {
      const mountFrom = [...seen].map((s) => s.split('|')).find(([host, p]) => host === reg.host && p !== path && reg.repos.get(p!)?.blobs.has(blob));
      if (mountFrom) {
        status = 'Mounted from';
        from = mountFrom[1]!;
      } else status = 'Pushed';
    }
    out(`${shortId(l.diffId)}: ${status}${from ? ` ${from}` : ''}`);
    if (status === 'Pushed') moved += size;
    else saved += size;
    reg.blobs.set(blob, { size, layer: l });
    repo.blobs.add(blob);
    seen.add(`${reg.host}|${path}`);
    known.set(l.diffId, seen);
    engine.emit({ type: 'push.layer', repository: repoName, diffId: l.diffId, status, from, size });
  }
  const cfg = configJson(img.config);
  const mlayers: ManifestLayer[] = layers.map((l) => ({ digest: blobDigest(l), size: compressedSize(l), diffId: l.diffId }));
  const json = manifestJson({ digest: img.id, size: cfg.length }, mlayers);
  const digest = digestOf(json);
  const stored: StoredManifest = { digest, size: json.length, json, configDigest: img.id, config: structuredClone(img.config), layers: mlayers };
  reg.manifests.set(digest, stored);
  repo.manifests.add(digest);
  repo.tags.set(tag, digest);
  const rd = `${repoName}@${digest}`;
  if (!img.repoDigests.includes(rd)) img.repoDigests.push(rd);
  out(`${tag}: digest: ${digest} size: ${json.length}`);
  engine.emit({ type: 'push.done', repository: repoName, tag, digest, transfer: totals(engine, moved, saved) });
}

/** Pulls a reference; prints docker's progress; returns the local image. */
export function pullImage(engine: Engine, refText: string, out: (line: string) => void): ImageRecord {
  const parsed = parseReference(refText);
  const r = parsed.tag || parsed.digest ? parsed : { ...parsed, tag: 'latest' };
  const repoName = familiarName(r);
  const refShown = r.digest ? `${repoName}@${r.digest}` : `${repoName}:${r.tag}`;
  const reg = registryFor(engine, r);
  const m = reg.resolve(remotePath(r), r.digest ?? r.tag!) ?? engine.hubFallback(reg, r);
  if (!m) {
    if (reg.host === 'docker.io') {
      throw new DockerError(`Error response from daemon: pull access denied for ${repoName}, repository does not exist or may require 'docker login': denied: requested access to the resource is denied`, 1, { kind: 'pull-denied' });
    }
    throw new DockerError(`Error response from daemon: manifest for ${refShown} not found: manifest unknown: manifest unknown`, 1, { kind: 'manifest-unknown' });
  }
  out(`${r.digest ? refShown : r.tag}: Pulling from ${r.path}`);
  const existing = engine.store.images.get(m.configDigest);
  const tagKey = r.tag ? `${repoName}:${r.tag}` : undefined;
  const upToDate = existing && (tagKey ? engine.store.tags.get(tagKey) === existing.id : existing.repoDigests.includes(`${repoName}@${m.digest}`));
  let moved = 0;
  let saved = 0;
  if (!upToDate) {
    const missing: ManifestLayer[] = [];
    for (const l of m.layers) {
      if (engine.store.layers.has(l.diffId)) {
        out(`${shortId(l.digest)}: Already exists`);
        saved += l.size;
        engine.emit({ type: 'pull.layer', repository: repoName, digest: l.digest, status: 'Already exists', size: l.size });
      } else if (!missing.some((x) => x.digest === l.digest)) missing.push(l);
    }
    moved = missing.reduce((n, l) => n + l.size, 0);
    for (const l of missing) out(`${shortId(l.digest)}: Pulling fs layer`);
    for (const l of missing) {
      out(`${shortId(l.digest)}: Verifying Checksum`);
      out(`${shortId(l.digest)}: Download complete`);
    }
    for (const l of missing) {
      out(`${shortId(l.digest)}: Pull complete`);
      engine.store.layers.set(l.diffId, reg.blobs.get(l.digest)!.layer);
      engine.emit({ type: 'pull.layer', repository: repoName, digest: l.digest, status: 'Pull complete', size: l.size });
    }
  }
  out(`Digest: ${m.digest}`);
  const img = engine.store.add(structuredClone(m.config), m.layers.map((l) => engine.store.layers.get(l.diffId) ?? reg.blobs.get(l.digest)!.layer));
  const rd = `${repoName}@${m.digest}`;
  if (!img.repoDigests.includes(rd)) img.repoDigests.push(rd);
  if (tagKey) {
    const prev = engine.store.tag(tagKey, img.id);
    engine.emit({ type: 'image.tagged', imageId: img.id, tag: tagKey, previous: prev });
  }
  engine.emit({ type: 'image.pulled', imageId: img.id, reference: refShown });
  for (const l of m.layers) {
    const seen = engine.layerRepos.get(l.diffId) ?? new Set<string>();
    seen.add(`${reg.host}|${r.path}`);
    engine.layerRepos.set(l.diffId, seen);
  }
  out(`Status: ${upToDate ? 'Image is up to date' : 'Downloaded newer image'} for ${refShown}`);
  out(r.domain === 'docker.io' ? `docker.io/${r.path}${r.digest ? '@' + r.digest : ':' + r.tag}` : refShown);
  engine.emit({ type: 'pull.done', reference: refShown, digest: m.digest, imageId: img.id, transfer: totals(engine, moved, saved) });
  return img;
}
