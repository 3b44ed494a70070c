/**
 * Lessons on disk: `lessons/NN-course/index.md`, `lessons/NN-course/NN-lesson/lesson.md` and
 * its `start/` folder. Used by `npm run lesson:check` and tests/lessons (the app bundles the
 * same files with Vite).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LessonError, parseCourse, parseLesson, type ParsedLesson } from '../lessons/parse.js';
import type { Course } from '../lessons/schema.js';

export interface LessonOnDisk {
  /** `01-images-and-containers/03-images-and-layers`. */
  id: string;
  file: string;
  parsed?: ParsedLesson;
  /** Set when the lesson does not validate. */
  error?: LessonError;
  /** The start/ folder's files, by path relative to it. */
  startFiles: Record<string, string>;
}

export interface CourseOnDisk {
  id: string;
  dir: string;
  course?: Course;
  error?: LessonError;
  lessons: LessonOnDisk[];
}

const NUMBERED = /^\d\d-[a-z0-9-]+$/;

function readTree(dir: string, base = dir): Record<string, string> {
  const out: Record<string, string> = {};
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) Object.assign(out, readTree(p, base));
    else if (e.isFile()) out[path.relative(base, p).split(path.sep).join('/')] = fs.readFileSync(p, 'utf8');
  }
  return out;
}

/** Every course under `root` (default: the repository's lessons/), lessons in folder order. */
export function loadCourses(root: string): CourseOnDisk[] {
  return fs
    .readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory() && NUMBERED.test(e.name))
    .map((e) => e.name)
    .sort()
    .map((name) => loadCourse(path.join(root, name)));
}

export function loadCourse(dir: string): CourseOnDisk {
  const id = path.basename(dir);
  const indexFile = path.join(dir, 'index.md');
  let course: Course | undefined;
  let error: LessonError | undefined;
  try {
    course = parseCourse(path.relative(process.cwd(), indexFile), fs.readFileSync(indexFile, 'utf8')).course;
  } catch (e) {
    error = e instanceof LessonError ? e : new LessonError([{ file: indexFile, message: (e as Error).message }]);
  }
  const lessons = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && NUMBERED.test(e.name))
    .map((e) => e.name)
    .sort()
    .map((name) => loadLesson(path.join(dir, name), course, `${id}/${name}`));
  return { id, dir, ...(course ? { course } : {}), ...(error ? { error } : {}), lessons };
}

export function loadLesson(dir: string, course: Course | undefined, id = path.basename(dir)): LessonOnDisk {
  const file = path.join(dir, 'lesson.md');
  const rel = path.relative(process.cwd(), file);
  const startFiles = readTree(path.join(dir, 'start'));
  try {
    return { id, file: rel, parsed: parseLesson(rel, fs.readFileSync(file, 'utf8'), course), startFiles };
  } catch (e) {
    return { id, file: rel, error: e instanceof LessonError ? e : new LessonError([{ file: rel, message: (e as Error).message }]), startFiles };
  }
}
