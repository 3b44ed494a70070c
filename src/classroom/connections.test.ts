import { describe, expect, it } from 'vitest';
import type { ClassroomClientMessage, ClassroomServerMessage, RoomView, RosterEntry } from '../shared/classroom-protocol.js';
import { foldLearner, InstructorConnection } from './instructor-connection.js';
import { LearnerConnection, normalizeCode, normalizeNickname, rememberedClass, toLessonProgress, type ClassSnapshot, type KeyValue } from './learner-connection.js';
import type { Connect, SocketHandlers } from './link.js';

/** Sockets the test drives by hand, and manual timers. */
function fakeNet() {
  const sockets: { url: string; on: SocketHandlers; sent: ClassroomClientMessage[]; closed: boolean }[] = [];
  const connect: Connect = (url, on) => {
    const s = { url, on, sent: [] as ClassroomClientMessage[], closed: false };
    sockets.push(s);
    return { send: (d) => s.sent.push(JSON.parse(d) as ClassroomClientMessage), close: () => (s.closed = true) };
  };
  let pending: { fn: () => void; id: number }[] = [];
  let next = 0;
  const timers = {
    setTimeout: (fn: () => void) => (pending.push({ fn, id: ++next }), next),
    clearTimeout: (id: unknown) => (pending = pending.filter((p) => p.id !== id)),
    setInterval: () => ++next,
    clearInterval: () => undefined,
  };
  const fire = () => {
    const due = pending;
    pending = [];
    for (const p of due) p.fn();
  };
  const last = () => sockets[sockets.length - 1]!;
  const say = (m: ClassroomServerMessage) => last().on.message(JSON.stringify(m));
  return { sockets, connect, timers, fire, last, say };
}

function memory(): KeyValue & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return { map, getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v), removeItem: (k) => void map.delete(k) };
}

const snapshot: ClassSnapshot = { current: 'c/01-a', lessons: { 'c/01-a': { step: 'two', done: ['one'], failures: 1, updatedAt: 5 } } };

