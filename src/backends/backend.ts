/**
 * The interface the UI talks to. SimBackend runs everything in the page; the
 * companion server's RemoteBackend sends the same calls to a real Docker. The
 * UI never knows which one it has beyond `label`.
 */
import type { Tty } from '../console/transfer-progress.js';
import type { BuildStepEvent, EngineEvent } from '../shared/events.js';
import type { LayerEntryView, PathInfo, PathPlace, WorldView } from '../shared/world.js';

/** Where a command's output goes: one call per line, without the newline. */
export interface BackendOutput {
  stdout(text: string): void;
  stderr(text: string): void;
  /** A request for the UI (open the editor, clear the screen); optional. */
  request?(req: UiRequest): void;
  /**
   * Present when the output is a terminal: pull and push then draw their layer lines in place
   * over time (and Ctrl-C can stop them part-way), as the docker CLI does on a TTY.
   */
  tty?: Tty;
}

/** What a console command asks the UI to do. */
export type UiRequest = { edit: string } | { clear: true };

/** Events the backend streams: the engine's vocabulary plus workspace changes. */
export type BackendEvent =
  | EngineEvent
  /** Workspace files or the current directory changed (by a command, undo, restore or the editor). */
  | { type: 'workspace.changed' }
  /** The world, or an answer about it (a path, a layer's entries), arrived outside a command: real mode's server sent it. */
  | { type: 'world.changed' };

/** One entry of the workspace listing. */
export interface WorkspaceEntry {
  /** Absolute path, e.g. `/workspace/app/Dockerfile`. */
  path: string;
  type: 'file' | 'dir' | 'symlink';
  /** Bytes (0 for folders). */
  size: number;
  mtime: number;
}

/** The editor's and file tree's view of the workspace. */
export interface WorkspaceAccess {
  /** The folder everything lives under (`/workspace`). */
  readonly root: string;
  /** Current directory of the console. */
  readonly cwd: string;
  /** Every entry under `path` (default: the root), recursively, sorted by path. */
  list(path?: string): WorkspaceEntry[];
  /** A file's text, or null when it is not a file. */
  read(path: string): string | null;
  /** A file's bytes, or null when it is not a file. */
  readBytes(path: string): Uint8Array | null;
  /** Creates or replaces a file (and its folders). Undoable. */
  write(path: string, content: string | Uint8Array): void;
  /** Creates a folder and its parents. Undoable. */
  mkdir(path: string): void;
  /** Deletes a file or folder tree. Undoable. */
  remove(path: string): void;
  /** Moves a file or folder. Undoable. */
  rename(from: string, to: string): void;
  /** Runs `changes` (writes, mkdirs, removes, renames) as one undo step, e.g. an upload of many files. */
  batch(changes: () => void): void;
}

/** Backend settings the console and the UI can change. */
export interface BackendSettings {
  /** Which builder `docker build` uses (DOCKER_BUILDKIT=1 or 0). */
  builder: 'buildkit' | 'classic';
}

export interface Backend {
  /** What runs the commands: "Simulated" or "Real Docker on HOST". */
  readonly label: string;
  readonly settings: BackendSettings;
  readonly workspace: WorkspaceAccess;
  /** Commands typed so far, oldest first (the console persists and restores it). */
  history: string[];
  /** Runs one console line; resolves to its exit code (130 when cancelled). */
  run(line: string, out: BackendOutput, signal?: AbortSignal): Promise<number>;
  /** Tab-completion candidates for the word under `cursor` (whole words; folders end with `/`). */
  complete(line: string, cursor: number): string[];
  /** Everything the views draw: images, containers, volumes, registries (read-only, JSON-shaped). */
  world(): WorldView;
  /** One layer's tarball entries (for the layer views), or undefined when the backend does not have it. */
  layerEntries(diffId: string): LayerEntryView[] | undefined;
  /** What is at `path` in a container, an image or a volume (lesson checks); null when nothing is. */
  pathInfo(where: PathPlace, path: string): PathInfo | null;
  /**
   * A backend whose world lives elsewhere (real mode) answers `world`, `layerEntries` and
   * `pathInfo` from what it has fetched, asks for the rest, and emits an event when answers
   * arrive. This resolves once the world after the last command and every answer asked for
   * are in; a backend that has everything at hand leaves it out.
   */
  settle?(): Promise<void>;
  /** Subscribes to events; returns the unsubscribe function. */
  onEvent(cb: (e: BackendEvent) => void): () => void;
  /** JSON of everything the backend owns (engine world, workspace files, cwd). */
  snapshot(): unknown;
  /** Puts back a snapshot() result; clears undo and redo. */
  restore(snapshot: unknown): void;
  readonly canUndo: boolean;
  readonly canRedo: boolean;
  /** Goes back one state-changing command; false when there is none. */
  undo(): boolean;
  /** Re-applies the last undone command; false when there is none. */
  redo(): boolean;
  /**
   * The cache what-if: which steps would hit or miss if the Dockerfile at `path`
   * (with `text` as its unsaved content) were built now, in its folder, without building.
   */
  predict?(path: string, text: string): BuildStepEvent[];
}
