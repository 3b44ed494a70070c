/**
 * The lesson runner's state: which lesson and step the learner is on, the current step's goal
 * checks re-evaluated live from the backend's events, hints revealed, predict-then-run
 * questions, and progress saved per lesson (persistence.saveProgress) so a reload resumes
 * exactly there. It drives the console only through its host (typing a line), never xterm.
 */
import type { Backend } from '../backends/backend.js';
import { STARTER_FILES } from '../backends/sim.js';
import { lessonImages } from '../cli/images-used.js';
import { loadCourses, loadStartFiles, type CourseEntry, type LessonEntry } from '../lessons/bundle.js';
import type { CheckResult } from '../lessons/checks.js';
import { findImage } from '../lessons/checks.js';
import { solutionDiff, type FileDiff } from '../lessons/diff.js';
import { emptyProgress, migrateProgress, scorePrediction, type Guess, type ProgressRecord, type Truth } from '../lessons/progress.js';
import { applyStart } from '../lessons/replay.js';
import type { Step } from '../lessons/schema.js';
import { CheckSession } from '../lessons/session.js';
import type { Persistence } from '../persistence/store.js';

/** What the runner needs from the page. */
export interface RunnerHost {
  /** Types a line into the console and presses Enter (the console runs it as if typed). */
  typeLine(line: string): void;
  /** A dim note in the console (not a command's output). */
  note(text: string): void;
  /** The backend changed outside a command: redraw and save. */
  changed(): void;
  /** Opens a workspace file in the editor. */
  open(path: string): void;
  /** Brings the lesson pane into view (a phone shows one pane at a time). */
  showLesson(): void;
  /** Brings the console into view. */
  showConsole(): void;
}

/** A predict-then-run question waiting for the learner's guess. */
export interface OpenQuestion {
  step: Step;
  line: string;
  /** For cache: the build steps the learner can pick (from the backend's cache what-if). */
  options: string[];
}

/**
 * What the classroom reports (issue 8): the learner is on another step or left the lessons
 * (`place`), finished a step (`done`), or ran a command after which the step's checks still
 * did not all pass (`failed`).
 */
export type RunnerChange = { kind: 'place' | 'done' | 'failed'; lesson: string | null };

/** Where the runner's world is: a lesson, the sandbox, or nothing yet. */
export type Place = { kind: 'overview' } | { kind: 'lesson'; id: string } | { kind: 'sandbox' };

/** Base images the sandbox pre-pulls, by catalog. */
export const SANDBOX_CATALOGS: Record<string, { label: string; images: string[] }> = {
  minimal: { label: 'Minimal (alpine, busybox)', images: ['alpine:3.21', 'busybox:1.37'] },
  node: { label: 'Node (node:20-alpine)', images: ['node:20-alpine'] },
  python: { label: 'Python (python:3.12-alpine)', images: ['python:3.12-alpine'] },
};

const CURRENT_KEY = 'lesson.current';
const DEBOUNCE_MS = 120;
const squash = (s: string) => s.trim().replace(/\s+/g, ' ');

/** A guess or a truth in a few words. */
export function describe(x: Guess | Truth): string {
  switch (x.kind) {
    case 'cache':
      return x.hits.length ? x.hits.join(' · ') : 'no step from the cache';
    case 'size':
      return `${x.mb < 10 ? x.mb.toFixed(1) : Math.round(x.mb)} MB`;
    case 'exit-code':
      return `exit code ${x.code}`;
    case 'choice':
      return 'choice' in x ? x.choice : x.answer;
  }
}

