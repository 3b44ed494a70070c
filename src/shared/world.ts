/**
 * The world as the views see it: a read-only, JSON-shaped picture of images, layers,
 * containers, volumes and registries. The simulator builds it from its engine; the
 * companion server builds the same shape from a real Docker engine, so every view and
 * lesson check reads one vocabulary. Nothing here can change state.
 */

/** One history entry of an image, base first. */
export interface LayerView {
  /** The instruction as `docker history` shows it (`/bin/sh -c #(nop)  CMD ...` or BuildKit's `CMD [...]`). */
  createdBy: string;
  /** true for metadata-only steps (ENV, CMD, LABEL...): no filesystem change, no layer. */
  empty: boolean;
  /** The layer's diff ID (absent for empty steps). */
  diffId?: string;
  /** Bytes the layer holds (0 for empty steps). */
  size: number;
  /** Unix seconds. */
  created: number;
  comment?: string;
}

export interface ImageView {
  id: string;
  /** `repo:tag` references (familiar form: `app:latest`, `localhost:5000/app:v1`). */
  tags: string[];
  /** `repo@sha256:...` from pushes and pulls. */
  digests: string[];
  /** Unix seconds. */
  created: number;
  /** Bytes of all its layers (what `docker images` shows as SIZE). */
  size: number;
  /** History entries, base first; `layers.filter(l => !l.empty)` are the rootfs layers in order. */
  layers: LayerView[];
  /** Classic builder: the image it was committed on (intermediate images). */
  parent?: string;
  /** true for an untagged image nothing builds on. */
  dangling: boolean;
  config: {
    user: string;
    workdir: string;
    entrypoint: string[] | null;
    cmd: string[] | null;
    env: string[];
    exposedPorts: string[];
    volumes: string[];
    labels: Record<string, string>;
  };
}

/** One path of a layer's tarball. */
export interface LayerEntryView {
  path: string;
  type: 'file' | 'dir' | 'symlink' | 'hardlink' | 'whiteout';
  /** Bytes (files; symlinks count their target's length). */
  size: number;
  /** An opaque directory hides what lower layers had under it. */
  opaque?: boolean;
}

export type ContainerStatus = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

export interface MountView {
  type: 'volume' | 'bind' | 'tmpfs';
  /** Volume name. */
  name?: string;
  source: string;
  destination: string;
  rw: boolean;
}

export interface ContainerView {
  id: string;
  name: string;
  imageId: string;
  /** The image as the user named it. */
  image: string;
  /** The command line it runs (ENTRYPOINT + CMD after overrides). */
  command: string[];
  status: ContainerStatus;
  exitCode: number;
  /** Unix seconds. */
  created: number;
  /** `docker diff`: A (added), C (changed), D (deleted) per path, sorted. */
  diff: { kind: 'A' | 'C' | 'D'; path: string }[];
  /** Bytes of the writable layer. */
  writableSize: number;
  mounts: MountView[];
  /** `8080->80/tcp` style bindings while running. */
  ports: string[];
  /** What isolates it (namespaces and cgroups as `docker inspect` and `docker top` report them); absent when the backend cannot tell. */
  runtime?: ContainerRuntimeView;
}

/** A container's isolation facts: hostname (uts), processes (pid), address (net), cgroup limits. */
export interface ContainerRuntimeView {
  /** Config.Hostname (the short container ID unless `--hostname`). */
  hostname: string;
  /** `--network`: `default`, `bridge`, `none` or `host`. */
  networkMode: string;
  /** Bridge address while running. */
  ipAddress?: string;
  /** `--memory` in bytes (0: unlimited). */
  memory: number;
  /** `--cpus` times 1e9 (0: unlimited). */
  nanoCpus: number;
  /** `--pids-limit` (null: unlimited). */
  pidsLimit: number | null;
  /** Processes while running or paused, PID 1 first: PID inside its namespace and on the host (`docker top`). */
  processes: { pid: number; hostPid: number; uid: number; argv: string[] }[];
}

export interface VolumeView {
  name: string;
  anonymous: boolean;
  /** Bytes stored. */
  size: number;
  /** Names of containers (any state) that mount it. */
  usedBy: string[];
}

export interface ManifestView {
  digest: string;
  /** Layers by compressed blob digest, base first, with the diff ID they unpack to. */
  layers: { digest: string; diffId: string; size: number }[];
  configDigest: string;
}

export interface RepositoryView {
  /** `library/app`, `team/api`... */
  name: string;
  /** tag -> manifest digest. */
  tags: Record<string, string>;
  manifests: string[];
  /** Layer blob digests this repository holds. */
  blobs: string[];
}

export interface RegistryView {
  /** `docker.io`, `localhost:5000`, ... */
  host: string;
  repositories: RepositoryView[];
  manifests: ManifestView[];
  /** Every layer blob the registry stores, once, shared by its repositories. */
  blobs: { digest: string; size: number }[];
}

export interface WorldView {
  images: ImageView[];
  containers: ContainerView[];
  volumes: VolumeView[];
  /** Registries the learner has pushed to or pulled from (the catalog behind docker.io is left out). */
  registries: RegistryView[];
  /** Bytes per second of the (simulated or measured) link to registries. */
  linkBytesPerSecond: number;
  /** Real mode: the Docker host itself (the simulator leaves it out: its host is illustrative). */
  host?: HostView;
}

/** The machine the engine runs on, as the "container vs VM" view shows it. */
export interface HostView {
  hostname: string;
  /** `Linux 6.1.0-18-amd64 (Debian GNU/Linux 12)`. */
  kernel: string;
  cpus: number;
  /** Bytes. */
  memory: number;
  /** IPv4 interfaces (empty when the engine is on another machine). */
  interfaces: { name: string; address: string }[];
  /** PID 1 and the container runtime's processes (empty when the engine is on another machine). */
  processes: { pid: number; hostPid: number; uid: number; argv: string[] }[];
}

/** Where to look for a path: a container (name or ID), an image (reference or ID) or a volume (name). */
export type PathPlace = { container: string } | { image: string } | { volume: string };

/** What is at a path. */
export interface PathInfo {
  type: 'file' | 'dir' | 'symlink';
  size: number;
}
