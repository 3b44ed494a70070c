/**
 * One learner's WebSocket session in real mode: checks each docker command against the
 * policy and the quotas, waits for a slot in the engine's fair queue, runs it on the engine
 * with the session's labels, streams its output (capped and stripped of unsafe sequences)
 * and the engine's events, and sends the new world after it. When the socket closes,
 * everything the session made is reaped.
 */
import { randomBytes } from 'node:crypto';
import type Docker from 'dockerode';
import type { EngineEvent } from '../src/shared/events.js';
import type { Answer, ClientMessage, Query, ServerMessage } from '../src/shared/protocol.js';
import type { WorldView } from '../src/shared/world.js';
import { LABEL_INSTANCE, LABEL_SESSION, sessionIdFor, type CommandIO, type RealCommand, type SessionScope } from './docker/types.js';
import { demoCommand } from './demo.js';
import type { FairQueue } from './fair-queue.js';
import { OutputCap, stripUnsafeSequences } from './output-guard.js';

/** What a session needs from the server. */
export interface SessionDeps {
  docker: Docker;
  instanceId: string;
  registry: string | null;
  /** Canonical command (`build`, `run`, `volume ls`...) to its handler. */
  commands: Map<string, RealCommand>;
  /** The policy: refuses a command before it reaches the daemon, or names its handler. */
  check(argv: string[]): { ok: true; command: string; argv: string[] } | { ok: false; message: string; exitCode: number };
  /** The world as the views draw it, for this session. */
  world(scope: SessionScope): Promise<WorldView>;
  /** Follows the engine's events for this session's objects until the signal aborts. */
  watchEvents?(docker: Docker, sessionId: string, emit: (e: EngineEvent) => void, signal: AbortSignal): void;
  /** Removes what the session made. */
  reap(sessionId: string): Promise<unknown>;
  /**
   * Empties the engine's BuildKit cache (reset --yes when no other session is open). BuildKit
   * keeps one cache for every build on the engine, which no label splits per session.
   */
  pruneBuildCache?(): Promise<void>;
  /** Sessions open on this server besides the one asking. */
  otherSessions?(): number;
  /** Answers what lesson checks and layer views ask beyond the world (paths, layer entries). */
  query?(scope: SessionScope, q: Query): Promise<Answer>;
  limits?: Partial<SessionLimits>;
  /** The engine's fair queue, shared by every session of the server; none: commands run at once. */
  queue?: FairQueue;
}

/** Who a session is beyond its socket: a classroom learner has its own quota and queue turn. */
export interface SessionOwner {
  /** The fair queue serves sessions by this key (a learner's id); default the session's id. */
  key: string;
  /** Limits over the server's (a learner's quota: 1 command at a time, 30 builds). */
  limits?: Partial<SessionLimits>;
  /** Builds counted across all of this owner's sessions (a learner's, for the whole class). */
  builds: { used: number };
}

export interface SessionLimits {
  /** Bytes of output one command may send before the truncation marker. */
  outputBytes: number;
  /** Commands running at once. */
  concurrent: number;
  /** Builds per session. */
  builds: number;
  /** Milliseconds a build may take. */
  buildTimeout: number;
  /** Milliseconds any other command may take (logs -f and exec -it wait for the learner: no limit). */
  commandTimeout: number;
}

export const DEFAULT_LIMITS: SessionLimits = { outputBytes: 512 * 1024, concurrent: 3, builds: 200, buildTimeout: 10 * 60_000, commandTimeout: 10 * 60_000 };

/** A classroom learner's quota, over DEFAULT_LIMITS: one command at a time (its console types one anyway), 30 builds per class. */
export const LEARNER_LIMITS: Pick<SessionLimits, 'concurrent' | 'builds'> = { concurrent: 1, builds: 30 };

interface Running {
  abort: AbortController;
  stdin: Set<(data: string) => void>;
  resize: Set<(cols: number, rows: number) => void>;
  size: { cols: number; rows: number };
}

export class Session {
  readonly id: string;
  readonly scope: SessionScope;
  private readonly running = new Map<number, Running>();
  private readonly limits: SessionLimits;
  private readonly closed = new AbortController();
  /** Builds used: this session's, or the learner's across sessions. */
  private readonly builds: { used: number };
  /** The fair queue's key for this session. */
  readonly owner: string;
  /** A classroom learner's session (messages name the class's quota, not the session's). */
  readonly learner: boolean;
  private queries: Promise<void> = Promise.resolve();
  private size = { cols: 80, rows: 24 };

  constructor(
    private readonly deps: SessionDeps,
    private readonly send: (m: ServerMessage) => void,
    owner?: SessionOwner,
  ) {
    this.limits = { ...DEFAULT_LIMITS, ...deps.limits, ...owner?.limits };
    this.id = sessionIdFor(deps.instanceId, randomBytes(8).toString('hex'));
    this.owner = owner?.key ?? this.id;
    this.learner = !!owner;
    this.builds = owner?.builds ?? { used: 0 };
    this.scope = {
      docker: deps.docker,
      sessionId: this.id,
      instanceId: deps.instanceId,
      labels: { [LABEL_SESSION]: this.id, [LABEL_INSTANCE]: deps.instanceId },
      registry: deps.registry,
      buildSteps: new Set(),
    };
    deps.watchEvents?.(deps.docker, this.id, (event) => this.send({ t: 'event', event }), this.closed.signal);
  }

