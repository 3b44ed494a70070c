/** The simulated engine's public entry: an engine wired with its default programs and hub. */
import { catalogHub } from './catalog-hub.js';
import { Engine, type EngineOptions } from './engine.js';
import { resolvePackageCommand } from './packages/index.js';

export { Engine } from './engine.js';
export type { EngineOptions, EngineSnapshot, Clock } from './engine.js';

/** A new engine with Layerlab's defaults: package managers and build tools for RUN, the simulated Docker Hub. */
export function createEngine(opts: EngineOptions = {}): Engine {
  return new Engine({ resolver: resolvePackageCommand, hub: catalogHub, ...opts });
}