describe('learner connection', () => {
  function learner(storage = memory(), net = fakeNet()) {
    const conn = new LearnerConnection({ url: 'ws://x/classroom/ws', code: 'ABCDEF', nickname: 'Ada', storage, snapshot: () => snapshot, connect: net.connect, timers: net.timers });
    return { conn, storage, net };
  }

  it('joins, keeps the id and key, and sends everything it holds', () => {
    const { conn, storage, net } = learner();
    conn.start();
    net.last().on.open();
    expect(net.last().sent).toEqual([{ t: 'join', code: 'ABCDEF', nickname: 'Ada' }]);
    net.say({ t: 'joined', id: 'L1', key: 'K1', nickname: 'Ada', hold: null, lessons: {}, cast: false });
    expect(conn.status).toBe('online');
    expect(net.last().sent[1]).toEqual({ t: 'sync', ...snapshot });
    expect(rememberedClass(storage)).toEqual({ code: 'ABCDEF', nickname: 'Ada' });
  });

  it('reconnects after a drop, resumes as the same learner and resyncs', () => {
    const { conn, net } = learner();
    const seen: string[] = [];
    conn.onStatus((s) => seen.push(s));
    conn.start();
    net.last().on.open();
    net.say({ t: 'joined', id: 'L1', key: 'K1', nickname: 'Ada', hold: null, lessons: {}, cast: false });
    net.last().on.close();
    expect(conn.status).toBe('reconnecting');
    // progress while offline is not queued: the next sync carries it
    conn.progress('c/01-a', snapshot.lessons['c/01-a']!);
    net.fire();
    expect(net.sockets).toHaveLength(2);
    net.last().on.open();
    expect(net.last().sent).toEqual([{ t: 'join', code: 'ABCDEF', nickname: 'Ada', resume: { id: 'L1', key: 'K1' } }]);
    net.say({ t: 'joined', id: 'L1', key: 'K1', nickname: 'Ada', hold: null, lessons: {}, cast: false });
    expect(net.last().sent.map((m) => m.t)).toEqual(['join', 'sync']);
    expect(seen).toEqual(['online', 'reconnecting', 'online']);
  });

  it('waits with sync until the page has its progress', () => {
    const net = fakeNet();
    let held: ClassSnapshot | null = null;
    const conn = new LearnerConnection({ url: 'ws://x', code: 'ABCDEF', nickname: 'Ada', storage: memory(), snapshot: () => held, connect: net.connect, timers: net.timers });
    conn.start();
    net.last().on.open();
    net.say({ t: 'joined', id: 'L1', key: 'K1', nickname: 'Ada', hold: null, lessons: {}, cast: false });
    expect(net.last().sent.map((m) => m.t)).toEqual(['join']);
    held = snapshot;
    conn.sync();
    expect(net.last().sent[1]).toEqual({ t: 'sync', ...snapshot });
  });

  it('a new page load resumes with the stored identity', () => {
    const storage = memory();
    const a = learner(storage);
    a.conn.start();
    a.net.last().on.open();
    a.net.say({ t: 'joined', id: 'L1', key: 'K1', nickname: 'Ada', hold: null, lessons: {}, cast: false });
    a.conn.dispose();
    const b = learner(storage);
    b.conn.start();
    b.net.last().on.open();
    expect(b.net.last().sent[0]).toMatchObject({ resume: { id: 'L1', key: 'K1' } });
  });

  it('joins afresh when the server refuses the stored identity, and gives up on a refused code', () => {
    const storage = memory();
    storage.setItem('layerlab.classroom.learner.ABCDEF', JSON.stringify({ id: 'old', key: 'k', nickname: 'Ada' }));
    const { conn, net } = learner(storage);
    conn.start();
    net.last().on.open();
    net.say({ t: 'error', message: 'unknown learner', fatal: true });
    expect(net.sockets).toHaveLength(2);
    net.last().on.open();
    expect(net.last().sent[0]).toEqual({ t: 'join', code: 'ABCDEF', nickname: 'Ada' });
    net.say({ t: 'error', message: 'wrong join code', fatal: true });
    expect(conn.status).toBe('refused');
    expect(conn.problem).toBe('wrong join code');
    expect(rememberedClass(storage)).toBeUndefined();
    net.fire();
    expect(net.sockets).toHaveLength(2);
  });

  it('passes hints, holds, push-start and cast frames on, and stops for good when the class ends', () => {
    const { conn, net, storage } = learner();
    const got: unknown[] = [];
    conn.onHint((h) => got.push(['hint', h.text, h.toAll]));
    conn.onHold((h) => got.push(['hold', h]));
    conn.onPushStart((l) => got.push(['push', l]));
    conn.onCast((f) => got.push(['cast', f.kind]));
    conn.onEnded(() => got.push(['ended']));
    conn.start();
    net.last().on.open();
    net.say({ t: 'joined', id: 'L1', key: 'K1', nickname: 'Ada', hold: { lesson: 'c/01-a', step: 'two' }, lessons: {}, cast: false });
    net.say({ t: 'hint', text: 'look at the cache', at: 1, toAll: false });
    net.say({ t: 'push-start', lesson: 'c/02-b' });
    net.say({ t: 'cast', frame: { kind: 'start' } });
    expect(conn.casting).toBe(true);
    net.say({ t: 'cast', frame: { kind: 'term', data: 'hi' } });
    net.say({ t: 'hold', hold: null });
    net.say({ t: 'ended' });
    expect(got).toEqual([['hold', { lesson: 'c/01-a', step: 'two' }], ['hint', 'look at the cache', false], ['push', 'c/02-b'], ['cast', 'start'], ['cast', 'term'], ['hold', null], ['ended']]);
    expect(conn.status).toBe('ended');
    expect(rememberedClass(storage)).toBeUndefined();
    net.fire();
    expect(net.sockets).toHaveLength(1);
  });

  it('reports failures only while the learner is on the step they were counted on', () => {
    expect(toLessonProgress({ step: 's2', done: ['s1'], updatedAt: 10 }, { step: 's2', failures: 3, at: 20 })).toEqual({ step: 's2', done: ['s1'], failures: 3, updatedAt: 20 });
    expect(toLessonProgress({ step: 's3', done: ['s1'], updatedAt: 30 }, { step: 's2', failures: 3, at: 20 })).toEqual({ step: 's3', done: ['s1'], failures: 0, updatedAt: 30 });
  });

  it('reads join codes and nicknames the way the protocol accepts them', () => {
    expect(normalizeCode(' abc-def ')).toBe('ABCDEF');
    expect(normalizeCode('ABCDE0')).toBeNull();
    expect(normalizeNickname('  Ada ')).toBe('Ada');
    expect(normalizeNickname('   ')).toBeNull();
    expect(normalizeNickname('a\u0007b')).toBeNull();
    expect(normalizeNickname('x'.repeat(33))).toBeNull();
  });
});

