/**
 * A simulated registry (the CNCF distribution API's model): repositories with
 * tags pointing at manifests by digest, and blobs shared by every repository
 * of the registry, each repository knowing which blobs it holds.
 */
import type { Layer } from '../fs/layer.js';
import type { ImageConfigDoc } from '../image/types.js';
import type { ManifestLayer } from './blobs.js';

export interface StoredManifest {
  digest: string;
  size: number;
  json: string;
  configDigest: string;
  config: ImageConfigDoc;
  layers: ManifestLayer[];
}

export interface Repository {
  tags: Map<string, string>;
  manifests: Set<string>;
  blobs: Set<string>;
}

/** A registry host: `localhost:5000`, `docker.io`, `ghcr.io`... */
export class Registry {
  readonly repos = new Map<string, Repository>();
  readonly manifests = new Map<string, StoredManifest>();
  /** Blob digest → the layer it holds (the registry keeps layers the local engine may delete). */
  readonly blobs = new Map<string, { size: number; layer: Layer }>();

  constructor(readonly host: string) {}

  /** A repository, created on first use (as a push creates it). */
  repo(name: string): Repository {
    let r = this.repos.get(name);
    if (!r) this.repos.set(name, (r = { tags: new Map(), manifests: new Set(), blobs: new Set() }));
    return r;
  }

  /** A manifest by tag or digest, or undefined when the repository lacks it. */
  resolve(repo: string, tagOrDigest: string): StoredManifest | undefined {
    const r = this.repos.get(repo);
    if (!r) return undefined;
    const digest = tagOrDigest.startsWith('sha256:') ? (r.manifests.has(tagOrDigest) ? tagOrDigest : undefined) : r.tags.get(tagOrDigest);
    return digest ? this.manifests.get(digest) : undefined;
  }

  /** A copy whose repositories can change without changing this one (manifests and blobs are immutable). */
  copy(): Registry {
    const r = new Registry(this.host);
    for (const [n, x] of this.repos) r.repos.set(n, { tags: new Map(x.tags), manifests: new Set(x.manifests), blobs: new Set(x.blobs) });
    for (const [d, m] of this.manifests) r.manifests.set(d, m);
    for (const [d, b] of this.blobs) r.blobs.set(d, b);
    return r;
  }

  /** Other repositories of this registry that hold a blob (candidates for a cross-repo mount). */
  reposWithBlob(blob: string): string[] {
    return [...this.repos].filter(([, r]) => r.blobs.has(blob)).map(([n]) => n);
  }
}
