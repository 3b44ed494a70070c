/**
 * LiveProcesses: the engine's live runtime (src/engine/container/live.ts) on a
 * ProcessHost. When a container starts, it decides whether the command is a
 * Node app it can run (decide.ts), mounts the container's filesystem
 * (tree.ts) and spawns the program with the preload (preload.ts); output goes
 * to `docker logs` and, for an attached run, the console; the exit goes back to
 * the engine. Everything it cannot run stays simulated, and it remembers why,
 * for the "simulated process" badge.
 *
 * The host is connected lazily, once per page: the first command that can start
 * a container calls `prepare()`.
 */
import type { Engine } from '../../engine/engine.js';
import { liveExited, liveOutput, type LiveExec, type LiveRuntime, type LiveStart } from '../../engine/container/live.js';
import type { SignalReaction } from '../../engine/container/signals.js';
import { simulateMain, startContainer } from '../../engine/container/lifecycle.js';
import { DockerError } from '../../engine/errors.js';
import type { HttpResult } from '../../engine/container/http.js';
import { normalize } from '../../engine/fs/path.js';
import type { BackendOutput } from '../backend.js';
import { decide } from './decide.js';
import { TransientError, type HostProcess, type ProcessHost } from './host.js';
import { PRELOAD_SOURCE } from './preload.js';
import { containerTree, type FileSystemTree } from './tree.js';

/** Where the runtime stands: not asked yet, connecting, running processes, or unable to (and why). */
export type RuntimeStatus = { kind: 'idle' } | { kind: 'connecting' } | { kind: 'ready'; host: string } | { kind: 'unavailable'; reason: string };

/** How one container's process runs, for the badge and the preview. */
export interface ProcessView {
  containerId: string;
  name: string;
  /** `real`: a live process on the host; `starting`: waiting for the host to start; `simulated`: the engine's model. */
  mode: 'real' | 'starting' | 'simulated';
  /** Why it runs simulated (one line), or a note about the real run (dependencies installed). */
  reason?: string;
  /** The host that runs it (`WebContainer`). */
  host?: string;
  /** Published ports; `url` once the app listens on the container port. */
  ports: { hostPort: number; containerPort: number; url?: string }[];
}

/** Connects the host: resolves to it, or rejects with a one-line reason. */
export type HostConnector = () => Promise<ProcessHost>;

interface Live {
  id: string;
  short: string;
  name: string;
  /** Container port -> the host port the process really listens on. */
  portMap: Map<number, number>;
  proc?: HostProcess;
  /** Signals the program has handlers for (from the preload). */
  handlers: Set<number>;
  listening: Set<number>;
  urls: Map<number, string>;
  /** Set once the container left running in the engine, or the process ended: nothing is reported after. */
  ended: boolean;
  /** A stop signal was delivered: the exit cancels the restart policy. */
  stopping: boolean;
  /** Writes to the control file, chained so they land in order. */
  controlWrites: Promise<void>;
  /** `docker restart` waits for this exit, then starts the container again. */
  restart?: boolean;
  /** Claimed while the host is still starting (the page's first Node app). */
  pending?: boolean;
  killedBy?: number;
  note?: string;
  /** The console waiting on it (`docker run` without -d). */
  attached?: Attachment;
  /** Consoles following its log (`docker logs -f`). */
  followers: Attachment[];
  /** The end of a line not yet written to the log, per stream. */
  logPartial: Record<'stdout' | 'stderr', string>;
  exited: Promise<number>;
  resolveExit: (code: number) => void;
  timers: ReturnType<typeof setTimeout>[];
}

const SIGKILL = 9;
const POLL_MS = 150;
const CONTROL = '.layerlab';

/** The script `curl` runs inside the host: one GET, its status, headers and body as JSON. */
const FETCH_SCRIPT = `fetch(process.argv[1]).then(async (r) => { const headers = {}; r.headers.forEach((v, k) => (headers[k] = v)); process.stdout.write(JSON.stringify({ status: r.status, statusText: r.statusText, headers, body: await r.text() })); }, (e) => { process.stdout.write(JSON.stringify({ error: String(e && e.cause ? e.cause.code || e.cause.message : e) })); });`;