export class LessonRunner {
  courses = $state.raw<CourseEntry[]>([]);
  loading = $state(true);
  place = $state.raw<Place>({ kind: 'overview' });
  /** The lesson being shown (also while looking at the overview). */
  current = $state.raw<LessonEntry | undefined>();
  progress = $state.raw<ProgressRecord | undefined>();
  all = $state.raw<Record<string, ProgressRecord>>({});
  /** The current step's checks, live. */
  results = $state.raw<CheckResult[]>([]);
  /** The step just completed (for a brief celebration). */
  celebrating = $state<string | undefined>();
  /** Text for the pane's polite live region. */
  said = $state('');
  /** A start (or sandbox reset) that would replace the learner's changed files: waiting for yes. */
  confirm = $state.raw<{ what: string; lost: string[]; go: () => Promise<void> } | undefined>();
  question = $state.raw<OpenQuestion | undefined>();
  /** A command is running in the console. */
  busy = $state(false);
  error = $state<string | undefined>();
  /** Off while presenting: a demo runs without predict-then-run questions. */
  asking = $state(true);
  /** Bumped on every evaluation: the prose's "open" buttons follow the workspace. */
  version = $state(0);
  /** The classroom's hold: the learner may not go past this step of this lesson. */
  hold = $state.raw<{ lesson: string; step: string } | null>(null);
  /** Real mode: images the current lesson uses that the engine does not have (empty in the simulator). */
  unavailable = $state.raw<{ lesson: string; images: string[]; bases: string[] } | null>(null);

  private backend: Backend | undefined;
  private persistence: Persistence | undefined;
  private session: CheckSession | undefined;
  private off: (() => void) | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private answer: ((g: Guess | undefined) => void) | undefined;
  private idle: (() => void)[] = [];
  private evaluatedStep: string | undefined;
  private readonly changes = new Set<(c: RunnerChange) => void>();

  constructor(private readonly host: RunnerHost) {}

  /** The lesson's step the learner is on. */
  get step(): Step | undefined {
    const l = this.current?.parsed?.lesson;
    return l?.steps.find((s) => s.id === this.progress?.step) ?? l?.steps[0];
  }

  get stepIndex(): number {
    const l = this.current?.parsed?.lesson;
    return l && this.step ? l.steps.indexOf(this.step) : -1;
  }

  /** The index of the held step when the hold is in the current lesson, else -1. */
  get heldIndex(): number {
    const h = this.hold;
    const steps = this.current?.parsed?.lesson.steps;
    return h && steps && h.lesson === this.current?.id ? steps.findIndex((s) => s.id === h.step) : -1;
  }

  /** Calls `fn` on every step change, done step and failed check run (the classroom reports them); returns the unsubscribe. */
  onChange(fn: (c: RunnerChange) => void): () => void {
    this.changes.add(fn);
    return () => this.changes.delete(fn);
  }

  private changed(kind: RunnerChange['kind']): void {
    const lesson = this.place.kind === 'lesson' ? (this.current?.id ?? null) : null;
    for (const fn of [...this.changes]) fn({ kind, lesson });
  }

  /** Loads the course list and saved progress, then resumes where the learner left. */
  async init(persistence: Persistence | undefined): Promise<void> {
    this.persistence = persistence;
    try {
      this.courses = await loadCourses();
    } catch (e) {
      this.error = `The lessons could not be loaded (${(e as Error).message}). Reload to try again.`;
    }
    const saved: Record<string, unknown> = (await persistence?.loadAllProgress().catch(() => ({}))) ?? {};
    const all: Record<string, ProgressRecord> = {};
    for (const entry of this.lessons()) if (entry.parsed && saved[entry.id] !== undefined) all[entry.id] = migrateProgress(saved[entry.id], entry.parsed.lesson.steps.map((s) => s.id));
    this.all = all;
    const where = await persistence?.getSetting(CURRENT_KEY).catch(() => undefined);
    if (where === 'sandbox') this.place = { kind: 'sandbox' };
    else if (typeof where === 'string') {
      const entry = this.lessons().find((l) => l.id === where);
      if (entry?.parsed) this.show(entry);
    }
    this.loading = false;
  }

  /** Follows a backend: checks re-evaluate on each of its events. */
  attach(backend: Backend): void {
    this.off?.();
    this.session?.dispose();
    this.backend = backend;
    this.session = new CheckSession(backend);
    this.off = backend.onEvent(() => this.schedule());
    this.evaluate();
  }

