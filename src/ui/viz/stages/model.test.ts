import { describe, expect, it } from 'vitest';
import type { BuildStagesEvent, BuildStepEvent } from '../../../shared/events.js';
import { stagesModel } from './model.js';

const EV: BuildStagesEvent = {
  type: 'build.stages',
  target: 2,
  final: true,
  stages: [
    { index: 0, name: 'build', from: 'node:20', copyFrom: [], built: true, size: 900_000_000 },
    { index: 1, name: 'docs', from: 'alpine', copyFrom: [], built: false },
    { index: 2, from: 'node:20-alpine', copyFrom: [{ stage: 0, line: 7 }], built: true, size: 60_000_000 },
  ],
};
const STEPS: BuildStepEvent[] = [
  { type: 'build.step', step: 2, of: 2, stageIndex: 0, stage: 'build', instruction: 'RUN make', line: 2, cached: true },
  { type: 'build.step', step: 2, of: 2, stageIndex: 2, instruction: 'COPY --from=build /out /out', line: 7, cached: false, reads: { from: 'build', files: [], count: 3, bytes: 3000 } },
];

describe('stage graph model', () => {
  it('draws FROM and COPY --from edges, skipped stages, and what reaches the final image', () => {
    const m = stagesModel(EV, STEPS, 60_000_000, 140, 50)!;
    expect(m.nodes.map((n) => n.id).sort()).toEqual(['image:alpine', 'image:node:20', 'image:node:20-alpine', 'output', 'stage:0', 'stage:1', 'stage:2']);
    const copy = m.edges.find((e) => e.kind === 'copy')!;
    expect(copy).toMatchObject({ from: 'stage:0', to: 'stage:2', note: 'COPY --from=build: 3 files, 3kB' });
    expect(m.skipped).toEqual(['docs']);
    expect(m.nodes.find((n) => n.id === 'stage:1')!.label).toContain('skipped');
    expect(m.nodes.find((n) => n.id === 'stage:0')!.label).toContain('1 cache hit');
    expect(m.largestOther).toEqual({ title: 'build', size: 900_000_000 });
    expect(m.summary).toContain('Reaches the final image: COPY --from=build: 3 files');
    // layered: bases above their stages, the final image last
    const y = (id: string) => m.nodes.find((n) => n.id === id)!.y;
    expect(y('stage:0')).toBeGreaterThan(y('image:node:20'));
    expect(y('output')).toBeGreaterThan(y('stage:2'));
    expect(m.edges.every((e) => e.points.length >= 2)).toBe(true);
  });

  it('merges FROM and COPY --from the same stage into one edge', () => {
    const ev: BuildStagesEvent = { type: 'build.stages', target: 1, final: false, stages: [{ index: 0, name: 'a', from: 'alpine', copyFrom: [], built: true }, { index: 1, from: 'a', fromStage: 0, copyFrom: [{ stage: 0, line: 3 }], built: true }] };
    const m = stagesModel(ev, [], undefined, 100, 40)!;
    expect(m.edges.filter((e) => e.from === 'stage:0' && e.to === 'stage:1')).toHaveLength(1);
  });

  it('is empty without a build', () => {
    expect(stagesModel(undefined, [], undefined, 100, 40)).toBeUndefined();
  });
});
