/** A container: an image plus a thin writable layer, a process and its state. */
import type { Layer } from '../fs/layer.js';
import type { ContainerConfig } from '../image/types.js';

export type ContainerStatus = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

export interface ContainerState {
  status: ContainerStatus;
  exitCode: number;
  startedAt?: number;
  finishedAt?: number;
  error?: string;
}

export interface MountRecord {
  type: 'volume' | 'bind' | 'tmpfs';
  name?: string;
  source: string;
  destination: string;
  rw: boolean;
}

export interface LogEntry {
  stream: 'stdout' | 'stderr';
  text: string;
  time: number;
}

export interface ContainerRecord {
  id: string;
  name: string;
  imageId: string;
  /** The image as the user named it (what `docker ps` shows in IMAGE). */
  imageRef: string;
  /** The resolved program and arguments (ENTRYPOINT + CMD after overrides). */
  path: string;
  args: string[];
  config: ContainerConfig;
  created: number;
  state: ContainerState;
  /** The container's own writable layer: copy-ups, new files and whiteouts. */
  upper: Layer;
  autoRemove: boolean;
  logs: LogEntry[];
  mounts: MountRecord[];
  /** `--read-only`: the root filesystem refuses writes (mounts keep their own mode). */
  readOnly?: boolean;
}
