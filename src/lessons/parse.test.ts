import { describe, expect, it } from 'vitest';
import { LessonError, parseCourse, parseLesson } from './parse.js';

const GOOD = `---
title: T
summary: S
minutes: 5
steps:
  - id: one
    title: First
    checks:
      - check: image-exists
        image: hello
    solution:
      commands: [docker build -t hello .]
---
Intro text.

## First

Do the first thing.
`;

function issues(text: string) {
  try {
    parseLesson('lessons/x/lesson.md', text);
  } catch (e) {
    if (e instanceof LessonError) return e.issues;
    throw e;
  }
  throw new Error('expected a LessonError');
}

describe('parseLesson', () => {
  it('reads the front matter, fills defaults and splits the body into intro and steps', () => {
    const p = parseLesson('l.md', GOOD, { title: 'C', summary: 'c', views: ['registry'] });
    expect(p.lesson.views).toEqual(['registry']);
    expect(p.lesson.backend).toBe('any');
    expect(p.lesson.steps[0]!.hints).toEqual([]);
    expect(p.lesson.start.cwd).toBe('/workspace');
    expect(p.intro).toBe('Intro text.');
    expect(p.stepBodies).toEqual({ one: 'Do the first thing.' });
  });

  it('names the file, line and field of a wrong value', () => {
    const bad = GOOD.replace('        image: hello', '        image: 42');
    expect(issues(bad)).toEqual([{ file: 'lessons/x/lesson.md', line: 10, field: 'steps.0.checks.0.image', message: expect.stringContaining('string') }]);
  });

  it('names an unknown check and a missing field', () => {
    const bad = GOOD.replace('check: image-exists', 'check: image-exist').replace('minutes: 5\n', '');
    const found = issues(bad);
    expect(found.map((i) => i.field).sort()).toEqual(['minutes', 'steps.0.checks.0.check']);
    expect(found.find((i) => i.field === 'steps.0.checks.0.check')!.line).toBe(8);
  });

  it('requires a body section per step, and no extra ones', () => {
    const found = issues(GOOD.replace('## First', '## Frist'));
    expect(found.map((i) => i.message)).toEqual(['no "## First" section in the lesson body for this step', 'the section "## Frist" matches no step title']);
    expect(found[0]!.line).toBe(7);
    expect(found[1]!.line).toBe(16);
  });

  it('explains a missing front matter and broken YAML', () => {
    expect(issues('# just markdown')[0]!.message).toContain('front matter');
    expect(issues('---\ntitle: [unclosed\n---\n')[0]!.message).toMatch(/^YAML: /);
  });
});

describe('parseCourse', () => {
  it('reads a course index', () => {
    expect(parseCourse('i.md', '---\ntitle: C\nsummary: S\n---\nBody').course.title).toBe('C');
  });
});

describe('strict fields', () => {
  it('reports a misspelt field instead of dropping it', () => {
    const found = issues(GOOD.replace('        image: hello', '        image: hello\n        exits: false'));
    expect(found).toEqual([{ file: 'lessons/x/lesson.md', line: 9, field: 'steps.0.checks.0', message: expect.stringContaining('exits') }]);
  });
});