  /** Every lesson of every course, in order. */
  lessons(): LessonEntry[] {
    return this.courses.flatMap((c) => c.lessons);
  }

  /** Back to the overview (the lesson's world stays as it is). */
  overview(): void {
    this.place = { kind: 'overview' };
    this.changed('place');
  }

  /**
   * Opens a lesson: the one whose world is already in the backend resumes; another one starts
   * from its start state (asking first when that would replace files the learner changed).
   */
  async open(entry: LessonEntry): Promise<void> {
    if (!entry.parsed) return;
    const resumes = this.current?.id === entry.id && (await this.persistence?.getSetting(CURRENT_KEY).catch(() => undefined)) === entry.id;
    if (resumes) return this.show(entry);
    await this.start(entry);
  }

  /** Puts the lesson's start state into the backend (undoable), at its first step. */
  async start(entry: LessonEntry, asked = false): Promise<void> {
    const b = this.backend;
    const parsed = entry.parsed;
    if (!b || !parsed) return;
    const { files, missing } = await loadStartFiles(entry.id);
    if (missing.length) {
      this.error = `Some of this lesson's start files could not be loaded: ${missing.join(', ')}. Reload to try again.`;
      return;
    }
    const start = { ...files, ...parsed.lesson.start.files };
    if (!asked) {
      const lost = this.changedFiles(start);
      if (lost.length) {
        this.confirm = { what: `Start “${parsed.lesson.title}”`, lost, go: () => this.start(entry, true) };
        return;
      }
    }
    this.confirm = undefined;
    try {
      await applyStart(b, parsed.lesson, files);
    } catch (e) {
      this.error = `The lesson could not be set up: ${(e as Error).message}`;
    }
    this.session?.clear();
    this.host.changed();
    const prev = this.all[entry.id];
    this.progress = { ...(prev ?? emptyProgress(parsed.lesson.steps[0]!.id)), step: parsed.lesson.steps[0]!.id, predictions: {}, hints: {} };
    this.current = entry;
    this.place = { kind: 'lesson', id: entry.id };
    this.save();
    void this.persistence?.setSetting(CURRENT_KEY, entry.id).catch(() => undefined);
    this.say(`Lesson started: ${parsed.lesson.title}. Step 1: ${parsed.lesson.steps[0]!.title}.`);
    this.changed('place');
    this.evaluate();
    this.checkImages(entry, files);
  }

  /** Shows a lesson at its saved step without touching the backend (a resume). */
  show(entry: LessonEntry): void {
    const parsed = entry.parsed;
    if (!parsed) return;
    this.current = entry;
    this.progress = this.all[entry.id] ?? emptyProgress(parsed.lesson.steps[0]!.id);
    this.place = { kind: 'lesson', id: entry.id };
    this.changed('place');
    this.evaluate();
    // only real mode lacks images: the simulator needs no start files read for this
    if (this.realBases()) void loadStartFiles(entry.id).then(({ files }) => this.checkImages(entry, files));
    else this.unavailable = null;
  }

  /** The base images of real mode's engine, or null in the simulator. */
  private realBases(): string[] | null {
    const b = this.backend;
    return b && 'baseImages' in b ? (b as { baseImages: string[] }).baseImages : null;
  }

  /**
   * Real mode: which images the lesson uses that the engine lacks (it builds FROM and runs
   * only its base images, and may have no internet to pull others), so the pane can say so
   * before a command fails halfway through.
   */
  private checkImages(entry: LessonEntry, startFiles: Record<string, string>): void {
    const lesson = entry.parsed?.lesson;
    const bases = this.realBases();
    if (!lesson || !bases) {
      this.unavailable = null;
      return;
    }
    const have = new Set(bases);
    const missing = lessonImages(lesson, startFiles).filter((i) => !have.has(i));
    this.unavailable = missing.length ? { lesson: entry.id, images: missing, bases } : null;
  }

