/**
 * A learner's side of the classroom: joins with the code and a nickname, keeps the id and key
 * the server gives (localStorage, per join code) so a reload or a server restart rejoins as
 * the same learner, and after every (re)connect sends `sync` with all the progress the
 * browser holds. Progress is sent as it changes while online and simply caught up by the next
 * `sync` otherwise: the learner never waits for the socket.
 */
import type { CastFrame, ClassroomServerMessage, Hold, LessonProgress } from '../shared/classroom-protocol.js';
import { JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH, NICKNAME_MAX } from '../shared/classroom-protocol.js';
import { Emitter, Link, type LinkOptions } from './link.js';

/** The part of Storage the classroom uses (localStorage in the page, a Map in tests). */
export interface KeyValue {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** Everything the browser holds, for `sync`. */
export interface ClassSnapshot {
  /** The lesson the learner is in (null: the overview or the sandbox). */
  current: string | null;
  lessons: Record<string, LessonProgress>;
}

/** connecting: first join under way; online: joined; reconnecting: the socket dropped, work goes on; ended: the instructor ended the class; refused: the server said no. */
export type LearnerStatus = 'connecting' | 'online' | 'reconnecting' | 'ended' | 'refused';

export interface Hint {
  text: string;
  /** Server time (ms). */
  at: number;
  toAll: boolean;
}

export interface LearnerOptions extends Pick<LinkOptions, 'connect' | 'timers' | 'minDelay' | 'maxDelay' | 'pingEvery'> {
  url: string;
  code: string;
  nickname: string;
  storage: KeyValue;
  /** Read at every (re)connect; null while the page has not loaded its progress yet (`sync()` then sends it). */
  snapshot: () => ClassSnapshot | null;
}

interface Identity {
  id: string;
  key: string;
  nickname: string;
}

const CURRENT_KEY = 'layerlab.classroom.current';
const identityKey = (code: string) => `layerlab.classroom.learner.${code}`;

/** A join code as typed (any case, spaces or dashes) in canonical form, or null when it cannot be one. */
export function normalizeCode(raw: string): string | null {
  const code = raw.toUpperCase().replace(/[\s-]/g, '');
  if (code.length !== JOIN_CODE_LENGTH || [...code].some((c) => !JOIN_CODE_ALPHABET.includes(c))) return null;
  return code;
}

/** A nickname as the protocol accepts it (trimmed, 1 to NICKNAME_MAX characters, no control characters), or null. */
export function normalizeNickname(raw: string): string | null {
  const nick = raw.trim();
  // eslint-disable-next-line no-control-regex
  if (!nick || [...nick].length > NICKNAME_MAX || /[\u0000-\u001f\u007f-\u009f]/.test(nick)) return null;
  return nick;
}

/** The class this browser joined last and has not left (a reload rejoins it without asking). */
export function rememberedClass(storage: KeyValue): { code: string; nickname: string } | undefined {
  try {
    const v = JSON.parse(storage.getItem(CURRENT_KEY) ?? 'null') as { code?: unknown; nickname?: unknown } | null;
    return typeof v?.code === 'string' && typeof v.nickname === 'string' ? { code: v.code, nickname: v.nickname } : undefined;
  } catch {
    return undefined;
  }
}

/** Leaves the remembered class (the identity for its code stays, so joining again resumes). */
export function forgetClass(storage: KeyValue): void {
  storage.removeItem(CURRENT_KEY);
}

/** One lesson's record as the protocol reports it; failures count only while the learner is still on the step they were counted on. */
export function toLessonProgress(record: { step: string; done: readonly string[]; updatedAt: number }, failed?: { step: string; failures: number; at: number }): LessonProgress {
  const counts = failed && failed.step === record.step;
  return { step: record.step, done: [...record.done], failures: counts ? failed.failures : 0, updatedAt: Math.max(record.updatedAt, counts ? failed.at : 0) };
}

/** A learner's classroom connection. */
export class LearnerConnection {
  private readonly _onStatus = new Emitter<LearnerStatus>();
  readonly onStatus = this._onStatus.event;
  private readonly _onHint = new Emitter<Hint>();
  readonly onHint = this._onHint.event;
  private readonly _onHold = new Emitter<Hold | null>();
  readonly onHold = this._onHold.event;
  private readonly _onPushStart = new Emitter<string>();
  /** The instructor opened a lesson from its start for everyone (its id). */
  readonly onPushStart = this._onPushStart.event;
  private readonly _onCast = new Emitter<CastFrame>();
  readonly onCast = this._onCast.event;
  private readonly _onEnded = new Emitter<void>();
  readonly onEnded = this._onEnded.event;

