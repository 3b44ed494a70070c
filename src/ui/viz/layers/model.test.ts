import { describe, expect, it } from 'vitest';
import type { BuildStepEvent } from '../../../shared/events.js';
import type { ImageView } from '../../../shared/world.js';
import { analyzeLayers, stackModel } from './model.js';

function image(rows: [string, number, boolean?][]): ImageView {
  return {
    id: 'sha256:img',
    tags: ['app:latest'],
    digests: [],
    created: 0,
    size: rows.reduce((n, r) => n + r[1], 0),
    dangling: false,
    config: { user: '', workdir: '', entrypoint: null, cmd: null, env: [], exposedPorts: [], volumes: [], labels: {} },
    layers: rows.map(([createdBy, size, empty], i) => ({ createdBy, size, empty: !!empty, created: 0, ...(empty ? {} : { diffId: `sha256:l${i}` }) })),
  };
}

const step = (over: Partial<BuildStepEvent>): BuildStepEvent => ({ type: 'build.step', step: 1, of: 4, stageIndex: 0, instruction: '', line: 1, cached: true, ...over });

const IMG = image([
  ['/bin/sh -c #(nop) ADD file:abc in /', 5_000_000],
  ['/bin/sh -c #(nop)  CMD ["sh"]', 0, true],
  ['COPY package.json ./ # buildkit', 2048],
  ['RUN /bin/sh -c npm install # buildkit', 40_000_000],
  ['CMD ["node"]', 0, true],
]);
const STEPS = [
  step({ step: 1, cached: null, historyIndex: 1, instruction: 'FROM node' }),
  step({ step: 2, cached: false, historyIndex: 2, instruction: 'COPY package.json ./', missReason: { kind: 'files-changed', files: ['package.json'] } }),
  step({ step: 3, cached: false, historyIndex: 3, instruction: 'RUN npm install', missReason: { kind: 'parent-missed', step: 2 } }),
];

describe('layer stack model', () => {
  it('puts each step beside its row and names the changed file', () => {
    const m = stackModel(IMG, { steps: STEPS, imageId: IMG.id });
    expect(m.rows.map((r) => r.status)).toEqual(['base', 'base', 'miss', 'miss', 'config']);
    expect(m.rows[2]!.reason).toBe('files changed: package.json');
    expect(m.rows[3]!.cascadeFrom).toBe(2);
    expect(m.rows[3]!.reason).toBe('parent missed (COPY package.json ./)');
    expect(m.rows[2]!.label).toBe('Layer 3 of 5, COPY package.json ./, 2.05kB, cache miss: files changed: package.json');
    expect(m.rows[4]!.label).toContain('metadata only');
  });

  it('shows no hits or misses for an image the last build did not make', () => {
    const m = stackModel(IMG, { steps: STEPS, imageId: 'sha256:other' });
    expect(m.rows.every((r) => r.status === 'none')).toBe(true);
    expect(m.hasBuild).toBe(false);
  });

  it('shows the what-if for the same context, and new steps apart', () => {
    const pred = { path: '/w/app/Dockerfile', steps: [STEPS[0]!, step({ step: 2, cached: true, historyIndex: 2 }), step({ step: 3, cached: false, historyIndex: 3, missReason: { kind: 'instruction-changed' } }), step({ step: 4, cached: false, historyIndex: 9, instruction: 'RUN make', missReason: { kind: 'parent-missed', step: 3 } })] };
    const m = stackModel(IMG, { steps: STEPS, imageId: IMG.id, context: '/w/app' }, pred);
    expect(m.rows[2]!.predicted?.status).toBe('hit');
    expect(m.rows[3]!.predicted).toMatchObject({ status: 'miss', reason: 'instruction changed' });
    expect(m.extraPredicted).toEqual([{ instruction: 'RUN make', status: 'miss', reason: 'parent missed (step 3)' }]);
    const elsewhere = stackModel(IMG, { steps: STEPS, imageId: IMG.id, context: '/w/other' }, pred);
    expect(elsewhere.hasPrediction).toBe(false);
    // the what-if is still told, as a list, for another folder or before any image exists
    expect(elsewhere.whatIf.map((w) => w.status)).toEqual(['hit', 'miss', 'miss']);
    expect(stackModel(undefined, undefined, pred).whatIf).toHaveLength(3);
  });

  it('copes with no image, no history and no build', () => {
    expect(stackModel(undefined).rows).toEqual([]);
    expect(stackModel({ ...IMG, layers: [] }).rows).toEqual([]);
    expect(stackModel(IMG).rows[0]!.status).toBe('none');
  });

  it('draws a 200-layer image quickly', () => {
    const big = image(Array.from({ length: 200 }, (_, i) => [`RUN /bin/sh -c step ${i} # buildkit`, i * 1000] as [string, number]));
    const t = performance.now();
    expect(stackModel(big).rows).toHaveLength(200);
    expect(performance.now() - t).toBeLessThan(50);
  });
});

describe('layer analysis', () => {
  it('counts only overwritten and deleted versions as removable, not the copy kept', () => {
    const a = analyzeLayers([
      [{ path: '/app', type: 'dir', size: 0 }, { path: '/app/big.bin', type: 'file', size: 1000 }, { path: '/app/cfg', type: 'file', size: 10 }],
      [{ path: '/app/cfg', type: 'file', size: 12 }],
      [{ path: '/app/big.bin', type: 'whiteout', size: 0 }],
    ]);
    expect(a.changes[0]!.map((c) => c.kind)).toEqual(['added', 'added']);
    expect(a.changes[1]).toEqual([{ path: '/app/cfg', kind: 'changed', size: 12 }]);
    expect(a.changes[2]).toEqual([{ path: '/app/big.bin', kind: 'deleted', size: 0 }]);
    expect(a.removableBytes).toBe(1010);
    expect(a.totalBytes).toBe(1022);
    expect(a.efficiency).toBeCloseTo(12 / 1022);
    expect(a.topWaste[0]).toEqual({ path: '/app/big.bin', bytes: 1000 });
  });

  it('treats an opaque directory and a deleted directory as deleting what lay under them', () => {
    const a = analyzeLayers([[{ path: '/d/x', type: 'file', size: 5 }, { path: '/e/y', type: 'file', size: 7 }], [{ path: '/d', type: 'dir', size: 0, opaque: true }, { path: '/e', type: 'whiteout', size: 0 }]]);
    expect(a.removableBytes).toBe(12);
  });

  it('analyses 200 layers of 500 files quickly', () => {
    const layers = Array.from({ length: 200 }, (_, i) => Array.from({ length: 500 }, (_, j) => ({ path: `/d${j % 50}/f${(i * 7 + j) % 900}`, type: 'file' as const, size: 100 })));
    const t = performance.now();
    const a = analyzeLayers(layers);
    // linear in entries: 100,000 of them well under a second even on a busy machine
    expect(performance.now() - t).toBeLessThan(1000);
    expect(a.changes).toHaveLength(200);
  });

  it('is fully efficient with nothing removable, and copes with missing entries', () => {
    expect(analyzeLayers([undefined, []]).efficiency).toBe(1);
  });
});
