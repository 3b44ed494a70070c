/**
 * Folding engine events into the records the views and the lesson checks read: a build
 * (its start, steps, end) and a push or pull (its layers, totals). Pure, so the app's
 * WorldState, the lesson checker and the companion server fold events the same way.
 */
import type { BuildStepEvent, EngineEvent } from './events.js';

type Ev<T extends EngineEvent['type']> = Extract<EngineEvent, { type: T }>;

/** One build as its events told it. */
export interface BuildRecord {
  start: Ev<'build.start'>;
  steps: BuildStepEvent[];
  /** Set when it finished. */
  done?: Ev<'build.done'>;
  error?: Ev<'build.error'>;
  /** Other build events (context, stages...) by type, the latest of each. */
  extra: Record<string, EngineEvent>;
}

/** One push or pull as its events told it. */
export interface TransferRecord {
  kind: 'push' | 'pull';
  layers: (Ev<'push.layer'> | Ev<'pull.layer'>)[];
  done?: Ev<'push.done'> | Ev<'pull.done'>;
}

/** The build after `e`: a new record on build.start, the same record (copied) with the event added otherwise. */
export function foldBuild(b: BuildRecord | undefined, e: EngineEvent): BuildRecord | undefined {
  switch (e.type) {
    case 'build.start':
      return { start: e, steps: [], extra: {} };
    case 'build.step':
      return b && { ...b, steps: [...b.steps, e] };
    case 'build.done':
      return b && { ...b, done: e };
    case 'build.error':
      return b && { ...b, error: e };
    default:
      return e.type.startsWith('build.') && b ? { ...b, extra: { ...b.extra, [e.type]: e } } : b;
  }
}

/** The push or pull after `e`; a new one starts after the last finished (or when the direction changes). */
export function foldTransfer(t: TransferRecord | undefined, e: EngineEvent): TransferRecord | undefined {
  switch (e.type) {
    case 'push.layer':
    case 'pull.layer': {
      const kind = e.type === 'push.layer' ? 'push' : 'pull';
      return t && !t.done && t.kind === kind ? { ...t, layers: [...t.layers, e] } : { kind, layers: [e] };
    }
    case 'push.done':
    case 'pull.done': {
      const kind = e.type === 'push.done' ? 'push' : 'pull';
      return t && !t.done && t.kind === kind ? { ...t, done: e } : { kind, layers: [], done: e };
    }
    default:
      return t;
  }
}
