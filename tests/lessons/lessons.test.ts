/**
 * Every lesson validates against the schema, and its solutions replay green on a fresh
 * simulator: each step's checks fail before its solution (none is vacuous) and pass after it.
 */
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SimBackend } from '../../src/backends/sim.js';
import { formatIssue } from '../../src/lessons/parse.js';
import { replayLesson } from '../../src/lessons/replay.js';
import { loadCourses } from '../../src/runner/lesson-files.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const courses = loadCourses(path.join(ROOT, 'lessons'));

describe('lessons', () => {
  it('there is at least one course with lessons', () => {
    expect(courses.length).toBeGreaterThan(0);
    expect(courses.flatMap((c) => c.lessons).length).toBeGreaterThan(0);
  });

  for (const c of courses) {
    it(`${c.id}: the course index validates`, () => {
      expect(c.error?.issues.map(formatIssue) ?? []).toEqual([]);
    });
    for (const l of c.lessons) {
      it(`${l.id}: validates and replays green`, async () => {
        expect(l.error?.issues.map(formatIssue) ?? []).toEqual([]);
        const r = await replayLesson(new SimBackend({ seed: 1 }), l.parsed!.lesson, l.startFiles);
        expect(r.problems).toEqual([]);
      });
    }
  }
});

describe('the schema file for editors', () => {
  it('docs/lesson.schema.json is generated from the zod schema (run npm run lesson:schema after changing it)', async () => {
    const fs = await import('node:fs');
    const { SCHEMA_FILE, schemaText } = await import('../../src/runner/lesson-schema.js');
    expect(fs.readFileSync(SCHEMA_FILE, 'utf8')).toBe(schemaText());
  });
});

describe('the authoring guide', () => {
  it('lists the check vocabulary exactly as the schema describes it (npx tsx src/runner/lesson-docs.ts)', async () => {
    const fs = await import('node:fs');
    const { checkDocs } = await import('../../src/runner/lesson-docs.js');
    expect(fs.readFileSync(path.join(ROOT, 'docs/authoring.md'), 'utf8')).toContain(checkDocs().trimEnd());
  });
});
