/** What a docker command needs from its caller: output, environment and the workspace. */
import type { ContextInput } from '../engine/build/context.js';
import type { Engine } from '../engine/engine.js';
import type { CommandSpec, Flags } from './flags.js';

/**
 * The learner's files as the CLI sees them (build contexts, `--env-file`,
 * `docker cp`). The runner backs it with a real folder, the app with its
 * in-browser workspace.
 */
export interface Workspace {
  /** Current directory, absolute. */
  cwd: string;
  /** Every file, directory and symlink under a directory, relative to it; null when it is not a directory. */
  readTree(path: string): ContextInput[] | null;
  /** A file's bytes, or null when it does not exist. */
  readFile(path: string): Uint8Array | null;
  /** Writes a file, creating its folders (for `docker cp` out of a container and bind mounts). */
  writeFile?(path: string, data: Uint8Array, mode?: number): void;
  /** Creates a folder and its parents. */
  mkdir?(path: string, mode?: number): void;
  /** The absolute, normalized form of a path. */
  resolve(path: string): string;
}

export interface CliIO {
  stdout(line: string): void;
  stderr(line: string): void;
  /** Environment of the docker CLI (DOCKER_BUILDKIT...). */
  env: Record<string, string>;
  workspace: Workspace;
  signal?: AbortSignal;
  stdin?: string;
}

export type Handler = (engine: Engine, flags: Flags, io: CliIO) => number;

/** One docker subcommand: its spec (flags, usage) and what it does. */
export interface DockerCommand {
  spec: CommandSpec;
  run: Handler;
}
