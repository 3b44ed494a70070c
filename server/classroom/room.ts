/**
 * The classroom's state: its join code and instructor token, the learners and their progress,
 * the hold and the stuck rule. Every change is a `RoomRecord` applied by `apply()`: live
 * changes go through `commit()`, which also hands the record to the journal, and a restart
 * replays the same records, so what is replayed is exactly what happened.
 */
import { randomBytes, randomInt } from 'node:crypto';
import {
  JOIN_CODE_ALPHABET,
  JOIN_CODE_LENGTH,
  type Hold,
  type LessonProgress,
  type RoomView,
  type RosterEntry,
  type StuckRule,
} from '../../src/shared/classroom-protocol.js';
import { newToken } from '../guard.js';
import type { Catalog } from './catalog.js';

/** Ten minutes on one step, or three failed checks, unless the instructor says otherwise. */
export const DEFAULT_STUCK_RULE: StuckRule = { minutes: 10, failures: 3 };

/** One learner as the server keeps it. `online` and `stuck` are not journaled. */
export interface Learner {
  id: string;
  /** The secret the learner's browser presents to resume (compared in constant time). */
  key: string;
  nickname: string;
  joinedAt: number;
  lessons: Map<string, LessonProgress>;
  current: string | null;
  /** Server time when the learner's lesson or step last changed. */
  stepSince: number | null;
  lastSeen: number;
  online: boolean;
  /** The stuck flag as the instructors last saw it (the hub sends a delta when it flips). */
  stuck: boolean;
  /** A real-mode session is open for this learner (not journaled: sessions end with the server). */
  real: boolean;
}

/** One change to the room, as the journal stores it. Applying a record twice gives the same state. */
export type RoomRecord =
  | { k: 'created'; code: string; token: string; startedAt: number; stuckRule: StuckRule }
  | { k: 'learner'; id: string; key: string; nickname: string; at: number }
  | { k: 'nickname'; id: string; nickname: string }
  /** The learner's merged records of the lessons that changed, and where the learner now is. */
  | { k: 'progress'; id: string; lessons: Record<string, LessonProgress>; current: string | null; stepSince: number | null; at: number }
  | { k: 'hold'; hold: Hold | null }
  | { k: 'stuck-rule'; rule: StuckRule }
  | { k: 'ended'; at: number };

/** The whole room as plain JSON (the journal's snapshot). */
export interface RoomState {
  code: string;
  token: string;
  startedAt: number;
  ended: number | null;
  hold: Hold | null;
  stuckRule: StuckRule;
  learners: { id: string; key: string; nickname: string; joinedAt: number; lessons: Record<string, LessonProgress>; current: string | null; stepSince: number | null; lastSeen: number }[];
}

/** A fresh join code: JOIN_CODE_LENGTH characters of JOIN_CODE_ALPHABET, from the system's CSPRNG. */
export function newJoinCode(): string {
  let code = '';
  for (let i = 0; i < JOIN_CODE_LENGTH; i++) code += JOIN_CODE_ALPHABET[randomInt(JOIN_CODE_ALPHABET.length)];
  return code;
}

/** Merges a learner's record of one lesson into the server's: the newer `updatedAt` wins, done steps are the union. */
export function mergeProgress(old: LessonProgress | undefined, incoming: LessonProgress): LessonProgress {
  if (!old) return incoming;
  const newer = incoming.updatedAt >= old.updatedAt ? incoming : old;
  return { step: newer.step, done: [...new Set([...old.done, ...incoming.done])], failures: newer.failures, updatedAt: newer.updatedAt };
}

function sameProgress(a: LessonProgress | undefined, b: LessonProgress): boolean {
  return !!a && a.step === b.step && a.failures === b.failures && a.updatedAt === b.updatedAt && a.done.length === b.done.length && a.done.every((s, i) => s === b.done[i]);
}

export class Room {
  code = '';
  token = '';
  startedAt = 0;
  ended: number | null = null;
  hold: Hold | null = null;
  stuckRule: StuckRule = DEFAULT_STUCK_RULE;
  readonly learners = new Map<string, Learner>();

  /** `sink` receives every committed record (the journal); replayed records do not go to it. */
  constructor(
    readonly catalog: Catalog,
    private readonly sink: (r: RoomRecord) => void = () => undefined,
  ) {}

  /** true once the room has a code (a new room, or one restored). */
  get created(): boolean {
    return this.code !== '';
  }

  /** Applies one record: the only way the room's journaled state changes. */
  apply(r: RoomRecord): void {
    switch (r.k) {
      case 'created':
        Object.assign(this, { code: r.code, token: r.token, startedAt: r.startedAt, stuckRule: r.stuckRule });
        return;
      case 'learner':
        this.learners.set(r.id, { id: r.id, key: r.key, nickname: r.nickname, joinedAt: r.at, lessons: new Map(), current: null, stepSince: null, lastSeen: r.at, online: false, stuck: false, real: false });
        return;
      case 'nickname': {
        const l = this.learners.get(r.id);
        if (l) l.nickname = r.nickname;
        return;
      }
      case 'progress': {
        const l = this.learners.get(r.id);
        if (!l) return;
        for (const [id, p] of Object.entries(r.lessons)) l.lessons.set(id, p);
        l.current = r.current;
        l.stepSince = r.stepSince;
        l.lastSeen = Math.max(l.lastSeen, r.at);
        return;
      }
      case 'hold':
        this.hold = r.hold;
        return;
      case 'stuck-rule':
        this.stuckRule = r.rule;
        return;
      case 'ended':
        this.ended = r.at;
        return;
    }
  }

