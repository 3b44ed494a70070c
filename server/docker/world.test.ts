import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEngine, docker } from '../../tests/server/engine.js';
import { buildTiny, collectIO, testScope } from './images.fixtures.js';
import { reap } from './reaper.js';
import { volumeCreate } from './volumes.js';
import { guessEmpty, realWorld } from './world.js';

describe('guessEmpty', () => {
  const row = (CreatedBy: string, Size: number) => ({ CreatedBy, Size });
  it('settles zero-byte RUN rows by the layer count', () => {
    const rows = [row('', 2e6), row('/bin/sh -c true', 0), row('/bin/sh -c #(nop)  CMD ["sh"]', 0), row('/bin/sh -c echo hi > /a', 3)];
    expect(guessEmpty(rows, 2)).toEqual([false, true, true, false]);
    expect(guessEmpty(rows, 3)).toEqual([false, false, true, false]);
  });
  it('reads BuildKit metadata rows as empty', () => {
    expect(guessEmpty([row('', 5), row('ENV A=1', 0), row('RUN /bin/sh -c true # buildkit', 0)], 2)).toEqual([false, true, false]);
  });
  it('gives up when two zero-byte rows share one layer', () => {
    expect(guessEmpty([row('', 5), row('/bin/sh -c true', 0), row('/bin/sh -c #(nop) WORKDIR /x', 0)], 2)).toBeNull();
  });
});

describeEngine('realWorld', () => {
  const a = testScope('world');
  const b = testScope('world');
  const repo = `ll-world-${randomBytes(3).toString('hex')}`;
  let appId = '';
  let ambiguousId = '';

  beforeAll(async () => {
    appId = await buildTiny(a, `${repo}/app:v1`, ['RUN echo hi > /hi.txt', 'ENV A=1', 'RUN true', 'EXPOSE 80', 'CMD ["cat", "/hi.txt"]']);
    // a RUN that changed nothing and a WORKDIR that made a directory: only the image config tells which is the layer
    ambiguousId = await buildTiny(a, `${repo}/ambiguous:v1`, [`RUN true # ${randomBytes(4).toString('hex')}`, `WORKDIR /w${randomBytes(4).toString('hex')}`]);
    await Promise.all(Array.from({ length: 8 }, (_, i) => buildTiny(a, `${repo}/many:${i}`, [`RUN echo ${i} > /n.txt`])));
    await buildTiny(b, `${repo}/other:v1`, ['RUN echo other > /o.txt']);
    await volumeCreate(a, [`${repo}-data`], collectIO());
    const ran = await docker.createContainer({ Image: `${repo}/app:v1`, name: `${repo}-ran`, Cmd: ['sh', '-c', 'echo x > /new.txt && rm /hi.txt'], Labels: a.labels, HostConfig: { NetworkMode: 'none', Binds: [`${repo}-data:/data`] } });
    await ran.start();
    await ran.wait();
    await Promise.all(
      Array.from({ length: 9 }, async (_, i) => {
        const c = await docker.createContainer({ Image: 'busybox:latest', name: `${repo}-up${i}`, Cmd: ['sleep', '300'], Labels: a.labels, HostConfig: { NetworkMode: 'none', Memory: 64 * 1024 * 1024, NanoCpus: 500_000_000, PidsLimit: 32 } });
        await c.start();
      }),
    );
  });
  afterAll(async () => {
    await reap(docker, { session: a.sessionId });
    await reap(docker, { session: b.sessionId });
  });

  it('shows the session images with layers base first joined to RootFS diff IDs, and the config', async () => {
    const t0 = performance.now();
    const w = await realWorld(a);
    console.log(`realWorld cold (no image read yet): ${w.images.length} images, ${w.containers.length} containers: ${(performance.now() - t0).toFixed(0)} ms`);
    expect(w.images.some((i) => i.tags.includes(`${repo}/other:v1`))).toBe(false);
    expect(w.images.some((i) => i.tags.includes('busybox:latest'))).toBe(true);
    const app = w.images.find((i) => i.id === appId)!;
    const inspect = await docker.getImage(appId).inspect();
    expect(app.tags).toEqual([`${repo}/app:v1`]);
    expect(app.layers.filter((l) => !l.empty).map((l) => l.diffId)).toEqual(inspect.RootFS.Layers);
    expect(app.layers[0]).toMatchObject({ empty: false, comment: 'Imported from -' });
    expect(app.layers[app.layers.length - 1]!.createdBy).toContain('CMD ["cat" "/hi.txt"]');
    const byCmd = (s: string) => app.layers.find((l) => l.createdBy.includes(s))!;
    expect(byCmd('echo hi')).toMatchObject({ empty: false, size: 3 });
    expect(byCmd('ENV A=1')).toMatchObject({ empty: true, size: 0 });
    expect(byCmd('/bin/sh -c true')).toMatchObject({ empty: true });
    expect(app.config).toMatchObject({ cmd: ['cat', '/hi.txt'], exposedPorts: ['80/tcp'], env: expect.arrayContaining(['A=1']), labels: {} });
    expect(app.dangling).toBe(false);
    expect(app.size).toBe(inspect.Size);
  });

  it('reads the empty flags from the image config when the history cannot tell', async () => {
    const w = await realWorld(a);
    const img = w.images.find((i) => i.id === ambiguousId)!;
    const inspect = await docker.getImage(ambiguousId).inspect();
    expect(img.layers.filter((l) => !l.empty).map((l) => l.diffId)).toEqual(inspect.RootFS.Layers);
    expect(img.layers.find((l) => l.createdBy.includes('RUN true') || l.createdBy.includes('-c true'))!.empty).toBe(true);
    expect(img.layers.find((l) => l.createdBy.includes('WORKDIR'))!.empty).toBe(false);
  });

  it('shows containers with diff, writable size, mounts and runtime facts, and volumes with users', async () => {
    const w = await realWorld(a);
    expect(w.containers).toHaveLength(10);
    const ran = w.containers.find((c) => c.name === `${repo}-ran`)!;
    expect(ran).toMatchObject({ status: 'exited', exitCode: 0, imageId: appId, image: `${repo}/app:v1`, command: ['sh', '-c', 'echo x > /new.txt && rm /hi.txt'] });
    // unlike the simulator, the engine's diff lists the mount point it made
    expect(ran.diff).toEqual([
      { kind: 'A', path: '/data' },
      { kind: 'D', path: '/hi.txt' },
      { kind: 'A', path: '/new.txt' },
    ]);
    expect(ran.writableSize).toBeGreaterThan(0);
    expect(ran.mounts).toEqual([{ type: 'volume', name: `${repo}-data`, source: expect.stringContaining(`${repo}-data`), destination: '/data', rw: true }]);
    const up = w.containers.find((c) => c.name === `${repo}-up0`)!;
    expect(up.status).toBe('running');
    expect(up.runtime).toMatchObject({ networkMode: 'none', memory: 64 * 1024 * 1024, nanoCpus: 500_000_000, pidsLimit: 32, hostname: up.id.slice(0, 12) });
    expect(up.runtime!.processes[0]).toMatchObject({ pid: 1, uid: 0, argv: ['sleep', '300'] });
    expect(up.runtime!.processes[0]!.hostPid).toBeGreaterThan(1);
    expect(w.volumes).toEqual([{ name: `${repo}-data`, anonymous: false, size: 0, usedBy: [`${repo}-ran`] }]);
    expect(w.registries).toEqual([]);
  });

  it('is quick enough to run after every command (about 10 images and containers, warm)', async () => {
    const cold = performance.now();
    await realWorld(testScope('world-cold'));
    const t0 = performance.now();
    const w = await realWorld(a);
    const warm = performance.now() - t0;
    console.log(`realWorld: ${w.images.length} images, ${w.containers.length} containers: warm ${warm.toFixed(0)} ms (an empty session: ${(t0 - cold).toFixed(0)} ms)`);
    expect(warm).toBeLessThan(1500);
  });
});

