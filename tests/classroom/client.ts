/**
 * A classroom WebSocket client for tests and the benchmark: records every message it gets
 * (raw and parsed), waits for the ones a test expects, and says how the socket closed.
 */
import WebSocket from 'ws';
import { CLASSROOM_WS_PATH, type ClassroomServerMessage, type RosterEntry } from '../../src/shared/classroom-protocol.js';

export interface ConnectOptions {
  /** Default: the server's own origin. `null` sends no Origin header. */
  origin?: string | null;
  host?: string;
}

export class ClassClient {
  /** Every message, in order, as the server sent it. */
  readonly raw: string[] = [];
  readonly messages: ClassroomServerMessage[] = [];
  /** Resolves when the socket closes, with its code and reason. */
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: { pred: (m: ClassroomServerMessage) => boolean; resolve: (m: ClassroomServerMessage) => void }[] = [];
  /** Messages a `next` already returned (each is returned once). */
  private readonly taken = new Set<ClassroomServerMessage>();
  /** Called for every message as it arrives (the benchmark times with it). */
  onMessage: ((m: ClassroomServerMessage) => void) | null = null;

  private constructor(readonly ws: WebSocket) {
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    ws.on('message', (data) => {
      const text = data.toString();
      const m = JSON.parse(text) as ClassroomServerMessage;
      this.raw.push(text);
      this.messages.push(m);
      this.onMessage?.(m);
      const w = this.waiters.find((x) => x.pred(m));
      if (w) {
        this.taken.add(m);
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(m);
      }
    });
    ws.on('error', () => undefined);
  }

  /** Opens a socket on the classroom path; rejects with `upgrade <status>` when the server refuses the upgrade. */
  static connect(port: number, opts: ConnectOptions = {}): Promise<ClassClient> {
    const headers: Record<string, string> = {};
    const origin = opts.origin === undefined ? `http://127.0.0.1:${port}` : opts.origin;
    if (origin !== null) headers.origin = origin;
    if (opts.host) headers.host = opts.host;
    const ws = new WebSocket(`ws://127.0.0.1:${port}${CLASSROOM_WS_PATH}`, { headers });
    const client = new ClassClient(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(client));
      ws.once('unexpected-response', (_req, res) => {
        reject(new Error(`upgrade ${res.statusCode}`));
        ws.terminate();
      });
      ws.once('error', reject);
    });
  }

  send(m: object | string): void {
    this.ws.send(typeof m === 'string' ? m : JSON.stringify(m));
  }

  /** The first message of type `t` that matches and no earlier `next` returned (from index `since`, default 0), or the next to arrive. */
  next<T extends ClassroomServerMessage['t']>(t: T, pred: (m: Extract<ClassroomServerMessage, { t: T }>) => boolean = () => true, opts: { since?: number; timeout?: number } = {}): Promise<Extract<ClassroomServerMessage, { t: T }>> {
    type M = Extract<ClassroomServerMessage, { t: T }>;
    const match = (m: ClassroomServerMessage): m is M => m.t === t && !this.taken.has(m) && pred(m as M);
    const seen = this.messages.slice(opts.since ?? 0).find(match);
    if (seen) {
      this.taken.add(seen);
      return Promise.resolve(seen);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${t} message in time; got ${this.raw.slice(-3).join(' | ')}`)), opts.timeout ?? 5000);
      this.waiters.push({
        pred: match,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m as M);
        },
      });
    });
  }

  /** Sends `ping` and waits for `pong`: everything sent before it was handled. */
  async roundTrip(): Promise<void> {
    const since = this.messages.length;
    this.send({ t: 'ping' });
    await this.next('pong', () => true, { since });
  }

  close(): Promise<{ code: number; reason: string }> {
    this.ws.close();
    return this.closed;
  }
}

/** Joins as a learner and waits for `joined`. */
export async function joinAs(port: number, code: string, nickname: string, resume?: { id: string; key: string }): Promise<{ client: ClassClient; id: string; key: string }> {
  const client = await ClassClient.connect(port);
  client.send({ t: 'join', code, nickname, ...(resume ? { resume } : {}) });
  const j = await client.next('joined', () => true, { since: 0 });
  return { client, id: j.id, key: j.key };
}

/** Connects as the instructor and waits for the first `room`. */
export async function instructorOf(port: number, token: string): Promise<ClassClient> {
  const client = await ClassClient.connect(port);
  client.send({ t: 'instructor', token });
  await client.next('room', () => true, { since: 0 });
  return client;
}

/** The dashboard's view: the last `room`, with every `learner` delta after it folded in. */
export function foldRoster(messages: readonly ClassroomServerMessage[]): Map<string, RosterEntry> {
  const roster = new Map<string, RosterEntry>();
  for (const m of messages) {
    if (m.t === 'room') {
      roster.clear();
      for (const l of m.room.learners) roster.set(l.id, l);
    } else if (m.t === 'learner') roster.set(m.learner.id, m.learner);
  }
  return roster;
}
