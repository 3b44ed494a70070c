/**
 * The simulated Docker Hub: catalog images (src/engine/catalog) become
 * manifests of the docker.io registry the first time someone pulls them, so
 * `docker pull`, `FROM` and `docker run` treat them like any registry image.
 */
import { catalogConfig, catalogLayers, findCatalogImage } from './catalog/index.js';
import { digestOf } from './hash.js';
import type { Hub } from './hub.js';
import { fullName, type Reference } from './image/reference.js';
import { imageIdOf } from './image/store.js';
import { emptyContainerConfig, type ImageConfigDoc } from './image/types.js';
import { blobDigest, compressedSize, configJson, manifestJson } from './registry/blobs.js';
import type { Registry, StoredManifest } from './registry/registry.js';

/** A Hub backed by the base-image catalog. */
export const catalogHub: Hub = {
  materialize(reg: Registry, ref: Reference): StoredManifest | undefined {
    const text = `${fullName(ref)}${ref.digest ? '@' + ref.digest : ':' + (ref.tag ?? 'latest')}`;
    const entry = findCatalogImage(text);
    if (!entry) return undefined;
    const layers = catalogLayers(entry);
    const { config, history, created } = catalogConfig(entry);
    const doc: ImageConfigDoc = {
      architecture: 'amd64',
      os: 'linux',
      config: { ...emptyContainerConfig(), ...config },
      created,
      history,
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
    };
    const mlayers = layers.map((l) => ({ digest: blobDigest(l), size: compressedSize(l), diffId: l.diffId }));
    const json = manifestJson({ digest: imageIdOf(doc), size: configJson(doc).length }, mlayers);
    // catalog images keep their published digest, so `FROM alpine@sha256:...` pins work
    const digest = entry.digest ?? digestOf(json);
    const manifest: StoredManifest = { digest, size: json.length, json, configDigest: imageIdOf(doc), config: doc, layers: mlayers };
    const repo = reg.repo(ref.path);
    reg.manifests.set(digest, manifest);
    repo.manifests.add(digest);
    for (const l of layers) {
      reg.blobs.set(blobDigest(l), { size: compressedSize(l), layer: l });
      repo.blobs.add(blobDigest(l));
    }
    for (const t of entry.tags) repo.tags.set(t, digest);
    return manifest;
  },
};
