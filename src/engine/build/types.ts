/** What a build needs from the engine and what it returns. */
import type { BuildStepEvent, EngineEvent } from '../../shared/events.js';
import type { ImageStore, ImageRecord } from '../image/store.js';
import type { CommandResolver } from '../shell/types.js';
import type { BuildCache } from './cache.js';
import type { BuildContext } from './context.js';
import type { TransferMemory } from './progress.js';
import type { BuilderKind } from './history.js';

export interface BuildRequest {
  /** The whole context folder; .dockerignore inside it is applied by the build. */
  context: BuildContext;
  /** Identity of the context folder (its path), for BuildKit's incremental transfers. */
  contextId: string;
  dockerfile: string;
  /** File name of the Dockerfile (`-f`), as BuildKit prints it. */
  dockerfileName: string;
  tags: string[];
  buildArgs: Map<string, string>;
  noCache?: boolean;
  target?: string;
  labels?: Map<string, string>;
  builder: BuilderKind;
  signal?: AbortSignal;
  /** Compute cache keys and hits only; RUN commands do not execute (see Engine.predictBuild). */
  dryRun?: boolean;
}

/** Where build output lines go: classic prints on stdout, BuildKit's plain progress on stderr. */
export interface BuildOutput {
  stdout(line: string): void;
  stderr(line: string): void;
}

export interface BuildResult {
  exitCode: number;
  imageId?: string;
  steps: BuildStepEvent[];
  error?: string;
}

/** The engine services a builder uses. */
export interface BuildHost {
  store: ImageStore;
  cache: BuildCache;
  now(): number;
  /** `bytes` random bytes as hex, from the engine's seeded generator. */
  randomHex(bytes: number): string;
  emit(ev: EngineEvent): void;
  /** A base image by reference: local, or pulled from the simulated Docker Hub (printing like `docker pull` to `out`). */
  baseImage(ref: string, out?: (line: string) => void): ImageRecord;
  resolver?: CommandResolver;
  /** Classic builder: a failed RUN leaves its container behind (`docker ps -a`). */
  leaveBuildContainer(info: { id: string; imageId: string; argv: string[]; exitCode: number; created: number }): void;
  /** BuildKit's per-context record of what was transferred (path → stat signature). */
  transfers: Map<string, TransferMemory>;
  /** Base images BuildKit has already loaded (their FROM prints CACHED when needed again). */
  buildkitLoaded: Set<string>;
}
