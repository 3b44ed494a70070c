/**
 * The views' bridge to a backend: the latest WorldView, the last build, the last push or
 * pull, a bounded log of engine events, and the cache what-if for the Dockerfile being
 * edited, as `$state` the visual components read. It only reads: views never change the
 * world (ARCHITECTURE.md: "the UI subscribes to events and reads snapshots").
 */
import type { Backend, BackendEvent } from '../backends/backend.js';
import type { BuildStepEvent, EngineEvent } from '../shared/events.js';
import type { LayerEntryView, WorldView } from '../shared/world.js';

/** How many events the log keeps (the lifecycle view animates the latest). */
export const EVENT_LOG_LIMIT = 300;

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

const EMPTY_WORLD: WorldView = { images: [], containers: [], volumes: [], registries: [], linkBytesPerSecond: 12_500_000 };

export class WorldState {
  world = $state.raw<WorldView>(EMPTY_WORLD);
  /** The last build (running or finished). */
  build = $state.raw<BuildRecord | undefined>();
  /** The last push or pull. */
  transfer = $state.raw<TransferRecord | undefined>();
  /** Recent events, oldest first, each with a sequence number. */
  events = $state.raw<{ seq: number; event: EngineEvent }[]>([]);
  /** The cache what-if for the open Dockerfile (empty when none is open). */
  prediction = $state.raw<{ path: string; steps: BuildStepEvent[] } | undefined>();

  private backend: Backend | undefined;
  private seq = 0;
  private off: (() => void) | undefined;
  private entries = new Map<string, LayerEntryView[] | undefined>();

  /** Follows `backend` from now on (replacing any earlier one). */
  attach(backend: Backend): void {
    this.off?.();
    this.backend = backend;
    this.entries.clear();
    this.off = backend.onEvent((e) => this.onEvent(e));
    this.refresh();
  }

  /** Reads a fresh WorldView (the app calls it after each command, undo or restore). */
  refresh(): void {
    if (this.backend) this.world = this.backend.world();
  }

  /** A layer's entries (cached: a layer never changes once it has its diff ID). */
  layerEntries(diffId: string): LayerEntryView[] | undefined {
    if (!this.entries.has(diffId)) this.entries.set(diffId, this.backend?.layerEntries(diffId));
    return this.entries.get(diffId);
  }

  private onEvent(e: BackendEvent): void {
    if (e.type === 'workspace.changed') return;
    this.events = [...this.events.slice(-(EVENT_LOG_LIMIT - 1)), { seq: ++this.seq, event: e }];
    const b = this.build;
    switch (e.type) {
      case 'build.start':
        this.build = { start: e, steps: [], extra: {} };
        break;
      case 'build.step':
        if (b) this.build = { ...b, steps: [...b.steps, e] };
        break;
      case 'build.done':
        if (b) this.build = { ...b, done: e };
        break;
      case 'build.error':
        if (b) this.build = { ...b, error: e };
        break;
      case 'push.layer':
      case 'pull.layer': {
        const kind = e.type === 'push.layer' ? 'push' : 'pull';
        const t = this.transfer;
        // a new transfer starts after the last one finished (or when the direction changes)
        this.transfer = t && !t.done && t.kind === kind ? { ...t, layers: [...t.layers, e] } : { kind, layers: [e] };
        break;
      }
      case 'push.done':
      case 'pull.done': {
        const kind = e.type === 'push.done' ? 'push' : 'pull';
        const t = this.transfer;
        this.transfer = t && !t.done && t.kind === kind ? { ...t, done: e } : { kind, layers: [], done: e };
        break;
      }
      default:
        if (e.type.startsWith('build.') && b) this.build = { ...b, extra: { ...b.extra, [e.type]: e } };
    }
  }
}
