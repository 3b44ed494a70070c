/**
 * SimBackend: the whole Docker world in the page. An engine, a workspace of
 * build contexts at /workspace, a tiny shell (variables, `&&`, `;`, `>`) and
 * undo/redo per command line.
 */
import { BuildContext } from '../engine/build/context.js';
import type { BuildStepEvent } from '../shared/events.js';
import { runDocker } from '../cli/docker.js';
import { MemoryWorkspace } from '../cli/memory-workspace.js';
import { QuoteError, splitWords } from '../cli/words.js';
import type { Checkpoint, EngineSnapshot } from '../engine/engine.js';
import { createEngine, type Engine } from '../engine/index.js';
import { preloadOracleBase } from '../engine/oracle-base.js';
import { isWorkspaceCommand, parseRedirect, runWorkspaceCommand, writeRedirect, type Redirect, type ShellContext } from '../console/commands.js';
import { completeLine } from '../console/complete.js';
import { planTransfer, playTransfer, type TransferPlan } from '../console/transfer-progress.js';
import type { LayerEntryView, PathInfo, PathPlace, WorldView } from '../shared/world.js';
import type { Backend, BackendEvent, BackendOutput, BackendSettings, WorkspaceAccess, WorkspaceEntry } from './backend.js';
import { layerEntriesOf, pathInfoOf, worldOf } from './sim-world.js';
import { httpGet, type HttpResult } from '../engine/container/http.js';
import { runCurl } from '../console/curl.js';
import { LiveProcesses, type HostConnector } from './webcontainer/runtime.js';

/** Where the learner's files live. */
export const WORKSPACE_ROOT = '/workspace';

/** The files a fresh workspace starts with, relative to WORKSPACE_ROOT. */
export const STARTER_FILES: Record<string, string> = {
  'app/Dockerfile': 'FROM node:20-alpine\nWORKDIR /app\nCOPY package.json ./\nRUN npm install\nCOPY . .\nCMD ["node", "app.js"]\n',
  'app/package.json': '{\n  "name": "app",\n  "version": "1.0.0",\n  "main": "app.js",\n  "scripts": { "start": "node app.js" }\n}\n',
  'app/app.js': "console.log('Hello from a container!');\n",
  'app/.dockerignore': 'node_modules\nnpm-debug.log\n.git\n',
  'hello/Dockerfile': 'FROM oracle-base:local\nCOPY hello.txt /hello.txt\nCMD ["cat", "/hello.txt"]\n',
  'hello/hello.txt': 'Hello from Layerlab!\n',
};

/** Starter mtime: fixed so a fresh world is the same every time. */
const STARTER_MTIME = 1_700_000_000;

type WsNode = MemoryWorkspace['nodes'] extends Map<string, infer N> ? N : never;

/** A saved state for undo: the engine's checkpoint and a copy of the workspace. */
interface UndoState {
  engine: Checkpoint;
  nodes: Map<string, WsNode>;
  cwd: string;
  oldPwd: string;
}

/** JSON form of a SimBackend (see snapshot()). */
export interface SimSnapshot {
  kind: 'layerlab.sim';
  version: 1;
  engine: EngineSnapshot;
  workspace: {
    cwd: string;
    oldPwd: string;
    nodes: { path: string; type: WsNode['type']; mode: number; mtime: number; data?: string; target?: string }[];
  };
  settings: BackendSettings;
  vars: Record<string, string>;
}

export interface SimBackendOptions {
  /** Seed of the engine's random generator (IDs, timings). */
  seed?: number;
  settings?: Partial<BackendSettings>;
  /** How many undo steps to keep. */
  undoLimit?: number;
  /**
   * Real mode: `docker` commands go here instead of the simulated engine (the shell, the
   * workspace and its undo stay in the page). See RemoteBackend.
   */
  docker?: DockerRunner;
  /**
   * Runs Node apps in containers for real (WebContainer in the page): connected on the
   * first command that can start a container. Without it every process is simulated.
   */
  live?: HostConnector;
}

/** Runs one `docker` command somewhere else: `words` start with `docker`; resolves to the exit code. */
export type DockerRunner = (words: string[], env: Record<string, string>, out: BackendOutput, signal?: AbortSignal) => Promise<number>;

