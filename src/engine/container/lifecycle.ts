/**
 * Containers' lifecycle: create (an image plus an empty writable layer),
 * start (PID 1 runs through the built-in shell against the container's
 * filesystem), and the transitions Docker reports: created -> running ->
 * paused -> running -> exited (code) / restarting -> removing. Every
 * transition emits `container.state`.
 */
import type { Engine } from '../engine.js';
import { DockerError } from '../errors.js';
import { Layer } from '../fs/layer.js';
import { resolveUser, type ResolvedUser } from '../fs/passwd.js';
import { emptyContainerConfig, type ContainerConfig } from '../image/types.js';
import type { ImageRecord } from '../image/store.js';
import { lookupCommand } from '../shell/exec.js';
import { createVolume, removeVolume, volumeUsers } from '../volume/volumes.js';
import { defaultHostSettings, hostSettings, type HostOptions } from './host-config.js';
import { parseMounts } from './mounts.js';
import { checkNetwork, connect, disconnect } from './network.js';
import { PIDS_PER_EXEC, processEnv, runInContainer } from './process.js';
import { applyExitPolicy, resetRestartManager } from './restart.js';
import { openContainer, type ContainerView } from './rootfs.js';
import { parseSignal, signalReaction, SIGKILL } from './signals.js';
import type { ContainerRecord, ContainerState, ContainerStatus } from './types.js';

export { parseMounts } from './mounts.js';
export { commitContainer, containerDiff } from './changes.js';

export interface CreateOptions extends HostOptions {
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
  /** `-i`: keep stdin open. */
  interactive?: boolean;
  /** `-t`: allocate a pseudo-TTY. */
  tty?: boolean;
  /** `-d`: attach nothing (the CLI's default for run attaches stdout and stderr, and stdin with -i). */
  detach?: boolean;
  /** `--stop-signal`. */
  stopSignal?: string;
  /** `--expose`: ports the container declares without publishing them. */
  expose?: string[];
  /** `--label`: merged over the image's labels. */
  labels?: Record<string, string>;
}

/** ENTRYPOINT and CMD combined as Docker does (run args replace CMD; --entrypoint clears CMD). */
export function resolveCommand(config: ContainerConfig, opts: Pick<CreateOptions, 'cmd' | 'entrypoint'>): string[] {
  const entrypoint = opts.entrypoint !== undefined ? (opts.entrypoint === '' ? [] : [opts.entrypoint]) : (config.Entrypoint ?? []);
  const cmd = opts.cmd && opts.cmd.length > 0 ? opts.cmd : opts.entrypoint !== undefined ? [] : (config.Cmd ?? []);
  return [...entrypoint, ...cmd];
}

/** Sets a container's state and emits `container.state` (with the state it left as `previous`). */
export function setState(engine: Engine, c: ContainerRecord, state: ContainerState, withExitCode = state.status === 'exited' || state.status === 'restarting'): void {
  const previous = c.state.status;
  c.state = state;
  engine.emit({ type: 'container.state', containerId: c.id, name: c.name, state: state.status, previous, ...(withExitCode ? { exitCode: state.exitCode } : {}) });
}

/** Whether the container has processes (running or frozen). */
export function isRunning(c: ContainerRecord): boolean {
  return c.state.status === 'running' || c.state.status === 'paused';
}

