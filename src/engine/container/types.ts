/** A container: an image plus a thin writable layer, its processes, its host settings and its state. */
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
  /** How the mount was asked for: `-v` (Binds / Config.Volumes) or `--mount` (HostConfig.Mounts). */
  via?: 'volume-flag' | 'mount-flag' | 'image';
}

export interface LogEntry {
  stream: 'stdout' | 'stderr';
  text: string;
  time: number;
}

/** `--restart`: Docker's RestartPolicy (`Name` is '' or 'no' when containers are never restarted). */
export interface RestartPolicy {
  Name: '' | 'no' | 'always' | 'on-failure' | 'unless-stopped';
  MaximumRetryCount: number;
}

/** One host binding of a container port (`HostIp` '' means every address). */
export interface PortBinding {
  HostIp: string;
  HostPort: string;
}

/** The host-side settings `docker run` flags give a container (HostConfig in `docker inspect`). */
export interface HostSettings {
  restartPolicy: RestartPolicy;
  /** `-p`: container port (`80/tcp`) -> requested host bindings. */
  portBindings: Record<string, PortBinding[]>;
  /** `--memory` in bytes (0: unlimited); MemorySwap is twice that, as the daemon sets it. */
  memory: number;
  /** `--cpus` times 1e9 (0: unlimited). */
  nanoCpus: number;
  /** `--pids-limit` (null: unlimited). */
  pidsLimit: number | null;
  /** `--network`: `default`, `bridge`, `none` or `host`. */
  networkMode: string;
}

/** A process running in the container, as `ps` (inside) and `docker top` (outside) list it. */
export interface ProcessRecord {
  /** PID inside the container's namespace (1 for the main process). */
  pid: number;
  /** PID on the (simulated) host, as `docker top` and State.Pid show it. */
  hostPid: number;
  uid: number;
  argv: string[];
  started: number;
}

/** The restart manager's memory: its backoff and, while restarting, when the next start happens. */
export interface RestartState {
  /** Current backoff in seconds (Docker starts at 0.1 s, doubles, caps at 60 s, resets after a 10 s run). */
  delay: number;
  /** Restarts since the last `docker start` (what on-failure:N counts). */
  count: number;
  /** When a restarting container starts again. */
  at?: number;
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
  /** Host settings from `docker run` flags; absent for containers the builders leave behind. */
  host?: HostSettings;
  /** RestartCount in `docker inspect`: restarts by the policy since the last `docker start`. */
  restartCount?: number;
  /** Docker's HasBeenManuallyStopped: `docker stop`/`kill` (unless-stopped then stays down). */
  manuallyStopped?: boolean;
  restart?: RestartState;
  /** Processes while running or paused, PID 1 first. */
  processes?: ProcessRecord[];
  /** The next PID `docker exec` gives inside the container. */
  nextPid?: number;
  /** NetworkSettings.Ports while running: the bindings actually made (with chosen ports). */
  ports?: Record<string, PortBinding[]>;
  /** The container's address on the bridge network while running. */
  ipAddress?: string;
}