/** A docker command runSimple hands back to run(), which awaits it (real mode). */
interface PendingDocker {
  words: string[];
  env: Record<string, string>;
  redirect?: Redirect;
}

/** The in-page backend: a simulated Docker engine and an in-memory workspace. */
export class SimBackend implements Backend {
  readonly label = 'Simulated';
  readonly settings: BackendSettings;
  history: string[] = [];
  engine: Engine;
  readonly ws: MemoryWorkspace;
  readonly workspace: WorkspaceAccess;
  private readonly seed: number;
  private readonly undoLimit: number;
  private readonly dockerRunner?: DockerRunner;
  private oldPwd = WORKSPACE_ROOT;
  /** Shell variables set with `VAR=value`. */
  private vars: Record<string, string> = {};
  private lastCode = 0;
  private undoStack: UndoState[] = [];
  private redoStack: UndoState[] = [];
  private readonly listeners = new Set<(e: BackendEvent) => void>();
  private unsubscribeEngine: () => void;
  /** Engine events held back while a pull or push is drawn, released when it completes. */
  private held: BackendEvent[] | null = null;
  /** Depth of `$(...)` being run (real mode cannot await inside one). */
  private capturing = 0;
  /** Live processes (WebContainer), when the page can have them. */
  readonly live?: LiveProcesses;

  constructor(opts: SimBackendOptions = {}) {
    this.seed = opts.seed ?? 1;
    this.undoLimit = opts.undoLimit ?? 50;
    this.dockerRunner = opts.docker;
    this.settings = { builder: 'buildkit', ...opts.settings };
    this.ws = new MemoryWorkspace();
    this.engine = freshEngine(this.seed);
    this.unsubscribeEngine = this.engine.onEvent((e) => (this.held ? this.held.push(e) : this.emit(e)));
    this.fillStarter();
    this.workspace = this.makeWorkspaceAccess();
    if (opts.live && !opts.docker) this.live = new LiveProcesses(this.engine, opts.live);
  }

  get canUndo(): boolean {
    return this.undoStack.length > 0;
  }

  get canRedo(): boolean {
    return this.redoStack.length > 0;
  }

