/**
 * The course as the classroom knows it: lesson ids and their steps, in order, read from the
 * repository's lessons/ with the same parser the app uses. Learners report progress by these
 * ids; a lesson or step that is not here is ignored, never trusted.
 */
import * as fs from 'node:fs';
import { loadCourses } from '../../src/runner/lesson-files.js';

/** One lesson: its id (`01-images-and-containers/03-images-and-layers`) and its step ids in order. */
export interface CatalogLesson {
  id: string;
  title: string;
  steps: string[];
}

/** Every lesson in course order, and a lookup by id. */
export class Catalog {
  readonly byId: ReadonlyMap<string, CatalogLesson>;
  constructor(readonly lessons: readonly CatalogLesson[]) {
    this.byId = new Map(lessons.map((l) => [l.id, l]));
  }

  /** true when `lesson` exists and, if given, has the step `step`. */
  has(lesson: string, step?: string): boolean {
    const l = this.byId.get(lesson);
    return !!l && (step === undefined || l.steps.includes(step));
  }

  /** The known steps among `steps`, in the lesson's order, each once. */
  order(lesson: string, steps: Iterable<string>): string[] {
    const want = new Set(steps);
    return (this.byId.get(lesson)?.steps ?? []).filter((s) => want.has(s));
  }
}

/** Reads every lesson under `dir` (lessons that do not parse are left out; a missing dir gives an empty catalog). */
export function loadCatalog(dir: string): Catalog {
  if (!fs.existsSync(dir)) return new Catalog([]);
  const lessons: CatalogLesson[] = [];
  for (const course of loadCourses(dir)) {
    for (const l of course.lessons) {
      if (l.parsed) lessons.push({ id: l.id, title: l.parsed.lesson.title, steps: l.parsed.lesson.steps.map((s) => s.id) });
    }
  }
  return new Catalog(lessons);
}
