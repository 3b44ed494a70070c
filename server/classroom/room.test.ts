import { describe, expect, it } from 'vitest';
import { JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH, type LessonProgress } from '../../src/shared/classroom-protocol.js';
import { Catalog } from './catalog.js';
import { classReport, csvField } from './report.js';
import { mergeProgress, newJoinCode, Room, type RoomRecord } from './room.js';

const catalog = new Catalog([
  { id: 'c/one', title: 'One', steps: ['a', 'b', 'c'] },
  { id: 'c/two', title: 'Two', steps: ['x', 'y'] },
]);
const p = (step: string, done: string[], failures = 0, updatedAt = 1): LessonProgress => ({ step, done, failures, updatedAt });

function newRoom() {
  const records: RoomRecord[] = [];
  const room = new Room(catalog, (r) => records.push(r));
  room.create(1000);
  return { room, records };
}

describe('Room', () => {
  it('makes join codes from the alphabet, of the set length', () => {
    for (let i = 0; i < 50; i++) {
      const code = newJoinCode();
      expect(code).toHaveLength(JOIN_CODE_LENGTH);
      expect([...code].every((c) => JOIN_CODE_ALPHABET.includes(c))).toBe(true);
    }
  });

  it('merges: the newer record wins, done steps are the union', () => {
    expect(mergeProgress(p('c', ['a'], 2, 10), p('b', ['b'], 0, 5))).toEqual(p('c', ['a', 'b'], 2, 10));
    expect(mergeProgress(p('b', ['a'], 2, 5), p('c', ['b'], 0, 10))).toEqual(p('c', ['a', 'b'], 0, 10));
  });

  it('ignores lessons and steps the course does not have', () => {
    const { room } = newRoom();
    const l = room.addLearner('ann', 1000);
    expect(room.report(l, { 'c/nope': p('a', ['a']) }, 'c/nope', 2000)).toBe(false);
    expect(room.report(l, { 'c/one': p('zzz', []) }, 'c/one', 2000)).toBe(true); // the lesson counts, the step does not
    expect(l.lessons.size).toBe(0);
    room.report(l, { 'c/one': p('b', ['a', 'evil', 'a'], 0, 3) }, 'c/one', 2000);
    expect(l.lessons.get('c/one')).toEqual(p('b', ['a'], 0, 3));
  });

  it('restarts the time on a step only when the step changes', () => {
    const { room } = newRoom();
    const l = room.addLearner('ann', 1000);
    room.report(l, { 'c/one': p('a', [], 0, 1) }, 'c/one', 2000);
    expect(l.stepSince).toBe(2000);
    room.report(l, { 'c/one': p('a', [], 1, 2) }, 'c/one', 3000);
    expect(l.stepSince).toBe(2000);
    room.report(l, { 'c/one': p('b', ['a'], 0, 3) }, 'c/one', 4000);
    expect(l.stepSince).toBe(4000);
  });

  it('flags a learner stuck after the minutes or the failures of the rule, not on a done step', () => {
    const { room } = newRoom();
    room.setStuckRule({ minutes: 1, failures: 3 });
    const l = room.addLearner('ann', 0);
    room.report(l, { 'c/one': p('a', [], 0, 1) }, 'c/one', 0);
    expect(room.isStuck(l, 59_000)).toBe(false);
    expect(room.isStuck(l, 60_000)).toBe(true);
    room.report(l, { 'c/one': p('b', ['a'], 3, 2) }, 'c/one', 60_000);
    expect(room.isStuck(l, 60_001)).toBe(true);
    room.report(l, { 'c/one': p('b', ['a', 'b'], 3, 3) }, 'c/one', 60_000);
    expect(room.isStuck(l, 10 * 60_000)).toBe(false);
  });

  it('rebuilds the same state from its records and from its snapshot', () => {
    const { room, records } = newRoom();
    const a = room.addLearner('ann', 1000);
    const b = room.addLearner('ann', 1000);
    expect(a.id).not.toBe(b.id);
    room.report(a, { 'c/one': p('b', ['a'], 1, 5), 'c/two': p('x', [], 0, 6) }, 'c/two', 2000);
    room.setHold({ lesson: 'c/one', step: 'c' });
    room.end(3000);
    const replayed = new Room(catalog);
    for (const r of records) replayed.apply(r);
    expect(replayed.toState()).toEqual(room.toState());
    const loaded = new Room(catalog);
    loaded.load(JSON.parse(JSON.stringify(room.toState())));
    expect(loaded.view('u', 0, 5000)).toEqual(room.view('u', 0, 5000));
  });
});

describe('class report', () => {
  it('has a column per step and a row per learner, and defuses formulas', () => {
    const { room } = newRoom();
    const l = room.addLearner('=cmd|"calc"', 0);
    room.report(l, { 'c/one': p('b', ['a'], 2, 1) }, 'c/one', 0);
    const [head, row] = classReport(room, 90_000).trim().split('\r\n');
    expect(head).toBe('nickname,id,c/one/a,c/one/b,c/one/c,c/two/x,c/two/y,lesson,step,minutes_on_step,failures,stuck,online');
    expect(row).toBe(`"'=cmd|""calc""",${l.id},1,0,0,0,0,c/one,b,1.5,2,0,0`);
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField(-1)).toBe('-1');
  });
});