export class LiveProcesses implements LiveRuntime {
  status: RuntimeStatus = { kind: 'idle' };
  private host?: ProcessHost;
  private connecting?: Promise<void>;
  /** The last attempt failed in passing: the next start connects again. */
  private retry = false;
  private readonly live = new Map<string, Live>();
  /** Why containers run simulated, by container ID (kept while they run). */
  private readonly simulated = new Map<string, string>();
  private readonly listeners = new Set<() => void>();
  private preloadWritten = false;
  /** Live runs a console is attached to, for afterCommand. */
  private waiting: Attachment[] = [];
  private offEngine?: () => void;

  constructor(
    private readonly engine: Engine,
    private readonly connect: HostConnector,
  ) {
    engine.live = this;
    this.offEngine = engine.onEvent((e) => {
      if (e.type === 'container.state' && e.state !== 'running' && e.state !== 'paused') this.end(e.containerId);
      if (e.type === 'container.state' && e.state === 'paused') this.control(e.containerId, 'pause');
      if (e.type === 'container.state' && e.state === 'running' && e.previous === 'paused') this.control(e.containerId, 'resume');
      if (e.type === 'container.removed') {
        this.end(e.containerId);
        this.simulated.delete(e.containerId);
      }
      if (e.type === 'container.state' || e.type === 'container.removed') this.changed();
    });
  }

  /** Detaches from the engine and ends every live process. */
  dispose(): void {
    for (const id of [...this.live.keys()]) this.end(id);
    this.offEngine?.();
    if (this.engine.live === this) this.engine.live = undefined;
  }

  /** Subscribes to changes of `views()` and `status`. */
  onChange(cb: () => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }

  /** Connects the host once (later calls wait for the same attempt); never rejects. */
  prepare(): Promise<void> {
    if (this.status.kind === 'ready' || (this.status.kind === 'unavailable' && !this.retry)) return Promise.resolve();
    if (this.status.kind === 'unavailable') this.connecting = undefined;
    this.connecting ??= (async () => {
      this.status = { kind: 'connecting' };
      this.retry = false;
      this.changed();
      try {
        this.host = await this.connect();
        const host = this.host;
        host.onPortOpen?.((port) => this.hostPortOpened(host, port));
        this.status = { kind: 'ready', host: this.host.name };
      } catch (e) {
        this.status = { kind: 'unavailable', reason: e instanceof Error ? e.message : String(e) };
        // a passing failure (the page's own server was away when the chunk loaded): the next start tries again
        this.retry = e instanceof TransientError;
      }
      this.changed();
    })();
    return this.connecting;
  }

  owns(containerId: string): boolean {
    const l = this.live.get(containerId);
    return l !== undefined && !l.ended;
  }

  /** The engine starts a container: run it live when the host is up and the command is a Node app. */
  start(req: LiveStart): boolean {
    const c = req.container;
    this.simulated.delete(c.id);
    const decision = decide({ argv: req.argv, workdir: req.cwd, env: req.env, fs: req.fs });
    if (!decision.ok) return this.simulate(c.id, decision.reason);
    if (this.status.kind === 'unavailable' && !this.retry) return this.simulate(c.id, this.status.reason);
    if (req.user.uid !== 0) return this.simulate(c.id, `The container runs as user ${c.config.User}, and WebContainer has one user only.`);
    const { tree, synthetic } = containerTree(req.fs, '/');
    const modules = normalize('node_modules', decision.cwd) + '/';
    const needsInstall = synthetic.some((p) => p.startsWith(modules)) && req.fs.stat(normalize('package.json', decision.cwd))?.type === 'file';
    let resolveExit!: (code: number) => void;
    const exited = new Promise<number>((r) => (resolveExit = r));
    const l: Live = {
      id: c.id,
      short: c.id.slice(0, 12),
      name: c.name,
      portMap: new Map(),
      handlers: new Set(),
      listening: new Set(),
      urls: new Map(),
      ended: false,
      stopping: false,
      attached: req.attached ? new Attachment() : undefined,
      followers: [],
      controlWrites: Promise.resolve(),
      logPartial: { stdout: '', stderr: '' },
      exited,
      resolveExit,
      timers: [],
      note: needsInstall ? 'The image models its npm dependencies by size only: WebContainer installed them for real before starting.' : undefined,
    };
    this.live.set(c.id, l);
    if (l.attached) this.waiting.push(l.attached);
    const ports = Object.keys({ ...(c.config.ExposedPorts ?? {}), ...(c.host?.portBindings ?? {}) })
      .filter((p) => p.endsWith('/tcp'))
      .map((p) => Number(p.split('/')[0]));
    const launch = (host: ProcessHost) =>
      this.launch(host, l, tree, decision, ports, needsInstall).catch((e: unknown) => {
        const msg = e instanceof Error ? e.message : String(e);
        this.output(l, 'stderr', `layerlab: WebContainer could not start the process: ${msg}\n`);
        this.finish(l, 127);
      });
    if (this.host) void launch(this.host);
    else {
      // the first Node app of the page: the container is claimed while WebContainer boots, so no command waits for the boot
      l.pending = true;
      // a console waiting on it hears why, when the boot takes a moment
      if (l.attached) l.timers.push(setTimeout(() => l.pending && l.attached?.push('stderr', 'layerlab: starting WebContainer to run this Node app for real…\n'), 300));
      void this.prepare().then(() => {
        l.pending = false;
        if (l.ended) return;
        if (this.host) void launch(this.host);
        else this.fallBack(l, this.status.kind === 'unavailable' ? this.status.reason : 'WebContainer did not start.');
      });
    }
    this.changed();
    return true;
  }