  /** Workspace files that differ from both a fresh workspace and `start`: the learner's own work. */
  changedFiles(start: Record<string, string>): string[] {
    const ws = this.backend?.workspace;
    if (!ws) return [];
    const lost: string[] = [];
    for (const e of ws.list()) {
      if (e.type !== 'file') continue;
      const rel = e.path.slice(ws.root.length + 1);
      const text = ws.read(e.path);
      if (text !== STARTER_FILES[rel] && text !== start[rel]) lost.push(rel);
    }
    return lost;
  }

  /** The absolute path of the workspace file inline code names (relative to the console's folder or the root), if any. */
  fileAt(code: string): string | undefined {
    const ws = this.backend?.workspace;
    if (!ws || !/^[\w./-]+$/.test(code) || !/[./]|^Dockerfile$/.test(code)) return undefined;
    const candidates = code.startsWith('/') ? [code] : [`${ws.cwd}/${code}`, `${ws.root}/${code}`];
    return candidates.find((c) => ws.read(c) !== null);
  }

  /** Goes to another step of the current lesson. */
  go(delta: number): void {
    const steps = this.current?.parsed?.lesson.steps;
    if (!steps || !this.progress) return;
    const held = this.heldIndex;
    const last = held >= 0 ? Math.max(held, Math.min(this.stepIndex, steps.length - 1)) : steps.length - 1;
    const to = steps[Math.max(0, Math.min(last, this.stepIndex + delta))]!;
    if (to.id === this.progress.step) return;
    this.progress = { ...this.progress, step: to.id };
    this.celebrating = undefined;
    this.save();
    this.changed('place');
    this.evaluate();
  }

  /** Reveals the current step's next hint. */
  hint(): void {
    const step = this.step;
    if (!step || !this.progress) return;
    const n = Math.min(step.hints.length, (this.progress.hints[step.id] ?? 0) + 1);
    this.progress = { ...this.progress, hints: { ...this.progress.hints, [step.id]: n } };
    this.save();
  }

  /** What the current step's solution files would change, against the learner's files. */
  solutionDiff(): FileDiff[] {
    const step = this.step;
    const ws = this.backend?.workspace;
    if (!step || !ws) return [];
    return solutionDiff(step.solution.files, (rel) => ws.read(`${ws.root}/${rel}`));
  }

  /** Applies the current step's solution on request: its files (one undo step), then its commands typed into the console. */
  async applySolution(): Promise<void> {
    const step = this.step;
    const b = this.backend;
    if (!step || !b) return;
    const ws = b.workspace;
    if (Object.keys(step.solution.files).length) {
      ws.batch(() => {
        for (const [rel, text] of Object.entries(step.solution.files)) ws.write(`${ws.root}/${rel}`, text);
      });
      this.host.changed();
    }
    for (const line of step.solution.commands) await this.typeAndWait(line);
  }

  /** Types `line` into the console and resolves when it has run. */
  async typeAndWait(line: string): Promise<void> {
    await this.whenIdle();
    const done = this.nextCommand();
    this.host.typeLine(line);
    await done;
  }

  /** Resolves once no command is running. */
  whenIdle(): Promise<void> {
    return this.busy ? new Promise((r) => this.idle.push(r)) : Promise.resolve();
  }

  /** Resolves when the next console command finishes. */
  nextCommand(): Promise<void> {
    return new Promise((r) => this.idle.push(r));
  }