  status: LearnerStatus = 'connecting';
  /** Why the server refused (status 'refused'), or its last non-fatal complaint. */
  problem: string | undefined;
  nickname: string;
  hold: Hold | null = null;
  /** The instructor is broadcasting. */
  casting = false;
  private joined = false;
  private readonly link: Link;

  constructor(private readonly opts: LearnerOptions) {
    this.nickname = opts.nickname;
    this.link = new Link({ ...opts, hello: () => this.hello() });
    this.link.onMessage((m) => this.receive(m));
    this.link.onState((s) => {
      if (s === 'open' || s === 'connecting') this.joined = false;
      if (s === 'waiting' && (this.status === 'online' || this.status === 'connecting')) this.setStatus('reconnecting');
    });
  }

  /** Connects and joins (rejoins as the same learner when this browser has joined this class before). */
  start(): void {
    this.opts.storage.setItem(CURRENT_KEY, JSON.stringify({ code: this.opts.code, nickname: this.opts.nickname }));
    this.link.start();
  }

  /** Reports one lesson's progress (dropped while offline: the next `sync` carries it). */
  progress(lesson: string, progress: LessonProgress): void {
    if (this.joined) this.link.send({ t: 'progress', lesson, progress });
  }

  /** Sends everything the browser holds (the learner left a lesson, or after a reconnect). */
  sync(): void {
    if (!this.joined) return;
    const s = this.opts.snapshot();
    if (s) this.link.send({ t: 'sync', current: s.current, lessons: s.lessons });
  }

  /** Leaves the class on this browser (the server keeps the record; joining again resumes it). */
  leave(): void {
    forgetClass(this.opts.storage);
    this.link.close();
  }

  /** The id and key the class gave this browser (what opens real mode for it), once it joined. */
  credentials(): { id: string; key: string } | undefined {
    const me = this.identity();
    return me ? { id: me.id, key: me.key } : undefined;
  }

  /** Closes the socket (the class stays remembered for the next page load). */
  dispose(): void {
    this.link.close();
  }

  private identity(): Identity | undefined {
    try {
      const v = JSON.parse(this.opts.storage.getItem(identityKey(this.opts.code)) ?? 'null') as Partial<Identity> | null;
      return typeof v?.id === 'string' && typeof v.key === 'string' ? { id: v.id, key: v.key, nickname: String(v.nickname ?? '') } : undefined;
    } catch {
      return undefined;
    }
  }

  private hello() {
    const me = this.identity();
    return { t: 'join' as const, code: this.opts.code, nickname: this.opts.nickname, ...(me ? { resume: { id: me.id, key: me.key } } : {}) };
  }

  private receive(m: ClassroomServerMessage): void {
    switch (m.t) {
      case 'joined':
        this.opts.storage.setItem(identityKey(this.opts.code), JSON.stringify({ id: m.id, key: m.key, nickname: m.nickname }));
        this.joined = true;
        this.problem = undefined;
        this.nickname = m.nickname;
        this.link.settled();
        this.setHold(m.hold);
        if (this.casting !== m.cast) {
          this.casting = m.cast;
          // the cast ended while this learner was away (or began: its next frames open the viewer)
          if (!m.cast) this._onCast.fire({ kind: 'stop' });
        }
        this.setStatus('online');
        this.sync();
        return;
      case 'hint':
        this._onHint.fire({ text: m.text, at: m.at, toAll: m.toAll });
        return;
      case 'push-start':
        this._onPushStart.fire(m.lesson);
        return;
      case 'hold':
        this.setHold(m.hold);
        return;
      case 'cast':
        if (m.frame.kind === 'stop') this.casting = false;
        else this.casting = true;
        this._onCast.fire(m.frame);
        return;
      case 'ended':
        forgetClass(this.opts.storage);
        this.link.close();
        this.setHold(null);
        this.setStatus('ended');
        this._onEnded.fire();
        return;
      case 'error':
        this.problem = m.message;
        if (!m.fatal) return;
        if (!this.joined && this.identity()) {
          // the server does not know this id any more (a new class on the same code): join afresh
          this.opts.storage.removeItem(identityKey(this.opts.code));
          this.link.restart();
          return;
        }
        forgetClass(this.opts.storage);
        this.link.close();
        this.setStatus('refused');
        return;
      default:
        return;
    }
  }

  private setHold(h: Hold | null): void {
    if (h?.lesson === this.hold?.lesson && h?.step === this.hold?.step) return;
    this.hold = h;
    this._onHold.fire(h);
  }

  private setStatus(s: LearnerStatus): void {
    if (this.status === s) return;
    this.status = s;
    this._onStatus.fire(s);
  }
}
