import { describe, expect, it } from 'vitest';
import { SimBackend } from '../backends/sim.js';
import type { EngineEvent } from './events.js';
import { foldBuild, foldTransfer, type BuildRecord, type TransferRecord } from './event-fold.js';

async function eventsOf(lines: string[]): Promise<EngineEvent[]> {
  const b = new SimBackend();
  const seen: EngineEvent[] = [];
  b.onEvent((e) => e.type !== 'workspace.changed' && e.type !== 'world.changed' && seen.push(e));
  for (const l of lines) await b.run(l, { stdout: () => {}, stderr: () => {} });
  return seen;
}

describe('folding events', () => {
  it('folds a build into its start, steps and end; a second build starts a new record', async () => {
    const evs = await eventsOf(['cd hello && docker build -t hello .', 'echo changed > hello.txt && docker build -t hello .']);
    let b: BuildRecord | undefined;
    const starts: BuildRecord[] = [];
    for (const e of evs) {
      const next = foldBuild(b, e);
      if (e.type === 'build.start') starts.push(next!);
      b = next;
    }
    expect(starts).toHaveLength(2);
    expect(b!.start.tags).toEqual(['hello']);
    expect(b!.done).toBeDefined();
    const copy = b!.steps.find((s) => s.instruction.startsWith('COPY'))!;
    expect(copy.cached).toBe(false);
    expect(copy.missReason).toMatchObject({ kind: 'files-changed', files: ['hello.txt'] });
  });

  it('folds a push into its layer statuses and totals, and leaves unrelated events alone', async () => {
    const evs = await eventsOf(['cd hello && docker build -t localhost:5000/h:1 . && docker push localhost:5000/h:1', 'docker push localhost:5000/h:1']);
    let t: TransferRecord | undefined;
    const done: TransferRecord[] = [];
    for (const e of evs) {
      t = foldTransfer(t, e);
      if (e.type === 'push.done') done.push(t!);
    }
    expect(done.map((d) => d.layers.map((l) => l.status))).toEqual([
      ['Pushed', 'Pushed'],
      ['Layer already exists', 'Layer already exists'],
    ]);
    expect(foldTransfer(t, { type: 'volume.created', name: 'x' })).toBe(t);
  });
});
