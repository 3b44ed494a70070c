/**
 * Containers: create (an image plus an empty writable layer), start (run the
 * resolved command through the built-in shell against the union of the
 * image's layers, an init layer and the container's layer), stop, kill,
 * remove, commit, diff.
 */
import { shellFlavorOf } from '../build/steps.js';
import type { Engine } from '../engine.js';
import { DockerError } from '../errors.js';
import { Layer } from '../fs/layer.js';
import { resolveUser } from '../fs/passwd.js';
import { UnionFs } from '../fs/union.js';
import type { ImageRecord } from '../image/store.js';
import { emptyContainerConfig, type ContainerConfig, type ImageConfigDoc } from '../image/types.js';
import { runArgv } from '../shell/index.js';
import { lookupCommand } from '../shell/exec.js';
import type { ContainerRecord, MountRecord } from './types.js';
import { MountFs, type Mounted } from '../fs/mount.js';
import { normalize } from '../fs/path.js';
import { createVolume, removeVolume, volumeUsers } from '../volume/volumes.js';

export interface CreateOptions {
  name?: string;
  /** Arguments after the image: they replace CMD. */
  cmd?: string[];
  /** `--entrypoint`: replaces ENTRYPOINT and clears CMD ('' clears ENTRYPOINT). */
  entrypoint?: string;
  env?: string[];
  user?: string;
  workdir?: string;
  autoRemove?: boolean;
  hostname?: string;
  /** `-v` specs: `/path` (anonymous), `name:/path[:ro]` (named volume), `/host:/path[:ro]` (bind). */
  volumes?: string[];
  /** `--mount` specs: `type=volume|bind|tmpfs,source=...,target=...[,readonly]`. */
  mounts?: string[];
  readOnly?: boolean;
}


/** ENTRYPOINT and CMD combined as Docker does (run args replace CMD; --entrypoint clears CMD). */
export function resolveCommand(config: ContainerConfig, opts: Pick<CreateOptions, 'cmd' | 'entrypoint'>): string[] {
  const entrypoint = opts.entrypoint !== undefined ? (opts.entrypoint === '' ? [] : [opts.entrypoint]) : (config.Entrypoint ?? []);
  const cmd = opts.cmd && opts.cmd.length > 0 ? opts.cmd : opts.entrypoint !== undefined ? [] : (config.Cmd ?? []);
  return [...entrypoint, ...cmd];
}

/** The init layer the daemon puts between image and container: mount points and /.dockerenv. */
function initLayer(image: Layer[], hostname: string): Layer {
  const fs = new UnionFs(image);
  for (const d of ['/dev', '/proc', '/sys']) if (!fs.stat(d, false)) fs.mkdir(d, { mode: 0o755, mtime: 0 });
  if (!fs.stat('/etc')) fs.mkdir('/etc', { mode: 0o755, mtime: 0 });
  fs.writeFile('/etc/hostname', hostname + '\n', { mtime: 0 });
  fs.writeFile('/etc/hosts', `127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n172.17.0.2\t${hostname}\n`, { mtime: 0 });
  fs.writeFile('/etc/resolv.conf', 'nameserver 8.8.8.8\n', { mtime: 0 });
  fs.writeFile('/.dockerenv', '', { mtime: 0, mode: 0o755 });
  return fs.diff();
}