describe('registryView', () => {
  const cfgDigest = 'sha256:' + 'c'.repeat(64);
  const layer = { digest: 'sha256:' + 'a'.repeat(64), size: 1234 };
  const manDigest = 'sha256:' + 'd'.repeat(64);
  let server: import('node:http').Server;
  let host = '';

  beforeAll(async () => {
    const http = await import('node:http');
    server = http.createServer((req, res) => {
      const url = req.url ?? '';
      const json = (body: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(200, { 'content-type': 'application/json', ...headers });
        res.end(req.method === 'HEAD' ? undefined : JSON.stringify(body));
      };
      if (url === '/v2/_catalog') return json({ repositories: ['s16/app', 'someone/else'] });
      if (url === '/v2/s16/app/tags/list') return json({ name: 's16/app', tags: ['v2', 'v1'] });
      if (/^\/v2\/s16\/app\/manifests\/(v1|v2|sha256:d+)$/.test(url)) return json({ schemaVersion: 2, config: { digest: cfgDigest, size: 10 }, layers: [layer] }, { 'docker-content-digest': manDigest });
      if (url === `/v2/s16/app/blobs/${cfgDigest}`) return json({ rootfs: { type: 'layers', diff_ids: ['sha256:' + 'e'.repeat(64)] } });
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    host = `127.0.0.1:${(server.address() as import('node:net').AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it("draws the repositories the session's images name, with tags, manifests and blobs", async () => {
    const { registryView } = await import('./world-registry.js');
    const port = host.split(':')[1];
    const img = { Id: 'sha256:x', ParentId: '', RepoTags: [`localhost:${port}/s16/app:v1`], RepoDigests: [], Created: 0, Size: 0, Labels: null };
    const view = await registryView(host, [img]);
    expect(view).toEqual({
      host: `localhost:${port}`,
      repositories: [{ name: 's16/app', tags: { v1: manDigest, v2: manDigest }, manifests: [manDigest], blobs: [layer.digest] }],
      manifests: [{ digest: manDigest, configDigest: cfgDigest, layers: [{ digest: layer.digest, diffId: 'sha256:' + 'e'.repeat(64), size: 1234 }] }],
      blobs: [{ digest: layer.digest, size: 1234 }],
    });
    expect(await registryView('127.0.0.1:1', [img])).toBeNull();
  });
});