  /** A claimed container whose host did not start: the model runs its PID 1 after all, as the start would have. */
  private fallBack(l: Live, reason: string): void {
    this.live.delete(l.id);
    l.ended = true;
    this.simulated.set(l.id, reason);
    const c = this.engine.containers.get(l.id);
    const a = l.attached;
    a?.push('stderr', `layerlab: the process runs simulated: ${reason}\n`);
    if (!c || c.state.status !== 'running') {
      a?.end(c?.state.exitCode ?? 0);
      return this.changed();
    }
    let code: number;
    try {
      const res = simulateMain(this.engine, c, a !== undefined);
      // a TTY has one stream, as the model's own output does
      if (res.stdout) a?.push('stdout', res.stdout);
      if (res.stderr) a?.push(c.config.Tty ? 'stdout' : 'stderr', res.stderr);
      code = res.exitCode;
    } catch (e) {
      if (!(e instanceof DockerError)) throw e;
      a?.push('stderr', e.message + '\n');
      code = 126;
    }
    l.resolveExit(code);
    a?.end(code);
    this.changed();
  }

  private simulate(id: string, reason: string): false {
    this.simulated.set(id, reason);
    this.changed();
    return false;
  }

  private async launch(host: ProcessHost, l: Live, tree: FileSystemTree, d: { argv: string[]; cwd: string; env: Record<string, string> }, ports: number[], install: boolean): Promise<void> {
    const dir = `containers/${l.short}`;
    const control = `${CONTROL}/${l.short}`;
    // the modelled node_modules hold package.json files without code: npm would take them as installed
    if (install) dropPath(tree, normalize('node_modules', d.cwd));
    await host.mount(dir, tree);
    if (!this.preloadWritten) {
      await host.writeFile(`${CONTROL}/pid1.cjs`, PRELOAD_SOURCE);
      this.preloadWritten = true;
    }
    await host.rm(control);
    await host.writeFile(`${control}/signal`, '');
    for (const p of ports) l.portMap.set(p, await host.freePort());
    if (l.ended) return;
    const cwd = dir + d.cwd.replace(/\/$/, '');
    if (install) {
      const npm = await host.spawn('npm', ['install', '--no-audit', '--no-fund'], { cwd, env: {} });
      const code = await npm.exit;
      if (code !== 0) throw new Error(`npm install of the image's dependencies failed (exit ${code})`);
      if (l.ended) return;
    }
    const env = { ...hostEnv(host, l, d.env), LAYERLAB_CONTROL: `${host.root}/${control}`, LAYERLAB_STATUS: `${host.root}/${control}` };
    const proc = await host.spawn(d.argv[0]!, hostArgs(host, dir, d.argv), { cwd, env });
    l.proc = proc;
    if (l.ended) {
      proc.kill();
      return;
    }
    proc.onOutput((stream, text) => this.output(l, stream, text));
    void proc.exit.then((code) => this.finish(l, l.killedBy ? 128 + l.killedBy : code));
    void this.poll(host, l, control);
  }