/** Creates a container from an image; validates the name as the daemon does. */
export function createContainer(engine: Engine, img: ImageRecord, imageRef: string, opts: CreateOptions): ContainerRecord {
  if (opts.name !== undefined) {
    if (!/^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/.test(opts.name)) throw new DockerError(`Error response from daemon: Invalid container name (${opts.name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`, 125);
    const clash = engine.findContainer(opts.name);
    if (clash && clash.name === opts.name.replace(/^\//, '')) {
      throw new DockerError(`Error response from daemon: Conflict. The container name "/${clash.name}" is already in use by container "${clash.id}". You have to remove (or rename) that container to be able to reuse that name.`, 125);
    }
  }
  const base = img.config.config;
  const config: ContainerConfig = { ...emptyContainerConfig(), ...structuredClone(base) };
  const env = new Map<string, string>();
  for (const e of [...(base.Env ?? []), ...(opts.env ?? [])]) {
    const i = e.indexOf('=');
    env.set(i < 0 ? e : e.slice(0, i), i < 0 ? '' : e.slice(i + 1));
  }
  config.Env = [...env].map(([k, v]) => `${k}=${v}`);
  if (opts.user !== undefined) config.User = opts.user;
  if (opts.workdir !== undefined) config.WorkingDir = opts.workdir;
  config.Image = imageRef;
  const argv = resolveCommand(base, opts);
  if (argv.length === 0) throw new DockerError('Error response from daemon: No command specified', 125);
  config.Cmd = opts.cmd && opts.cmd.length ? opts.cmd : opts.entrypoint !== undefined ? null : base.Cmd;
  if (opts.entrypoint !== undefined) config.Entrypoint = opts.entrypoint === '' ? null : [opts.entrypoint];
  const mounts = parseMounts(opts.volumes ?? [], opts.mounts ?? []);
  for (const path of Object.keys(base.Volumes ?? {})) {
    if (!mounts.some((m) => m.destination === path)) mounts.push({ type: 'volume', source: '', destination: path, rw: true, name: '' });
  }
  const id = engine.rng.hex(32);
  config.Hostname = opts.hostname ?? id.slice(0, 12);
  for (const m of mounts) {
    if (m.type !== 'volume') continue;
    const v = createVolume(engine, m.name || undefined, { anonymous: !m.name });
    m.name = v.name;
    m.source = `/var/lib/docker/volumes/${v.name}/_data`;
  }
  const c: ContainerRecord = {
    id,
    name: opts.name?.replace(/^\//, '') ?? engine.uniqueName(),
    imageId: img.id,
    imageRef,
    path: argv[0]!,
    args: argv.slice(1),
    config,
    created: engine.now(),
    state: { status: 'created', exitCode: 0 },
    upper: new Layer([]),
    autoRemove: opts.autoRemove ?? false,
    logs: [],
    mounts,
    readOnly: opts.readOnly ?? false,
  };
  engine.containers.set(id, c);
  engine.emit({ type: 'container.state', containerId: id, name: c.name, state: 'created' });
  return c;
}

/** Programs that keep running until stopped, so a container running them stays `Up`. */
function isLongRunning(argv: string[]): boolean {
  const prog = argv[0]?.split('/').pop() ?? '';
  if (prog === 'sleep') return Number.parseFloat(argv[1] ?? '0') >= 5 || argv[1] === 'infinity';
  if (prog === 'tail' && argv.includes('-f')) return true;
  return ['nginx', 'httpd', 'redis-server', 'postgres', 'mysqld'].includes(prog);
}

export interface StartResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Starts a container: runs its command to completion, or leaves it running when the program serves forever. */
export function startContainer(engine: Engine, c: ContainerRecord): StartResult {
  if (c.state.status === 'running') return { exitCode: 0, stdout: '', stderr: '' };
  const img = engine.store.images.get(c.imageId);
  const layers = img ? engine.store.layersOf(img) : [];
  const init = initLayer(layers, c.config.Hostname);
  const rootFs = new UnionFs([...layers, init], { now: () => engine.now() }, c.upper);
  const { fs, save } = mountAll(engine, c, rootFs, layers);
  let user;
  try {
    user = resolveUser(fs, c.config.User || '0');
  } catch (e) {
    if (e instanceof DockerError) throw new DockerError(`Error response from daemon: ${e.message}`, 125);
    throw e;
  }
  const argv = [c.path, ...c.args];
  c.state = { status: 'running', exitCode: 0, startedAt: engine.now() };
  engine.emit({ type: 'container.state', containerId: c.id, name: c.name, state: 'running' });
  if (isLongRunning(argv)) {
    const pio = processIO(engine, c, fs, user);
    if (lookupCommand(pio, argv[0]!, pio.env.PATH).kind !== 'found') return failStart(engine, c, argv);
    return { exitCode: 0, stdout: '', stderr: '' };
  }
  const res = runArgv(argv, processIO(engine, c, fs, user), { resolver: engine.resolver });
  if (res.notFound) return failStart(engine, c, argv);
  rootFs.readOnly = false;
  c.upper = rootFs.diff();
  save();
  if (res.stdout) c.logs.push({ stream: 'stdout', text: res.stdout, time: engine.now() });
  if (res.stderr) c.logs.push({ stream: 'stderr', text: res.stderr, time: engine.now() });
  c.state = { status: 'exited', exitCode: res.exitCode, startedAt: c.state.startedAt, finishedAt: engine.now() };
  engine.emit({ type: 'container.state', containerId: c.id, name: c.name, state: 'exited', exitCode: res.exitCode });
  return { exitCode: res.exitCode, stdout: res.stdout, stderr: res.stderr };
}

function failStart(engine: Engine, c: ContainerRecord, argv: string[]): never {
  c.state = { status: 'created', exitCode: 127, error: `exec: "${argv[0]}": executable file not found in $PATH` };
  engine.emit({ type: 'container.state', containerId: c.id, name: c.name, state: 'created', exitCode: 127 });
  throw new DockerError(`Error response from daemon: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "${argv[0]}": executable file not found in $PATH: unknown`, 127, { kind: 'exec-not-found' });
}

/** Parses `-v` and `--mount` values with Docker's rules and messages. */
export function parseMounts(volumes: string[], mounts: string[]): MountRecord[] {
  const out: MountRecord[] = [];
  for (const spec of volumes) {
    const parts = spec.split(':');
    if (parts.length > 3 || parts.some((x) => x === '')) throw new DockerError(`Error response from daemon: invalid volume specification: '${spec}'`, 125);
    if (parts.length === 1) {
      if (!parts[0]!.startsWith('/')) throw new DockerError(`Error response from daemon: invalid volume specification: '${spec}': invalid mount config for type "volume": invalid mount path: '${parts[0]}' mount path must be absolute`, 125);
      out.push({ type: 'volume', name: '', source: '', destination: normalize(parts[0]!), rw: true });
      continue;
    }
    const [src, dst, mode = 'rw'] = parts as [string, string, string?];
    if (!dst.startsWith('/')) throw new DockerError(`Error response from daemon: invalid volume specification: '${spec}': invalid mount config for type "${src.startsWith('/') ? 'bind' : 'volume'}": invalid mount path: '${dst}' mount path must be absolute`, 125);
    if (!['rw', 'ro', 'z', 'Z', 'nocopy'].some((m) => mode.split(',').includes(m))) throw new DockerError(`Error response from daemon: invalid mode: ${mode}`, 125);
    const rw = !mode.split(',').includes('ro');
    if (src.startsWith('/')) out.push({ type: 'bind', source: normalize(src), destination: normalize(dst), rw });
    else {
      if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/.test(src)) throw new DockerError(`Error response from daemon: create ${src}: "${src}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`, 125);
      out.push({ type: 'volume', name: src, source: '', destination: normalize(dst), rw });
    }
  }
  for (const spec of mounts) {
    const kv = new Map<string, string>();
    for (const field of spec.split(',')) {
      const i = field.indexOf('=');
      kv.set(i < 0 ? field : field.slice(0, i), i < 0 ? 'true' : field.slice(i + 1));
    }
    const type = kv.get('type') ?? 'volume';
    if (!['volume', 'bind', 'tmpfs'].includes(type)) throw new DockerError(`invalid argument "${spec}" for "--mount" flag: invalid type: ${type}`, 125);
    const target = kv.get('target') ?? kv.get('destination') ?? kv.get('dst');
    if (!target) throw new DockerError(`Error response from daemon: invalid mount config for type "${type}": field Target must not be empty`, 125);
    const source = kv.get('source') ?? kv.get('src') ?? '';
    const ro = ['true', '1'].includes(kv.get('readonly') ?? kv.get('ro') ?? 'false');
    if (type === 'bind' && !source) throw new DockerError(`Error response from daemon: invalid mount config for type "bind": field Source must not be empty`, 125);
    out.push({ type: type as MountRecord['type'], name: type === 'volume' ? source : undefined, source, destination: normalize(target), rw: !ro });
  }
  const seen = new Set<string>();
  for (const m of out) {
    if (seen.has(m.destination)) throw new DockerError(`Error response from daemon: Duplicate mount point: ${m.destination}`, 125);
    seen.add(m.destination);
  }
  return out;
}

/** Mounts the container's volumes (initialised from the image the first time), binds and tmpfs; `save` writes volume data back. */
function mountAll(engine: Engine, c: ContainerRecord, root: UnionFs, image: Layer[]): { fs: UnionFs | MountFs; save: () => void } {
  if (c.mounts.length === 0) {
    root.readOnly = c.readOnly ?? false;
    return { fs: root, save: () => {} };
  }
  const imageFs = new UnionFs(image);
  const mounted: Mounted[] = [];
  const saves: (() => void)[] = [];
  for (const m of c.mounts) {
    if (!root.stat(m.destination)) root.mkdir(m.destination, { parents: true, mode: 0o755, uid: 0, gid: 0 });
    let fs: UnionFs;
    if (m.type === 'volume') {
      const v = engine.volumes.get(m.name ?? '');
      if (!v) continue;
      if (v.content.isEmpty && imageFs.stat(m.destination)?.type === 'dir') v.content = copyTree(imageFs, m.destination);
      fs = new UnionFs([], { now: () => engine.now() }, v.content);
      saves.push(() => {
        v.content = fs.diff();
      });
    } else if (m.type === 'bind') {
      fs = new UnionFs([], { now: () => engine.now() }, engine.bindSource?.(m.source) ?? new Layer([]));
    } else fs = new UnionFs([], { now: () => engine.now() });
    mounted.push({ at: m.destination, fs, readOnly: !m.rw });
  }
  root.readOnly = c.readOnly ?? false;
  return { fs: new MountFs(root, mounted), save: () => saves.forEach((f) => f()) };
}

/** The tree under `dir` in an image, as a volume's first content. */
function copyTree(fs: UnionFs, dir: string): Layer {
  const out = new UnionFs([]);
  for (const [p, e] of fs.walk(dir)) {
    const rel = p.slice(dir.length) || '/';
    if (rel === '/') continue;
    out.putEntry(rel, e);
  }
  return out.diff();
}

function processIO(engine: Engine, c: ContainerRecord, fs: UnionFs | MountFs, user: { uid: number; gid: number; home: string; groups: number[] }) {
  const env: Record<string, string> = {};
  for (const e of c.config.Env ?? []) {
    const i = e.indexOf('=');
    env[i < 0 ? e : e.slice(0, i)] = i < 0 ? '' : e.slice(i + 1);
  }
  env.HOSTNAME = c.config.Hostname;
  env.HOME ??= user.home;
  return {
    fs,
    env,
    cwd: c.config.WorkingDir || '/',
    uid: user.uid,
    gid: user.gid,
    groups: user.groups,
    hostname: c.config.Hostname,
    stdin: '',
    now: () => engine.now(),
    flavor: shellFlavorOf(fs),
  };
}

/** Stops a running container: the stop signal, then SIGKILL after the timeout (137 for programs that ignore SIGTERM as PID 1). */
export function stopContainer(engine: Engine, c: ContainerRecord, kill = false): void {
  if (c.state.status !== 'running' && c.state.status !== 'paused') return;
  const prog = c.path.split('/').pop() ?? '';
  const handlesStop = !kill && ['nginx', 'httpd', 'redis-server', 'postgres'].includes(prog);
  c.state = { status: 'exited', exitCode: handlesStop ? 0 : 137, startedAt: c.state.startedAt, finishedAt: engine.now() };
  engine.emit({ type: 'container.state', containerId: c.id, name: c.name, state: 'exited', exitCode: c.state.exitCode });
}

/** Removes a container and its writable layer (and, with `volumes`, its anonymous volumes). */
export function removeContainer(engine: Engine, c: ContainerRecord, force = false, volumes = false): void {
  if ((c.state.status === 'running' || c.state.status === 'paused') && !force) {
    throw new DockerError(`Error response from daemon: You cannot remove a running container ${c.id}. Stop the container before attempting removal or force remove`);
  }
  engine.containers.delete(c.id);
  engine.emit({ type: 'container.removed', containerId: c.id, name: c.name });
  if (!volumes) return;
  for (const m of c.mounts) {
    const v = m.type === 'volume' && m.name ? engine.volumes.get(m.name) : undefined;
    if (v?.anonymous && volumeUsers(engine, v.name).length === 0) removeVolume(engine, v.name);
  }
}

/** `docker diff`: A/C/D lines for the container's writable layer, sorted by path. */
export function containerDiff(c: ContainerRecord, engine: Engine): string[] {
  const img = engine.store.images.get(c.imageId);
  const lower = new UnionFs(img ? engine.store.layersOf(img) : []);
  const out: string[] = [];
  for (const [p, e] of c.upper.entries) {
    if (e.type === 'whiteout') out.push(`D ${p}`);
    else out.push(`${lower.stat(p, false) ? 'C' : 'A'} ${p}`);
  }
  return out;
}

/** `docker commit`: the container's layer on top of its image, as a new image. */
export function commitContainer(engine: Engine, c: ContainerRecord, ref?: string): ImageRecord {
  const img = engine.store.images.get(c.imageId)!;
  const created = engine.now();
  const layer = c.upper;
  const doc: ImageConfigDoc = {
    ...structuredClone(img.config),
    config: { ...structuredClone(img.config.config), Hostname: c.config.Hostname },
    created,
    container: c.id,
    history: [...img.config.history, { created, created_by: [c.path, ...c.args].join(' '), ...(layer.isEmpty ? { empty_layer: true } : {}) }],
    rootfs: { type: 'layers', diff_ids: [...img.config.rootfs.diff_ids, ...(layer.isEmpty ? [] : [layer.diffId])] },
  };
  const rec = engine.store.add(doc, [...engine.store.layersOf(img), ...(layer.isEmpty ? [] : [layer])], { parent: img.id });
  if (ref) engine.store.tag(ref, rec.id);
  engine.emit({ type: 'image.created', imageId: rec.id });
  return rec;
}
