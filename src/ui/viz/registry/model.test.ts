import { describe, expect, it } from 'vitest';
import { SimBackend } from '../../../backends/sim.js';
import type { WorldView } from '../../../shared/world.js';
import { WorldState } from '../../../state/world.svelte.js';
import { registryModel } from './model.js';

const quiet = { stdout: () => {}, stderr: () => {} };
const EMPTY: WorldView = { images: [], containers: [], volumes: [], registries: [], linkBytesPerSecond: 12_500_000 };

/** A simulated engine with the views' bridge attached, refreshed after each line as the app does. */
function sim() {
  const backend = new SimBackend();
  const viz = new WorldState();
  viz.attach(backend);
  return {
    viz,
    async run(line: string) {
      await backend.run(line, quiet);
      viz.refresh();
    },
    model: (speed = 12_500_000) => registryModel(viz.world, viz.transfer, viz.events, speed),
  };
}

describe('registry view model', () => {
  it('says what a first push uploaded, layer by layer, base first', async () => {
    const s = sim();
    await s.run('cd hello && docker build -t localhost:5000/hello:v1 . && docker push localhost:5000/hello:v1');
    const m = s.model();
    expect(m.transfer?.kind).toBe('push');
    expect(m.transfer?.lines.map((l) => l.outcome)).toEqual(['uploaded', 'uploaded']);
    expect(m.transfer?.lines[1]?.text).toMatch(/^Layer 2 of 2 of localhost:5000\/hello:v1, [\d.]+ \w?B, uploaded to localhost:5000\/hello$/);
    expect(m.places.map((p) => p.title)).toEqual(['This machine', 'localhost:5000']);
    expect(m.places[1]!.columns).toMatchObject([{ title: 'localhost:5000/hello', tags: ['v1'] }]);
    expect(m.transfer!.bytesMoved).toBeGreaterThan(0);
    expect(m.transfer!.bytesSaved).toBe(0);
  });

  it('pushing again finds every layer already there, and another repository mounts them', async () => {
    const s = sim();
    await s.run('cd hello && docker build -t localhost:5000/hello:v1 . && docker push localhost:5000/hello:v1');
    await s.run('docker push localhost:5000/hello:v1');
    expect(s.model().transfer?.lines.map((l) => l.outcome)).toEqual(['already there', 'already there']);
    expect(s.model().transfer?.lines[0]?.text).toContain('already in localhost:5000/hello');
    await s.run('docker tag localhost:5000/hello:v1 localhost:5000/other:v1 && docker push localhost:5000/other:v1');
    const m = s.model();
    expect(m.transfer?.lines.every((l) => l.outcome === 'mounted')).toBe(true);
    expect(m.transfer?.lines[0]?.text).toContain('mounted from localhost:5000/hello into localhost:5000/other');
    // shared layers are one row each and stored once in the registry
    const reg = m.places[1]!;
    expect(reg.columns).toHaveLength(2);
    expect(reg.stored).toHaveLength(2);
    expect(new Set(m.rows.map((r) => r.diffId)).size).toBe(m.rows.length);
    expect(m.running.transfers).toBe(3);
    expect(m.running.bytesSaved).toBeGreaterThan(0);
  });

  it('a pull after rmi downloads what is missing and reuses what is present', async () => {
    const s = sim();
    await s.run('cd hello && docker build -t localhost:5000/hello:v1 . && docker push localhost:5000/hello:v1');
    await s.run('docker rmi localhost:5000/hello:v1');
    await s.run('docker pull localhost:5000/hello:v1');
    const m = s.model();
    expect(m.transfer?.kind).toBe('pull');
    // the engine still holds both layers (the base image and the build cache keep them)
    expect(m.transfer!.lines.map((l) => l.outcome)).toEqual(['already present', 'already present']);
    expect(m.transfer!.lines[0]!.text).toMatch(/^Layer 1 of 2 of localhost:5000\/hello:v1, .*already present locally$/);
    expect(m.transfer!.lines.every((l) => l.diffId)).toBe(true);
    await s.run('docker pull alpine:3.19');
    const a = s.model();
    expect(a.transfer!.lines.map((l) => l.outcome)).toContain('downloaded');
    expect(a.transfer!.lines[0]!.text).toMatch(/^Layer 1 of \d+ of alpine:3.19, .*downloaded from alpine$/);
    expect(a.places.map((p) => p.title)).toContain('docker.io');
  });

  it('times transfers at the chosen link speed, never changing the world', async () => {
    const s = sim();
    await s.run('cd hello && docker build -t localhost:5000/hello:v1 . && docker push localhost:5000/hello:v1');
    const fast = s.model(125_000_000);
    const slow = s.model(125_000);
    expect(slow.transfer!.seconds).toBeCloseTo(fast.transfer!.seconds * 1000);
    expect(slow.running.seconds).toBeCloseTo(slow.transfer!.bytesMoved / 125_000);
    expect(s.viz.world.linkBytesPerSecond).toBe(12_500_000);
  });

  it('draws an empty world and bad input without throwing', () => {
    const m = registryModel(EMPTY, undefined, [], 0);
    expect(m.rows).toEqual([]);
    expect(m.text).toContain('This machine has no images yet.');
    const orphan = registryModel(EMPTY, { kind: 'pull', layers: [{ type: 'pull.layer', repository: 'gone', digest: 'sha256:aa', status: 'Pull complete', size: 5 }] }, [], NaN);
    expect(orphan.transfer!.lines[0]!.text).toBe('Layer 1 of 1 of gone, 5 B, downloaded from gone');
  });

  it('models a registry with 50 images quickly', () => {
    const layer = (i: number) => ({ digest: `sha256:b${i}`, diffId: `sha256:d${i}`, size: 1000 + i });
    const manifests = Array.from({ length: 50 }, (_, i) => ({ digest: `sha256:m${i}`, configDigest: `sha256:c${i}`, layers: [layer(0), layer(i + 1)] }));
    const world: WorldView = {
      ...EMPTY,
      registries: [
        {
          host: 'localhost:5000',
          repositories: manifests.map((m, i) => ({ name: `app${i}`, tags: { v1: m.digest }, manifests: [m.digest], blobs: m.layers.map((l) => l.digest) })),
          manifests,
          blobs: Array.from({ length: 51 }, (_, i) => ({ digest: `sha256:b${i}`, size: 1000 + i })),
        },
      ],
    };
    const t0 = performance.now();
    const m = registryModel(world, undefined, [], 12_500_000);
    expect(performance.now() - t0).toBeLessThan(50);
    expect(m.rows).toHaveLength(51);
    expect(m.places[1]!.columns).toHaveLength(50);
  });
});