  /** Reads what the preload reports (signal handlers, ports listening) while the process runs. */
  private async poll(host: ProcessHost, l: Live, control: string): Promise<void> {
    while (!l.ended) {
      const handlers = await host.readFile(`${control}/handlers`);
      if (handlers !== null) l.handlers = new Set(handlers.trim().split(',').filter(Boolean).map(Number));
      const listening = await host.readFile(`${control}/listening`);
      for (const p of (listening ?? '').split('\n').filter(Boolean).map(Number)) this.listening(host, l, p);
      await new Promise<void>((r) => setTimeout(r, POLL_MS));
    }
  }

  /** The app listens on container port `port`: its preview URL is asked for once. */
  private listening(host: ProcessHost, l: Live, port: number): void {
    if (l.listening.has(port)) return;
    l.listening.add(port);
    void host.previewUrl(l.portMap.get(port) ?? port).then((url) => {
      l.urls.set(port, url);
      this.changed();
    });
  }

  /**
   * The host saw a port open (WebContainer's own port event). Normally the preload has said
   * so already; if it could not load, the app listened on its unmapped container port, which
   * then becomes the map's answer, so the preview and curl still reach it.
   */
  private hostPortOpened(host: ProcessHost, port: number): void {
    for (const l of this.live.values()) {
      if (l.ended) continue;
      for (const [containerPort, mapped] of l.portMap) if (mapped === port) return this.listening(host, l, containerPort);
    }
    for (const l of this.live.values()) {
      if (l.ended || !l.portMap.has(port) || l.listening.has(port)) continue;
      l.portMap.set(port, port);
      return this.listening(host, l, port);
    }
  }

  private output(l: Live, stream: 'stdout' | 'stderr', text: string): void {
    if (l.ended) return;
    // the log keeps whole lines, as Docker's log driver does; a partial line waits for its end
    const parts = (l.logPartial[stream] + text).split('\n');
    l.logPartial[stream] = parts.pop()!;
    if (parts.length > 0) liveOutput(this.engine, l.id, stream, parts.map((p) => p.replace(/\r$/, '') + '\n').join(''));
    l.attached?.push(stream, text);
    for (const f of l.followers) f.push(stream, text);
  }

  /** The process ended by itself (or was killed for a signal): the engine applies the exit. */
  private finish(l: Live, code: number): void {
    if (l.ended) return;
    this.release(l, code);
    liveExited(this.engine, l.id, code, { stopped: l.stopping });
    const c = this.engine.containers.get(l.id);
    if (l.restart && c) {
      try {
        startContainer(this.engine, c);
      } catch (e) {
        if (!(e instanceof DockerError)) throw e;
      }
    }
    this.changed();
  }

  /** The engine says the container is no longer running (stop, kill, rm -f, undo): end the process quietly. */
  private end(id: string): void {
    const l = this.live.get(id);
    if (!l) return;
    l.proc?.kill();
    this.release(l, this.engine.containers.get(id)?.state.exitCode ?? 128 + SIGKILL);
  }

  /** Forgets a process that ended: its timers, its files on the host; wakes a console waiting on it. */
  private release(l: Live, code: number): void {
    for (const stream of ['stdout', 'stderr'] as const) if (l.logPartial[stream]) liveOutput(this.engine, l.id, stream, l.logPartial[stream]);
    l.ended = true;
    for (const t of l.timers) clearTimeout(t);
    this.live.delete(l.id);
    l.resolveExit(code);
    l.attached?.end(code);
    for (const f of l.followers.splice(0)) f.end(0);
    void this.host?.rm(`containers/${l.short}`).catch(() => {});
    void this.host?.rm(`${CONTROL}/${l.short}`).catch(() => {});
  }

  startAfterExit(containerId: string): void {
    const l = this.live.get(containerId);
    if (l && !l.ended) l.restart = true;
  }

  /** `docker logs -f` of a live container: the console gets what the app prints next, until it exits (then 0). */
  follow(containerId: string): boolean {
    const l = this.live.get(containerId);
    if (!l || l.ended) return false;
    const a = new Attachment();
    l.followers.push(a);
    this.waiting.push(a);
    return true;
  }

