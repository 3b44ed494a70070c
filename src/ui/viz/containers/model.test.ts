import { describe, expect, it } from 'vitest';
import { SimBackend } from '../../../backends/sim.js';
import type { WorldView } from '../../../shared/world.js';
import { containersModel } from './model.js';

const quiet = { stdout: () => {}, stderr: () => {} };

describe('containers view model', () => {
  it('stacks a container on its image with its own diff, and its volume outside', async () => {
    const b = new SimBackend();
    await b.run('docker run --name web -v data:/data oracle-base:local sh -c "echo hi > /data/x; echo new > /tmp/n"', quiet);
    const m = containersModel(b.world());
    const img = m.images.find((i) => i.label === 'oracle-base:local')!;
    expect(img.containers.map((c) => c.name)).toEqual(['web']);
    const web = img.containers[0]!;
    expect(web.state).toBe('exited (0)');
    expect(web.diff).toContainEqual({ kind: 'A', path: '/tmp/n' });
    // the volume's file is not in the container's diff: it lives outside the writable layer
    expect(web.diff.some((d) => d.path.startsWith('/data/'))).toBe(false);
    expect(m.volumes).toEqual([expect.objectContaining({ name: 'data', usedBy: ['web'], size: 3 })]);
    expect(m.text).toContainEqual(expect.stringMatching(/^Container web \(exited \(0\)\) on oracle-base:local: writable layer .*added \/tmp\/n.*; mounts volume data at \/data\.$/));
  });

  it('removing the container takes its layer away; the volume stays', async () => {
    const b = new SimBackend();
    await b.run('docker run --name web -v data:/data oracle-base:local sh -c "echo hi > /data/x"', quiet);
    await b.run('docker rm web', quiet);
    const m = containersModel(b.world());
    expect(m.images.flatMap((i) => i.containers)).toEqual([]);
    expect(m.volumes).toEqual([expect.objectContaining({ name: 'data', usedBy: [] })]);
    expect(m.text).toContain('Volume data: 3 B, used by no container (it outlives the containers that used it).');
  });

  it('draws an empty world and a container whose image left the snapshot', () => {
    const empty: WorldView = { images: [], containers: [], volumes: [], registries: [], linkBytesPerSecond: 1 };
    expect(containersModel(empty).text).toEqual(['No images or containers yet.']);
    const orphan = containersModel({
      ...empty,
      containers: [{ id: 'c1', name: 'x', imageId: 'sha256:gone', image: 'gone', command: [], status: 'running', exitCode: 0, created: 1, diff: [], writableSize: 0, mounts: [], ports: [] }],
    });
    expect(orphan.images[0]!.containers[0]!.name).toBe('x');
  });
});
