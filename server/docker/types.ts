/**
 * What every real-engine command handler gets: the engine, the session it runs for, and
 * where its output and events go. Handlers live one resource per file (build.ts,
 * containers.ts, images.ts, volumes.ts, registry.ts), as the Engine API reads.
 */
import type Docker from 'dockerode';
import type { EngineEvent } from '../../src/shared/events.js';
import type { ContextEntry } from '../../src/shared/protocol.js';

/** Label keys on every object the server creates. */
export const LABEL_SESSION = 'org.layerlab.session';
export const LABEL_INSTANCE = 'org.layerlab.instance';
/** On seeded base images: every session may build FROM them; the reaper never removes them. */
export const LABEL_BASE = 'org.layerlab.base';

/**
 * A session's id is `INSTANCE_RANDOM` (valid in container and volume names), so the session
 * label alone names the launch too. Builds carry only that label: the classic builder turns
 * every build label into a LABEL step of its own, one more commit each.
 */
export function sessionIdFor(instanceId: string, random: string): string {
  return `${instanceId}_${random}`;
}

/** The launch a labelled object belongs to: its instance label, or the launch its session id names. */
export function instanceOf(labels: Record<string, string> | null | undefined): string | undefined {
  const instance = labels?.[LABEL_INSTANCE];
  if (instance) return instance;
  const session = labels?.[LABEL_SESSION];
  const cut = session?.lastIndexOf('_') ?? -1;
  return cut > 0 ? session!.slice(0, cut) : undefined;
}

/** The session a command runs for. */
export interface SessionScope {
  docker: Docker;
  /** Per WebSocket session: `INSTANCE_RANDOM` (sessionIdFor). */
  sessionId: string;
  /** Random per server launch. */
  instanceId: string;
  /** `{ [LABEL_SESSION]: sessionId, [LABEL_INSTANCE]: instanceId }`: put on everything created. */
  labels: Record<string, string>;
  /** The registry real mode pushes to (`127.0.0.1:5000`), or null when there is none. */
  registry: string | null;
  /**
   * The images of every step the session's classic builds wrote (` ---> abc123def456`): no
   * label reaches a failed build's steps or an earlier stage's, yet a rebuild takes them from
   * the cache, as on a docker host of one's own (build.ts passes them as cache sources).
   */
  buildSteps: Set<string>;
}

/** Where a command's output and events go, and what it gets from the console. */
export interface CommandIO {
  /** One output line, without the newline (what the docker CLI prints). */
  stdout(line: string): void;
  stderr(line: string): void;
  /** Raw terminal data for commands with a TTY (`exec -it`). */
  tty?(data: string): void;
  /** An engine event in the simulator's vocabulary (src/shared/events.ts). */
  event(e: EngineEvent): void;
  /** Ctrl-C from the console. */
  signal: AbortSignal;
  /** `DOCKER_BUILDKIT` and friends, as the console's shell set them. */
  env: Record<string, string>;
  /** Keyboard input while the command runs (only when the console has a TTY). */
  stdin?: { onData(cb: (data: string) => void): () => void; size: { cols: number; rows: number }; onResize(cb: (cols: number, rows: number) => void): () => void };
  /** `docker build`: the context files the browser sent. */
  context?: ContextEntry[];
}

/** A docker command run for real: argv after the command words (flags and args), returns the exit code. */
export type RealCommand = (scope: SessionScope, argv: string[], io: CommandIO) => Promise<number>;
