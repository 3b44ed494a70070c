import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/shared/events.js';
import { describeEngine, docker } from '../../tests/server/engine.js';
import { findRegistryBinary, freePort, startRegistry, type RunningRegistry } from '../registry-process.js';
import { build } from './build.js';
import { plainLine, pull, push } from './registry.js';
import { LABEL_INSTANCE, LABEL_SESSION, type CommandIO, type SessionScope } from './types.js';

const SESSION = 'test-registry';
const NONCE = randomBytes(6).toString('hex');
let registry: RunningRegistry;
let host = '';
let scope: SessionScope;

function recorder(context?: { path: string; text: string }[]) {
  const rec = { stdout: [] as string[], stderr: [] as string[], events: [] as EngineEvent[] };
  const io: CommandIO = {
    stdout: (l) => rec.stdout.push(l),
    stderr: (l) => rec.stderr.push(l),
    event: (e) => rec.events.push(e),
    signal: new AbortController().signal,
    env: { DOCKER_BUILDKIT: '0' },
    context: context?.map((c) => ({ path: c.path, type: 'file' as const, mode: 0o644, mtime: 1_700_000_000, data: Buffer.from(c.text).toString('base64') })),
  };
  return { io, rec, events: <T extends EngineEvent['type']>(t: T) => rec.events.filter((e): e is Extract<EngineEvent, { type: T }> => e.type === t) };
}

async function buildAndTag(name: string, file: string): Promise<string> {
  const r = recorder([
    { path: 'Dockerfile', text: `FROM busybox:latest\nCOPY ${file} /srv/${file}\nCMD ["cat", "/srv/${file}"]\n` },
    { path: file, text: `${file} ${NONCE}\n` },
  ]);
  expect(await build(scope, ['-t', `layerlab-test/${name}:1`, '.'], r.io)).toBe(0);
  await docker.getImage(`layerlab-test/${name}:1`).tag({ repo: `${host}/layerlab-test/${name}`, tag: '1' });
  return `${host}/layerlab-test/${name}:1`;
}

it('prints status lines and drops progress bars, as the CLI without a TTY', () => {
  expect(plainLine({ status: 'Preparing', id: 'abc', progressDetail: {} })).toBe('abc: Preparing');
  expect(plainLine({ status: 'Pushing', id: 'abc', progressDetail: { current: 512, total: 1024 } })).toBeNull();
  expect(plainLine({ status: '1: digest: sha256:00 size: 735' })).toBe('1: digest: sha256:00 size: 735');
});

describeEngine.skipIf(!findRegistryBinary())('docker push and pull on the real engine', () => {
  beforeAll(async () => {
    host = `127.0.0.1:${await freePort()}`;
    registry = await startRegistry({ addr: host });
    scope = { docker, sessionId: SESSION, instanceId: 'test', labels: { [LABEL_SESSION]: SESSION, [LABEL_INSTANCE]: 'test' }, registry: host, buildSteps: new Set() };
  });
  afterAll(async () => {
    for (const img of await docker.listImages({ filters: JSON.stringify({ label: [`${LABEL_SESSION}=${SESSION}`] }) })) await docker.getImage(img.Id).remove({ force: true }).catch(() => {});
    await registry?.stop();
  });

  it('pushes fresh layers, finds them on a re-push, and mounts a shared one into a second repository', async () => {
    const api = await buildAndTag('api', 'api.txt');
    const first = recorder();
    expect(await push(scope, [api], first.io)).toBe(0);
    expect(first.rec.stdout[0]).toBe(`The push refers to repository [${host}/layerlab-test/api]`);
    expect(first.rec.stdout.filter((l) => /^[0-9a-f]{12}: Preparing$/.test(l))).toHaveLength(2);
    expect(first.rec.stdout.filter((l) => /^[0-9a-f]{12}: Pushed$/.test(l))).toHaveLength(2);
    expect(first.rec.stdout.at(-1)).toMatch(/^1: digest: sha256:[0-9a-f]{64} size: \d+$/);
    const diffIds = ((await docker.getImage(api).inspect()) as { RootFS: { Layers: string[] } }).RootFS.Layers;
    expect(first.events('push.layer').map((e) => [e.diffId, e.status])).toEqual(diffIds.map((d) => [d, 'Pushed']));
    expect(first.events('push.layer').every((e) => e.size > 0)).toBe(true);
    const done = first.events('push.done')[0]!;
    expect(done).toMatchObject({ repository: `${host}/layerlab-test/api`, tag: '1', digest: expect.stringMatching(/^sha256:/) });
    expect(done.transfer.bytesMoved).toBe(first.events('push.layer').reduce((n, e) => n + e.size, 0));

    const again = recorder();
    expect(await push(scope, [api], again.io)).toBe(0);
    expect(again.events('push.layer').map((e) => e.status)).toEqual(['Layer already exists', 'Layer already exists']);
    expect(again.events('push.done')[0]).toMatchObject({ digest: done.digest, transfer: { bytesMoved: 0 } });

    const web = await buildAndTag('web', 'web.txt');
    const second = recorder();
    expect(await push(scope, [web], second.io)).toBe(0);
    expect(second.events('push.layer').map((e) => [e.status, e.from])).toEqual([['Mounted from', 'layerlab-test/api'], ['Pushed', undefined]]);
    expect(second.rec.stdout).toContain(`${second.events('push.layer')[0]!.diffId.slice(7, 19)}: Mounted from layerlab-test/api`);
  });

  it('pulls after rmi: the base layer already exists, the app layer is downloaded', async () => {
    const ref = `${host}/layerlab-test/api:1`;
    await docker.getImage(ref).remove();
    await docker.getImage('layerlab-test/api:1').remove();
    const r = recorder();
    expect(await pull(scope, [ref], r.io)).toBe(0);
    expect(r.rec.stdout[0]).toBe('1: Pulling from layerlab-test/api');
    expect(r.rec.stdout.slice(-3)).toEqual([expect.stringMatching(/^Digest: sha256:/), `Status: Downloaded newer image for ${ref}`, ref]);
    expect(r.events('pull.layer').map((e) => e.status)).toEqual(['Already exists', 'Pull complete']);
    expect(r.rec.stdout).toContain(`${r.events('pull.layer')[1]!.digest.slice(7, 19)}: Pull complete`);
    expect(r.events('pull.done')[0]).toMatchObject({ reference: ref, imageId: expect.stringMatching(/^sha256:/) });
  });

  it('answers in docker\'s words for what is not there, and refuses other registries', async () => {
    const missing = recorder();
    expect(await pull(scope, [`${host}/layerlab-test/missing:1`], missing.io)).toBe(1);
    expect(missing.rec.stderr).toEqual([`Error response from daemon: manifest for ${host}/layerlab-test/missing:1 not found: manifest unknown: manifest unknown`]);
    const nothere = recorder();
    expect(await push(scope, [`${host}/layerlab-test/nothere:1`], nothere.io)).toBe(1);
    expect(nothere.rec.stdout).toEqual([`The push refers to repository [${host}/layerlab-test/nothere]`]);
    expect(nothere.rec.stderr).toEqual([`An image does not exist locally with the tag: ${host}/layerlab-test/nothere`]);
    const hub = recorder();
    expect(await push(scope, ['busybox:latest'], hub.io)).toBe(1);
    expect(hub.rec.stderr[0]).toMatch(/only push to the local registry/);
  });
});
