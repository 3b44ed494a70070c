/**
 * Real mode end to end: the companion server on the real engine and registry, driven through
 * the browser's own RemoteConnection over a WebSocket, as a learner's console drives it.
 */
import * as os from 'node:os';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RemoteConnection } from '../../src/backends/remote-connection.js';
import type { EngineEvent } from '../../src/shared/events.js';
import type { WorldView } from '../../src/shared/world.js';
import { startServer, type RunningServer } from '../../server/app.js';
import { LABEL_SESSION } from '../../server/docker/types.js';
import { newToken } from '../../server/guard.js';
import { connectEngine, type EngineConnection } from '../../server/real.js';
import { connectTo, contextFile, dockerOn } from './client.js';
import { describeEngine, docker } from './engine.js';

const token = newToken();
let server: RunningServer;
let engine: EngineConnection;

const connect = () => connectTo(server.port, token);
const docker_ = dockerOn;
const file = contextFile;

describeEngine('real mode through the companion server', () => {
  let conn: RemoteConnection;
  const events: EngineEvent[] = [];
  let world: WorldView | undefined;

  beforeAll(async () => {
    engine = await connectEngine({ seed: true });
    if (!engine.ok) throw new Error(engine.reason);
    server = await startServer({ port: 0, listen: '127.0.0.1', distDir: null, token, real: engine.real });
    conn = await connect();
    conn.onEvent((e) => events.push(e));
    conn.onWorld((w) => (world = w));
  });

  afterAll(async () => {
    conn?.close();
    await server?.close();
    if (engine?.ok) await engine.shutdown();
  });

  it('says what the engine is and which base images exist', () => {
    expect(conn.welcome.engine.version).toMatch(/^\d+\.\d+/);
    expect(conn.welcome.baseImages).toContain('busybox:latest');
  });

  it('builds, then rebuilds from the cache, and reports each step as the engine did', async () => {
    // a nonce in the copied file: no cache entry from an earlier run can match
    const nonce = `${process.pid}-${Date.now()}`;
    const ctx = [file('Dockerfile', 'FROM busybox:latest\nCOPY a.txt /a.txt\nRUN echo built > /b.txt\nCMD ["head", "-n1", "/a.txt"]\n'), file('a.txt', `hello real mode\n${nonce}\n`)];
    for (const builder of ['0', '1']) {
      events.length = 0;
      const first = await docker_(conn, ['build', '-t', `rm-app-${builder}`, '.'], { env: { DOCKER_BUILDKIT: builder }, context: ctx });
      expect(first.code, first.err.join('\n')).toBe(0);
      const again = events.length;
      const second = await docker_(conn, ['build', '-t', `rm-app-${builder}`, '.'], { env: { DOCKER_BUILDKIT: builder }, context: ctx });
      expect(second.code).toBe(0);
      const steps = (from: number, to: number) => events.slice(from, to).filter((e) => e.type === 'build.step').map((e) => (e.type === 'build.step' ? e.cached : null));
      // FROM reports no cache state; the first build's COPY and RUN ran, the second took both from the cache
      expect(steps(0, again).slice(-2)).toEqual([false, false]);
      expect(steps(again, events.length).slice(-2)).toEqual([true, true]);
      // each step names the history row it wrote, as the layer view joins them (the base has one row)
      const rows = events.slice(again).flatMap((e) => (e.type === 'build.step' && e.historyIndex !== undefined ? [e.historyIndex] : []));
      // FROM 0, COPY 1, RUN 2 (and classic also reports CMD: 3)
      expect(rows).toEqual(builder === '0' ? [0, 1, 2, 3] : [0, 1, 2]);
    }
  });

  it('runs a container from the build and sends the new world', async () => {
    const r = await docker_(conn, ['run', '--rm', 'rm-app-1']);
    expect(r).toMatchObject({ code: 0, out: ['hello real mode'] });
    await expect.poll(() => world?.images.some((i) => i.tags.includes('rm-app-1:latest'))).toBe(true);
    // the host itself, for the container-vs-VM view: the engine's kernel is this machine's
    expect(world!.host!.kernel).toContain(os.release());
    expect(world!.host!.processes[0]!.pid).toBe(1);
  });

  it('publishes a port on 127.0.0.1 only, and the container answers there', async () => {
    const port = 20_000 + (process.pid % 20_000);
    const r = await docker_(conn, ['run', '-d', '--name', 'rm-web', '-p', `${port}:8000`, 'busybox:latest', 'httpd', '-f', '-p', '8000', '-h', '/etc']);
    expect(r.code, r.err.join('\n')).toBe(0);
    const info = await docker.getContainer(r.out[0]!).inspect();
    expect(info.HostConfig.PortBindings).toEqual({ '8000/tcp': [{ HostIp: '127.0.0.1', HostPort: String(port) }] });
    await expect.poll(async () => fetch(`http://127.0.0.1:${port}/passwd`).then((res) => res.text()).catch(() => ''), { timeout: 10_000 }).toMatch(/^root:x:0:0/);
    expect((await docker_(conn, ['rm', '-f', 'rm-web'])).code).toBe(0);
  });

  it('refuses a privileged container before it reaches the daemon', async () => {
    const before = (await docker.listContainers({ all: true })).length;
    const r = await docker_(conn, ['run', '--privileged', 'busybox:latest', 'true']);
    expect(r.code).toBe(125);
    expect(r.err.join('\n')).toMatch(/--privileged/);
    expect((await docker.listContainers({ all: true })).length).toBe(before);
  });

  it('refuses a build FROM an image outside the allowlist, and a context that climbs out', async () => {
    const from = await docker_(conn, ['build', '-t', 'rm-bad', '.'], { context: [file('Dockerfile', 'FROM alpine:3.20\nRUN true\n')] });
    expect(from.code).toBe(1);
    expect(from.err.join('\n')).toMatch(/^Dockerfile:1: .*alpine:3\.20/m);
    const climb = await docker_(conn, ['build', '.'], { context: [file('Dockerfile', 'FROM busybox:latest\n'), file('../../etc/evil', 'x')] });
    expect(climb.code).toBe(1);
    expect(climb.err.join('\n')).toMatch(/context was refused/);
  });

  it('pushes to the registry and pulls back', async () => {
    if (!engine.ok || !engine.registry) return expect.fail('no registry: install docker-registry');
    const ref = `${engine.registry}/rm-app:v1`;
    expect((await docker_(conn, ['tag', 'rm-app-1', ref])).code).toBe(0);
    events.length = 0;
    const push = await docker_(conn, ['push', ref]);
    expect(push.code, push.err.join('\n')).toBe(0);
    expect(events.some((e) => e.type === 'push.done')).toBe(true);
    const statuses = events.flatMap((e) => (e.type === 'push.layer' ? [e.status] : []));
    expect(statuses.length).toBe(3);
    // the two layers this run built are new to the registry; the base may be there from before
    expect(statuses.slice(-2)).toEqual(['Pushed', 'Pushed']);
    // a second push uploads nothing
    events.length = 0;
    expect((await docker_(conn, ['push', ref])).code).toBe(0);
    expect(new Set(events.flatMap((e) => (e.type === 'push.layer' ? [e.status] : [])))).toEqual(new Set(['Layer already exists']));
    // pull it back after removing the tag: the layers are still here, so nothing downloads
    expect((await docker_(conn, ['rmi', ref])).code).toBe(0);
    events.length = 0;
    const pull = await docker_(conn, ['pull', ref]);
    expect(pull.code, pull.err.join('\n')).toBe(0);
    expect(events.some((e) => e.type === 'pull.done')).toBe(true);
  });

  it('makes a container by hand: the demo process is PID 1 in its own namespaces', async () => {
    const out: string[] = [];
    const code = await conn.demo('ps', {}, { out: (_s, t) => out.push(t), tty: () => undefined });
    expect(code, out.join('\n')).toBe(0);
    // the side-by-side table comes last (the demo's own `ps` output has a PID header too)
    const pidRow = out.findLast((l) => l.startsWith('PID'))!.trim().split(/\s+/);
    expect(pidRow[2]).toBe('1');
    expect(Number(pidRow[1])).toBeGreaterThan(1);
    const refused: string[] = [];
    expect(await conn.demo('sh', { cmd: 'id' }, { out: (_s, t) => refused.push(t), tty: () => undefined })).toBe(1);
    expect(refused.join('\n')).toMatch(/demo/);
  });

  it('removes everything the session made when it ends', async () => {
    const id = conn.welcome.session;
    conn.close();
    await expect.poll(async () => (await docker.listImages({ filters: JSON.stringify({ label: [`${LABEL_SESSION}=${id}`] }) })).length, { timeout: 20_000 }).toBe(0);
  });
});