  /**
   * Wraps every console line: a step's predict command first asks its question (the console
   * waits; Ctrl-C skips it), then runs, then the truth goes beside the guess. Checks re-evaluate after.
   */
  async intercept(line: string, signal: AbortSignal, run: (line: string, signal: AbortSignal) => Promise<number | void>): Promise<void> {
    this.busy = true;
    try {
      const step = this.step;
      const p = step?.predict;
      let asked: Step | undefined;
      if (step && p && this.asking && this.progress && !this.progress.predictions[step.id] && squash(line) === squash(p.command)) {
        const guess = await this.ask(step, line, signal);
        if (guess && this.progress) {
          this.progress = { ...this.progress, predictions: { ...this.progress.predictions, [step.id]: { guess, at: Date.now() } } };
          asked = step;
        }
        this.host.showConsole();
      }
      const code = (await run(line, signal)) ?? 0;
      if (asked) this.reveal(asked, line, code);
      this.evaluate();
      if (this.place.kind === 'lesson' && this.results.length && !this.results.every((r) => r.ok)) this.changed('failed');
    } finally {
      this.busy = false;
      const waiting = this.idle;
      this.idle = [];
      for (const r of waiting) r();
    }
  }

  private ask(step: Step, line: string, signal: AbortSignal): Promise<Guess | undefined> {
    const options = step.predict?.kind === 'cache' ? this.cacheOptions(line) : [];
    this.question = { step, line, options };
    this.host.note('(Make your prediction in the lesson pane; the command runs right after. Ctrl-C skips the question.)');
    this.host.showLesson();
    this.say(`Before it runs: ${step.predict!.question}`);
    return new Promise((resolve) => {
      const finish = (g: Guess | undefined) => {
        signal.removeEventListener('abort', onAbort);
        this.question = undefined;
        this.answer = undefined;
        resolve(g);
      };
      const onAbort = () => finish(undefined);
      signal.addEventListener('abort', onAbort);
      this.answer = finish;
    });
  }

  /** The learner's guess (or undefined: skip the question). */
  guess(g: Guess | undefined): void {
    this.answer?.(g);
  }

  /** The build steps a `docker build` line would run (FROM excluded), from the cache what-if. */
  private cacheOptions(line: string): string[] {
    const b = this.backend;
    if (!b?.predict) return [];
    const argv = line.trim().split(/\s+/);
    const f = argv.findIndex((a) => a === '-f' || a === '--file');
    const ctx = argv[argv.length - 1] ?? '.';
    const base = ctx.startsWith('/') ? ctx : `${b.workspace.cwd}/${ctx}`.replace(/\/\.$/, '');
    const path = f >= 0 && argv[f + 1] ? (argv[f + 1]!.startsWith('/') ? argv[f + 1]! : `${b.workspace.cwd}/${argv[f + 1]}`) : `${base}/Dockerfile`;
    try {
      const text = b.workspace.read(path);
      return text === null ? [] : b.predict(path, text).filter((s) => s.cached !== null).map((s) => s.instruction);
    } catch {
      return [];
    }
  }

  /** Records what happened beside the guess. */
  private reveal(step: Step, line: string, code: number): void {
    const p = step.predict!;
    const rec = this.progress?.predictions[step.id];
    if (!rec || !this.progress) return;
    let truth: Truth | undefined;
    const builds = this.session?.context().builds ?? [];
    const build = builds[builds.length - 1];
    if (p.kind === 'cache' && build) {
      const steps = build.steps.filter((s) => s.cached !== null);
      truth = { kind: 'cache', steps: steps.map((s) => s.instruction), hits: steps.filter((s) => s.cached).map((s) => s.instruction) };
    } else if (p.kind === 'size') {
      const tag = /(?:-t|--tag)[ =](\S+)/.exec(line)?.[1] ?? build?.start.tags[0];
      const img = tag && this.backend ? findImage(this.backend.world(), tag) : undefined;
      if (img) truth = { kind: 'size', mb: img.size / 1e6 };
    } else if (p.kind === 'exit-code') truth = { kind: 'exit-code', code };
    else if (p.kind === 'choice') truth = { kind: 'choice', answer: p.answer ?? '' };
    const score = truth ? scorePrediction(rec.guess, truth) : { correct: false, summary: 'The command did not produce what the question is about.' };
    this.progress = { ...this.progress, predictions: { ...this.progress.predictions, [step.id]: { ...rec, ...(truth ? { truth } : {}), score } } };
    this.save();
    this.host.note(`(Your guess: ${describe(rec.guess)}. What happened: ${truth ? describe(truth) : 'unknown'}. ${score.summary})`);
    this.say(score.summary);
  }

