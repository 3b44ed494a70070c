/**
 * A lesson session over a backend: the builds and transfers since the lesson (re)started,
 * folded from the backend's events, and a CheckContext over the backend's snapshots. The app's
 * lesson runner and the headless replays (`npm run lesson:check`, tests/lessons) share it.
 */
import type { Backend } from '../backends/backend.js';
import { foldBuild, foldTransfer, type BuildRecord, type TransferRecord } from '../shared/event-fold.js';
import { evaluateCheck, type CheckContext, type CheckResult } from './checks.js';
import type { Check } from './schema.js';

/** How many builds and transfers a session remembers. */
const KEEP = 50;

export class CheckSession {
  private builds: BuildRecord[] = [];
  private transfers: TransferRecord[] = [];
  private readonly off: () => void;

  constructor(private readonly backend: Backend) {
    this.off = backend.onEvent((e) => {
      if (e.type === 'workspace.changed' || e.type === 'world.changed') return;
      const lastB = this.builds[this.builds.length - 1];
      const b = foldBuild(lastB, e);
      if (b && b !== lastB) {
        if (e.type === 'build.start') this.builds.push(b);
        else this.builds[this.builds.length - 1] = b;
        if (this.builds.length > KEEP) this.builds.shift();
      }
      const lastT = this.transfers[this.transfers.length - 1];
      const t = foldTransfer(lastT, e);
      if (t && t !== lastT) {
        // foldTransfer starts a new record after a finished one or when the direction changes
        if (!lastT || lastT.done || lastT.kind !== t.kind) this.transfers.push(t);
        else this.transfers[this.transfers.length - 1] = t;
        if (this.transfers.length > KEEP) this.transfers.shift();
      }
    });
  }

  /** Forgets the builds and transfers seen so far (a lesson restart). */
  clear(): void {
    this.builds = [];
    this.transfers = [];
  }

  /** The state checks read, now. */
  context(): CheckContext {
    const backend = this.backend;
    const root = backend.workspace.root;
    return {
      world: backend.world(),
      builds: this.builds,
      transfers: this.transfers,
      pathInfo: (where, path) => backend.pathInfo(where, path),
      layerEntries: (diffId) => backend.layerEntries(diffId),
      readFile: (path) => backend.workspace.read(path.startsWith('/') ? path : `${root}/${path}`),
    };
  }

  /** Evaluates checks against one consistent context. */
  evaluate(checks: readonly Check[]): CheckResult[] {
    const ctx = this.context();
    return checks.map((c) => evaluateCheck(c, ctx));
  }

  /**
   * Evaluates once everything the checks need is in: a backend whose world lives elsewhere
   * (real mode) fetches paths and layers when first asked, so the first look asks and a
   * second one, after the answers, decides.
   */
  async evaluateSettled(checks: readonly Check[]): Promise<CheckResult[]> {
    if (!this.backend.settle) return this.evaluate(checks);
    await this.backend.settle();
    this.evaluate(checks);
    await this.backend.settle();
    return this.evaluate(checks);
  }

  dispose(): void {
    this.off();
  }
}