  /** Subscribes to engine and workspace events; returns the unsubscribe function. */
  onEvent(cb: (e: BackendEvent) => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  private emit(e: BackendEvent): void {
    for (const l of this.listeners) l(e);
  }

  /** The views' picture of the engine (see sim-world.ts). */
  world(): WorldView {
    return worldOf(this.engine);
  }

  layerEntries(diffId: string): LayerEntryView[] | undefined {
    return layerEntriesOf(this.engine, diffId);
  }

  pathInfo(where: PathPlace, path: string): PathInfo | null {
    return pathInfoOf(this.engine, where, path);
  }

  /** Tab-completion candidates (see completeLine). */
  complete(line: string, cursor: number): string[] {
    return completeLine(line, cursor, { engine: this.engine, ws: this.ws });
  }

  /** Runs one console line: `a && b`, `a; b`, `VAR=x`, `$VAR`, `> file`. */
  async run(line: string, out: BackendOutput, signal?: AbortSignal): Promise<number> {
    const trimmed = line.trim();
    if (!trimmed) return this.lastCode;
    this.history.push(trimmed);
    let segments: Segment[];
    try {
      segments = splitSequence(trimmed);
    } catch (e) {
      if (!(e instanceof QuoteError)) throw e;
      out.stderr(`bash: unexpected EOF while looking for matching \`${e.message}'`);
      return (this.lastCode = 2);
    }
    // the first command that can start a container connects the live runtime (once per page); nothing waits for it:
    // a Node app started meanwhile is claimed and runs when the runtime is up (or simulated if it cannot start)
    if (this.live && /\bdocker\s+(container\s+)?(run|create|start|restart)\b/.test(trimmed)) void this.live.prepare();
    const before = this.saveState();
    const wsBefore = new Map(this.ws.nodes);
    const mtimes = new Map([...this.ws.nodes].map(([k, n]) => [k, n.mtime]));
    let events = 0;
    const off = this.engine.onEvent(() => events++);
    let code = 0;
    let undoRedo = false;
    try {
      for (let i = 0; i < segments.length; i++) {
        const seg = segments[i]!;
        if (i > 0) {
          if (signal?.aborted) return (code = 130);
          const op = segments[i - 1]!.op;
          if (op === '&&' && code !== 0) continue;
          if (op === '||' && code === 0) continue;
        }
        if (signal?.aborted) return (code = 130);
        const eventsBefore = events;
        const r = this.runSimple(seg.text, out, signal);
        code = r.code;
        if (r.docker) code = await this.runElsewhere(r.docker, out, signal);
        if (r.later) code = await r.later();
        // a live `docker run` without -d (or exec, logs -f): the console stays attached until it ends
        const waited = await this.live?.afterCommand(out, signal);
        if (waited !== undefined) code = waited;
        if (r.transfer) {
          code = await this.playTransfer(r.transfer, out, signal);
          // a cancelled transfer was taken back: nothing to undo
          if (code === 130) events = eventsBefore;
        }
        undoRedo ||= r.undoRedo;
        this.lastCode = code;
      }
      return code;
    } finally {
      off();
      this.lastCode = code;
      const wsChanged = this.ws.cwd !== before.cwd || this.ws.nodes.size !== wsBefore.size || [...this.ws.nodes].some(([k, n]) => wsBefore.get(k) !== n || mtimes.get(k) !== n.mtime);
      if (!undoRedo && (events > 0 || wsChanged)) this.pushUndo(before);
      if (wsChanged) this.emit({ type: 'workspace.changed' });
    }
  }

  /**
   * Draws a finished pull or push on the terminal at the link's speed. Ctrl-C part-way
   * takes the transfer back (as a cancelled pull leaves no image) and gives 130.
   */
  private async playTransfer(t: PendingTransfer, out: BackendOutput, signal?: AbortSignal): Promise<number> {
    const events = this.held ?? [];
    try {
      const done = await playTransfer(t.plan, out.tty!, signal);
      if (!done) {
        this.engine.rollback(t.before);
        return 130;
      }
    } finally {
      this.held = null;
    }
    for (const e of events) this.emit(e);
    for (const l of t.plan.trailer) out.stdout(l);
    return t.code;
  }

  /** Real mode: awaits a docker command on the server, then writes its redirect. */
  private async runElsewhere(d: PendingDocker, out: BackendOutput, signal?: AbortSignal): Promise<number> {
    const captured: string[] = [];
    const sink: BackendOutput = d.redirect ? { stdout: (t) => captured.push(t), stderr: (t) => out.stderr(t) } : out;
    const code = await this.dockerRunner!(d.words, d.env, sink, signal);
    if (d.redirect) {
      const err = writeRedirect(this.ws, d.redirect, captured.map((l) => l + '\n').join(''));
      if (err) {
        out.stderr(err);
        return 1;
      }
    }
    return code;
  }

  /** `$(command)`: runs it and returns what it printed (its errors go to the terminal, as in bash). */
  private capture(command: string, out: BackendOutput, signal?: AbortSignal): string {
    const lines: string[] = [];
    const sink: BackendOutput = { stdout: (l) => lines.push(l), stderr: (l) => out.stderr(l) };
    // a subshell: cd and variables inside do not leak out
    this.capturing++;
    const { cwd } = this.ws;
    const oldPwd = this.oldPwd;
    const vars = { ...this.vars };
    try {
      let code = 0;
      for (const seg of splitSequence(command.trim())) {
        if (seg.text === '') continue;
        code = this.runSimple(seg.text, sink, signal).code;
        this.lastCode = code;
        if (seg.op === '&&' && code !== 0) break;
      }
    } finally {
      this.capturing--;
      this.ws.cwd = cwd;
      this.oldPwd = oldPwd;
      this.vars = vars;
    }
    return lines.join('\n');
  }

  /** Runs one simple command; `undoRedo` tells run() not to record it; `transfer` asks run() to draw it. */
  private runSimple(text: string, out: BackendOutput, signal?: AbortSignal): { code: number; undoRedo: boolean; transfer?: PendingTransfer; docker?: PendingDocker; later?: () => Promise<number> } {
    let words: string[];
    try {
      words = splitWords(expand(text, this.env(), (command) => this.capture(command, out, signal)));
    } catch (e) {
      if (!(e instanceof QuoteError)) throw e;
      out.stderr("bash: unexpected EOF while looking for matching quote");
      return { code: 2, undoRedo: false };
    }
    const assigns: Record<string, string> = {};
    while (words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0]!)) {
      const w = words.shift()!;
      const eq = w.indexOf('=');
      assigns[w.slice(0, eq)] = w.slice(eq + 1);
    }
    if (!words.length) {
      Object.assign(this.vars, assigns);
      return { code: 0, undoRedo: false };
    }
    const red = parseRedirect(words);
    if (red.error) {
      out.stderr(red.error);
      return { code: 2, undoRedo: false };
    }
    words = red.words;
    const captured: string[] = [];
    const sink = red.redirect ? { stdout: (t: string) => captured.push(t), stderr: (t: string) => out.stderr(t) } : out;
    let code: number;
    let noNewline = false;
    const name = words[0]!;
    if (name === 'docker') {
      const env = { DOCKER_BUILDKIT: this.settings.builder === 'classic' ? '0' : '1', ...this.vars, ...assigns };
      if (this.dockerRunner) {
        if (this.capturing) {
          out.stderr('bash: $(docker ...) is not available in real mode yet: run the docker command on its own line');
          return { code: 1, undoRedo: false };
        }
        return { code: 0, undoRedo: false, docker: { words, env, redirect: red.redirect } };
      }
      const kind = transferKind(words);
      if (kind && out.tty && !red.redirect) {
        // run it at once, hold its output and events, and let run() draw it over time
        const before = this.engine.checkpoint();
        const lines: string[] = [];
        const sizes = new Map<string, number>();
        const off = this.engine.onEvent((e) => {
          if (e.type === 'pull.layer') sizes.set(e.digest.replace(/^sha256:/, '').slice(0, 12), e.size);
          if (e.type === 'push.layer') sizes.set(e.diffId.replace(/^sha256:/, '').slice(0, 12), e.size);
        });
        this.held = [];
        try {
          code = runDocker(this.engine, words.slice(1), { stdout: (l) => lines.push(l), stderr: sink.stderr, env, workspace: this.ws, signal });
        } finally {
          off();
        }
        const plan = planTransfer(kind, lines, sizes, this.engine.linkBytesPerSecond);
        if (plan.layers.length === 0) {
          // nothing to draw (an error, or an image already up to date)
          for (const e of this.held) this.emit(e);
          this.held = null;
          for (const l of lines) out.stdout(l);
          return { code, undoRedo: false };
        }
        return { code, undoRedo: false, transfer: { plan, before, code } };
      }
      code = runDocker(this.engine, words.slice(1), { stdout: sink.stdout, stderr: sink.stderr, env, workspace: this.ws, signal });
    } else if (name === 'curl') {
      if (this.dockerRunner) {
        out.stderr('bash: curl: not available in real mode: the published ports are on the server\'s host');
        return { code: 127, undoRedo: false };
      }
      if (this.capturing || red.redirect) {
        out.stderr('bash: curl: use it on its own line (no $(...) or redirect)');
        return { code: 1, undoRedo: false };
      }
      return { code: 0, undoRedo: false, later: () => runCurl(words.slice(1), (port, path) => this.httpGet(port, path, out), out) };
    } else if (isWorkspaceCommand(name)) {
      const ctx = this.shellContext();
      const r = runWorkspaceCommand(words, ctx, sink);
      this.oldPwd = ctx.oldPwd;
      code = r.code;
      noNewline = r.noNewline === true;
      if (r.edit) out.request?.({ edit: r.edit });
      if (r.clear) out.request?.({ clear: true });
      if (name === 'undo' || name === 'redo') return { code, undoRedo: true };
    } else if (words.length === 1 && name === 'exit') {
      out.stderr('exit: this console stays open (close the tab to leave)');
      code = 1;
    } else {
      out.stderr(`bash: ${name}: command not found`);
      code = 127;
    }
    if (red.redirect) {
      const text = captured.join('\n') + (captured.length && !noNewline ? '\n' : '');
      const err = writeRedirect(this.ws, red.redirect, text);
      if (err) {
        out.stderr(err);
        return { code: 1, undoRedo: false };
      }
    }
    return { code, undoRedo: false };
  }

  /** A GET to a published host port: a live process answers for real, else the engine's model does. */
  private async httpGet(port: number, path: string, out: BackendOutput): Promise<HttpResult> {
    const real = await this.live?.request(port, path);
    if (real) return real;
    const res = httpGet(this.engine, port, path);
    if ('error' in res) {
      const view = this.live?.views().find((v) => v.mode === 'simulated' && v.ports.some((p) => p.hostPort === port));
      if (view) out.stderr(`layerlab: ${view.name} runs as a simulated process, which serves nothing here: ${view.reason}`);
    }
    return res;
  }

  private env(): Record<string, string> {
    return { HOME: WORKSPACE_ROOT, USER: 'learner', PWD: this.ws.cwd, OLDPWD: this.oldPwd, ...this.vars, '?': String(this.lastCode) };
  }

  private shellContext(): ShellContext {
    return {
      ws: this.ws,
      home: WORKSPACE_ROOT,
      oldPwd: this.oldPwd,
      history: this.history,
      undo: () => this.undo(),
      redo: () => this.redo(),
      reset: () => this.reset(),
    };
  }

  /** Goes back to the state before the last state-changing command line. */
  undo(): boolean {
    const s = this.undoStack.pop();
    if (!s) return false;
    this.redoStack.push(this.saveState());
    this.loadState(s);
    return true;
  }

  /** Re-applies the last undone command line's effects. */
  redo(): boolean {
    const s = this.redoStack.pop();
    if (!s) return false;
    this.undoStack.push(this.saveState());
    this.loadState(s);
    return true;
  }

  /** Puts the starter world back; undoable. */
  reset(): void {
    this.pushUndo(this.saveState());
    const e = freshEngine(this.seed);
    this.engine.rollback(e.checkpoint());
    this.ws.nodes.clear();
    this.fillStarter();
    this.vars = {};
    this.live?.reconcile();
    this.emit({ type: 'workspace.changed' });
  }

  private pushUndo(s: UndoState): void {
    this.undoStack.push(s);
    if (this.undoStack.length > this.undoLimit) this.undoStack.shift();
    this.redoStack = [];
  }

  private saveState(): UndoState {
    const nodes = new Map<string, WsNode>();
    for (const [k, n] of this.ws.nodes) nodes.set(k, { ...n });
    return { engine: this.engine.checkpoint(), nodes, cwd: this.ws.cwd, oldPwd: this.oldPwd };
  }

  private loadState(s: UndoState): void {
    this.engine.rollback(s.engine);
    this.ws.nodes.clear();
    for (const [k, n] of s.nodes) this.ws.nodes.set(k, { ...n });
    this.ws.cwd = s.cwd;
    this.oldPwd = s.oldPwd;
    this.live?.reconcile();
    this.emit({ type: 'workspace.changed' });
  }

  private fillStarter(): void {
    const now = this.ws.now;
    this.ws.now = () => STARTER_MTIME;
    this.ws.nodes.set('/', { type: 'dir', mode: 0o755, mtime: STARTER_MTIME });
    this.ws.mkdirp(WORKSPACE_ROOT);
    for (const [p, text] of Object.entries(STARTER_FILES)) this.ws.write(`${WORKSPACE_ROOT}/${p}`, text);
    this.ws.now = now;
    this.ws.cwd = WORKSPACE_ROOT;
    this.oldPwd = WORKSPACE_ROOT;
  }

  /** JSON of the engine world, the workspace files, cwd, settings and shell variables. */
  snapshot(): SimSnapshot {
    return {
      kind: 'layerlab.sim',
      version: 1,
      engine: this.engine.snapshot(),
      workspace: {
        cwd: this.ws.cwd,
        oldPwd: this.oldPwd,
        nodes: [...this.ws.nodes].map(([path, n]) => ({ path, type: n.type, mode: n.mode, mtime: n.mtime, ...(n.data ? { data: toBase64(n.data) } : {}), ...(n.target !== undefined ? { target: n.target } : {}) })),
      },
      settings: { ...this.settings },
      vars: { ...this.vars },
    };
  }

  /** Puts back a snapshot() result exactly; clears undo and redo. */
  restore(snapshot: unknown): void {
    const s = snapshot as SimSnapshot;
    if (s?.kind !== 'layerlab.sim' || s.version !== 1) throw new Error('not a Layerlab simulator snapshot (version 1)');
    this.engine.restore(s.engine);
    this.ws.nodes.clear();
    for (const n of s.workspace.nodes) this.ws.nodes.set(n.path, { type: n.type, mode: n.mode, mtime: n.mtime, ...(n.data !== undefined ? { data: fromBase64(n.data) } : {}), ...(n.target !== undefined ? { target: n.target } : {}) });
    this.ws.cwd = s.workspace.cwd;
    this.oldPwd = s.workspace.oldPwd;
    Object.assign(this.settings, s.settings);
    this.vars = { ...s.vars };
    this.undoStack = [];
    this.redoStack = [];
    this.live?.reconcile();
    this.emit({ type: 'workspace.changed' });
  }

  /** The cache what-if (see Backend.predict). */
  predict(path: string, text: string): BuildStepEvent[] {
    const dir = path.slice(0, path.lastIndexOf('/')) || '/';
    const tree = this.ws.readTree(dir);
    if (!tree) return [];
    const name = path.slice(path.lastIndexOf('/') + 1);
    try {
      return this.engine.predictBuild({
        context: BuildContext.from(tree),
        contextId: dir,
        dockerfile: text,
        dockerfileName: name,
        tags: [],
        buildArgs: new Map(),
        builder: this.settings.builder,
      });
    } catch {
      // a Dockerfile being typed is often invalid: no prediction then
      return [];
    }
  }

  /** Stops forwarding engine events. */
  dispose(): void {
    this.unsubscribeEngine();
    this.listeners.clear();
  }

  private makeWorkspaceAccess(): WorkspaceAccess {
    const ws = this.ws;
    let batching = false;
    const change = (fn: () => void) => {
      if (batching) return fn();
      this.pushUndo(this.saveState());
      fn();
      this.emit({ type: 'workspace.changed' });
    };
    const self = this;
    return {
      root: WORKSPACE_ROOT,
      get cwd() {
        return self.ws.cwd;
      },
      list(path = WORKSPACE_ROOT): WorkspaceEntry[] {
        const tree = ws.readTree(path);
        if (!tree) return [];
        const base = ws.resolve(path);
        return tree.map((e) => ({ path: base === '/' ? `/${e.path}` : `${base}/${e.path}`, type: e.type, size: e.data?.length ?? 0, mtime: e.mtime ?? 0 }));
      },
      read(path) {
        const d = ws.readFile(path);
        return d ? new TextDecoder().decode(d) : null;
      },
      readBytes: (path) => ws.readFile(path),
      write: (path, content) => change(() => ws.write(path, content)),
      mkdir: (path) => change(() => ws.mkdirp(path)),
      remove: (path) => change(() => ws.remove(path)),
      batch: (changes) =>
        change(() => {
          batching = true;
          try {
            changes();
          } finally {
            batching = false;
          }
        }),
      rename: (from, to) =>
        change(() => {
          const src = ws.resolve(from);
          const dst = ws.resolve(to);
          const moved = [...ws.nodes].filter(([k]) => k === src || k.startsWith(src + '/'));
          ws.mkdirp(dst.slice(0, dst.lastIndexOf('/')) || '/');
          ws.remove(src);
          for (const [k, n] of moved) ws.nodes.set(dst + k.slice(src.length), n);
        }),
    };
  }
}

