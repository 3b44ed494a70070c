/**
 * The browser's side of the companion server's WebSocket (src/shared/protocol.ts): says
 * hello with the launch token (or a classroom learner's id and key), then routes each command's output, TTY data and exit code
 * by its id, and hands engine events and world pictures to the backend.
 */
import type { EngineEvent } from '../shared/events.js';
import type { Answer, ClientMessage, ContextEntry, LearnerCredentials, Query, ServerMessage } from '../shared/protocol.js';
import type { WorldView } from '../shared/world.js';

/** The little of the DOM WebSocket this needs (tests pass `ws`'s client). */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'close' | 'error' | 'message', cb: (e: { data?: unknown; code?: number; reason?: string }) => void): void;
}

/** What one running command receives. */
export interface CommandSink {
  out(stream: 'stdout' | 'stderr', text: string): void;
  tty(data: string): void;
}

export type Welcome = Extract<ServerMessage, { t: 'welcome' }>;

export class RemoteConnection {
  private nextId = 1;
  private readonly pending = new Map<number, { sink: CommandSink; resolve: (code: number) => void }>();
  private worldsComing = 0;
  private readonly queries = new Map<number, { resolve: (a: Answer) => void; none: Answer }>();
  private readonly eventListeners = new Set<(e: EngineEvent) => void>();
  private readonly worldListeners = new Set<(w: WorldView) => void>();
  private readonly closeListeners = new Set<(reason: string) => void>();
  private closedReason: string | null = null;

  private constructor(
    private readonly socket: SocketLike,
    readonly welcome: Welcome,
  ) {}

  /**
   * Opens a session with the launch token, or a classroom learner's id and key: resolves with
   * the connection once the server said welcome, rejects with its reason.
   */
  static open(socket: SocketLike, credentials: string | LearnerCredentials, size?: { cols: number; rows: number }): Promise<RemoteConnection> {
    const hello: ClientMessage = typeof credentials === 'string' ? { t: 'hello', token: credentials, ...size } : { t: 'hello', learner: { id: credentials.id, key: credentials.key }, ...size };
    return new Promise((resolve, reject) => {
      let conn: RemoteConnection | null = null;
      let lastError = 'the companion server closed the connection';
      socket.addEventListener('open', () => socket.send(JSON.stringify(hello)));
      socket.addEventListener('message', (e) => {
        let m: ServerMessage;
        try {
          m = JSON.parse(String(e.data)) as ServerMessage;
        } catch {
          return;
        }
        if (!conn) {
          if (m.t === 'welcome') {
            conn = new RemoteConnection(socket, m);
            resolve(conn);
          } else if (m.t === 'error') lastError = m.message;
          return;
        }
        conn.receive(m);
      });
      socket.addEventListener('close', (e) => {
        if (!conn) reject(new Error(e.reason || lastError));
        else conn.closed(e.reason || 'the companion server went away');
      });
      socket.addEventListener('error', () => {
        if (!conn) reject(new Error('the companion server could not be reached'));
      });
    });
  }

  /** Runs `docker ARGV` on the server; resolves with its exit code (1 when the connection drops). */
  docker(argv: string[], opts: { env?: Record<string, string>; context?: ContextEntry[]; tty?: boolean }, sink: CommandSink, signal?: AbortSignal): { done: Promise<number>; stdin(data: string): void; resize(cols: number, rows: number): void } {
    const { id, done } = this.begin(sink, (id) => ({ t: 'docker', id, argv, env: opts.env, tty: opts.tty, context: opts.context }), signal);
    return {
      done,
      stdin: (data) => this.send({ t: 'stdin', id, data }),
      resize: (cols, rows) => this.send({ t: 'resize', id, cols, rows }),
    };
  }

