/**
 * The companion server's WebSocket protocol (real mode). The browser's RemoteBackend and
 * `server/` both speak it; `server/protocol-schema.ts` checks every incoming message with zod.
 * One JSON object per message. The first client message must be `hello` with the token the
 * server printed, or (a classroom learner) the learner's id and key; anything else first
 * closes the socket.
 */
import type { EngineEvent } from './events.js';
import type { LayerEntryView, PathInfo, PathPlace, WorldView } from './world.js';

/** The most a client message may be (a build context travels in one `docker` message). */
export const MAX_CLIENT_MESSAGE_BYTES = 8 * 1024 * 1024;

/** One file of a build context, as the browser's workspace holds it. */
export interface ContextEntry {
  /** Relative to the context folder, `/`-separated (`src/app.js`). */
  path: string;
  type: 'file' | 'dir';
  /** Unix permission bits, e.g. 0o644. */
  mode: number;
  /** Unix seconds. */
  mtime: number;
  /** Base64 content (files only). */
  data?: string;
}

/** A classroom learner's credentials: the id and key the classroom's `joined` gave it. */
export interface LearnerCredentials {
  id: string;
  key: string;
}

export type ClientMessage =
  /**
   * First message, with exactly one of: the per-launch `token` from the URL the server printed,
   * or (a learner of the server's classroom) `learner`, the id and key the class gave it.
   */
  | ({ t: 'hello'; cols?: number; rows?: number } & ({ token: string; learner?: never } | { learner: LearnerCredentials; token?: never }))
  /**
   * One docker command: argv after `docker` (words already split by the console's shell).
   * `context` carries the build context for `docker build`.
   */
  | { t: 'docker'; id: number; argv: string[]; env?: Record<string, string>; tty?: boolean; context?: ContextEntry[] }
  /** Keyboard input for a running command (`exec -it`, `run -it`, `attach`). */
  | { t: 'stdin'; id: number; data: string }
  /** The terminal was resized while a command with a TTY runs. */
  | { t: 'resize'; id: number; cols: number; rows: number }
  /** Ctrl-C: stop the command (a build, `logs -f`, a pull). */
  | { t: 'cancel'; id: number }
  /** A namespace-runner demo (the container-by-hand lesson). */
  | { t: 'demo'; id: number; name: string; params?: Record<string, string | number> }
  /** `reset --yes`: remove everything this session made on the engine; answered with `exit`. */
  | { t: 'reset'; id: number }
  /** What lesson checks and layer views read beyond the world: answered with `answer`. */
  | { t: 'query'; id: number; query: Query };

/** A question about the session's world (Backend.pathInfo and Backend.layerEntries in the page). */
export type Query = { kind: 'path'; where: PathPlace; path: string } | { kind: 'layer'; diffId: string };

export type ServerMessage =
  /** Answer to `hello`: what real mode can do here. */
  | { t: 'welcome'; session: string; engine: EngineInfo; registry: string | null; baseImages: string[] }
  /** One line of a command's output (no newline). */
  | { t: 'out'; id: number; stream: 'stdout' | 'stderr'; text: string }
  /** Raw terminal bytes of a command with a TTY (`exec -it`), already stripped of unsafe sequences. */
  | { t: 'tty'; id: number; data: string }
  /** An engine event, in the simulator's vocabulary (docs/events.md). */
  | { t: 'event'; event: EngineEvent }
  /** The world as the views draw it, after a command changed it. */
  | { t: 'world'; world: WorldView }
  /** The answer to a `query`: `pathInfo` for a path, `entries` for a layer (null: nothing there, or not the session's). */
  | { t: 'answer'; id: number; pathInfo?: PathInfo | null; entries?: LayerEntryView[] | null }
  /** The command finished with this exit code; `world`: a `world` message follows (the command may have changed it). */
  | { t: 'exit'; id: number; code: number; world?: true }
  /** The server refused a message or is going away; `fatal` closes the socket. */
  | { t: 'error'; message: string; fatal?: boolean };

/** What an `answer` carries. */
export type Answer = Omit<Extract<ServerMessage, { t: 'answer' }>, 't' | 'id'>;

/** What the companion server found on this host. */
export interface EngineInfo {
  /** The Docker engine's version (`20.10.24+dfsg1`). */
  version: string;
  /** The host as the status line names it ("Real Docker on HOST"). */
  host: string;
  /** Builders the engine offers. */
  builders: ('classic' | 'buildkit')[];
}