function freshEngine(seed: number): Engine {
  const e = createEngine({ seed });
  preloadOracleBase(e);
  return e;
}

/** A pull or push that ran and waits to be drawn. */
interface PendingTransfer {
  plan: TransferPlan;
  /** The engine before the command, for Ctrl-C. */
  before: Checkpoint;
  code: number;
}

/** `docker pull ...` or `docker push ...` without -q: the commands drawn with progress. */
function transferKind(words: readonly string[]): 'pull' | 'push' | undefined {
  let i = 1;
  if (words[i] === 'image') i++;
  const cmd = words[i];
  if (cmd !== 'pull' && cmd !== 'push') return undefined;
  if (words.slice(i + 1).some((w) => w === '-q' || w === '--quiet' || w === '-a' || w === '--all-tags' || w === '--help')) return undefined;
  return cmd;
}

interface Segment {
  text: string;
  /** The operator after this command. */
  op?: '&&' | '||' | ';';
}

/** Splits a line at `&&`, `||` and `;` outside quotes; throws QuoteError (with the quote) when one is left open. */
export function splitSequence(line: string): Segment[] {
  const out: Segment[] = [];
  let cur = '';
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === '\\' && quote === '"' && i + 1 < line.length) {
        cur += c + line[++i];
        continue;
      }
      if (c === quote) quote = null;
      cur += c;
    } else if (c === '\\' && i + 1 < line.length) cur += c + line[++i];
    else if (c === "'" || c === '"') {
      quote = c;
      cur += c;
    } else if (c === '$' && line[i + 1] === '(') {
      // a command substitution is one piece, whatever separators it holds
      const end = closingParen(line, i + 2);
      if (end < 0) throw new QuoteError(')');
      cur += line.slice(i, end + 1);
      i = end;
    } else if ((c === '&' || c === '|') && line[i + 1] === c) {
      out.push({ text: cur.trim(), op: c === '&' ? '&&' : '||' });
      cur = '';
      i++;
    } else if (c === ';') {
      out.push({ text: cur.trim(), op: ';' });
      cur = '';
    } else cur += c;
  }
  if (quote) throw new QuoteError(quote);
  out.push({ text: cur.trim() });
  return out.filter((s, i) => s.text !== '' || i < out.length - 1);
}