/** A container's name check and conflict message, as the daemon reserves names. */
export function checkName(engine: Engine, name: string, self?: ContainerRecord): string {
  if (!/^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/.test(name)) throw new DockerError(`Error response from daemon: Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`, 125);
  const bare = name.replace(/^\//, '');
  for (const other of engine.containers.values()) {
    if (other !== self && other.name === bare) {
      throw new DockerError(`Error response from daemon: Conflict. The container name "/${bare}" is already in use by container "${other.id}". You have to remove (or rename) that container to be able to reuse that name.`, 125, { kind: 'name-conflict' });
    }
  }
  return bare;
}

/** Creates a container from an image; validates name, command and host settings as the daemon does. */
export function createContainer(engine: Engine, img: ImageRecord, imageRef: string, opts: CreateOptions): ContainerRecord {
  const name = opts.name !== undefined ? checkName(engine, opts.name) : undefined;
  const base = img.config.config;
  const config: ContainerConfig = { ...emptyContainerConfig(), ...structuredClone(base) };
  // the daemon merges: the run's variables first, then the image's that the run did not set
  const userEnv = opts.env ?? [];
  const keyOf = (e: string) => (e.includes('=') ? e.slice(0, e.indexOf('=')) : e);
  const userKeys = new Set(userEnv.map(keyOf));
  const env = [...userEnv, ...(base.Env ?? []).filter((e) => !userKeys.has(keyOf(e)))];
  config.Env = env.length > 0 || base.Env ? env : null;
  if (opts.user !== undefined) config.User = opts.user;
  if (opts.workdir !== undefined) {
    if (opts.workdir !== '' && !opts.workdir.startsWith('/')) throw new DockerError(`Error response from daemon: the working directory '${opts.workdir}' is invalid, it needs to be an absolute path`, 125);
    config.WorkingDir = opts.workdir;
  }
  config.Image = imageRef;
  const argv = resolveCommand(base, opts);
  if (argv.length === 0) throw new DockerError('Error response from daemon: No command specified', 125);
  config.Cmd = opts.cmd && opts.cmd.length ? opts.cmd : opts.entrypoint !== undefined ? null : base.Cmd;
  if (opts.entrypoint !== undefined) config.Entrypoint = opts.entrypoint === '' ? null : [opts.entrypoint];
  config.Tty = opts.tty ?? false;
  config.OpenStdin = opts.interactive ?? false;
  config.AttachStdin = !opts.detach && (opts.interactive ?? false);
  config.StdinOnce = config.AttachStdin;
  config.AttachStdout = !opts.detach;
  config.AttachStderr = !opts.detach;
  if (opts.stopSignal !== undefined) {
    parseSignal(opts.stopSignal);
    config.StopSignal = opts.stopSignal;
  }
  const host = hostSettings(opts);
  const exposed = { ...(config.ExposedPorts ?? {}) };
  for (const port of Object.keys(host.portBindings)) exposed[port] = {};
  for (const e of opts.expose ?? []) exposed[e.includes('/') ? e : `${e}/tcp`] = {};
  config.Labels = { ...(config.Labels ?? {}), ...(opts.labels ?? {}) };
  if (Object.keys(exposed).length > 0) config.ExposedPorts = exposed;
  const mounts = parseMounts(opts.volumes ?? [], opts.mounts ?? []);
  const volumes = { ...(config.Volumes ?? {}) };
  for (const m of mounts) if (m.type === 'volume' && !m.name && m.via === 'volume-flag') volumes[m.destination] = {};
  for (const path of Object.keys(base.Volumes ?? {})) {
    if (!mounts.some((m) => m.destination === path)) mounts.push({ type: 'volume', source: '', destination: path, rw: true, name: '', via: 'image' });
  }
  if (Object.keys(volumes).length > 0) config.Volumes = volumes;
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
    name: name ?? engine.uniqueName(),
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
    host,
    restartCount: 0,
  };
  engine.containers.set(id, c);
  engine.emit({ type: 'container.created', containerId: id, name: c.name, imageId: img.id });
  engine.emit({ type: 'container.state', containerId: id, name: c.name, state: 'created' });
  return c;
}

export interface StartResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface StartOptions {
  /** The CLI stays attached (`docker run` without -d, `start -a`): stdin is what it sends, then EOF. */
  attached?: boolean;
  stdin?: string;
  /** The restart manager starts it (keeps RestartCount and backoff); the time it does so. */
  auto?: { at: number };
}

/** The user a container process runs as; the daemon's wording when it does not exist. */
function userOf(view: ContainerView, spec: string): ResolvedUser {
  try {
    return resolveUser(view.fs, spec || '0');
  } catch (e) {
    if (e instanceof DockerError) throw new DockerError(`Error response from daemon: ${e.message}`, 125, e.details);
    throw e;
  }
}

function startFailure(engine: Engine, c: ContainerRecord, argv0: string, what: 'not-found' | 'denied'): never {
  const reason = what === 'not-found' ? 'executable file not found in $PATH' : 'permission denied';
  const code = what === 'not-found' ? 127 : 126;
  const error = `failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "${argv0}": ${reason}: unknown`;
  setState(engine, c, { ...c.state, exitCode: code, error }, true);
  throw new DockerError(`Error response from daemon: ${error}`, code, { kind: what === 'not-found' ? 'exec-not-found' : 'exec-denied' });
}

/** Host PIDs: containerd-shim children, counted up from a seeded base. */
function hostPid(engine: Engine): number {
  return 2000 + engine.rng.int(30000);
}

/**
 * Starts a container: runs PID 1 to completion (then the exit and the
 * restart policy apply), or leaves it running when the program keeps running.
 * A running container is left as it is; a paused one cannot be started.
 */
