/**
 * Where live processes run. In the page that is WebContainer (wc-host.ts); the
 * runtime only needs these few calls, so tests drive the same runtime with real
 * Node processes on the test machine (tests/webcontainer/node-host.ts).
 */
import type { FileSystemTree } from './tree.js';

/** A process the host started. */
export interface HostProcess {
  /** Output as it comes; a host that merges the streams (WebContainer's terminal) reports stdout. */
  onOutput(cb: (stream: 'stdout' | 'stderr', text: string) => void): void;
  /** The exit code; a killed process resolves too. */
  readonly exit: Promise<number>;
  /** Ends the process at once (SIGKILL). */
  kill(): void;
}

export interface ProcessHost {
  /** What the badge names: "WebContainer", or the test host's name. */
  readonly name: string;
  /** The absolute path of the host's working folder: mounts, spawn cwd and files are relative to it. */
  readonly root: string;
  /** Writes `tree` under `dir` (relative to root), replacing what was there. */
  mount(dir: string, tree: FileSystemTree): Promise<void>;
  writeFile(path: string, data: string): Promise<void>;
  /** A file's text, or null when it is not there. */
  readFile(path: string): Promise<string | null>;
  rm(path: string): Promise<void>;
  /** Starts `command` (node, npm, npx) with `args`; `cwd` relative to root. */
  spawn(command: string, args: string[], opts: { cwd: string; env: Record<string, string> }): Promise<HostProcess>;
  /** The URL a browser opens for a server listening on `port` inside the host; resolves once the host knows it. */
  previewUrl(port: number): Promise<string>;
  /** Reports ports processes start listening on, when the host sees that itself (WebContainer's port event). */
  onPortOpen?(cb: (port: number) => void): void;
  /** A port no live process uses yet, for a container port to listen on. */
  freePort(): Promise<number>;
}

/** A connection failure worth trying again later (the page's own server was unreachable). */
export class TransientError extends Error {}