/**
 * Expands `$VAR`, `${VAR}`, `$?` and, given `substitute`, `$(command)` outside single quotes;
 * unknown variables expand to nothing. A substitution's output loses its trailing newlines;
 * unquoted, it splits into words at whitespace (its quotes stay literal, as in bash).
 */
export function expand(text: string, env: Record<string, string>, substitute?: (command: string) => string): string {
  let out = '';
  let inSingle = false;
  let inDouble = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === "'" && !inDouble) inSingle = !inSingle;
    else if (c === '"' && !inSingle) inDouble = !inDouble;
    else if (c === '\\' && !inSingle && i + 1 < text.length) {
      out += c + text[++i];
      continue;
    } else if (c === '$' && !inSingle && text[i + 1] === '(' && substitute) {
      const end = closingParen(text, i + 2);
      if (end < 0) throw new QuoteError(')');
      const value = substitute(text.slice(i + 2, end)).replace(/\n+$/, '');
      out += inDouble ? value.replace(/["\\$`]/g, '\\$&') : value.replace(/["'\\$`]/g, '\\$&');
      i = end;
      continue;
    } else if (c === '$' && !inSingle) {
      const m = /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*)|(\?))/.exec(text.slice(i));
      if (m) {
        const value = env[m[1] ?? m[2] ?? m[3]!] ?? '';
        // inside double quotes the value stays one word; escape what splitWords would read
        out += inDouble ? value.replace(/["\\$`]/g, '\\$&') : value;
        i += m[0].length - 1;
        continue;
      }
    }
    out += c;
  }
  return out;
}

