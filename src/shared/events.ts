/**
 * The engine's event vocabulary. The simulator and the companion server (real
 * Docker) emit the same events, so visuals, lesson checks and progress work on
 * both. Documented in docs/events.md.
 */

/** Why a build step did not hit the cache. */
export type MissReason =
  /** No earlier build ran this step on this parent. */
  | { kind: 'new' }
  /** The instruction text (after substitution) differs from the cached one. */
  | { kind: 'instruction-changed'; previous?: string }
  /** COPY/ADD sources changed: which files were added, removed or changed. */
  | { kind: 'files-changed'; files: string[] }
  /** A build arg in scope has another value. */
  | { kind: 'build-arg-changed'; args: string[] }
  /** The runtime config (ENV, USER, WORKDIR...) the step runs with changed (classic). */
  | { kind: 'config-changed'; fields: string[] }
  /** An earlier step missed, so every later step in the stage misses. */
  | { kind: 'parent-missed'; step: number }
  /** `--no-cache` was given. */
  | { kind: 'no-cache' }
  /** The base image behind FROM changed (the tag moved or was pulled again). */
  | { kind: 'base-changed' };

export interface BuildStepEvent {
  type: 'build.step';
  /** 1-based index among the steps the builder reports. */
  step: number;
  of: number;
  stage?: string;
  stageIndex: number;
  instruction: string;
  /** Dockerfile line of the instruction. */
  line: number;
  /** null for FROM; true when the result came from the cache. */
  cached: boolean | null;
  missReason?: MissReason;
  /** The step's cache key (the same one the cache-what-if view draws). */
  cacheKey?: string;
  /** The layer the step produced: null for metadata-only steps. */
  layer?: { diffId: string; size: number } | null;
}

export type EngineEvent =
  | { type: 'build.start'; builder: 'classic' | 'buildkit'; tags: string[]; stages: number }
  | BuildStepEvent
  | { type: 'build.done'; imageId: string; layers: number; size: number; tags: string[] }
  | { type: 'build.error'; message: string; step?: number; exitCode: number }
  | { type: 'layer.created'; diffId: string; size: number }
  | { type: 'image.created'; imageId: string }
  | { type: 'image.tagged'; imageId: string; tag: string; previous?: string }
  | { type: 'image.untagged'; imageId: string; tag: string }
  | { type: 'image.deleted'; imageId: string }
  | { type: 'image.pulled'; imageId: string; reference: string }
  | { type: 'container.created'; containerId: string; name: string; imageId: string }
  | { type: 'container.state'; containerId: string; name: string; state: ContainerStateName; previous?: ContainerStateName; exitCode?: number }
  | { type: 'container.renamed'; containerId: string; name: string; previous: string }
  | { type: 'container.removed'; containerId: string; name: string }
  | { type: 'volume.created'; name: string }
  | { type: 'volume.removed'; name: string }
  | { type: 'push.layer'; repository: string; diffId: string; status: 'Pushed' | 'Layer already exists' | 'Mounted from'; from?: string; size: number }
  | { type: 'push.done'; repository: string; tag: string; digest: string; transfer: TransferTotals }
  | { type: 'pull.layer'; repository: string; digest: string; status: 'Pull complete' | 'Already exists'; size: number }
  | { type: 'pull.done'; reference: string; digest: string; imageId: string; transfer: TransferTotals };

/** What a push or pull moved and what reusing layers saved, at the engine's simulated link speed. */
export interface TransferTotals {
  /** Compressed bytes sent or received. */
  bytesMoved: number;
  /** Compressed bytes not sent because the registry (or the local store) already had them. */
  bytesSaved: number;
  /** Seconds `bytesMoved` takes at `linkBytesPerSecond`. */
  seconds: number;
  linkBytesPerSecond: number;
}

export type EngineEventType = EngineEvent['type'];

/** The states `docker inspect` reports in `.State.Status`. */
export type ContainerStateName = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';
