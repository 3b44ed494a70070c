/**
 * The class report: one CSV row per learner, one column per step of the course (1 when done),
 * then where the learner is, how long on that step, failed checks and the stuck flag.
 */
import type { Room } from './room.js';

/** Quotes a CSV field when needed, and defuses spreadsheet formulas (a nickname like `=HYPERLINK(...)`). */
export function csvField(value: string | number | boolean): string {
  let s = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The report as CSV text (CRLF line ends, as RFC 4180 has them). */
export function classReport(room: Room, now: number): string {
  const steps = room.catalog.lessons.flatMap((l) => l.steps.map((s) => ({ lesson: l.id, step: s })));
  const header = ['nickname', 'id', ...steps.map((s) => `${s.lesson}/${s.step}`), 'lesson', 'step', 'minutes_on_step', 'failures', 'stuck', 'online'];
  const rows = [header.map(csvField).join(',')];
  for (const l of room.learners.values()) {
    const e = room.entry(l, now);
    const done = (lesson: string, step: string) => (l.lessons.get(lesson)?.done.includes(step) ? 1 : 0);
    const minutes = e.stepSince === null ? '' : (Math.max(0, now - e.stepSince) / 60_000).toFixed(1);
    rows.push(
      [l.nickname, l.id, ...steps.map((s) => done(s.lesson, s.step)), e.lesson ?? '', e.step ?? '', minutes, e.failures, e.stuck ? 1 : 0, e.online ? 1 : 0]
        .map(csvField)
        .join(','),
    );
  }
  return rows.join('\r\n') + '\r\n';
}
