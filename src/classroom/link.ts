/**
 * One classroom WebSocket that comes back by itself: it reconnects with a growing, jittered
 * delay when the socket drops, greets the server again after every (re)connect and keeps
 * the socket alive with pings. Learner and instructor connections sit on top of it. No DOM
 * here beyond the default `connect`; tests hand in their own sockets.
 */
import type { ClassroomClientMessage, ClassroomServerMessage } from '../shared/classroom-protocol.js';
import { CLASSROOM_WS_PATH } from '../shared/classroom-protocol.js';

/** What a socket tells its owner. */
export interface SocketHandlers {
  open(): void;
  message(data: string): void;
  close(): void;
}

/** The little the link needs from a WebSocket. */
export interface ClassroomSocket {
  send(data: string): void;
  close(): void;
}

/** Opens a socket to `url` that reports to `on`. */
export type Connect = (url: string, on: SocketHandlers) => ClassroomSocket;

/** The browser's WebSocket as a Connect. */
export const browserConnect: Connect = (url, on) => {
  const ws = new WebSocket(url);
  ws.onopen = () => on.open();
  ws.onmessage = (e) => typeof e.data === 'string' && on.message(e.data);
  ws.onclose = () => on.close();
  return {
    send: (d) => ws.readyState === WebSocket.OPEN && ws.send(d),
    close: () => ws.close(),
  };
};

/** The classroom socket's URL on the page's own origin. */
export function classroomUrl(page: { protocol: string; host: string }): string {
  return `${page.protocol === 'https:' ? 'wss:' : 'ws:'}//${page.host}${CLASSROOM_WS_PATH}`;
}

/** Subscribers to one kind of event; subscribing returns the unsubscribe. */
export class Emitter<T> {
  private readonly listeners = new Set<(value: T) => void>();
  /** Calls `fn` on every fire until the returned function is called. */
  readonly event = (fn: (value: T) => void): (() => void) => {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  };
  fire(value: T): void {
    for (const fn of [...this.listeners]) fn(value);
  }
}

/** connecting: no socket yet or waiting for it; open: the socket is up; waiting: down, retrying soon; closed: for good. */
export type LinkState = 'connecting' | 'open' | 'waiting' | 'closed';

export interface LinkOptions {
  url: string;
  connect?: Connect;
  /** The first message after every (re)connect. */
  hello: () => ClassroomClientMessage;
  /** First retry delay (ms); it doubles up to maxDelay. */
  minDelay?: number;
  maxDelay?: number;
  /** Keep-alive interval (ms). */
  pingEvery?: number;
  /** Timers, for tests. */
  timers?: { setTimeout: (fn: () => void, ms: number) => unknown; clearTimeout: (id: unknown) => void; setInterval: (fn: () => void, ms: number) => unknown; clearInterval: (id: unknown) => void };
}

const defaultTimers = {
  setTimeout: (fn: () => void, ms: number) => globalThis.setTimeout(fn, ms),
  clearTimeout: (id: unknown) => globalThis.clearTimeout(id as ReturnType<typeof setTimeout>),
  setInterval: (fn: () => void, ms: number) => globalThis.setInterval(fn, ms),
  clearInterval: (id: unknown) => globalThis.clearInterval(id as ReturnType<typeof setInterval>),
};

/** A classroom socket that reconnects until closed. */
export class Link {
  private readonly _onMessage = new Emitter<ClassroomServerMessage>();
  /** Every message the server sends (parsed JSON; the server is trusted to follow the protocol). */
  readonly onMessage = this._onMessage.event;
  private readonly _onState = new Emitter<LinkState>();
  readonly onState = this._onState.event;

  state: LinkState = 'connecting';
  private socket: ClassroomSocket | undefined;
  private retry: unknown;
  private ping: unknown;
  private delay: number;
  private readonly timers;
  private readonly connect: Connect;

  constructor(private readonly opts: LinkOptions) {
    this.timers = opts.timers ?? defaultTimers;
    this.connect = opts.connect ?? browserConnect;
    this.delay = opts.minDelay ?? 500;
  }

  /** Opens the first socket. */
  start(): void {
    if (this.state === 'closed' || this.socket) return;
    this.open();
  }

  /** Sends `m` if the socket is up; false when it is not (the caller resyncs after the reconnect). */
  send(m: ClassroomClientMessage): boolean {
    if (this.state !== 'open' || !this.socket) return false;
    this.socket.send(JSON.stringify(m));
    return true;
  }

  /** A successful greeting: the next drop retries quickly again. */
  settled(): void {
    this.delay = this.opts.minDelay ?? 500;
  }

  /** Drops the socket and reconnects at once (after a refused resume, for instance). */
  restart(): void {
    if (this.state === 'closed') return;
    this.drop();
    this.open();
  }

  /** Closes for good: no more reconnects. */
  close(): void {
    if (this.state === 'closed') return;
    this.drop();
    this.setState('closed');
  }

  private open(): void {
    this.setState('connecting');
    const socket = this.connect(this.opts.url, {
      open: () => {
        if (this.socket !== socket) return;
        this.setState('open');
        socket.send(JSON.stringify(this.opts.hello()));
        this.ping = this.timers.setInterval(() => this.send({ t: 'ping' }), this.opts.pingEvery ?? 20_000);
      },
      message: (data) => {
        if (this.socket !== socket) return;
        let m: ClassroomServerMessage;
        try {
          m = JSON.parse(data) as ClassroomServerMessage;
        } catch {
          return;
        }
        this._onMessage.fire(m);
      },
      close: () => {
        if (this.socket !== socket) return;
        this.drop();
        if (this.state === 'closed') return;
        this.setState('waiting');
        const wait = this.delay * (0.75 + Math.random() * 0.5);
        this.delay = Math.min(this.opts.maxDelay ?? 10_000, this.delay * 2);
        this.retry = this.timers.setTimeout(() => {
          this.retry = undefined;
          if (this.state === 'waiting') this.open();
        }, wait);
      },
    });
    this.socket = socket;
  }

  private drop(): void {
    const s = this.socket;
    this.socket = undefined;
    if (this.ping !== undefined) this.timers.clearInterval(this.ping);
    if (this.retry !== undefined) this.timers.clearTimeout(this.retry);
    this.ping = this.retry = undefined;
    try {
      s?.close();
    } catch {
      /* already closed */
    }
  }

  private setState(s: LinkState): void {
    if (this.state === s) return;
    this.state = s;
    this._onState.fire(s);
  }
}