  /** Forgets the current step's prediction so the question comes again. */
  retryPrediction(): void {
    const step = this.step;
    if (!step || !this.progress) return;
    const predictions = { ...this.progress.predictions };
    delete predictions[step.id];
    this.progress = { ...this.progress, predictions };
    this.save();
  }

  /**
   * The sandbox: no lesson, a fresh world (the console's `reset --yes`, undoable) and the chosen
   * catalog's base images pulled, visibly in the console.
   */
  async sandbox(catalog: string, asked = false): Promise<void> {
    const cat = SANDBOX_CATALOGS[catalog] ?? SANDBOX_CATALOGS.minimal!;
    if (!asked) {
      const lost = this.changedFiles({});
      if (lost.length) {
        this.confirm = { what: 'Reset the sandbox', lost, go: () => this.sandbox(catalog, true) };
        return;
      }
    }
    this.confirm = undefined;
    this.current = undefined;
    this.progress = undefined;
    this.results = [];
    this.place = { kind: 'sandbox' };
    this.changed('place');
    void this.persistence?.setSetting(CURRENT_KEY, 'sandbox').catch(() => undefined);
    await this.typeAndWait('reset --yes');
    this.session?.clear();
    for (const image of cat.images) await this.typeAndWait(`docker pull ${image}`);
    this.say(`Sandbox ready with ${cat.images.join(', ')}.`);
  }

  /** Leaves the lesson: the world stays, nothing is reset. */
  leave(): void {
    this.place = { kind: 'overview' };
    this.current = undefined;
    this.progress = undefined;
    void this.persistence?.setSetting(CURRENT_KEY, undefined).catch(() => undefined);
    this.changed('place');
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.evaluate(), DEBOUNCE_MS);
  }

  /** Re-evaluates the current step's checks now; a step whose checks all pass is done. */
  evaluate(): void {
    clearTimeout(this.timer);
    this.version++;
    const step = this.step;
    if (!step || !this.session || !this.progress || this.place.kind !== 'lesson') {
      this.results = [];
      return;
    }
    let results: CheckResult[];
    try {
      results = this.session.evaluate(step.checks);
    } catch (e) {
      results = step.checks.map(() => ({ ok: false, message: `This check could not run: ${(e as Error).message}` }));
    }
    const before = this.evaluatedStep === step.id ? this.results : [];
    this.evaluatedStep = step.id;
    this.results = results;
    const green = results.filter((r, i) => r.ok && before[i] && !before[i]!.ok);
    if (green.length && !results.every((r) => r.ok)) this.say(`Passed: ${green.map((r) => r.message).join(' ')}`);
    if (results.length && results.every((r) => r.ok) && !this.progress.done.includes(step.id)) {
      this.progress = { ...this.progress, done: [...this.progress.done, step.id] };
      this.save();
      this.changed('done');
      this.celebrating = step.id;
      const last = this.stepIndex === (this.current?.parsed?.lesson.steps.length ?? 0) - 1;
      this.say(`Step done: ${step.title}.${last ? ' Lesson complete!' : ''}`);
      setTimeout(() => this.celebrating === step.id && (this.celebrating = undefined), 4000);
    }
  }

  private say(text: string): void {
    this.said = '';
    setTimeout(() => (this.said = text), 50);
  }

  private save(): void {
    const entry = this.current;
    if (!entry || !this.progress) return;
    const record = { ...this.progress, updatedAt: Date.now() };
    this.progress = record;
    this.all = { ...this.all, [entry.id]: record };
    this.persistence?.saveProgress(entry.id, $state.snapshot(record)).catch((e: unknown) => (this.error = `Progress could not be saved: ${(e as Error).message}`));
  }

  dispose(): void {
    this.off?.();
    this.session?.dispose();
    clearTimeout(this.timer);
  }
}

