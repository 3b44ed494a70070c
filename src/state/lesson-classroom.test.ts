/**
 * What the lesson runner tells the classroom (issue 8): step changes, done steps and failed
 * check runs, and the hold that keeps a learner at a step.
 */
import { describe, expect, it } from 'vitest';
import { SimBackend } from '../backends/sim.js';
import { LessonRunner, type RunnerChange } from './lesson.svelte.js';

const LESSON = '01-images-and-containers/03-images-and-layers';

async function setUp() {
  const runner = new LessonRunner({ typeLine: () => undefined, note: () => undefined, changed: () => undefined, open: () => undefined, showLesson: () => undefined, showConsole: () => undefined });
  await runner.init(undefined);
  const backend = new SimBackend({ seed: 1 });
  runner.attach(backend);
  runner.asking = false;
  const changes: RunnerChange[] = [];
  runner.onChange((c) => changes.push(c));
  const run = (line: string) => runner.intercept(line, new AbortController().signal, (l) => backend.run(l, { stdout: () => undefined, stderr: () => undefined }));
  await runner.start(runner.lessons().find((l) => l.id === LESSON)!, true);
  return { runner, changes, run };
}

describe('the lesson runner for the classroom', () => {
  it('reports the step it opens, failed check runs and the done step', async () => {
    const { runner, changes, run } = await setUp();
    expect(changes).toEqual([{ kind: 'place', lesson: LESSON }]);
    await run('docker images');
    expect(changes.at(-1)).toEqual({ kind: 'failed', lesson: LESSON });
    changes.length = 0;
    await run('docker build -t hello .');
    expect(changes).toEqual([{ kind: 'done', lesson: LESSON }]);
    runner.go(1);
    expect(changes.at(-1)).toEqual({ kind: 'place', lesson: LESSON });
    runner.leave();
    expect(changes.at(-1)).toEqual({ kind: 'place', lesson: null });
    runner.dispose();
  });

  it('does not go past the held step, but may go back', async () => {
    const { runner } = await setUp();
    runner.hold = { lesson: LESSON, step: 'history' };
    runner.go(1);
    expect(runner.progress?.step).toBe('history');
    runner.go(1);
    expect(runner.progress?.step).toBe('history');
    runner.go(-1);
    expect(runner.progress?.step).toBe('build');
    runner.hold = null;
    runner.go(2);
    expect(runner.progress?.step).toBe('remove-file');
    runner.dispose();
  });
});
