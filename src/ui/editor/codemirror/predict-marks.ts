/**
 * The cache what-if as per-line marks: for each Dockerfile line with a build step,
 * whether the step would come from the cache or run, and why it would run. Pure.
 */
import type { BuildStepEvent, MissReason } from '../../../shared/events.js';

export interface PredictMark {
  /** 1-based Dockerfile line of the instruction. */
  line: number;
  cached: boolean;
  /** What a person hears or reads on hover: the outcome and, for a miss, the reason. */
  label: string;
}

/** A miss reason in a few words, as the build panel says it. */
export function missReasonText(r: MissReason | undefined): string {
  if (!r) return '';
  switch (r.kind) {
    case 'new':
      return 'not built before';
    case 'instruction-changed':
      return 'the instruction changed';
    case 'files-changed':
      return `files changed: ${r.files.slice(0, 3).join(', ')}${r.files.length > 3 ? ` and ${r.files.length - 3} more` : ''}`;
    case 'build-arg-changed':
      return `build arg changed: ${r.args.join(', ')}`;
    case 'config-changed':
      return `config changed: ${r.fields.join(', ')}`;
    case 'parent-missed':
      return `an earlier step (${r.step}) missed`;
    case 'no-cache':
      return '--no-cache';
    case 'base-changed':
      return 'the base image changed';
  }
}

/** One mark per line that has a step (FROM has none), in line order; a miss wins over a hit on the same line. */
export function predictionMarks(steps: readonly BuildStepEvent[]): PredictMark[] {
  const byLine = new Map<number, PredictMark>();
  for (const s of steps) {
    if (s.cached === null) continue;
    if (byLine.get(s.line)?.cached === false) continue;
    const why = missReasonText(s.missReason);
    const label = s.cached ? `line ${s.line}: cached` : `line ${s.line}: runs${why ? ` (${why})` : ''}`;
    byLine.set(s.line, { line: s.line, cached: s.cached, label });
  }
  return [...byLine.values()].sort((a, b) => a.line - b.line);
}
