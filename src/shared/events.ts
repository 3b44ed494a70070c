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
  /** The row this step wrote in its stage's image history (0-based, base rows first); for FROM, the base's last row (-1: scratch). */
  historyIndex?: number;
  /** COPY/ADD: what the step read (from the context, or from a stage or image `from`). */
  reads?: StepReads;
}

/** The files a COPY or ADD read. */
export interface StepReads {
  /** `context`, or the stage or image named by `--from`. */
  from: string;
  /** Files read (relative to the source root), at most READS_LIMIT of them. */
  files: { path: string; size: number }[];
  /** All files read, and their bytes (the list above may be capped). */
  count: number;
  bytes: number;
}

/** How many files a `reads` or `build.context` list names at most. */
export const READS_LIMIT = 200;

/** What `docker build` sent: the context after .dockerignore. */
export interface BuildContextEvent {
  type: 'build.context';
  /** The context folder as the client named it. */
  context: string;
  /** Files sent (largest first), at most READS_LIMIT. */
  files: { path: string; size: number }[];
  fileCount: number;
  /** Bytes of file content sent. */
  bytes: number;
  /** Paths .dockerignore dropped (files and directories), at most READS_LIMIT. */
  excluded: { path: string; size: number }[];
  excludedCount: number;
  excludedBytes: number;
  /** The .dockerignore patterns applied (empty when there is none). */
  dockerignore: string[];
}

/** One stage of a build, as the stage graph draws it. */
export interface BuildStageInfo {
  index: number;
  name?: string;
  /** What FROM names, after ARG substitution (an image, or an earlier stage's name or index). */
  from: string;
  /** The earlier stage FROM builds on, when it names one. */
  fromStage?: number;
  /** COPY --from sources, in order: an earlier stage's index, or an image reference. */
  copyFrom: { stage?: number; image?: string; line: number }[];
  /** false when the builder skipped it (BuildKit skips stages the target does not need). */
  built: boolean;
  /** Bytes of the stage's image when it was built (in the event sent at the end). */
  size?: number;
}

/** The stage graph of a build: sent before the steps, and again at the end with sizes. */
export interface BuildStagesEvent {
  type: 'build.stages';
  stages: BuildStageInfo[];
  /** Index of the stage the image is made from (`--target`, or the last). */
  target: number;
  /** true in the event sent when the build finished. */
  final: boolean;
}

export type EngineEvent =
  | { type: 'build.start'; builder: 'classic' | 'buildkit'; tags: string[]; stages: number }
  | BuildStepEvent
  | BuildContextEvent
  | BuildStagesEvent
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
