/**
 * Image metadata in the shapes of the OCI/Docker image config, with Docker's
 * field names, so `docker inspect` prints them as they are.
 */

/** HEALTHCHECK as stored in the config (durations in nanoseconds, as Docker stores them). */
export interface HealthConfig {
  Test: string[];
  Interval?: number;
  Timeout?: number;
  StartPeriod?: number;
  Retries?: number;
}

/** The runtime part of an image config (`.Config` in `docker inspect`). */
export interface ContainerConfig {
  Hostname: string;
  Domainname: string;
  User: string;
  AttachStdin: boolean;
  AttachStdout: boolean;
  AttachStderr: boolean;
  ExposedPorts: Record<string, Record<string, never>> | null;
  Tty: boolean;
  OpenStdin: boolean;
  StdinOnce: boolean;
  Env: string[] | null;
  Cmd: string[] | null;
  Healthcheck: HealthConfig | null;
  ArgsEscaped?: boolean;
  Image: string;
  Volumes: Record<string, Record<string, never>> | null;
  WorkingDir: string;
  Entrypoint: string[] | null;
  OnBuild: string[] | null;
  Labels: Record<string, string> | null;
  StopSignal: string | null;
  Shell: string[] | null;
}

/** One row of `docker history`: an instruction and whether it made a layer. */
export interface HistoryEntry {
  created: number;
  created_by: string;
  comment?: string;
  empty_layer?: boolean;
}

/** The image config document whose sha256 is the image ID. */
export interface ImageConfigDoc {
  architecture: string;
  os: string;
  config: ContainerConfig;
  created: number;
  docker_version?: string;
  history: HistoryEntry[];
  rootfs: { type: 'layers'; diff_ids: string[] };
  /** Classic builder: the image this one was built on (intermediate images chain). */
  parent?: string;
  container?: string;
}

/** An empty runtime config. */
export function emptyContainerConfig(): ContainerConfig {
  return {
    Hostname: '',
    Domainname: '',
    User: '',
    AttachStdin: false,
    AttachStdout: false,
    AttachStderr: false,
    ExposedPorts: null,
    Tty: false,
    OpenStdin: false,
    StdinOnce: false,
    Env: null,
    Cmd: null,
    Healthcheck: null,
    Image: '',
    Volumes: null,
    WorkingDir: '',
    Entrypoint: null,
    OnBuild: null,
    Labels: null,
    StopSignal: null,
    Shell: null,
  };
}
