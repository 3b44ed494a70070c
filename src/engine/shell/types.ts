/**
 * The contract between the built-in shell, the commands it runs, and the
 * engine (RUN steps, `docker run`, `docker exec`). Pure: no DOM, no Node.
 */
import type { Fs } from '../fs/types.js';

/** Which /bin/sh the image has, for its error wording. */
export type ShellFlavor = 'busybox' | 'dash' | 'bash';

/** Where a command writes and what it may read; shared by the shell and every command. */
export interface CommandIO {
  fs: Fs;
  /** Environment of the process (exported variables). */
  env: Record<string, string>;
  /** Absolute working directory. */
  cwd: string;
  uid: number;
  gid: number;
  /** Supplementary groups, for `id`. */
  groups?: number[];
  hostname: string;
  stdin: string;
  stdout(text: string): void;
  stderr(text: string): void;
  /** Seconds since the epoch, from the engine's injectable clock. */
  now(): number;
  signal?: AbortSignal;
  flavor: ShellFlavor;
}

/**
 * A program the shell can run: a busybox applet, a package manager, a build tool.
 * Returns the exit code.
 */
export type Command = (argv: string[], io: CommandIO) => number;

/**
 * Resolves a program to run. `path` is the executable's resolved path in the
 * image (after PATH lookup and symlinks); `name` is argv[0]'s basename (what
 * busybox dispatches on). Returns undefined when the simulator has no model for it.
 */
export type CommandResolver = (name: string, path: string, io: CommandIO) => Command | undefined;

/** What running a command line or an exec-form argv produced. */
export interface ShellResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}