  /** Runs a namespace-runner demo on the server (`demo NAME key=value...`); resolves with its exit code. */
  demo(name: string, params: Record<string, string | number>, sink: CommandSink, signal?: AbortSignal): Promise<number> {
    return this.begin(sink, (id) => ({ t: 'demo', id, name, params }), signal).done;
  }

  /** `reset --yes` on the server: everything this session made on the engine is removed. */
  reset(sink: CommandSink): Promise<number> {
    return this.begin(sink, (id) => ({ t: 'reset', id })).done;
  }

  /** Asks the server about a path or a layer; resolves with null answers when the connection is gone. */
  query(query: Query): Promise<Answer> {
    const none: Answer = query.kind === 'path' ? { pathInfo: null } : { entries: null };
    if (this.closedReason) return Promise.resolve(none);
    const id = this.nextId++;
    return new Promise<Answer>((resolve) => {
      this.queries.set(id, { resolve, none });
      this.send({ t: 'query', id, query });
    });
  }

  /** Sends a message that runs like a command (output, then `exit`): its id, and its exit code when it ends. */
  private begin(sink: CommandSink, message: (id: number) => ClientMessage, signal?: AbortSignal): { id: number; done: Promise<number> } {
    const id = this.nextId++;
    const done = new Promise<number>((resolve) => {
      if (this.closedReason) {
        sink.out('stderr', `layerlab: real mode is not connected (${this.closedReason})`);
        resolve(1);
        return;
      }
      this.pending.set(id, { sink, resolve });
      this.send(message(id));
      signal?.addEventListener('abort', () => this.send({ t: 'cancel', id }), { once: true });
    });
    return { id, done };
  }

  onEvent(cb: (e: EngineEvent) => void): () => void {
    this.eventListeners.add(cb);
    return () => this.eventListeners.delete(cb);
  }

  onWorld(cb: (w: WorldView) => void): () => void {
    this.worldListeners.add(cb);
    return () => this.worldListeners.delete(cb);
  }

  /** Called once when the session ends (server stopped, network lost). */
  onClose(cb: (reason: string) => void): () => void {
    this.closeListeners.add(cb);
    return () => this.closeListeners.delete(cb);
  }

  /** Worlds the server announced after a command's exit that have not arrived yet (0 once the session ends). */
  get pendingWorlds(): number {
    return this.closedReason ? 0 : this.worldsComing;
  }

  close(): void {
    this.socket.close(1000, 'bye');
  }

  private send(m: ClientMessage): void {
    if (this.socket.readyState === 1) this.socket.send(JSON.stringify(m));
  }

  private receive(m: ServerMessage): void {
    switch (m.t) {
      case 'out':
        this.pending.get(m.id)?.sink.out(m.stream, m.text);
        return;
      case 'tty':
        this.pending.get(m.id)?.sink.tty(m.data);
        return;
      case 'exit': {
        const p = this.pending.get(m.id);
        this.pending.delete(m.id);
        if (m.world) this.worldsComing++;
        p?.resolve(m.code);
        return;
      }
      case 'event':
        for (const cb of this.eventListeners) cb(m.event);
        return;
      case 'world':
        this.worldsComing = Math.max(0, this.worldsComing - 1);
        for (const cb of this.worldListeners) cb(m.world);
        return;
      case 'error':
        if (m.fatal) this.closed(m.message);
        return;
      case 'answer': {
        const q = this.queries.get(m.id);
        this.queries.delete(m.id);
        q?.resolve({ pathInfo: m.pathInfo, entries: m.entries });
        return;
      }
      case 'welcome':
        return;
    }
  }

  private closed(reason: string): void {
    if (this.closedReason) return;
    this.closedReason = reason;
    for (const p of this.pending.values()) {
      p.sink.out('stderr', `layerlab: the connection to the companion server was lost (${reason})`);
      p.resolve(1);
    }
    this.pending.clear();
    for (const q of this.queries.values()) q.resolve(q.none);
    this.queries.clear();
    for (const cb of this.closeListeners) cb(reason);
  }
}