describe('instructor connection', () => {
  const entry = (id: string, over: Partial<RosterEntry> = {}): RosterEntry => ({ id, nickname: id, online: true, lesson: null, step: null, stepSince: null, failures: 0, stuck: false, done: {}, lastSeen: 0, ...over });
  const room = (learners: RosterEntry[]): RoomView => ({ code: 'ABCDEF', joinUrl: 'http://x/#join=ABCDEF', startedAt: 0, ended: false, hold: null, stuckRule: { minutes: 5, failures: 3 }, learners, restored: 0, now: 1000 });

  it('folds learner deltas into the room, keeping join order', () => {
    const r = foldLearner(foldLearner(room([entry('a'), entry('b')]), entry('a', { step: 's' }), 2000), entry('c'), 1500);
    expect(r.learners.map((l) => [l.id, l.step])).toEqual([['a', 's'], ['b', null], ['c', null]]);
    expect(r.now).toBe(2000);
  });

  it('greets with the token, follows the server clock, and sends actions only while online', () => {
    const net = fakeNet();
    let clock = 500;
    const conn = new InstructorConnection({ url: 'ws://x', token: 'T', connect: net.connect, timers: net.timers, clock: () => clock });
    const rooms: RoomView[] = [];
    conn.onRoom((r) => rooms.push(r));
    conn.start();
    expect(conn.hint('all', 'hello')).toBe(false);
    net.last().on.open();
    expect(net.last().sent).toEqual([{ t: 'instructor', token: 'T' }]);
    net.say({ t: 'room', room: room([entry('a')]) });
    expect(conn.serverNow()).toBe(1000);
    clock = 700;
    expect(conn.serverNow()).toBe(1200);
    net.say({ t: 'learner', learner: entry('b'), now: 3000 });
    expect(rooms.at(-1)!.learners).toHaveLength(2);
    expect(conn.hint('b', 'look')).toBe(true);
    expect(conn.cast({ kind: 'term', data: 'x' })).toBe(true);
    expect(net.last().sent.slice(1)).toEqual([{ t: 'hint', to: 'b', text: 'look' }, { t: 'cast', frame: { kind: 'term', data: 'x' } }]);
    net.last().on.close();
    expect(conn.status).toBe('reconnecting');
    net.fire();
    net.last().on.open();
    expect(net.last().sent).toEqual([{ t: 'instructor', token: 'T' }]);
  });

  it('stops on a refused token', () => {
    const net = fakeNet();
    const conn = new InstructorConnection({ url: 'ws://x', token: 'bad', connect: net.connect, timers: net.timers });
    conn.start();
    net.last().on.open();
    net.say({ t: 'error', message: 'wrong token', fatal: true });
    expect(conn.status).toBe('refused');
    net.fire();
    expect(net.sockets).toHaveLength(1);
  });
});
