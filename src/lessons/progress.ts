/**
 * What the runner saves per lesson (persistence.saveProgress) and how a guess compares with
 * what happened. Pure: the record is migrated from whatever an older version (or a damaged
 * store) left, so loading never throws.
 */

/** A learner's guess for a predict-then-run question, by kind. */
export type Guess =
  | { kind: 'cache'; hits: string[] }
  | { kind: 'size'; mb: number }
  | { kind: 'exit-code'; code: number }
  | { kind: 'choice'; choice: string };

/** What really happened, by kind. */
export type Truth =
  | { kind: 'cache'; hits: string[]; steps: string[] }
  | { kind: 'size'; mb: number }
  | { kind: 'exit-code'; code: number }
  | { kind: 'choice'; answer: string };

export interface Score {
  correct: boolean;
  /** One sentence comparing the guess with the truth. */
  summary: string;
}

export interface PredictionRecord {
  guess: Guess;
  truth?: Truth;
  score?: Score;
  at: number;
}

export interface ProgressRecord {
  version: 1;
  /** The step the learner is on (its id). */
  step: string;
  /** Steps whose checks all passed at some point. */
  done: string[];
  /** How many hints are revealed, by step id. */
  hints: Record<string, number>;
  predictions: Record<string, PredictionRecord>;
  updatedAt: number;
}

/** A fresh record for a lesson whose first step is `first`. */
export function emptyProgress(first: string): ProgressRecord {
  return { version: 1, step: first, done: [], hints: {}, predictions: {}, updatedAt: 0 };
}

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

function migrateGuess(g: unknown): Guess | undefined {
  if (!isObj(g)) return undefined;
  if (g.kind === 'cache' && Array.isArray(g.hits)) return { kind: 'cache', hits: g.hits.filter((h): h is string => typeof h === 'string') };
  if (g.kind === 'size' && typeof g.mb === 'number' && Number.isFinite(g.mb)) return { kind: 'size', mb: g.mb };
  if (g.kind === 'exit-code' && typeof g.code === 'number') return { kind: 'exit-code', code: g.code };
  if (g.kind === 'choice' && typeof g.choice === 'string') return { kind: 'choice', choice: g.choice };
  return undefined;
}

/**
 * Reads a stored record against the lesson's step ids: unknown steps are dropped, a step saved
 * as an index (an early format) becomes its id, anything unreadable starts fresh.
 */
export function migrateProgress(raw: unknown, stepIds: readonly string[]): ProgressRecord {
  const first = stepIds[0] ?? '';
  const fresh = emptyProgress(first);
  if (!isObj(raw)) return fresh;
  const known = new Set(stepIds);
  let step = first;
  if (typeof raw.step === 'string' && known.has(raw.step)) step = raw.step;
  else if (typeof raw.step === 'number' && Number.isInteger(raw.step) && stepIds[raw.step] !== undefined) step = stepIds[raw.step]!;
  const doneRaw = Array.isArray(raw.done) ? raw.done : [];
  const done = [...new Set(doneRaw.map((d) => (typeof d === 'number' ? stepIds[d] : d)).filter((d): d is string => typeof d === 'string' && known.has(d)))];
  const hints: Record<string, number> = {};
  if (isObj(raw.hints)) for (const [k, v] of Object.entries(raw.hints)) if (known.has(k) && typeof v === 'number' && v > 0) hints[k] = Math.floor(v);
  const predictions: Record<string, PredictionRecord> = {};
  if (isObj(raw.predictions))
    for (const [k, v] of Object.entries(raw.predictions)) {
      if (!known.has(k) || !isObj(v)) continue;
      const guess = migrateGuess(v.guess);
      if (!guess) continue;
      const rec: PredictionRecord = { guess, at: typeof v.at === 'number' ? v.at : 0 };
      if (isObj(v.truth) && v.truth.kind === guess.kind) rec.truth = v.truth as Truth;
      if (isObj(v.score) && typeof v.score.correct === 'boolean' && typeof v.score.summary === 'string') rec.score = { correct: v.score.correct, summary: v.score.summary };
      predictions[k] = rec;
    }
  return { version: 1, step, done, hints, predictions, updatedAt: typeof raw.updatedAt === 'number' ? raw.updatedAt : 0 };
}

/** A size guess counts as right within a quarter of the truth (or 1 MB for tiny images). */
const SIZE_TOLERANCE = 0.25;

const list = (xs: string[]) => (xs.length ? xs.join(', ') : 'none');

/** Compares a guess with what happened. */
export function scorePrediction(guess: Guess, truth: Truth): Score {
  if (guess.kind === 'cache' && truth.kind === 'cache') {
    const g = new Set(guess.hits);
    const t = new Set(truth.hits);
    const missed = truth.hits.filter((h) => !g.has(h));
    const wrong = guess.hits.filter((h) => !t.has(h));
    if (!missed.length && !wrong.length) return { correct: true, summary: `Right: ${truth.hits.length ? `${list(truth.hits)} came from the cache` : 'no step came from the cache'}.` };
    const parts = [];
    if (missed.length) parts.push(`also cached: ${list(missed)}`);
    if (wrong.length) parts.push(`ran again: ${list(wrong)}`);
    return { correct: false, summary: `Not quite: ${parts.join('; ')}.` };
  }
  if (guess.kind === 'size' && truth.kind === 'size') {
    const close = Math.abs(guess.mb - truth.mb) <= Math.max(1, truth.mb * SIZE_TOLERANCE);
    return { correct: close, summary: `${close ? 'Close' : 'Off'}: you guessed ${guess.mb} MB, the image is ${truth.mb.toFixed(truth.mb < 10 ? 1 : 0)} MB.` };
  }
  if (guess.kind === 'exit-code' && truth.kind === 'exit-code') {
    const ok = guess.code === truth.code;
    return { correct: ok, summary: `${ok ? 'Right' : 'Not quite'}: you guessed exit code ${guess.code}, it was ${truth.code}.` };
  }
  if (guess.kind === 'choice' && truth.kind === 'choice') {
    const ok = guess.choice.trim().toLowerCase() === truth.answer.trim().toLowerCase();
    return { correct: ok, summary: ok ? `Right: ${truth.answer}.` : `Not quite: you picked ${guess.choice}, the answer is ${truth.answer}.` };
  }
  return { correct: false, summary: 'This guess was for a different kind of question.' };
}
