/**
 * The classroom's WebSocket side (`/classroom/ws`). A socket's first message decides its
 * role: `join` (the join code, in constant time) makes it a learner, `instructor` (the
 * dashboard token, in constant time) an instructor; anything else, or nothing within the
 * join timeout, closes it with 1008.
 *
 * Learners only ever receive their own `joined`, hints to them or to all, `push-start`,
 * `hold`, `cast`, `ended`, `pong` and `error`: the roster goes to instructors alone. An
 * instructor gets the whole `room` once, then one `learner` delta per learner that changed,
 * coalesced over a short window so a burst of 100 learners is 100 small deltas, not 100 rooms.
 */
import type { WebSocket } from 'ws';
import type { CastFrame, ClassroomClientMessage, ClassroomServerMessage, InstructorServerMessage, LearnerServerMessage } from '../../src/shared/classroom-protocol.js';
import { RateLimit, tokenMatches } from '../guard.js';
import { stripUnsafeSequences } from '../output-guard.js';
import type { Learner, Room } from './room.js';
import { MAX_LEARNER_MESSAGE_BYTES, parseClassroomMessage } from './schema.js';

/** The instructor's console kept while a cast is on, replayed to learners who join mid-cast. */
export const CAST_TERM_KEEP = 64 * 1024;
/** A socket that lets this much pile up unread is cut (it reconnects and resyncs). */
const MAX_BUFFERED = 8 * 1024 * 1024;
/** Hints kept for a learner who is offline, delivered when it returns. */
const MAX_PENDING_HINTS = 20;

export interface HubOptions {
  /** The URL learners open (shown on the dashboard). */
  joinUrl: () => string;
  /** Learners restored from disk at start. */
  restored: number;
  /** Milliseconds a socket has to send `join` or `instructor` (default 5,000). */
  joinTimeout?: number;
  /** How often the stuck flags are recomputed (default 15 s). */
  tickMs?: number;
  /** How long learner changes are gathered before deltas go out (default 20 ms). */
  flushMs?: number;
  /** The most learners a class takes (default 1,000): a flood of joins cannot grow the journal without end. */
  maxLearners?: number;
  /** The clock (tests move it). */
  now?: () => number;
}

type Hint = Extract<LearnerServerMessage, { t: 'hint' }>;

export class ClassroomHub {
  private readonly learnerSockets = new Map<string, Set<WebSocket>>();
  private readonly instructors = new Set<WebSocket>();
  private readonly dirty = new Set<string>();
  private readonly pendingHints = new Map<string, Hint[]>();
  private flushTimer: NodeJS.Timeout | null = null;
  private readonly tickTimer: NodeJS.Timeout;
  private cast: { title?: string; size?: CastFrame; panel: CastFrame | null; term: string } | null = null;
  private readonly now: () => number;
  private readonly endListeners = new Set<() => void>();

  constructor(
    private readonly room: Room,
    private readonly opts: HubOptions,
  ) {
    this.now = opts.now ?? Date.now;
    this.tickTimer = setInterval(() => this.tick(), opts.tickMs ?? 15_000);
    this.tickTimer.unref();
  }

  /** Called when the instructor ends the class; returns the unsubscribe function. */
  onEnd(cb: () => void): () => void {
    this.endListeners.add(cb);
    return () => this.endListeners.delete(cb);
  }

  /** A learner's real-mode session opened or closed: the dashboard marks it. */
  setReal(l: Learner, on: boolean): void {
    if (l.real === on) return;
    l.real = on;
    this.changed(l);
  }

  /** Learners with at least one open socket. */
  online(): number {
    return this.learnerSockets.size;
  }