  /** Sets the terminal size the learner's console has. */
  setSize(cols?: number, rows?: number): void {
    if (cols && rows) this.size = { cols, rows };
  }

  /** Handles one message after `hello`. */
  handle(msg: ClientMessage): void {
    switch (msg.t) {
      case 'docker':
        void this.runDocker(msg);
        return;
      case 'stdin':
        for (const cb of this.running.get(msg.id)?.stdin ?? []) cb(msg.data);
        return;
      case 'resize': {
        const r = this.running.get(msg.id);
        if (!r) return;
        r.size = { cols: msg.cols, rows: msg.rows };
        for (const cb of r.resize) cb(msg.cols, msg.rows);
        return;
      }
      case 'cancel':
        this.running.get(msg.id)?.abort.abort();
        return;
      case 'demo':
        void this.runDemo(msg);
        return;
      case 'reset':
        void this.reset(msg.id);
        return;
      case 'query':
        void this.answer(msg.id, msg.query);
        return;
      case 'hello':
        this.send({ t: 'error', message: 'hello was already received' });
    }
  }

  private async runDocker(msg: Extract<ClientMessage, { t: 'docker' }>): Promise<number> {
    const { id } = msg;
    const fail = (text: string, code: number) => {
      for (const l of text.split('\n')) this.send({ t: 'out', id, stream: 'stderr', text: l });
      this.send({ t: 'exit', id, code });
      return code;
    };
    if (this.running.has(id)) return fail(`layerlab: command id ${id} is already running`, 1);
    if (this.running.size >= this.limits.concurrent) {
      const n = this.limits.concurrent;
      return fail(`layerlab: ${this.learner ? 'a learner runs' : 'this session runs'} at most ${n} command${n === 1 ? '' : 's'} at a time on the engine (${this.running.size} running or waiting); wait for ${n === 1 ? 'it' : 'one'} to finish or press Ctrl-C`, 1);
    }
    const checked = this.deps.check(msg.argv);
    if (!checked.ok) return fail(checked.message, checked.exitCode);
    const handler = this.deps.commands.get(checked.command);
    if (!handler) return fail(`layerlab: real mode does not offer 'docker ${checked.command}' yet`, 1);
    const isBuild = checked.command === 'build';
    if (isBuild && this.builds.used >= this.limits.builds) {
      return fail(this.learner ? `layerlab: you have used the ${this.limits.builds} builds a learner may run in this class; ask your instructor` : `layerlab: this session has used its ${this.limits.builds} builds; start a new session to build again`, 1);
    }
    // a command with the console's TTY (run/exec -it) or `logs -f` waits for the learner: no time limit
    // (the policy's canonical argv spells every flag `--name=value`, so this reads it exactly)
    const interactive = msg.tty === true || (checked.command === 'logs' && checked.argv.includes('--follow=true'));
    const abort = new AbortController();
    const run: Running = { abort, stdin: new Set(), resize: new Set(), size: { ...this.size } };
    this.running.set(id, run);
    let release: (() => void) | undefined;
    // the engine's fair queue: wait for a slot (Ctrl-C or the session's end leaves the queue). A
    // command that waits for the learner would hold its slot for as long as they type: it takes none.
    if (this.deps.queue && !interactive) {
      try {
        release = await this.deps.queue.acquire(this.owner, {
          signal: AbortSignal.any([abort.signal, this.closed.signal]),
          onWait: (ahead) => this.send({ t: 'out', id, stream: 'stderr', text: `layerlab: waiting for the engine (${ahead} ahead)` }),
        });
      } catch {
        this.running.delete(id);
        if (!this.closed.signal.aborted) this.send({ t: 'exit', id, code: 130 });
        return 130;
      }
    }
    if (isBuild) this.builds.used++;
    // the time limit counts from the slot, not from the queue
    const signals = [abort.signal, this.closed.signal];
    if (!interactive) signals.push(AbortSignal.timeout(isBuild ? this.limits.buildTimeout : this.limits.commandTimeout));
    const cap = new OutputCap(this.limits.outputBytes);
    const line = (stream: 'stdout' | 'stderr') => (text: string) => {
      const t = cap.pass(stripUnsafeSequences(text) + '\n');
      if (t !== null) this.send({ t: 'out', id, stream: cap.wasTruncated ? 'stderr' : stream, text: cap.wasTruncated ? t : t.slice(0, -1) });
    };
    const io: CommandIO = {
      stdout: line('stdout'),
      stderr: line('stderr'),
      tty: (data) => {
        const t = cap.pass(stripUnsafeSequences(data));
        if (t !== null) this.send(cap.wasTruncated ? { t: 'out', id, stream: 'stderr', text: t } : { t: 'tty', id, data: t });
      },
      event: (event) => this.send({ t: 'event', event }),
      signal: AbortSignal.any(signals),
      env: msg.env ?? {},
      context: msg.context,
      stdin: msg.tty
        ? {
            onData: (cb) => (run.stdin.add(cb), () => run.stdin.delete(cb)),
            onResize: (cb) => (run.resize.add(cb), () => run.resize.delete(cb)),
            get size() {
              return run.size;
            },
          }
        : undefined,
    };
    let code: number;
    try {
      code = await handler(this.scope, checked.argv, io);
      if (io.signal.aborted && !abort.signal.aborted && !this.closed.signal.aborted) {
        io.stderr('layerlab: the command took too long and was stopped');
        code = code || 1;
      }
    } catch (e) {
      // a handler bug must not take the session down: say so, keep going
      io.stderr(`layerlab: internal error in real mode: ${(e as Error).message ?? e}`);
      code = 1;
    } finally {
      this.running.delete(id);
      release?.();
    }
    if (this.closed.signal.aborted) return code;
    this.send({ t: 'exit', id, code, world: true });
    await this.sendWorld();
    return code;
  }