export function startContainer(engine: Engine, c: ContainerRecord, opts: StartOptions = {}): StartResult {
  const none = { exitCode: 0, stdout: '', stderr: '' };
  if (c.state.status === 'paused') throw new DockerError('Error response from daemon: cannot start a paused container, try unpause instead');
  if (c.state.status === 'running' || (c.state.status === 'restarting' && !opts.auto)) return none;
  checkNetwork(c);
  // the network comes first (a taken port fails the start before runc runs anything)
  connect(engine, c);
  let view: ContainerView;
  let user: ResolvedUser;
  const argv = [c.path, ...c.args];
  const cwd = c.config.WorkingDir || '/';
  try {
    view = openContainer(engine, c);
    user = userOf(view, c.config.User);
    const found = lookupCommand({ fs: view.fs, cwd, uid: user.uid, gid: user.gid }, argv[0]!, processEnv(c, user.home).PATH);
    if (found.kind !== 'found') startFailure(engine, c, argv[0]!, found.kind === 'notfound' ? 'not-found' : 'denied');
  } catch (e) {
    disconnect(c);
    throw e;
  }
  const env = processEnv(c, user.home);
  if (!opts.auto) {
    resetRestartManager(c);
    c.manuallyStopped = false;
  }
  const startedAt = opts.auto?.at ?? engine.now();
  setState(engine, c, { status: 'running', exitCode: 0, startedAt, finishedAt: c.state.finishedAt }, false);
  if (engine.live?.start({ container: c, fs: view.fs, argv, env, cwd, user, attached: opts.attached === true })) {
    // a runtime runs PID 1 for real (see live.ts): its output and exit arrive later
    c.processes = [{ pid: 1, hostPid: hostPid(engine), uid: user.uid, argv, started: startedAt }];
    c.nextPid = 1 + PIDS_PER_EXEC;
    return { exitCode: 0, stdout: '', stderr: '' };
  }
  return runMain(engine, c, view, { argv, user, cwd, env, opts, startedAt });
}

/** PID 1 in the model: runs it against the container's filesystem, then leaves it running or applies its exit. */
function runMain(engine: Engine, c: ContainerRecord, view: ContainerView, p: { argv: string[]; user: ResolvedUser; cwd: string; env: Record<string, string>; opts: StartOptions; startedAt: number }): StartResult {
  const { opts } = p;
  const res = runInContainer(engine, c, view, {
    argv: p.argv,
    user: p.user,
    cwd: p.cwd,
    env: p.env,
    stdin: opts.attached ? (opts.stdin ?? '') : '',
    interactive: c.config.OpenStdin && !(opts.attached && c.config.AttachStdin),
    pidBase: 1,
    others: [],
  });
  view.commit();
  const t = opts.auto?.at ?? engine.now();
  const stream = (s: 'stdout' | 'stderr') => (c.config.Tty ? 'stdout' : s);
  // the log keeps writes in the order the process made them
  for (const ch of res.chunks) c.logs.push({ stream: stream(ch.stream), text: ch.text, time: t });
  if (res.server) {
    c.processes = [{ pid: 1, hostPid: c.processes?.[0]?.hostPid ?? hostPid(engine), uid: res.server.uid, argv: res.server.argv, started: p.startedAt }];
    c.nextPid = 1 + PIDS_PER_EXEC;
    return { exitCode: 0, stdout: res.stdout, stderr: res.stderr };
  }
  containerExited(engine, c, res.exitCode, { at: t });
  return { exitCode: res.exitCode, stdout: res.stdout, stderr: res.stderr };
}

/**
 * A live runtime claimed this running container's PID 1 but cannot run it after all (its
 * host did not start): the model runs it now, as the start would have. `attached`: a
 * console waits on it (it gets no stdin).
 */
export function simulateMain(engine: Engine, c: ContainerRecord, attached: boolean): StartResult {
  const view = openContainer(engine, c);
  const user = userOf(view, c.config.User);
  return runMain(engine, c, view, { argv: [c.path, ...c.args], user, cwd: c.config.WorkingDir || '/', env: processEnv(c, user.home), opts: { attached }, startedAt: c.state.startedAt ?? engine.now() });
}

/**
 * PID 1 ended with `code`: the container stops (ports released), then the
 * restart policy decides between `restarting` and `exited`; `--rm`
 * containers that stay down are removed with their anonymous volumes.
 */