  /** `docker exec` of node, npm or npx in a live container: a second process in the same folder, ports mapped the same way. */
  exec(req: LiveExec): boolean {
    const l = this.live.get(req.containerId);
    const host = this.host;
    if (!l || l.ended || !host || !l.proc) return false;
    const d = decide({ argv: req.argv, workdir: req.cwd, env: req.env, fs: req.fs });
    if (!d.ok) return false;
    const a = new Attachment();
    if (req.attached) this.waiting.push(a);
    const dir = `containers/${l.short}`;
    void host.spawn(d.argv[0]!, hostArgs(host, dir, d.argv), { cwd: dir + d.cwd.replace(/\/$/, ''), env: hostEnv(host, l, d.env) }).then(
      (proc) => {
        proc.onOutput((stream, text) => a.push(stream, text));
        void proc.exit.then((code) => a.end(code));
      },
      (e: unknown) => {
        a.push('stderr', `layerlab: WebContainer could not run it: ${e instanceof Error ? e.message : String(e)}\n`);
        a.end(126);
      },
    );
    return true;
  }

  /** A signal from `docker stop` or `docker kill`: what the real process does with it. */
  signal(containerId: string, signal: number, stop?: { timeout: number }): SignalReaction {
    const l = this.live.get(containerId);
    if (!l || l.ended) return 'ignored';
    if (signal === SIGKILL) return { exit: 128 + SIGKILL };
    if (!l.handlers.has(signal)) return 'ignored';
    if (stop) {
      l.stopping = true;
      // the daemon sends SIGKILL when the timeout passes
      l.timers.push(setTimeout(() => {
        l.killedBy = SIGKILL;
        l.proc?.kill();
      }, stop.timeout * 1000));
    }
    this.control(containerId, String(signal));
    return 'continue';
  }

  /** Appends a line (a signal number, `pause`, `resume`) to a live process's control file; writes stay in order. */
  private control(containerId: string, line: string): void {
    const l = this.live.get(containerId);
    const host = this.host;
    if (!l || l.ended || !host) return;
    const file = `${CONTROL}/${l.short}/signal`;
    l.controlWrites = l.controlWrites.then(async () => host.writeFile(file, `${(await host.readFile(file)) ?? ''}${line}\n`)).catch(() => {});
  }

  /**
   * After a command: waits for what it left the console attached to (a live `docker run`
   * without -d streams the app's output until it exits; Ctrl-C detaches and gives 130) and
   * for a stop waiting on a real process. Returns the exit code to report, or undefined
   * when nothing waited.
   */
  async afterCommand(out: BackendOutput, signal?: AbortSignal): Promise<number | undefined> {
    let code: number | undefined;
    for (const l of [...this.live.values()]) if (l.stopping && !l.ended) await Promise.race([l.exited, aborted(signal)]);
    for (const a of this.waiting.splice(0)) {
      for (;;) {
        for (const [stream, line] of a.lines.splice(0)) {
          if (stream === 'stderr') out.stderr(line);
          else out.stdout(line);
        }
        if (a.code !== undefined) break;
        if (signal?.aborted) {
          a.detach();
          return 130;
        }
        await Promise.race([new Promise<void>((r) => (a.wake = r)), aborted(signal)]);
      }
      code = a.code;
    }
    return code;
  }

  /** `curl localhost:PORT/PATH` for a port a live process serves; undefined when none does. */
  async request(hostPort: number, path: string): Promise<HttpResult | undefined> {
    if (!this.host) return undefined;
    for (const c of this.engine.containers.values()) {
      const l = this.live.get(c.id);
      if (!l || l.ended || c.state.status !== 'running') continue;
      for (const [port, bindings] of Object.entries(c.ports ?? {})) {
        if (!bindings.some((b) => Number(b.HostPort) === hostPort)) continue;
        const containerPort = Number(port.split('/')[0]);
        const real = l.portMap.get(containerPort) ?? containerPort;
        const proc = await this.host.spawn('node', ['-e', FETCH_SCRIPT, `http://127.0.0.1:${real}${path}`], { cwd: '.', env: {} });
        let text = '';
        proc.onOutput((s, t) => s === 'stdout' && (text += t));
        await proc.exit;
        try {
          const r = JSON.parse(text.slice(text.indexOf('{'))) as HttpResult | { error: string };
          if ('error' in r) return { error: `Failed to connect to localhost port ${hostPort} after 0 ms: Connection refused` };
          return r;
        } catch {
          return { error: `Failed to connect to localhost port ${hostPort} after 0 ms: Connection refused` };
        }
      }
    }
    return undefined;
  }