  /** A namespace-runner demo (`demo NAME` in the console). */
  private async runDemo(msg: Extract<ClientMessage, { t: 'demo' }>): Promise<void> {
    const { id } = msg;
    if (this.running.has(id)) return;
    const abort = new AbortController();
    this.running.set(id, { abort, stdin: new Set(), resize: new Set(), size: this.size });
    const cap = new OutputCap(this.limits.outputBytes);
    const line = (stream: 'stdout' | 'stderr') => (text: string) => {
      const t = cap.pass(stripUnsafeSequences(text) + '\n');
      if (t !== null) this.send({ t: 'out', id, stream, text: cap.wasTruncated ? t : t.slice(0, -1) });
    };
    let code: number;
    try {
      code = await demoCommand(this.deps.docker, msg.name, msg.params ?? {}, { stdout: line('stdout'), stderr: line('stderr'), signal: AbortSignal.any([abort.signal, this.closed.signal]) });
    } catch (e) {
      line('stderr')(`demo: ${(e as Error).message}`);
      code = 1;
    } finally {
      this.running.delete(id);
    }
    if (!this.closed.signal.aborted) this.send({ t: 'exit', id, code });
  }

  /**
   * `reset --yes`: stops what runs and removes everything the session made (its builds count
   * stays), so a lesson starts from a cold cache as on a fresh engine. The classic builder's
   * cache is the session's own images; BuildKit's is shared, and is emptied only when no one
   * else is using this server.
   */
  private async reset(id: number): Promise<void> {
    for (const r of this.running.values()) r.abort.abort();
    let code = 0;
    try {
      await this.deps.reap(this.id);
      this.scope.buildSteps.clear();
      if (this.deps.pruneBuildCache) {
        const others = this.deps.otherSessions?.() ?? 0;
        if (others === 0) await this.deps.pruneBuildCache();
        else this.send({ t: 'out', id, stream: 'stderr', text: `layerlab: BuildKit's cache is shared with ${others} other session${others === 1 ? '' : 's'} on this server and was kept: a BuildKit build may still find steps in it` });
      }
    } catch (e) {
      this.send({ t: 'out', id, stream: 'stderr', text: `layerlab: the engine did not remove everything: ${(e as Error).message}` });
      code = 1;
    }
    if (this.closed.signal.aborted) return;
    this.send({ t: 'exit', id, code, world: true });
    await this.sendWorld();
  }

  /** One query, answered in order with others (each is a few engine requests). */
  private async answer(id: number, q: Query): Promise<void> {
    const queue = this.queries.then(async () => {
      if (this.closed.signal.aborted) return;
      try {
        const a = this.deps.query ? await this.deps.query(this.scope, q) : q.kind === 'path' ? { pathInfo: null } : { entries: null };
        this.send({ t: 'answer', id, ...a });
      } catch (e) {
        this.send({ t: 'answer', id, ...(q.kind === 'path' ? { pathInfo: null } : { entries: null }) });
        this.send({ t: 'error', message: `a question about the engine's state failed: ${(e as Error).message}` });
      }
    });
    this.queries = queue;
    await queue;
  }

  /** Sends the world as it is now. */
  async sendWorld(): Promise<void> {
    try {
      const world = await this.deps.world(this.scope);
      if (!this.closed.signal.aborted) this.send({ t: 'world', world });
    } catch (e) {
      this.send({ t: 'error', message: `the engine's state could not be read: ${(e as Error).message}` });
    }
  }

  /** Stops every running command and removes what the session made. */
  async close(): Promise<void> {
    if (this.closed.signal.aborted) return;
    this.closed.abort();
    for (const r of this.running.values()) r.abort.abort();
    await this.deps.reap(this.id).catch(() => undefined);
  }
}
