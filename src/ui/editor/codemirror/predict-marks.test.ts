import { describe, expect, it } from 'vitest';
import type { BuildStepEvent } from '../../../shared/events.js';
import { predictionMarks } from './predict-marks.js';

function step(line: number, cached: boolean | null, extra: Partial<BuildStepEvent> = {}): BuildStepEvent {
  return { type: 'build.step', step: line, of: 3, stageIndex: 0, instruction: `STEP ${line}`, line, cached, ...extra };
}

describe('predictionMarks', () => {
  it('marks each step’s line cached or runs, and leaves FROM unmarked', () => {
    const marks = predictionMarks([step(1, null), step(2, true), step(3, false, { missReason: { kind: 'files-changed', files: ['hello.txt'] } })]);
    expect(marks).toEqual([
      { line: 2, cached: true, label: 'line 2: cached' },
      { line: 3, cached: false, label: 'line 3: runs (files changed: hello.txt)' },
    ]);
  });

  it('orders marks by line and lets a miss win over a hit on the same line', () => {
    const marks = predictionMarks([step(5, true), step(2, false), step(5, false, { stageIndex: 1 }), step(5, true, { stageIndex: 2 })]);
    expect(marks.map((m) => [m.line, m.cached])).toEqual([
      [2, false],
      [5, false],
    ]);
  });

  it('says only "runs" when the engine gives no reason', () => {
    expect(predictionMarks([step(4, false)])[0]!.label).toBe('line 4: runs');
  });
});
