import { describe, expect, it } from 'vitest';
import { SimBackend } from './sim.js';

const quiet = { stdout: () => {}, stderr: () => {} };

describe('the world the views read', () => {
  it('shows an image with its layers base first, and its files on demand', async () => {
    const b = new SimBackend();
    await b.run('cd hello && docker build -t hello .', quiet);
    const img = b.world().images.find((i) => i.tags.includes('hello:latest'))!;
    expect(img.dangling).toBe(false);
    expect(img.layers.map((l) => l.empty)).toEqual([false, false, true]);
    expect(img.layers[2]!.createdBy).toContain('CMD');
    expect(img.config.cmd).toEqual(['cat', '/hello.txt']);
    const copy = img.layers[1]!;
    expect(b.layerEntries(copy.diffId!)).toEqual([{ path: '/hello.txt', type: 'file', size: 'Hello from Layerlab!\n'.length }]);
    expect(img.size).toBe(img.layers.reduce((n, l) => n + l.size, 0));
  });

  it('shows a container with its diff and volumes, and forgets it when removed while the volume stays', async () => {
    const b = new SimBackend();
    await b.run('docker run --name web -v data:/data oracle-base:local sh -c "echo hi > /data/x; echo new > /tmp/n; rm /etc/hostname"', quiet);
    let w = b.world();
    const c = w.containers.find((x) => x.name === 'web')!;
    expect(c.status).toBe('exited');
    expect(c.diff).toContainEqual({ kind: 'A', path: '/tmp/n' });
    expect(c.mounts).toContainEqual(expect.objectContaining({ type: 'volume', name: 'data', destination: '/data' }));
    expect(w.volumes.find((v) => v.name === 'data')).toMatchObject({ usedBy: ['web'], size: 3 });
    await b.run('docker rm web', quiet);
    w = b.world();
    expect(w.containers).toEqual([]);
    expect(w.volumes.find((v) => v.name === 'data')).toMatchObject({ usedBy: [], size: 3 });
  });

  it('shows a registry after a push: repository, tag, manifest and blobs stored once', async () => {
    const b = new SimBackend();
    await b.run('cd hello && docker build -t localhost:5000/hello:v1 . && docker push localhost:5000/hello:v1', quiet);
    await b.run('docker tag localhost:5000/hello:v1 localhost:5000/other:v1 && docker push localhost:5000/other:v1', quiet);
    const reg = b.world().registries.find((r) => r.host === 'localhost:5000')!;
    expect(reg.repositories.map((r) => r.name)).toEqual(['hello', 'other']);
    const digest = reg.repositories[0]!.tags['v1']!;
    expect(reg.repositories[1]!.tags['v1']).toBe(digest);
    const manifest = reg.manifests.find((m) => m.digest === digest)!;
    expect(manifest.layers).toHaveLength(2);
    // two repositories, one copy of each blob
    expect(new Set(reg.blobs.map((x) => x.digest)).size).toBe(reg.blobs.length);
    expect(reg.blobs.length).toBe(2);
  });

  it('shows what isolates a running container: hostname, PID 1 and its host PID, bridge address, cgroup limits', async () => {
    const b = new SimBackend();
    await b.run('docker run -d --name web -m 256m --cpus 1.5 --pids-limit 64 oracle-base:local sleep 1000', quiet);
    const c = b.world().containers.find((x) => x.name === 'web')!;
    expect(c.status).toBe('running');
    expect(c.runtime).toMatchObject({ hostname: c.id.slice(0, 12), memory: 256 * 1024 ** 2, nanoCpus: 1.5e9, pidsLimit: 64 });
    expect(c.runtime!.ipAddress).toMatch(/^172\.17\.0\.\d+$/);
    expect(c.runtime!.processes[0]).toMatchObject({ pid: 1, argv: ['sleep', '1000'] });
    expect(c.runtime!.processes[0]!.hostPid).toBeGreaterThan(1);
    await b.run('docker stop web', quiet);
    const stopped = b.world().containers.find((x) => x.name === 'web')!;
    expect(stopped.runtime!.processes).toEqual([]);
    expect(stopped.runtime!.ipAddress).toBeUndefined();
  });
});

describe('paths for the lesson checks', () => {
  it('finds files in a container (with its volume), an image and a volume, and nothing elsewhere', async () => {
    const b = new SimBackend();
    await b.run('docker run --name web -v data:/data oracle-base:local sh -c "echo hi > /data/x; echo new > /tmp/n"', quiet);
    expect(b.pathInfo({ container: 'web' }, '/tmp/n')).toEqual({ type: 'file', size: 4 });
    expect(b.pathInfo({ container: 'web' }, '/data/x')).toEqual({ type: 'file', size: 3 });
    expect(b.pathInfo({ volume: 'data' }, 'x')).toEqual({ type: 'file', size: 3 });
    expect(b.pathInfo({ image: 'oracle-base:local' }, '/tmp/n')).toBeNull();
    expect(b.pathInfo({ image: 'oracle-base:local' }, '/bin')?.type).toBe('dir');
    expect(b.pathInfo({ container: 'nope' }, '/')).toBeNull();
    const before = JSON.stringify(b.snapshot());
    b.pathInfo({ container: 'web' }, '/etc/hostname');
    expect(JSON.stringify(b.snapshot())).toBe(before);
  });
});

