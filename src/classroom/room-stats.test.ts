import { describe, expect, it } from 'vitest';
import type { RosterEntry } from '../shared/classroom-protocol.js';
import { formatDuration, funnel, heatmap, placeOf, sortRoster, timeOnStep, type LessonOutline } from './room-stats.js';

const lessons: LessonOutline[] = [
  { id: 'c/01-a', title: 'Lesson A', steps: [{ id: 'one', title: 'One' }, { id: 'two', title: 'Two' }, { id: 'three', title: 'Three' }] },
  { id: 'c/02-b', title: 'Lesson B', steps: [{ id: 'x', title: 'X' }] },
  { id: 'c/03-c', title: 'Lesson C', steps: [{ id: 'y', title: 'Y' }] },
];

function learner(id: string, over: Partial<RosterEntry> = {}): RosterEntry {
  return { id, nickname: id, online: true, lesson: 'c/01-a', step: 'one', stepSince: 0, failures: 0, stuck: false, done: {}, lastSeen: 0, ...over };
}

describe('room stats', () => {
  it('measures time on step against the server clock, and none off a step', () => {
    expect(timeOnStep(learner('a', { stepSince: 1000 }), 61_000)).toBe(60_000);
    expect(timeOnStep(learner('a', { step: null, stepSince: null }), 5)).toBeNull();
    expect(timeOnStep(learner('a', { stepSince: 9000 }), 5000)).toBe(0);
  });

  it('formats durations in seconds, minutes, then hours', () => {
    expect(formatDuration(42_500)).toBe('42 s');
    expect(formatDuration(7 * 60_000 + 5000)).toBe('7 min');
    expect(formatDuration(65 * 60_000)).toBe('1 h 05');
    expect(formatDuration(null)).toBe('–');
  });

  it('lists stuck learners first, then online ones, the longest on their step first', () => {
    const rows = sortRoster(
      [
        learner('fresh', { stepSince: 90_000 }),
        learner('away', { online: false, stepSince: 0 }),
        learner('stuck', { stuck: true, stepSince: 80_000 }),
        learner('slow', { stepSince: 10_000 }),
        learner('idle', { lesson: null, step: null, stepSince: null }),
      ],
      100_000,
    );
    expect(rows.map((r) => r.id)).toEqual(['stuck', 'slow', 'fresh', 'idle', 'away']);
  });

  it('counts learners and stuck learners per step, leaving out lessons nobody touched', () => {
    const rows = heatmap(
      [learner('a'), learner('b', { stuck: true }), learner('c', { step: 'three' }), learner('d', { lesson: null, step: null, done: { 'c/02-b': ['x'] } })],
      lessons,
    );
    expect(rows.map((r) => r.lesson.id)).toEqual(['c/01-a', 'c/02-b']);
    expect(rows[0]!.cells).toEqual([
      { step: 'one', here: 2, stuck: 1 },
      { step: 'two', here: 0, stuck: 0 },
      { step: 'three', here: 1, stuck: 0 },
    ]);
    expect(rows[1]!.cells).toEqual([{ step: 'x', here: 0, stuck: 0 }]);
    expect(heatmap([], lessons, true)).toHaveLength(3);
  });

  it('counts done steps per lesson for the funnel, out-of-order steps included', () => {
    const f = funnel([learner('a', { done: { 'c/01-a': ['one', 'two'] } }), learner('b', { done: { 'c/01-a': ['one', 'three'] } }), learner('c')], lessons[0]!);
    expect(f).toEqual([
      { step: 'one', title: 'One', done: 2 },
      { step: 'two', title: 'Two', done: 1 },
      { step: 'three', title: 'Three', done: 1 },
    ]);
  });

  it('names a learner’s place by titles, falling back to ids for an unknown lesson', () => {
    expect(placeOf({ lesson: 'c/01-a', step: 'two' }, lessons)).toEqual({ lesson: 'Lesson A', step: 'Two', index: 1 });
    expect(placeOf({ lesson: 'z/99', step: 's' }, lessons)).toEqual({ lesson: 'z/99', step: 's', index: -1 });
    expect(placeOf({ lesson: null, step: null }, lessons).lesson).toBe('Not in a lesson');
  });
});
