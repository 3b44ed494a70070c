/**
 * `npm run lesson:check [PATH...]`: validates lessons against the schema and replays each
 * lesson's solutions on a fresh simulator, checking that every step's checks fail before
 * its solution and pass after it. PATH is a course folder or a lesson folder (default: all).
 * Exit code 0 when every lesson is green.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SimBackend } from '../backends/sim.js';
import { formatIssue } from '../lessons/parse.js';
import { replayLesson } from '../lessons/replay.js';
import { loadCourse, loadCourses, loadLesson, type LessonOnDisk } from './lesson-files.js';
import { parseCourse } from '../lessons/parse.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');

function lessonsFor(args: string[]): LessonOnDisk[] {
  if (args.length === 0) return loadCourses(path.join(ROOT, 'lessons')).flatMap((c) => c.lessons);
  return args.flatMap((a) => {
    const dir = path.resolve(a);
    if (!fs.existsSync(dir)) {
      process.stderr.write(`lesson:check: no such folder: ${a}\n`);
      process.exit(2);
    }
    if (fs.existsSync(path.join(dir, 'lesson.md'))) {
      const idx = path.join(path.dirname(dir), 'index.md');
      const course = fs.existsSync(idx) ? safeCourse(idx) : undefined;
      return [loadLesson(dir, course, `${path.basename(path.dirname(dir))}/${path.basename(dir)}`)];
    }
    return loadCourse(dir).lessons;
  });
}

function safeCourse(file: string) {
  try {
    return parseCourse(file, fs.readFileSync(file, 'utf8')).course;
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  const lessons = lessonsFor(process.argv.slice(2));
  let failed = 0;
  for (const l of lessons) {
    if (l.error || !l.parsed) {
      failed++;
      process.stdout.write(`✗ ${l.id}: invalid\n${l.error!.issues.map((i) => '    ' + formatIssue(i)).join('\n')}\n`);
      continue;
    }
    const r = await replayLesson(new SimBackend({ seed: 1 }), l.parsed.lesson, l.startFiles);
    if (r.ok) process.stdout.write(`✓ ${l.id}: ${l.parsed.lesson.steps.length} steps replay green\n`);
    else {
      failed++;
      process.stdout.write(`✗ ${l.id}\n${r.problems.map((p) => '    ' + p.replace(/\n/g, '\n      ')).join('\n')}\n`);
    }
  }
  process.stdout.write(`${lessons.length - failed}/${lessons.length} lessons green\n`);
  process.exit(failed ? 1 : 0);
}

void main();