  /** Takes a new socket on the classroom path. */
  accept(ws: WebSocket): void {
    let learner: Learner | null = null;
    let instructor = false;
    let limit = new RateLimit(20, 60);
    const refuse = (message: string) => {
      this.send(ws, { t: 'error', message, fatal: true });
      ws.close(1008, message.slice(0, 100));
    };
    const timer = setTimeout(() => learner || instructor || refuse('no join or instructor message in time'), this.opts.joinTimeout ?? 5000);
    ws.on('message', (data, isBinary) => {
      if (ws.readyState !== ws.OPEN) return;
      if (isBinary) return refuse('binary messages are not part of the protocol');
      if (!limit.take()) return refuse('too many messages: slow down');
      const raw = data.toString();
      if (!instructor && Buffer.byteLength(raw) > MAX_LEARNER_MESSAGE_BYTES) return refuse('the message is too large');
      let msg: ClassroomClientMessage;
      try {
        msg = parseClassroomMessage(raw);
      } catch (e) {
        return learner || instructor ? this.send(ws, { t: 'error', message: (e as Error).message }) : refuse((e as Error).message);
      }
      if (learner) learner.lastSeen = this.now();
      if (msg.t === 'ping' && (learner || instructor)) return this.send(ws, { t: 'pong' });
      if (learner) return this.fromLearner(ws, learner, msg, refuse);
      if (instructor) return this.fromInstructor(ws, msg);
      if (msg.t === 'instructor') {
        if (!tokenMatches(this.room.token, msg.token)) return refuse('the instructor token is missing or wrong: open the dashboard URL the server printed');
        clearTimeout(timer);
        instructor = true;
        limit = new RateLimit(200, 1000);
        this.instructors.add(ws);
        this.send(ws, this.roomMessage());
        return;
      }
      if (msg.t !== 'join') return refuse('the first message must be join');
      if (!tokenMatches(this.room.code, msg.code.trim().toUpperCase())) return refuse('the join code is wrong: check the code your instructor shows');
      if (this.room.ended !== null) return refuse('this class has ended');
      const l = this.admit(msg);
      if (l === 'full') return refuse('this class is full');
      if (!l) return refuse('this learner record belongs to someone else: join with a nickname instead');
      clearTimeout(timer);
      learner = l;
      this.attach(ws, l);
    });
    ws.on('close', () => {
      clearTimeout(timer);
      if (instructor) this.instructors.delete(ws);
      if (learner) this.detach(ws, learner);
    });
    ws.on('error', () => ws.terminate());
  }

  /** The learner a `join` names: the resumed one (right key), or a new one. Null for a wrong key. */
  private admit(msg: Extract<ClassroomClientMessage, { t: 'join' }>): Learner | null | 'full' {
    const now = this.now();
    if (msg.resume) {
      const known = this.room.learners.get(msg.resume.id);
      if (known) {
        if (!tokenMatches(known.key, msg.resume.key)) return null;
        this.room.rename(known, msg.nickname);
        known.lastSeen = now;
        return known;
      }
      // an id this room never gave (a new class since): a new learner, who then syncs what it holds
    }
    if (this.room.learners.size >= (this.opts.maxLearners ?? 1000)) return 'full';
    return this.room.addLearner(msg.nickname, now);
  }

  private attach(ws: WebSocket, l: Learner): void {
    let set = this.learnerSockets.get(l.id);
    if (!set) this.learnerSockets.set(l.id, (set = new Set()));
    set.add(ws);
    l.online = true;
    this.send(ws, { t: 'joined', id: l.id, key: l.key, nickname: l.nickname, hold: this.room.hold, lessons: Object.fromEntries(l.lessons), cast: !!this.cast });
    if (this.cast) {
      this.send(ws, { t: 'cast', frame: { kind: 'start', ...(this.cast.title !== undefined ? { title: this.cast.title } : {}) } });
      if (this.cast.size) this.send(ws, { t: 'cast', frame: this.cast.size });
      if (this.cast.panel) this.send(ws, { t: 'cast', frame: this.cast.panel });
      if (this.cast.term) this.send(ws, { t: 'cast', frame: { kind: 'term', data: this.cast.term } });
    }
    for (const h of this.pendingHints.get(l.id) ?? []) this.send(ws, h);
    this.pendingHints.delete(l.id);
    this.changed(l);
  }

  private detach(ws: WebSocket, l: Learner): void {
    const set = this.learnerSockets.get(l.id);
    if (!set?.delete(ws)) return;
    if (set.size) return;
    this.learnerSockets.delete(l.id);
    l.online = false;
    l.lastSeen = this.now();
    this.changed(l);
  }

  private fromLearner(ws: WebSocket, l: Learner, msg: ClassroomClientMessage, refuse: (m: string) => void): void {
    const now = this.now();
    switch (msg.t) {
      case 'progress':
        if (this.room.report(l, { [msg.lesson]: msg.progress }, msg.lesson, now)) this.changed(l);
        return;
      case 'sync':
        if (this.room.report(l, msg.lessons, msg.current, now)) this.changed(l);
        return;
      case 'join':
        return this.send(ws, { t: 'error', message: 'already joined' });
      default:
        return refuse(`${msg.t} is not a learner's message`);
    }
  }

