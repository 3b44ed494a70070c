/**
 * A runtime outside the engine that runs a container's PID 1 for real (in the
 * page, WebContainer runs Node apps). The engine stays synchronous: when a
 * container starts it asks the runtime whether it takes the process over, and
 * the runtime reports what the process printed and how it ended later, through
 * `liveOutput` and `liveExited`. Everything else (the state machine, the
 * restart policy, ports, `docker logs`) stays the engine's.
 */
import type { Engine } from '../engine.js';
import type { ResolvedUser } from '../fs/passwd.js';
import { containerExited } from './lifecycle.js';
import type { ContainerView } from './rootfs.js';
import type { SignalReaction } from './signals.js';
import type { ContainerRecord } from './types.js';

/** What the runtime is told when a container starts. */
export interface LiveStart {
  container: ContainerRecord;
  /** The container's filesystem as its process sees it (image, writable layer, volumes): read it now, it is not kept. */
  fs: ContainerView['fs'];
  /** The resolved command: ENTRYPOINT + CMD after the run's overrides. */
  argv: string[];
  env: Record<string, string>;
  cwd: string;
  user: ResolvedUser;
  /** The CLI stays attached (`docker run` without -d): the caller waits for the exit. */
  attached: boolean;
}

/** A `docker exec` in a container the runtime runs. */
export interface LiveExec {
  containerId: string;
  fs: ContainerView['fs'];
  argv: string[];
  env: Record<string, string>;
  cwd: string;
  /** Not -d: the caller waits for the exit and shows the output. */
  attached: boolean;
}

export interface LiveRuntime {
  /**
   * A container is starting: true when the runtime runs its PID 1. The model then runs
   * nothing; the container stays running until the runtime calls `liveExited`.
   */
  start(req: LiveStart): boolean;
  /**
   * `docker exec` in a container whose PID 1 the runtime runs: true when the runtime runs
   * the program beside it (its output goes to the caller, not to the log).
   */
  exec(req: LiveExec): boolean;
  /** `docker logs -f`: the caller keeps printing what PID 1 writes next, until it exits; false when the runtime does not run it. */
  follow(containerId: string): boolean;
  /** `docker restart` of a process that is handling the stop signal: start the container again once it has exited. */
  startAfterExit(containerId: string): void;
  /** Whether the runtime runs this container's PID 1 now. */
  owns(containerId: string): boolean;
  /**
   * A signal for a container the runtime runs (`docker stop` passes its timeout). The
   * runtime answers from the real process: `ignored` when it has no handler (PID 1 gets no
   * default action), `continue` when the process got it and decides itself (its exit comes
   * later through `liveExited`), or an exit the engine applies now (SIGKILL).
   */
  signal(containerId: string, signal: number, stop?: { timeout: number }): SignalReaction;
}

/** Output of a live PID 1: appended to the container's log, in order. */
export function liveOutput(engine: Engine, containerId: string, stream: 'stdout' | 'stderr', text: string): void {
  const c = engine.containers.get(containerId);
  if (!c || text === '') return;
  c.logs.push({ stream: c.config.Tty ? 'stdout' : stream, text, time: engine.now() });
}

/**
 * A live PID 1 ended with `code`: the engine's exit rules apply (ports, restart policy,
 * --rm). `stopped`: it ended because of `docker stop` or the stop signal, which cancels
 * the restart policy as the daemon does.
 */
export function liveExited(engine: Engine, containerId: string, code: number, opts: { stopped?: boolean } = {}): void {
  const c = engine.containers.get(containerId);
  if (!c || (c.state.status !== 'running' && c.state.status !== 'paused')) return;
  containerExited(engine, c, code, { cancelRestart: opts.stopped === true });
}