export function containerExited(engine: Engine, c: ContainerRecord, code: number, opts: { at?: number; cancelRestart?: boolean } = {}): void {
  const at = opts.at ?? engine.now();
  const startedAt = c.state.startedAt ?? at;
  c.processes = undefined;
  disconnect(c);
  const restart = !opts.cancelRestart && applyExitPolicy(c, code, at - startedAt, at);
  if (restart) {
    setState(engine, c, { status: 'restarting', exitCode: code, startedAt, finishedAt: at });
    return;
  }
  setState(engine, c, { status: 'exited', exitCode: code, startedAt, finishedAt: at });
  if (c.autoRemove) removeContainer(engine, c, true, true);
}

/** Restarts containers whose restart delay has passed; called before commands look at containers. */
export function settleContainers(engine: Engine): void {
  let now: number | undefined;
  for (const c of [...engine.containers.values()]) {
    for (let guard = 0; guard < 64 && c.state.status === 'restarting' && c.restart?.at !== undefined; guard++) {
      now ??= engine.now();
      const at = c.restart.at;
      if (at > now) break;
      c.restart.at = undefined;
      try {
        startContainer(engine, c, { auto: { at } });
      } catch (e) {
        if (!(e instanceof DockerError)) throw e;
        setState(engine, c, { ...c.state, status: 'exited', error: e.message.replace(/^Error response from daemon: /, '') });
      }
    }
  }
}

/** Options of `docker stop`: the timeout before SIGKILL (`-t`, default 10 s). */
export interface StopOptions {
  timeout?: number;
}

/**
 * `docker stop`: the image's stop signal (SIGTERM unless STOPSIGNAL says
 * otherwise), then SIGKILL after the timeout. A program with a handler for the
 * signal exits as it does (nginx: 0); one without (sleep, sh, node as PID 1)
 * ignores it and is killed: 137. A stopped container is not restarted.
 */
export function stopContainer(engine: Engine, c: ContainerRecord, opts: StopOptions = {}): void {
  c.manuallyStopped = true;
  if (c.state.status === 'restarting') {
    if (c.restart) c.restart.at = undefined;
    setState(engine, c, { ...c.state, status: 'exited' });
    if (c.autoRemove) removeContainer(engine, c, true, true);
    return;
  }
  if (!isRunning(c)) return;
  const signal = parseSignal(c.config.StopSignal || 'SIGTERM');
  const timeout = opts.timeout ?? 10;
  const reaction = reactionOf(engine, c, signal, { timeout });
  // a live process got the signal and decides: it exits by itself, or the runtime kills it after the timeout
  if (reaction === 'continue' && timeout > 0 && c.state.status === 'running') return;
  const code = typeof reaction === 'object' && timeout > 0 && c.state.status === 'running' ? reaction.exit : 128 + SIGKILL;
  containerExited(engine, c, code, { cancelRestart: true });
}

/** What PID 1 does with `signal`: the live runtime's real process when it runs one, else the model's table. */
function reactionOf(engine: Engine, c: ContainerRecord, signal: number, stop?: { timeout: number }) {
  if (engine.live?.owns(c.id)) return engine.live.signal(c.id, signal, stop);
  return signalReaction(mainArgv(c), signal);
}

/** The argv of PID 1 (what the signal reaches). */
function mainArgv(c: ContainerRecord): string[] {
  return c.processes?.[0]?.argv ?? [c.path, ...c.args];
}

/**
 * `docker kill -s SIGNAL`: KILL ends any container (137); other signals reach
 * PID 1, which exits only if it handles them. KILL or the stop signal cancel
 * the restart policy; any kill counts as a manual stop for unless-stopped.
 */
export function killContainer(engine: Engine, c: ContainerRecord, signalText = 'KILL', ref = c.name): void {
  const signal = parseSignal(signalText);
  if (c.state.status === 'restarting') {
    c.manuallyStopped = true;
    if (c.restart) c.restart.at = undefined;
    setState(engine, c, { ...c.state, status: 'exited' });
    return;
  }
  if (!isRunning(c)) throw new DockerError(`Error response from daemon: Cannot kill container: ${ref}: Container ${c.id} is not running`);
  if (signal > 64) throw new DockerError(`Error response from daemon: Cannot kill container: ${ref}: The linux daemon does not support signal ${signal}`);
  c.manuallyStopped = true;
  const reaction = reactionOf(engine, c, signal);
  if (typeof reaction !== 'object') return;
  const stopSignal = parseSignal(c.config.StopSignal || 'SIGTERM');
  containerExited(engine, c, reaction.exit, { cancelRestart: signal === SIGKILL || signal === stopSignal });
}

