/**
 * The local image store: images by ID (sha256 of their config), tags as
 * movable pointers, repo digests from pushes and pulls, and the layers they
 * reference. Retagging leaves the old image dangling, as Docker does.
 */
import { digestOf } from '../hash.js';
import { DockerError } from '../errors.js';
import type { Layer } from '../fs/layer.js';
import type { ImageConfigDoc } from './types.js';
import type { StepDescriptor } from '../build/cache.js';
import { familiarName, looksLikeId, normalizeTagged, parseReference } from './reference.js';

export interface ImageRecord {
  /** `sha256:` + hex of the config document. */
  id: string;
  config: ImageConfigDoc;
  /** Classic builder: the image this step was committed on. */
  parent?: string;
  /** `repo@sha256:...` references learned from pushes and pulls. */
  repoDigests: string[];
  /** Classic builder: the cache signature of the step that made it. */
  cacheSig?: string;
  /** Classic builder: what that step was, to explain a later miss. */
  cacheDesc?: StepDescriptor;
}

/** Canonical JSON of an image config: keys sorted, so equal configs give equal IDs. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return '[' + v.map(canonicalJson).join(',') + ']';
  const o = v as Record<string, unknown>;
  return '{' + Object.keys(o).filter((k) => o[k] !== undefined).sort().map((k) => JSON.stringify(k) + ':' + canonicalJson(o[k])).join(',') + '}';
}

/** The image ID of a config document. */
export function imageIdOf(config: ImageConfigDoc): string {
  return digestOf(canonicalJson(config));
}

export class ImageStore {
  readonly images = new Map<string, ImageRecord>();
  /** `repo:tag` → image ID. */
  readonly tags = new Map<string, string>();
  readonly layers = new Map<string, Layer>();

  /** Adds (or returns the existing) image for a config; its layers must be provided. */
  add(config: ImageConfigDoc, layers: Layer[], extra: Partial<ImageRecord> = {}): ImageRecord {
    const id = imageIdOf(config);
    const existing = this.images.get(id);
    if (existing) return existing;
    for (const l of layers) if (!this.layers.has(l.diffId)) this.layers.set(l.diffId, l);
    const rec: ImageRecord = { id, config, repoDigests: [], ...extra };
    this.images.set(id, rec);
    this.version++;
    return rec;
  }

  /** The layers of an image, base first. */
  layersOf(img: ImageRecord): Layer[] {
    return img.config.rootfs.diff_ids.map((d) => {
      const l = this.layers.get(d);
      if (!l) throw new DockerError(`layer does not exist: ${d}`);
      return l;
    });
  }

  /** Bytes of an image as `docker images` shows them: the sum of its layers. */
  sizeOf(img: ImageRecord): number {
    let n = 0;
    for (const d of img.config.rootfs.diff_ids) n += this.layers.get(d)?.size ?? 0;
    return n;
  }

  /** Tags pointing at an image, sorted. */
  repoTags(id: string): string[] {
    const out: string[] = [];
    for (const [t, i] of this.tags) if (i === id) out.push(t);
    return out.sort();
  }

  /** Images whose parent is `id` (classic intermediate chains). */
  children(id: string): ImageRecord[] {
    const out: ImageRecord[] = [];
    for (const c of this.childIndex().get(id) ?? []) {
      const img = this.images.get(c);
      if (img?.parent === id) out.push(img);
    }
    return out;
  }

  /** parent → child IDs, rebuilt when the set of images changed (classic builds ask on every step). */
  private childIndex(): Map<string, Set<string>> {
    if (this.childIndexFor !== this.version || !this.childIndexCache) {
      const idx = new Map<string, Set<string>>();
      for (const img of this.images.values()) {
        if (!img.parent) continue;
        let set = idx.get(img.parent);
        if (!set) idx.set(img.parent, (set = new Set()));
        set.add(img.id);
      }
      this.childIndexCache = idx;
      this.childIndexFor = this.version;
    }
    return this.childIndexCache;
  }

  private childIndexCache?: Map<string, Set<string>>;
  private childIndexFor = -1;
  private version = 0;

  /** Call after changing `images` directly (restore, fork). */
  invalidate(): void {
    this.version++;
  }

  /** True when the image has no tag and no digest: `<none>:<none>`. */
  isDangling(img: ImageRecord): boolean {
    return this.repoTags(img.id).length === 0 && img.repoDigests.length === 0;
  }

  /** Finds an image by full ID, tag or digest reference, then unique ID prefix (the daemon's order). */
  find(ref: string): ImageRecord | undefined {
    const hex = ref.replace(/^sha256:/, '');
    if (looksLikeId(ref) && hex.length === 64) {
      const img = this.images.get('sha256:' + hex);
      if (img) return img;
    }
    const byTag = this.tagLookup(ref);
    if (byTag || !looksLikeId(ref)) return byTag;
    const matches = [...this.images.keys()].filter((id) => id.startsWith('sha256:' + hex));
    if (matches.length > 1) throw new DockerError(`Error response from daemon: ambiguous image reference "${ref}"`);
    return matches.length === 1 ? this.images.get(matches[0]!) : undefined;
  }

  private tagLookup(ref: string): ImageRecord | undefined {
    let r;
    try {
      r = parseReference(ref);
    } catch {
      return undefined;
    }
    if (r.digest) {
      const want = `${familiarName(r)}@${r.digest}`;
      for (const img of this.images.values()) if (img.repoDigests.includes(want)) return img;
      return undefined;
    }
    const id = this.tags.get(normalizeTagged(ref));
    return id ? this.images.get(id) : undefined;
  }

  /** Points a tag at an image; returns the image it pointed at before, if another. */
  tag(ref: string, id: string): string | undefined {
    const key = normalizeTagged(ref);
    const prev = this.tags.get(key);
    this.tags.set(key, id);
    return prev !== id ? prev : undefined;
  }

  /** Removes a tag; returns the image ID it pointed at. */
  untag(ref: string): string | undefined {
    const key = normalizeTagged(ref);
    const id = this.tags.get(key);
    this.tags.delete(key);
    return id;
  }

  /** Deletes an image record and the layers no other image uses; returns the removed diff IDs. */
  delete(id: string, keepLayers: ReadonlySet<string> = new Set()): string[] {
    const img = this.images.get(id);
    if (!img) return [];
    this.images.delete(id);
    this.version++;
    for (const [t, i] of [...this.tags]) if (i === id) this.tags.delete(t);
    const used = new Set<string>(keepLayers);
    for (const other of this.images.values()) for (const d of other.config.rootfs.diff_ids) used.add(d);
    const removed: string[] = [];
    for (const d of img.config.rootfs.diff_ids) {
      if (!used.has(d) && this.layers.delete(d)) removed.push(d);
    }
    return removed;
  }
}
