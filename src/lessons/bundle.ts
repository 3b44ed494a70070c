/// <reference types="vite/client" />
/**
 * The lessons in the browser: Vite bundles every `lessons/` file as text. Course index files
 * are tiny and eager; each lesson and its start files load on demand (their own chunks, also
 * precached for offline use). A file that does not parse becomes an error to show, never a throw.
 */
import { LessonError, parseCourse, parseLesson, type ParsedLesson } from './parse.js';
import type { Course } from './schema.js';

const INDEXES = import.meta.glob<string>('/lessons/*/index.md', { query: '?raw', import: 'default', eager: true });
const LESSONS = import.meta.glob<string>('/lessons/*/*/lesson.md', { query: '?raw', import: 'default' });
const STARTS = import.meta.glob<string>(['/lessons/*/*/start/**', '/lessons/*/*/start/**/.*'], { query: '?raw', import: 'default' });

/** One lesson as the overview lists it (parsed, or the errors that stop it). */
export interface LessonEntry {
  /** `01-images-and-containers/03-images-and-layers`: the progress key. */
  id: string;
  file: string;
  parsed?: ParsedLesson;
  error?: string;
}

export interface CourseEntry {
  id: string;
  course?: Course;
  error?: string;
  lessons: LessonEntry[];
}

const NUMBERED = /^\d\d-[a-z0-9-]+$/;

function message(e: unknown): string {
  return e instanceof LessonError ? e.message : `${String((e as Error)?.message ?? e)}`;
}

/** Lesson folders (course/lesson) from glob keys. */
export function lessonIdsOf(keys: readonly string[]): string[] {
  return keys
    .map((k) => /^\/lessons\/([^/]+\/[^/]+)\/lesson\.md$/.exec(k)?.[1])
    .filter((id): id is string => !!id && id.split('/').every((p) => NUMBERED.test(p)))
    .sort();
}

let loaded: Promise<CourseEntry[]> | undefined;

/** Every course and its lessons, parsed (each lesson.md loads in its own chunk). */
export function loadCourses(): Promise<CourseEntry[]> {
  loaded ??= (async () => {
    const courseIds = new Set<string>();
    for (const k of Object.keys(INDEXES)) courseIds.add(k.split('/')[2]!);
    const lessonIds = lessonIdsOf(Object.keys(LESSONS));
    for (const id of lessonIds) courseIds.add(id.split('/')[0]!);
    const courses: CourseEntry[] = [];
    for (const cid of [...courseIds].filter((c) => NUMBERED.test(c)).sort()) {
      const entry: CourseEntry = { id: cid, lessons: [] };
      const index = INDEXES[`/lessons/${cid}/index.md`];
      if (index === undefined) entry.error = `lessons/${cid}/index.md is missing`;
      else {
        try {
          entry.course = parseCourse(`lessons/${cid}/index.md`, index).course;
        } catch (e) {
          entry.error = message(e);
        }
      }
      entry.lessons = await Promise.all(
        lessonIds
          .filter((id) => id.startsWith(`${cid}/`))
          .map(async (id): Promise<LessonEntry> => {
            const file = `lessons/${id}/lesson.md`;
            try {
              const text = await LESSONS[`/${file}`]!();
              return { id, file, parsed: parseLesson(file, text, entry.course) };
            } catch (e) {
              return { id, file, error: message(e) };
            }
          }),
      );
      courses.push(entry);
    }
    return courses;
  })();
  return loaded;
}

/** A lesson's start/ files by path relative to start/ (a file that fails to load is reported). */
export async function loadStartFiles(id: string): Promise<{ files: Record<string, string>; missing: string[] }> {
  const prefix = `/lessons/${id}/start/`;
  const files: Record<string, string> = {};
  const missing: string[] = [];
  await Promise.all(
    Object.entries(STARTS)
      .filter(([k]) => k.startsWith(prefix))
      .map(async ([k, load]) => {
        try {
          files[k.slice(prefix.length)] = await load();
        } catch {
          missing.push(k.slice(prefix.length));
        }
      }),
  );
  return { files, missing };
}
