import { describe, expect, it } from 'vitest';
import { emptyProgress, migrateProgress, scorePrediction } from './progress.js';

const IDS = ['build', 'history', 'remove-file'];

describe('migrateProgress', () => {
  it('starts fresh from nothing or garbage', () => {
    expect(migrateProgress(undefined, IDS)).toEqual(emptyProgress('build'));
    expect(migrateProgress('x', IDS)).toEqual(emptyProgress('build'));
    expect(migrateProgress([1, 2], IDS)).toEqual(emptyProgress('build'));
  });
  it('keeps a current record as it is', () => {
    const rec = { version: 1, step: 'history', done: ['build'], hints: { history: 1 }, predictions: { build: { guess: { kind: 'choice', choice: '3' }, at: 5 } }, updatedAt: 9 };
    expect(migrateProgress(rec, IDS)).toEqual(rec);
  });
  it('turns step indexes from an early format into ids', () => {
    const r = migrateProgress({ step: 2, done: [0, 1] }, IDS);
    expect(r.step).toBe('remove-file');
    expect(r.done).toEqual(['build', 'history']);
  });
  it('drops steps the lesson no longer has and unreadable guesses', () => {
    const r = migrateProgress({ step: 'gone', done: ['gone', 'build'], hints: { gone: 2, build: -1 }, predictions: { build: { guess: { kind: 'size' } } } }, IDS);
    expect(r.step).toBe('build');
    expect(r.done).toEqual(['build']);
    expect(r.hints).toEqual({});
    expect(r.predictions).toEqual({});
  });
});

describe('scorePrediction', () => {
  it('scores a cache guess by the exact set of steps that hit', () => {
    const truth = { kind: 'cache' as const, hits: ['RUN apk add', 'COPY package.json'], steps: ['RUN apk add', 'COPY package.json', 'COPY . .'] };
    expect(scorePrediction({ kind: 'cache', hits: ['COPY package.json', 'RUN apk add'] }, truth).correct).toBe(true);
    const s = scorePrediction({ kind: 'cache', hits: ['RUN apk add', 'COPY . .'] }, truth);
    expect(s.correct).toBe(false);
    expect(s.summary).toContain('also cached: COPY package.json');
    expect(s.summary).toContain('ran again: COPY . .');
  });
  it('accepts a size within a quarter of the truth', () => {
    expect(scorePrediction({ kind: 'size', mb: 100 }, { kind: 'size', mb: 120 }).correct).toBe(true);
    expect(scorePrediction({ kind: 'size', mb: 50 }, { kind: 'size', mb: 120 }).correct).toBe(false);
    expect(scorePrediction({ kind: 'size', mb: 2 }, { kind: 'size', mb: 1.2 }).correct).toBe(true);
  });
  it('needs the exact exit code', () => {
    expect(scorePrediction({ kind: 'exit-code', code: 1 }, { kind: 'exit-code', code: 1 }).correct).toBe(true);
    expect(scorePrediction({ kind: 'exit-code', code: 0 }, { kind: 'exit-code', code: 127 }).summary).toContain('it was 127');
  });
  it('compares a choice without caring about case or spaces', () => {
    expect(scorePrediction({ kind: 'choice', choice: ' Three' }, { kind: 'choice', answer: 'three' }).correct).toBe(true);
    expect(scorePrediction({ kind: 'choice', choice: '2' }, { kind: 'choice', answer: '3' }).correct).toBe(false);
  });
});
