/**
 * What the instructor's dashboard draws, computed from the RoomView: the roster in the order
 * that needs attention first, the heatmap of learners per lesson and step, each lesson's
 * completion funnel and time on step. Pure: no DOM, no clock of its own.
 */
import type { RosterEntry } from '../shared/classroom-protocol.js';

/** A lesson as the dashboard names it (from the lesson bundle). */
export interface LessonOutline {
  id: string;
  title: string;
  steps: { id: string; title: string }[];
}

/** One heatmap cell: the learners on this step now, and how many of them are stuck. */
export interface HeatCell {
  step: string;
  here: number;
  stuck: number;
}

/** One heatmap row. */
export interface HeatRow {
  lesson: LessonOutline;
  cells: HeatCell[];
}

/** One funnel bar: how many learners have done this step. */
export interface FunnelStep {
  step: string;
  title: string;
  done: number;
}

/** Milliseconds on the current step at server time `now`, or null when not on a step. */
export function timeOnStep(entry: RosterEntry, now: number): number | null {
  return entry.step !== null && entry.stepSince !== null ? Math.max(0, now - entry.stepSince) : null;
}

/** A duration the way a dashboard shows it: `42 s`, `7 min`, `1 h 05`. */
export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '–';
  const s = Math.floor(Math.max(0, ms) / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')}`;
}

/** The roster as the dashboard lists it: stuck first, then online before offline, then the longest on their step, then by nickname. */
export function sortRoster(learners: readonly RosterEntry[], now: number): RosterEntry[] {
  return [...learners].sort(
    (a, b) =>
      Number(b.stuck) - Number(a.stuck) ||
      Number(b.online) - Number(a.online) ||
      (timeOnStep(b, now) ?? -1) - (timeOnStep(a, now) ?? -1) ||
      a.nickname.localeCompare(b.nickname) ||
      a.id.localeCompare(b.id),
  );
}

/**
 * Learners per lesson and step, stuck counts beside them. Lessons nobody is in and nobody has
 * done a step of are left out (a room usually works in two or three lessons at a time), unless
 * `all` is set. Offline learners count where they were.
 */
export function heatmap(learners: readonly RosterEntry[], lessons: readonly LessonOutline[], all = false): HeatRow[] {
  const rows: HeatRow[] = [];
  for (const lesson of lessons) {
    const cells = lesson.steps.map((s): HeatCell => ({ step: s.id, here: 0, stuck: 0 }));
    let touched = false;
    for (const l of learners) {
      if ((l.done[lesson.id]?.length ?? 0) > 0) touched = true;
      if (l.lesson !== lesson.id) continue;
      touched = true;
      const cell = cells.find((c) => c.step === l.step);
      if (!cell) continue;
      cell.here++;
      if (l.stuck) cell.stuck++;
    }
    if (touched || all) rows.push({ lesson, cells });
  }
  return rows;
}

/** How many learners have done each step of `lesson`, in step order (a step done out of order still counts). */
export function funnel(learners: readonly RosterEntry[], lesson: LessonOutline): FunnelStep[] {
  return lesson.steps.map((s) => ({ step: s.id, title: s.title, done: learners.filter((l) => l.done[lesson.id]?.includes(s.id)).length }));
}

/** A lesson's and a step's titles for a roster row (falls back to the ids for a lesson this page does not have). */
export function placeOf(entry: Pick<RosterEntry, 'lesson' | 'step'>, lessons: readonly LessonOutline[]): { lesson: string; step: string; index: number } {
  if (entry.lesson === null) return { lesson: 'Not in a lesson', step: '', index: -1 };
  const l = lessons.find((x) => x.id === entry.lesson);
  const index = l?.steps.findIndex((s) => s.id === entry.step) ?? -1;
  return { lesson: l?.title ?? entry.lesson, step: index >= 0 ? l!.steps[index]!.title : (entry.step ?? ''), index };
}
