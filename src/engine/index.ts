/** The simulated engine's public entry: an engine wired with its default programs and hub. */
import { Engine, type EngineOptions } from './engine.js';

export { Engine } from './engine.js';
export type { EngineOptions, EngineSnapshot, Clock } from './engine.js';

/** A new engine with Layerlab's defaults (package managers for RUN, the simulated Docker Hub). */
export function createEngine(opts: EngineOptions = {}): Engine {
  return new Engine(opts);
}
