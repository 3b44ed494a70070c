/**
 * RemoteBackend: real mode. The console's shell and the learner's workspace stay in the page
 * (an inner SimBackend, whose undo covers file edits), while every `docker` command goes to
 * the companion server and runs on a real engine. The server streams the simulator's event
 * vocabulary and the world as views draw it, so visuals and lesson checks read the same shape.
 */
import type { EngineEvent } from '../shared/events.js';
import type { Answer, Query } from '../shared/protocol.js';
import type { LayerEntryView, PathInfo, PathPlace, WorldView } from '../shared/world.js';
import type { Backend, BackendEvent, BackendOutput, BackendSettings, WorkspaceAccess } from './backend.js';
import type { RemoteConnection } from './remote-connection.js';
import { buildContextFor } from './remote-context.js';
import { SimBackend } from './sim.js';

const EMPTY_WORLD: WorldView = { images: [], containers: [], volumes: [], registries: [] } as unknown as WorldView;

/** Commands that get the console's TTY: `-t`/`-it` given to run, create+start, exec. */
function wantsTty(argv: string[]): boolean {
  const cmd = argv[0] === 'container' ? argv[1] : argv[0];
  if (cmd !== 'run' && cmd !== 'exec') return false;
  for (const a of argv.slice(argv[0] === 'container' ? 2 : 1)) {
    if (!a.startsWith('-')) return false; // flags end at the image or container name
    if (a === '--tty' || a === '--tty=true' || /^-[a-zA-Z]*t[a-zA-Z]*$/.test(a)) return true;
  }
  return false;
}

export class RemoteBackend implements Backend {
  readonly label: string;
  private readonly inner: SimBackend;
  private current: WorldView = EMPTY_WORLD;
  private readonly listeners = new Set<(e: BackendEvent) => void>();
  private readonly offs: (() => void)[] = [];
  /** build.context and build.stages of the build in flight (see docker()). */
  private buildExtras: EngineEvent[] = [];
  /** Answers from the server for the current world (paths) and for good (layers, by diff ID). */
  private readonly paths = new Map<string, PathInfo | null>();
  private readonly layers = new Map<string, LayerEntryView[] | null>();
  /** Queries in flight, by cache key. */
  private readonly asked = new Set<string>();
  private readonly settled = new Set<() => void>();

  constructor(private readonly conn: RemoteConnection) {
    this.label = `Real Docker on ${conn.welcome.engine.host}`;
    this.inner = new SimBackend({ docker: (words, env, out, signal) => this.docker(words.slice(1), env, out, signal) });
    this.offs.push(
      this.inner.onEvent((e) => e.type === 'workspace.changed' && this.emit(e)),
      conn.onEvent((e) => {
        this.emit(e);
        // the context and stage views' events, computed in the page, follow the server's build.start
        if (e.type === 'build.start' && this.buildExtras.length) {
          for (const x of this.buildExtras.splice(0)) this.emit(x);
        }
      }),
      conn.onClose(() => {
        // nothing more will come: whoever waits stops waiting
        this.asked.clear();
        this.wake();
      }),
      conn.onWorld((w) => {
        this.current = w;
        // what was at a path may have changed; layers are content-addressed, only their misses are retried
        this.paths.clear();
        for (const [d, e] of this.layers) if (e === null) this.layers.delete(d);
        this.wake();
        // the views redraw from world(): tell them something changed
        this.emit({ type: 'world.changed' });
      }),
    );
  }

  /** Base images the server has (what FROM may name in real mode). */
  get baseImages(): string[] {
    return this.conn.welcome.baseImages;
  }

  get settings(): BackendSettings {
    return this.inner.settings;
  }

  get workspace(): WorkspaceAccess {
    return this.inner.workspace;
  }

  get history(): string[] {
    return this.inner.history;
  }

  set history(h: string[]) {
    this.inner.history = h;
  }

  get canUndo(): boolean {
    return this.inner.canUndo;
  }

  get canRedo(): boolean {
    return this.inner.canRedo;
  }