/** The index of the `)` closing a `$(` whose body starts at `from`, or -1 (quotes and nesting respected). */
function closingParen(text: string, from: number): number {
  let depth = 1;
  let quote: string | null = null;
  for (let i = from; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = null;
    } else if (c === '\\') i++;
    else if (c === "'" || c === '"') quote = c;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
  }
  return -1;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Base64 without btoa or Buffer (this file has no DOM or Node types). */
export function toBase64(data: Uint8Array): string {
  let s = '';
  for (let i = 0; i < data.length; i += 3) {
    const n = (data[i]! << 16) | ((data[i + 1] ?? 0) << 8) | (data[i + 2] ?? 0);
    s += B64[(n >> 18) & 63]! + B64[(n >> 12) & 63]! + (i + 1 < data.length ? B64[(n >> 6) & 63]! : '=') + (i + 2 < data.length ? B64[n & 63]! : '=');
  }
  return s;
}

/** Inverse of toBase64. */
export function fromBase64(s: string): Uint8Array {
  const clean = s.replace(/=+$/, '');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let o = 0;
  for (let i = 0; i < clean.length; i += 4) {
    const n = (B64.indexOf(clean[i]!) << 18) | (B64.indexOf(clean[i + 1] ?? 'A') << 12) | (B64.indexOf(clean[i + 2] ?? 'A') << 6) | B64.indexOf(clean[i + 3] ?? 'A');
    if (o < out.length) out[o++] = (n >> 16) & 255;
    if (o < out.length) out[o++] = (n >> 8) & 255;
    if (o < out.length) out[o++] = n & 255;
  }
  return out;
}
