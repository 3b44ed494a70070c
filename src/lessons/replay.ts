/**
 * Putting a lesson's start state into a backend, applying a step's solution, and replaying a
 * whole lesson headlessly: every step's checks must fail before its solution (no vacuous
 * check) and pass after it. `npm run lesson:check` and tests/lessons use it; so does the app's
 * "start over" and "apply the solution".
 */
import type { Backend, BackendOutput } from '../backends/backend.js';
import type { CheckResult } from './checks.js';
import type { Lesson, Step } from './schema.js';
import { CheckSession } from './session.js';

const QUIET: BackendOutput = { stdout: () => {}, stderr: () => {} };

/**
 * Gives a backend the lesson's start: a fresh world (the console's `reset`), the workspace
 * holding exactly the start files (the lesson's `start/` folder, then `start.files`), the setup
 * commands run from the workspace root, and the console in `start.cwd`. Returns the setup
 * commands' output, for authors.
 */
export async function applyStart(backend: Backend, lesson: Lesson, startFiles: Record<string, string>): Promise<string[]> {
  const ws = backend.workspace;
  const out: string[] = [];
  const sink: BackendOutput = { stdout: (l) => out.push(l), stderr: (l) => out.push(l) };
  // a fresh world, as the replays have: nothing an earlier lesson left (containers holding
  // ports and names, images, volumes) changes this one; undoable like any reset
  await backend.run('reset --yes', QUIET);
  await backend.run(`cd ${ws.root}`, QUIET);
  ws.batch(() => {
    for (const e of ws.list()) if (e.path.split('/').length === ws.root.split('/').length + 1) ws.remove(e.path);
    for (const [rel, text] of Object.entries({ ...startFiles, ...lesson.start.files })) ws.write(`${ws.root}/${rel}`, text);
  });
  for (const line of lesson.start.commands) await backend.run(line, sink);
  await backend.run(`cd ${lesson.start.cwd}`, QUIET);
  backend.history = [];
  return out;
}

/** Applies a step's solution: its files first, then its commands (echoed to `out`). */
export async function applySolution(backend: Backend, step: Step, out: BackendOutput = QUIET, echo: (line: string) => void = () => {}): Promise<number[]> {
  const ws = backend.workspace;
  if (Object.keys(step.solution.files).length) ws.batch(() => {
    for (const [rel, text] of Object.entries(step.solution.files)) ws.write(`${ws.root}/${rel}`, text);
  });
  const codes: number[] = [];
  for (const line of step.solution.commands) {
    echo(line);
    codes.push(await backend.run(line, out));
  }
  return codes;
}

export interface StepReplay {
  id: string;
  /** Each check before the step's solution: all must fail. */
  before: CheckResult[];
  /** Each check after it, then each of `keeps`: all must pass. */
  after: CheckResult[];
  /** What the solution printed. */
  output: string[];
}

export interface LessonReplay {
  ok: boolean;
  steps: StepReplay[];
  /** Every way the lesson failed, in words. */
  problems: string[];
}

/** Replays a lesson's solutions on `backend` (fresh), checking each step before and after. */
export async function replayLesson(backend: Backend, lesson: Lesson, startFiles: Record<string, string>): Promise<LessonReplay> {
  const problems: string[] = [];
  const setup = await applyStart(backend, lesson, startFiles);
  const session = new CheckSession(backend);
  const steps: StepReplay[] = [];
  try {
    for (const step of lesson.steps) {
      const before = await session.evaluateSettled(step.checks);
      before.forEach((r, i) => {
        if (r.ok) problems.push(`step ${step.id}: check ${i + 1} (${step.checks[i]!.check}) already passes before the step: ${r.message}`);
      });
      const output: string[] = [];
      const codes = await applySolution(backend, step, { stdout: (l) => output.push(l), stderr: (l) => output.push(l) }, (l) => output.push(`$ ${l}`));
      const after = await session.evaluateSettled(step.checks);
      after.forEach((r, i) => {
        if (!r.ok) problems.push(`step ${step.id}: check ${i + 1} (${step.checks[i]!.check}) fails after the solution: ${r.message}`);
      });
      (await session.evaluateSettled(step.keeps)).forEach((r, i) => {
        if (!r.ok) problems.push(`step ${step.id}: keeps ${i + 1} (${step.keeps[i]!.check}) fails after the solution: ${r.message}`);
        after.push(r);
      });
      if (after.some((r) => !r.ok)) {
        const failed = step.solution.commands.filter((_, i) => codes[i] !== 0);
        if (failed.length) problems.push(`step ${step.id}: solution commands that failed: ${failed.join(' | ')}\n${output.slice(-15).join('\n')}`);
      }
      steps.push({ id: step.id, before, after, output });
    }
  } finally {
    session.dispose();
  }
  if (problems.length && setup.length) problems.push(`setup printed:\n${setup.slice(-10).join('\n')}`);
  return { ok: problems.length === 0, steps, problems };
}