/** `docker pause`: freezes the container's processes (the cgroup freezer). */
export function pauseContainer(engine: Engine, c: ContainerRecord): void {
  const st = c.state.status;
  if (st === 'paused') throw new DockerError(`Error response from daemon: Container ${c.id} is already paused`);
  if (st === 'restarting') throw new DockerError(`Error response from daemon: Container ${c.id} is restarting, wait until the container is running`);
  if (st !== 'running') throw new DockerError(`Error response from daemon: Container ${c.id} is not running`);
  setState(engine, c, { ...c.state, status: 'paused' }, false);
}

/** `docker unpause`: thaws a paused container. */
export function unpauseContainer(engine: Engine, c: ContainerRecord): void {
  if (c.state.status !== 'paused') throw new DockerError(`Error response from daemon: Container ${c.id} is not paused`);
  setState(engine, c, { ...c.state, status: 'running' }, false);
}

/** `docker restart`: stop (with the timeout) if it runs, then start again. */
export function restartContainer(engine: Engine, c: ContainerRecord, opts: StopOptions = {}): void {
  if (isRunning(c) || c.state.status === 'restarting') stopContainer(engine, c, opts);
  if (!engine.containers.has(c.id)) return;
  // a live process that handles the stop signal is still shutting down: it starts again once it has exited
  if (c.state.status === 'running' && engine.live?.owns(c.id)) return engine.live.startAfterExit(c.id);
  startContainer(engine, c);
}

/** `docker rename`: the daemon's checks and messages. */
export function renameContainer(engine: Engine, c: ContainerRecord, newName: string): void {
  const bare = newName.replace(/^\//, '');
  if (bare === c.name) throw new DockerError('Error response from daemon: Renaming a container with the same name as its current name');
  try {
    checkName(engine, newName, c);
  } catch (e) {
    if (!(e instanceof DockerError)) throw e;
    throw new DockerError(`Error response from daemon: Error when allocating new name: ${e.message.replace(/^Error response from daemon: /, '')}`);
  }
  const previous = c.name;
  c.name = bare;
  engine.emit({ type: 'container.renamed', containerId: c.id, name: bare, previous });
}

/** Removes a container and its writable layer (and, with `volumes`, its anonymous volumes). */
export function removeContainer(engine: Engine, c: ContainerRecord, force = false, volumes = false): void {
  if (!force) {
    if (c.state.status === 'paused') throw new DockerError(`Error response from daemon: You cannot remove a paused container ${c.id}. Unpause and then stop the container before attempting removal or force remove`);
    if (c.state.status === 'running' || c.state.status === 'restarting') {
      throw new DockerError(`Error response from daemon: You cannot remove a running container ${c.id}. Stop the container before attempting removal or force remove`);
    }
  }
  if (!engine.containers.has(c.id)) return;
  if (isRunning(c) || c.state.status === 'restarting') {
    c.manuallyStopped = true;
    c.autoRemove = false;
    if (c.restart) c.restart.at = undefined;
    if (isRunning(c)) containerExited(engine, c, 128 + SIGKILL, { cancelRestart: true });
  }
  setState(engine, c, { ...c.state, status: 'removing' }, false);
  engine.containers.delete(c.id);
  engine.emit({ type: 'container.removed', containerId: c.id, name: c.name });
  if (!volumes) return;
  for (const m of c.mounts) {
    const v = m.type === 'volume' && m.name ? engine.volumes.get(m.name) : undefined;
    if (v?.anonymous && volumeUsers(engine, v.name).length === 0) removeVolume(engine, v.name);
  }
}

/** Containers `docker container prune` removes: every one that is not running, paused or restarting. */
export function pruneContainers(engine: Engine, keep: (c: ContainerRecord) => boolean = () => false): { removed: string[]; reclaimed: number } {
  const removed: string[] = [];
  let reclaimed = 0;
  for (const c of [...engine.containers.values()].sort((a, b) => a.created - b.created)) {
    if (isRunning(c) || c.state.status === 'restarting' || keep(c)) continue;
    reclaimed += c.upper.size;
    removeContainer(engine, c);
    removed.push(c.id);
  }
  return { removed, reclaimed };
}

/** The state names Docker accepts in `--filter status=`. */
export const STATUSES: ContainerStatus[] = ['created', 'restarting', 'running', 'removing', 'paused', 'exited', 'dead'];

/** Host settings of any container (the builders' containers have none recorded). */
export function hostOf(c: ContainerRecord) {
  return c.host ?? defaultHostSettings();
}