  private fromInstructor(ws: WebSocket, msg: ClassroomClientMessage): void {
    const now = this.now();
    const error = (message: string) => this.send(ws, { t: 'error', message });
    switch (msg.t) {
      case 'hint': {
        if (msg.to === 'all') return this.toLearners({ t: 'hint', text: msg.text, at: now, toAll: true });
        const l = this.room.learners.get(msg.to);
        if (!l) return error(`no learner ${msg.to}`);
        const hint: Hint = { t: 'hint', text: msg.text, at: now, toAll: false };
        const sockets = this.learnerSockets.get(l.id);
        if (sockets) for (const s of sockets) this.send(s, hint);
        else this.pendingHints.set(l.id, [...(this.pendingHints.get(l.id) ?? []), hint].slice(-MAX_PENDING_HINTS));
        return;
      }
      case 'push-start':
        if (!this.room.catalog.has(msg.lesson)) return error(`no lesson ${msg.lesson}`);
        return this.toLearners({ t: 'push-start', lesson: msg.lesson });
      case 'hold':
        if (msg.hold && !this.room.catalog.has(msg.hold.lesson, msg.hold.step)) return error(`no step ${msg.hold.lesson} ${msg.hold.step}`);
        this.room.setHold(msg.hold);
        this.toLearners({ t: 'hold', hold: msg.hold });
        return this.toInstructors(this.roomMessage());
      case 'stuck-rule':
        this.room.setStuckRule(msg.rule);
        for (const l of this.room.learners.values()) l.stuck = this.room.isStuck(l, now);
        return this.toInstructors(this.roomMessage());
      case 'cast':
        return this.relayCast(msg.frame);
      case 'end':
        this.room.end(now);
        this.cast = null;
        this.toLearners({ t: 'ended' });
        for (const set of this.learnerSockets.values()) for (const s of set) s.close(1000, 'the class has ended');
        for (const cb of this.endListeners) cb();
        return this.toInstructors(this.roomMessage());
      default:
        return error(`${msg.t} is not an instructor's message`);
    }
  }

  private relayCast(frame: CastFrame): void {
    if (frame.kind === 'stop') {
      if (!this.cast) return;
      this.cast = null;
      return this.toLearners({ t: 'cast', frame });
    }
    if (frame.kind === 'start') {
      this.cast = { ...(frame.title !== undefined ? { title: frame.title } : {}), panel: null, term: '' };
      return this.toLearners({ t: 'cast', frame });
    }
    // a frame without a start starts the cast, so learners open the pane
    if (!this.cast) this.relayCast({ kind: 'start' });
    const cast = this.cast!;
    if (frame.kind === 'panel') {
      cast.panel = frame;
      return this.toLearners({ t: 'cast', frame });
    }
    if (frame.kind === 'size') {
      cast.size = frame;
      return this.toLearners({ t: 'cast', frame });
    }
    const data = stripUnsafeSequences(frame.data);
    cast.term = keepTail(cast.term + data, CAST_TERM_KEEP);
    this.toLearners({ t: 'cast', frame: { kind: 'term', data } });
  }

  /** Marks a learner for the next delta to instructors. */
  private changed(l: Learner): void {
    this.dirty.add(l.id);
    this.flushTimer ??= setTimeout(() => this.flush(), this.opts.flushMs ?? 20);
  }

  private flush(): void {
    this.flushTimer = null;
    const now = this.now();
    for (const id of this.dirty) {
      const l = this.room.learners.get(id);
      if (!l) continue;
      const learner = this.room.entry(l, now);
      l.stuck = learner.stuck;
      this.toInstructors({ t: 'learner', learner, now });
    }
    this.dirty.clear();
  }

  /** Recomputes the stuck flags; learners whose flag flipped go out as deltas. */
  tick(): void {
    const now = this.now();
    for (const l of this.room.learners.values()) if (this.room.isStuck(l, now) !== l.stuck) this.changed(l);
  }

  private roomMessage(): InstructorServerMessage {
    const now = this.now();
    const room = this.room.view(this.opts.joinUrl(), this.opts.restored, now);
    for (const e of room.learners) this.room.learners.get(e.id)!.stuck = e.stuck;
    return { t: 'room', room };
  }

  private toLearners(m: LearnerServerMessage): void {
    const text = JSON.stringify(m);
    for (const set of this.learnerSockets.values()) for (const s of set) this.sendText(s, text);
  }

  private toInstructors(m: InstructorServerMessage): void {
    if (!this.instructors.size) return;
    const text = JSON.stringify(m);
    for (const s of this.instructors) this.sendText(s, text);
  }

  private send(ws: WebSocket, m: ClassroomServerMessage): void {
    this.sendText(ws, JSON.stringify(m));
  }

  private sendText(ws: WebSocket, text: string): void {
    if (ws.readyState !== ws.OPEN) return;
    // a client that stops reading must not make the server buffer without end: cut it, it resyncs
    if (ws.bufferedAmount > MAX_BUFFERED) return void ws.terminate();
    ws.send(text);
  }

  /** Stops the timers and drops every socket. */
  close(): void {
    clearInterval(this.tickTimer);
    if (this.flushTimer) clearTimeout(this.flushTimer);
    for (const s of this.instructors) s.terminate();
    for (const set of this.learnerSockets.values()) for (const s of set) s.terminate();
  }
}

/** The last `max` characters of `text`, starting at a line if one starts near the cut (so no escape sequence is cut in half). */
export function keepTail(text: string, max: number): string {
  if (text.length <= max) return text;
  const tail = text.slice(text.length - max);
  const nl = tail.indexOf('\n');
  return nl >= 0 && nl < 4096 ? tail.slice(nl + 1) : tail;
}
