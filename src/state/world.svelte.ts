/**
 * The views' bridge to a backend: the latest WorldView, the last build, the last push or
 * pull, a bounded log of engine events, and the cache what-if for the Dockerfile being
 * edited, as `$state` the visual components read. It only reads: views never change the
 * world (ARCHITECTURE.md: "the UI subscribes to events and reads snapshots").
 */
import type { Backend, BackendEvent } from '../backends/backend.js';
import type { BuildStepEvent, EngineEvent } from '../shared/events.js';
import { foldBuild, foldTransfer, type BuildRecord, type TransferRecord } from '../shared/event-fold.js';
import type { LayerEntryView, WorldView } from '../shared/world.js';

/** How many events the log keeps (the lifecycle view animates the latest). */
export const EVENT_LOG_LIMIT = 300;

export type { BuildRecord, TransferRecord };

const EMPTY_WORLD: WorldView = { images: [], containers: [], volumes: [], registries: [], linkBytesPerSecond: 12_500_000 };

export class WorldState {
  world = $state.raw<WorldView>(EMPTY_WORLD);
  /** The last build (running or finished). */
  build = $state.raw<BuildRecord | undefined>();
  /** The last push or pull. */
  transfer = $state.raw<TransferRecord | undefined>();
  /** Recent events, oldest first, each with a sequence number. */
  events = $state.raw<{ seq: number; event: EngineEvent }[]>([]);
  /** Bumped when real mode's answers arrive: what read layerEntries reads again. */
  private answers = $state(0);
  /** The cache what-if for the open Dockerfile (empty when none is open). */
  prediction = $state.raw<{ path: string; steps: BuildStepEvent[] } | undefined>();

  private backend: Backend | undefined;
  private seq = 0;
  private off: (() => void) | undefined;
  private entries = new Map<string, LayerEntryView[] | undefined>();
  /** Events not yet in `events`/`build`/`transfer`: a build sends hundreds in one task. */
  private pending: EngineEvent[] = [];

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
    this.commit();
    if (this.backend) this.world = this.backend.world();
  }

  /** A layer's entries (cached once known: a layer never changes once it has its diff ID). */
  layerEntries(diffId: string): LayerEntryView[] | undefined {
    // real mode answers a layer after it was first asked for (world.changed): ask until it has
    void this.answers;
    if (this.entries.get(diffId) === undefined) this.entries.set(diffId, this.backend?.layerEntries(diffId));
    return this.entries.get(diffId);
  }

  private onEvent(e: BackendEvent): void {
    if (e.type === 'workspace.changed') return;
    if (e.type === 'world.changed') {
      // the server's world (or an answer about it) arrived after the command that changed it
      this.commit();
      if (this.backend) this.world = this.backend.world();
      this.answers++;
      return;
    }
    // one change of each field per burst, not per event: every change of a field wakes each
    // view that reads it, and a 200-step build sends over 400 events in one go
    if (this.pending.push(e) === 1) queueMicrotask(() => this.commit());
  }

  /** Folds the pending events into the log, the last build and the last transfer. */
  private commit(): void {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    let build = this.build;
    let transfer = this.transfer;
    const added = batch.map((e) => {
      build = foldBuild(build, e);
      transfer = foldTransfer(transfer, e);
      return { seq: ++this.seq, event: e };
    });
    this.events = [...this.events, ...added].slice(-EVENT_LOG_LIMIT);
    if (build !== this.build) this.build = build;
    if (transfer !== this.transfer) this.transfer = transfer;
  }
}
