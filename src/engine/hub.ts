/** The simulated Docker Hub: the base-image catalog, served by the docker.io registry. */
import type { Reference } from './image/reference.js';
import type { Registry, StoredManifest } from './registry/registry.js';

export interface Hub {
  /** Puts a catalog image into the docker.io registry and returns its manifest, or undefined when the catalog lacks it. */
  materialize(reg: Registry, ref: Reference): StoredManifest | undefined;
}