  run(line: string, out: BackendOutput, signal?: AbortSignal): Promise<number> {
    // `demo NAME key=value...`: a container made by hand on the server (namespace runner)
    const words = line.trim().split(/\s+/);
    if (words[0] === 'demo') {
      this.inner.history.push(line.trim());
      const params: Record<string, string | number> = {};
      for (const w of words.slice(2)) {
        const eq = w.indexOf('=');
        if (eq <= 0) {
          out.stderr(`demo: parameters are KEY=VALUE, not ${w}`);
          return Promise.resolve(2);
        }
        const v = w.slice(eq + 1);
        params[w.slice(0, eq)] = /^\d+$/.test(v) ? Number(v) : v;
      }
      return this.conn.demo(words[1] ?? '', params, { out: (s, t) => (s === 'stdout' ? out.stdout(t) : out.stderr(t)), tty: () => undefined }, signal);
    }
    // `reset --yes` starts over on the engine too (a lesson's start does this)
    if (words[0] === 'reset' && (words[1] === '--yes' || words[1] === '-y') && words.length === 2) {
      return this.conn.reset({ out: (s, t) => (s === 'stdout' ? out.stdout(t) : out.stderr(t)), tty: () => undefined }).then((code) => (code ? code : this.inner.run(line, out, signal)));
    }
    return this.inner.run(line, out, signal);
  }

  complete(line: string, cursor: number): string[] {
    return this.inner.complete(line, cursor);
  }

  world(): WorldView {
    return this.current;
  }

  layerEntries(diffId: string): LayerEntryView[] | undefined {
    // content-addressed: an answer holds for good (a null one until the world changes)
    const known = this.layers.get(diffId);
    if (known !== undefined) return known ?? undefined;
    if (!this.asked.has(`layer:${diffId}`)) this.ask(`layer:${diffId}`, { kind: 'layer', diffId }, (a) => this.layers.set(diffId, a.entries ?? null));
    return undefined;
  }

  pathInfo(where: PathPlace, path: string): PathInfo | null {
    const key = `path:${JSON.stringify([where, path])}`;
    const known = this.paths.get(key);
    if (known !== undefined) return known;
    if (!this.asked.has(key)) this.ask(key, { kind: 'path', where, path }, (a) => this.paths.set(key, a.pathInfo ?? null));
    return null;
  }

  async settle(): Promise<void> {
    // the server sends the world right after a command's exit; answers may ask for more answers
    while (this.conn.pendingWorlds || this.asked.size) await new Promise<void>((r) => this.settled.add(r));
  }

  onEvent(cb: (e: BackendEvent) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  snapshot(): unknown {
    return this.inner.snapshot();
  }

  restore(snapshot: unknown): void {
    this.inner.restore(snapshot);
  }

  undo(): boolean {
    return this.inner.undo();
  }

  redo(): boolean {
    return this.inner.redo();
  }

  /** Called once if the session ends by itself (the server stopped, the network went away). */
  onDisconnect(cb: (reason: string) => void): () => void {
    return this.conn.onClose(cb);
  }

  /** Closes the session (the server then removes what it made). */
  dispose(): void {
    for (const off of this.offs) off();
    this.conn.close();
    this.inner.dispose();
  }

  private emit(e: BackendEvent): void {
    for (const cb of this.listeners) cb(e);
  }

  private ask(key: string, query: Query, keep: (a: Answer) => void): void {
    this.asked.add(key);
    void this.conn.query(query).then((a) => {
      this.asked.delete(key);
      keep(a);
      // checks and views read again, now with the answer
      this.emit({ type: 'world.changed' });
      this.wake();
    });
  }

  private wake(): void {
    if (this.conn.pendingWorlds || this.asked.size) return;
    for (const r of this.settled) r();
    this.settled.clear();
  }

  /** One docker command on the server: build contexts travel with it, a TTY command takes the keyboard. */
  private async docker(argv: string[], env: Record<string, string>, out: BackendOutput, signal?: AbortSignal): Promise<number> {
    const ctx = buildContextFor(this.inner.ws, argv, env.DOCKER_BUILDKIT === '0' ? 'classic' : 'buildkit');
    if (ctx && 'error' in ctx) {
      out.stderr(ctx.error);
      return 1;
    }
    this.buildExtras = ctx?.events ?? [];
    const tty = out.tty?.takeInput ? wantsTty(argv) : false;
    const cmd = this.conn.docker(ctx?.argv ?? argv, { env, context: ctx?.context, tty }, { out: (stream, text) => (stream === 'stdout' ? out.stdout(text) : out.stderr(text)), tty: (data) => out.tty?.write(data) }, signal);
    if (tty && out.tty?.takeInput) {
      const release = out.tty.takeInput((data) => cmd.stdin(data));
      cmd.resize(out.tty.columns, out.tty.rows ?? 24);
      try {
        return await cmd.done;
      } finally {
        release();
      }
    }
    return cmd.done;
  }
}
