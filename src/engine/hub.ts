/** The simulated Docker Hub: where `docker pull` and FROM find images that are not local. */
import type { Engine } from './engine.js';
import type { ImageRecord } from './image/store.js';

export interface Hub {
  /** Makes `ref` local (printing `docker pull` progress to `out`) or throws Docker's pull error. */
  pull(engine: Engine, ref: string, out?: (line: string) => void): ImageRecord;
}