  /** Running containers and how their processes run (live first, then simulated with the reason). */
  views(): ProcessView[] {
    const out: ProcessView[] = [];
    for (const c of this.engine.containers.values()) {
      if (c.state.status !== 'running' && c.state.status !== 'paused') continue;
      const ports = Object.entries(c.ports ?? {}).flatMap(([p, bs]) => bs.filter((b) => b.HostIp !== '::').map((b) => ({ hostPort: Number(b.HostPort), containerPort: Number(p.split('/')[0]) })));
      const l = this.live.get(c.id);
      if (l && !l.ended) {
        out.push({ containerId: c.id, name: c.name, mode: l.pending ? 'starting' : 'real', host: this.host?.name, reason: l.pending ? 'WebContainer is starting (it loads from the internet); the app runs once it is up.' : l.note, ports: ports.map((p) => ({ ...p, url: l.urls.get(p.containerPort) })) });
      } else {
        out.push({ containerId: c.id, name: c.name, mode: 'simulated', reason: this.simulated.get(c.id) ?? 'It was started before this page connected to WebContainer.', ports });
      }
    }
    return out;
  }

  /** After undo, redo, reset or a restore: end processes whose container no longer runs. */
  reconcile(): void {
    for (const l of [...this.live.values()]) {
      const c = this.engine.containers.get(l.id);
      if (!c || (c.state.status !== 'running' && c.state.status !== 'paused')) this.end(l.id);
    }
    this.changed();
  }
}

/** A live process's environment: the container's, with the preload and the port map (PATH is the host's own). */
function hostEnv(host: ProcessHost, l: Live, env: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = { ...env, NODE_OPTIONS: [`--require ${host.root}/${CONTROL}/pid1.cjs`, env.NODE_OPTIONS ?? ''].join(' ').trim(), LAYERLAB_PORTS: [...l.portMap].map(([c, h]) => `${c}:${h}`).join(',') };
  delete out.PATH;
  return out;
}

/** A command's arguments on the host: absolute paths point into the container's root, which is `dir` there. */
function hostArgs(host: ProcessHost, dir: string, argv: string[]): string[] {
  return argv.slice(1).map((a) => (a.startsWith('/') ? `${host.root}/${dir}${a}` : a));
}

/** What a console attached to a live process receives: its lines as they complete, then its exit code. */
class Attachment {
  lines: ['stdout' | 'stderr', string][] = [];
  private partial = { stdout: '', stderr: '' };
  private detached = false;
  code?: number;
  wake?: () => void;

  push(stream: 'stdout' | 'stderr', text: string): void {
    if (this.detached) return;
    const parts = (this.partial[stream] + text).split('\n');
    this.partial[stream] = parts.pop()!;
    for (const line of parts) this.lines.push([stream, line.replace(/\r$/, '')]);
    this.wake?.();
  }

  end(code: number): void {
    if (this.code !== undefined) return;
    for (const s of ['stdout', 'stderr'] as const) if (this.partial[s]) this.lines.push([s, this.partial[s]]);
    this.code = code;
    this.wake?.();
  }

  /** Ctrl-C: the console stops waiting; the process goes on. */
  detach(): void {
    this.detached = true;
    this.lines = [];
  }
}

/** Removes `path` (absolute) from a tree rooted at /. */
function dropPath(tree: FileSystemTree, path: string): void {
  const parts = path.split('/').filter(Boolean);
  let dir = tree;
  for (const p of parts.slice(0, -1)) {
    const next = dir[p];
    if (!next || !('directory' in next)) return;
    dir = next.directory;
  }
  delete dir[parts.at(-1)!];
}

function aborted(signal?: AbortSignal): Promise<void> {
  return new Promise((r) => {
    if (!signal) return;
    if (signal.aborted) r();
    signal.addEventListener('abort', () => r(), { once: true });
  });
}
