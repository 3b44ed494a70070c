/**
 * The cache what-if as per-line marks: for each Dockerfile line with a build step,
 * whether the step would come from the cache or run, and why it would run. Pure.
 */
import type { BuildStepEvent } from '../../../shared/events.js';
import { missReasonText } from '../../../shared/format/miss-reason.js';

export interface PredictMark {
  /** 1-based Dockerfile line of the instruction. */
  line: number;
  cached: boolean;
  /** What a person hears or reads on hover: the outcome and, for a miss, the reason. */
  label: string;
}

/** One mark per line that has a step (FROM has none), in line order; a miss wins over a hit on the same line. */
export function predictionMarks(steps: readonly BuildStepEvent[]): PredictMark[] {
  const byLine = new Map<number, PredictMark>();
  for (const s of steps) {
    if (s.cached === null) continue;
    if (byLine.get(s.line)?.cached === false) continue;
    const why = s.missReason ? missReasonText(s.missReason) : '';
    const label = s.cached ? `line ${s.line}: cached` : `line ${s.line}: runs${why ? ` (${why})` : ''}`;
    byLine.set(s.line, { line: s.line, cached: s.cached, label });
  }
  return [...byLine.values()].sort((a, b) => a.line - b.line);
}