  private commit(r: RoomRecord): void {
    this.apply(r);
    this.sink(r);
  }

  /** Starts a new class: a fresh code and instructor token. */
  create(now: number, stuckRule: StuckRule = DEFAULT_STUCK_RULE): void {
    this.commit({ k: 'created', code: newJoinCode(), token: newToken(), startedAt: now, stuckRule });
  }

  /** A new learner with a fresh id and key (two learners may share a nickname; their ids differ). */
  addLearner(nickname: string, now: number): Learner {
    let id: string;
    do id = randomBytes(9).toString('base64url');
    while (this.learners.has(id));
    this.commit({ k: 'learner', id, key: newToken(), nickname, at: now });
    return this.learners.get(id)!;
  }

  /** Changes a returning learner's nickname. */
  rename(l: Learner, nickname: string): void {
    if (l.nickname !== nickname) this.commit({ k: 'nickname', id: l.id, nickname });
  }

  /**
   * Folds what a learner reports into the room: `lessons` (only known lessons and steps count)
   * and where the learner now is (`current`; undefined keeps it). Returns true when anything changed.
   */
  report(l: Learner, lessons: Record<string, LessonProgress>, current: string | null | undefined, now: number): boolean {
    l.lastSeen = now;
    const changed: Record<string, LessonProgress> = {};
    for (const [id, p] of Object.entries(lessons)) {
      if (!this.catalog.has(id, p.step)) continue;
      const clean = { ...p, done: this.catalog.order(id, p.done) };
      const merged = mergeProgress(l.lessons.get(id), clean);
      merged.done = this.catalog.order(id, merged.done);
      if (!sameProgress(l.lessons.get(id), merged)) changed[id] = merged;
    }
    const nextCurrent = current === undefined || (current !== null && !this.catalog.has(current)) ? l.current : current;
    const stepOf = (lesson: string | null, source: (id: string) => LessonProgress | undefined) => (lesson === null ? null : (source(lesson)?.step ?? null));
    const before = `${l.current}\u0000${stepOf(l.current, (id) => l.lessons.get(id))}`;
    const after = `${nextCurrent}\u0000${stepOf(nextCurrent, (id) => changed[id] ?? l.lessons.get(id))}`;
    if (!Object.keys(changed).length && before === after) return false;
    const stepSince = before === after ? l.stepSince : nextCurrent === null ? null : now;
    this.commit({ k: 'progress', id: l.id, lessons: changed, current: nextCurrent, stepSince, at: now });
    return true;
  }

  setHold(hold: Hold | null): void {
    this.commit({ k: 'hold', hold });
  }

  setStuckRule(rule: StuckRule): void {
    this.commit({ k: 'stuck-rule', rule });
  }

  end(now: number): void {
    if (this.ended === null) this.commit({ k: 'ended', at: now });
  }

  /** Over the stuck rule on a step not yet done: too long on it, or too many failed checks. */
  isStuck(l: Learner, now: number): boolean {
    const p = l.current === null ? undefined : l.lessons.get(l.current);
    if (!p || p.done.includes(p.step)) return false;
    const longOnStep = l.stepSince !== null && now - l.stepSince >= this.stuckRule.minutes * 60_000;
    return longOnStep || p.failures >= this.stuckRule.failures;
  }

  /** The learner as the dashboard shows it. */
  entry(l: Learner, now: number): RosterEntry {
    const p = l.current === null ? undefined : l.lessons.get(l.current);
    const done: Record<string, string[]> = {};
    for (const [id, lp] of l.lessons) if (lp.done.length) done[id] = [...lp.done];
    return {
      id: l.id,
      nickname: l.nickname,
      online: l.online,
      lesson: l.current,
      step: p?.step ?? null,
      stepSince: l.current === null ? null : l.stepSince,
      failures: p?.failures ?? 0,
      stuck: this.isStuck(l, now),
      done,
      lastSeen: l.lastSeen,
      ...(l.real ? { real: true } : {}),
    };
  }

  /** The whole room as the dashboard draws it. */
  view(joinUrl: string, restored: number, now: number): RoomView {
    return {
      code: this.code,
      joinUrl,
      startedAt: this.startedAt,
      ended: this.ended !== null,
      hold: this.hold,
      stuckRule: this.stuckRule,
      learners: [...this.learners.values()].map((l) => this.entry(l, now)),
      restored,
      now,
    };
  }

  /** The room as plain JSON, for a snapshot. */
  toState(): RoomState {
    return {
      code: this.code,
      token: this.token,
      startedAt: this.startedAt,
      ended: this.ended,
      hold: this.hold,
      stuckRule: this.stuckRule,
      learners: [...this.learners.values()].map((l) => ({
        id: l.id,
        key: l.key,
        nickname: l.nickname,
        joinedAt: l.joinedAt,
        lessons: Object.fromEntries(l.lessons),
        current: l.current,
        stepSince: l.stepSince,
        lastSeen: l.lastSeen,
      })),
    };
  }

  /** Replaces the room's state with a snapshot's. */
  load(s: RoomState): void {
    Object.assign(this, { code: s.code, token: s.token, startedAt: s.startedAt, ended: s.ended, hold: s.hold, stuckRule: s.stuckRule });
    this.learners.clear();
    for (const l of s.learners) this.learners.set(l.id, { ...l, lessons: new Map(Object.entries(l.lessons)), online: false, stuck: false, real: false });
  }
}
