/**
 * docker push / docker pull through the CLI against the simulated registries,
 * checked against tests/oracle/FINDINGS.md section 3 (real Docker 20.10), and the
 * push.* / pull.* events a visualization draws from.
 */
import { describe, expect, it } from 'vitest';
import { dockerSession, type DockerRun } from '../../cli/commands/container-testing.js';
import type { EngineEvent } from '../../shared/events.js';

type Builder = 'classic' | 'buildkit';
type PushLayer = Extract<EngineEvent, { type: 'push.layer' }>;
type PushDone = Extract<EngineEvent, { type: 'push.done' }>;
type PullLayer = Extract<EngineEvent, { type: 'pull.layer' }>;
type PullDone = Extract<EngineEvent, { type: 'pull.done' }>;

const DIGEST_LINE = /^(\S+): digest: (sha256:[a-f0-9]{64}) size: (\d+)$/;
const short = (d: string) => d.replace(/^sha256:/, '').slice(0, 12);

function session(builder: Builder) {
  const s = dockerSession();
  const env = { DOCKER_BUILDKIT: builder === 'classic' ? '0' : '1' };
  const docker = (line: string): DockerRun => s.docker(line, { env });
  /** Runs a command that must succeed. */
  const ok = (line: string): DockerRun => {
    const r = docker(line);
    expect(r.code, `docker ${line}\n${r.err.join('\n')}`).toBe(0);
    return r;
  };
  /** Builds `tag` from a Dockerfile text in a fresh context. */
  const build = (tag: string, dockerfile: string, files: Record<string, string> = {}) => {
    const dir = `/w/ctx-${tag.replace(/[^a-z0-9]/g, '-')}`;
    s.ws.write(`${dir}/Dockerfile`, dockerfile);
    for (const [p, t] of Object.entries(files)) s.ws.write(`${dir}/${p}`, t);
    return ok(`build -t ${tag} ${dir}`);
  };
  return { ...s, docker, ok, build };
}

/** A push's printed per-layer final statuses, by short diff ID, in order. */
function pushStatuses(out: string[]): [string, string][] {
  return out.map((l) => /^([a-f0-9]{12}): (Pushed|Layer already exists|Mounted from \S+)$/.exec(l)).filter((m) => m !== null).map((m) => [m[1]!, m[2]!]);
}

function pushEvents(r: DockerRun) {
  const layers = r.events.filter((e): e is PushLayer => e.type === 'push.layer');
  const done = r.events.filter((e): e is PushDone => e.type === 'push.done');
  return { layers, done };
}

/** Checks a push's events agree with what it printed; returns the manifest digest and size. */
function checkPush(r: DockerRun, tag: string): { digest: string; size: number; statuses: string[]; moved: number; saved: number } {
  const printed = pushStatuses(r.out);
  const { layers, done } = pushEvents(r);
  expect(layers.map((e) => [short(e.diffId), e.status === 'Mounted from' ? `Mounted from ${e.from}` : e.status])).toEqual(printed);
  const last = DIGEST_LINE.exec(r.out[r.out.length - 1]!);
  expect(last, r.out.join('\n')).not.toBeNull();
  expect(last![1]).toBe(tag);
  expect(done).toHaveLength(1);
  expect(done[0]!.digest).toBe(last![2]);
  expect(done[0]!.tag).toBe(tag);
  const moved = layers.filter((e) => e.status === 'Pushed').reduce((n, e) => n + e.size, 0);
  const saved = layers.filter((e) => e.status !== 'Pushed').reduce((n, e) => n + e.size, 0);
  expect(done[0]!.transfer.bytesMoved).toBe(moved);
  expect(done[0]!.transfer.bytesSaved).toBe(saved);
  expect(done[0]!.transfer.seconds).toBeCloseTo(moved / done[0]!.transfer.linkBytesPerSecond, 9);
  return { digest: last![2]!, size: Number(last![3]), statuses: printed.map(([, s]) => s), moved, saved };
}

/** Checks a pull's events agree with what it printed. */
function checkPull(r: DockerRun): { statuses: string[]; done: PullDone } {
  const printed = r.out.map((l) => /^([a-f0-9]{12}): (Pull complete|Already exists)$/.exec(l)).filter((m) => m !== null).map((m) => [m[1]!, m[2]!]);
  const layers = r.events.filter((e): e is PullLayer => e.type === 'pull.layer');
  const done = r.events.filter((e): e is PullDone => e.type === 'pull.done');
  expect(layers.map((e) => [short(e.digest), e.status])).toEqual(printed);
  expect(done).toHaveLength(1);
  expect(done[0]!.transfer.bytesMoved).toBe(layers.filter((e) => e.status === 'Pull complete').reduce((n, e) => n + e.size, 0));
  expect(done[0]!.transfer.bytesSaved).toBe(layers.filter((e) => e.status === 'Already exists').reduce((n, e) => n + e.size, 0));
  expect(r.out).toContain(`Digest: ${done[0]!.digest}`);
  return { statuses: printed.map(([, s]) => s), done: done[0]! };
}

const APP = (text: string) => `FROM oracle-base:local\nRUN echo ${text} > /file\nCMD ["cat", "/file"]\n`;

describe.each<Builder>(['classic', 'buildkit'])('registry under the %s builder', (builder) => {
  it('pushes every layer of a fresh repository, then reports them as already there on a re-push and for another tag', () => {
    const s = session(builder);
    s.build('app:v1', APP('one'));
    s.ok('tag app:v1 localhost:5000/s16/app:v1');
    const first = s.ok('push localhost:5000/s16/app:v1');
    expect(first.out[0]).toBe('The push refers to repository [localhost:5000/s16/app]');
    expect(first.err).toEqual([]);
    const p1 = checkPush(first, 'v1');
    expect(p1.statuses).toEqual(['Pushed', 'Pushed']);
    expect(p1.saved).toBe(0);
    // each layer: Preparing first, then its final status
    const prepared = first.out.filter((l) => l.endsWith(': Preparing')).map((l) => l.slice(0, 12));
    expect(prepared).toEqual(pushStatuses(first.out).map(([id]) => id));

    const again = checkPush(s.ok('push localhost:5000/s16/app:v1'), 'v1');
    expect(again.statuses).toEqual(['Layer already exists', 'Layer already exists']);
    expect(again).toMatchObject({ digest: p1.digest, size: p1.size, moved: 0, saved: p1.moved });

    s.ok('tag app:v1 localhost:5000/s16/app:other');
    const other = checkPush(s.ok('push localhost:5000/s16/app:other'), 'other');
    expect(other.statuses).toEqual(['Layer already exists', 'Layer already exists']);
    expect(other).toMatchObject({ digest: p1.digest, size: p1.size, moved: 0 });
  });

  it('mounts layers another repository of the same registry already holds', () => {
    const s = session(builder);
    s.build('api', APP('api'));
    s.build('web', APP('web'));
    s.ok('tag api localhost:5000/s17/api');
    s.ok('tag web localhost:5000/s17/web');
    expect(checkPush(s.ok('push localhost:5000/s17/api:latest'), 'latest').statuses).toEqual(['Pushed', 'Pushed']);
    // the base layer is in s17/api; the web layer is new
    expect(checkPush(s.ok('push localhost:5000/s17/web:latest'), 'latest').statuses).toEqual(['Pushed', 'Mounted from s17/api']);
    // web into the api repository: base already there, web layer mounted from s17/web
    s.ok('tag web localhost:5000/s17/api:web');
    expect(checkPush(s.ok('push localhost:5000/s17/api:web'), 'web').statuses).toEqual(['Mounted from s17/web', 'Layer already exists']);
  });

  it('pushes only the changed top layer, with a new digest; re-pushing v1 restores its digest', () => {
    const s = session(builder);
    const df = 'FROM oracle-base:local\nRUN echo deps > /deps\nCOPY app.txt /app.txt\n';
    s.build('localhost:5000/s18/app:v1', df, { 'app.txt': 'version 1\n' });
    const v1 = checkPush(s.ok('push localhost:5000/s18/app:v1'), 'v1');
    expect(v1.statuses).toEqual(['Pushed', 'Pushed', 'Pushed']);
    s.build('localhost:5000/s18/app:v2', df, { 'app.txt': 'version 2\n' });
    const v2run = s.ok('push localhost:5000/s18/app:v2');
    const v2 = checkPush(v2run, 'v2');
    expect(v2.statuses).toEqual(['Pushed', 'Layer already exists', 'Layer already exists']);
    expect(v2.digest).not.toBe(v1.digest);
    expect(pushEvents(v2run).layers[0]!.size).toBe(v2.moved);
    expect(checkPush(s.ok('push localhost:5000/s18/app:v1'), 'v1').digest).toBe(v1.digest);
  });

  it('prints Waiting for the bottom layers beyond 5 concurrent uploads', () => {
    const s = session(builder);
    const runs = Array.from({ length: 7 }, (_, i) => `RUN echo ${i} > /f${i}`).join('\n');
    s.build('localhost:5000/s16/big:v1', `FROM oracle-base:local\n${runs}\n`);
    const r = s.ok('push localhost:5000/s16/big:v1');
    const ids = pushStatuses(r.out).map(([id]) => id);
    expect(ids).toHaveLength(8);
    const waiting = r.out.filter((l) => l.endsWith(': Waiting')).map((l) => l.slice(0, 12));
    expect(waiting).toEqual(ids.slice(5));
    const lastPrepare = r.out.map((l) => l.endsWith(': Preparing')).lastIndexOf(true);
    const firstWaiting = r.out.findIndex((l) => l.endsWith(': Waiting'));
    const firstPushed = r.out.findIndex((l) => l.endsWith(': Pushed'));
    expect(lastPrepare).toBeLessThan(firstWaiting);
    expect(firstWaiting).toBeLessThan(firstPushed);
    expect(checkPush(r, 'v1').statuses).toEqual(Array(8).fill('Pushed'));
    // a re-push has nothing to wait for in the registry, but the daemon still queues
    expect(checkPush(s.ok('push localhost:5000/s16/big:v1'), 'v1').statuses).toEqual(Array(8).fill('Layer already exists'));
  });

  it('pulls after rmi as the builder leaves the layers, then reports the image up to date', () => {
    const s = session(builder);
    s.build('localhost:5000/s19/app:v1', APP('pulled'));
    const pushed = checkPush(s.ok('push localhost:5000/s19/app:v1'), 'v1');
    const id = s.engine.store.find('localhost:5000/s19/app:v1')!.id;
    s.ok('rmi localhost:5000/s19/app:v1');
    const r = s.ok('pull localhost:5000/s19/app:v1');
    expect(r.out[0]).toBe('v1: Pulling from s19/app');
    const { statuses, done } = checkPull(r);
    // FINDINGS §2: classic rmi deletes the layers; BuildKit's cache keeps them
    expect(statuses).toEqual(builder === 'classic' ? ['Already exists', 'Pull complete'] : ['Already exists', 'Already exists']);
    expect(r.out.slice(-3)).toEqual([`Digest: ${pushed.digest}`, 'Status: Downloaded newer image for localhost:5000/s19/app:v1', 'localhost:5000/s19/app:v1']);
    expect(done).toMatchObject({ reference: 'localhost:5000/s19/app:v1', digest: pushed.digest, imageId: id });

    const again = s.ok('pull localhost:5000/s19/app:v1');
    expect(again.out).toEqual(['v1: Pulling from s19/app', `Digest: ${pushed.digest}`, 'Status: Image is up to date for localhost:5000/s19/app:v1', 'localhost:5000/s19/app:v1']);
    expect(checkPull(again).done.transfer).toMatchObject({ bytesMoved: 0, bytesSaved: 0 });
    expect(s.ok('run --rm localhost:5000/s19/app:v1').out).toEqual(['pulled']);
  });

  it('emits image.pulled and image.tagged when a pull brings an image back (docs/events.md)', () => {
    // transfer.ts pullImage adds the image and sets the tag through the store directly:
    // the only events are pull.layer and pull.done, so the image views never see it return.
    const s = session(builder);
    s.build('localhost:5000/s19/app:v1', APP('pulled'));
    s.ok('push localhost:5000/s19/app:v1');
    const id = s.engine.store.find('localhost:5000/s19/app:v1')!.id;
    s.ok('rmi localhost:5000/s19/app:v1');
    const r = s.ok('pull localhost:5000/s19/app:v1');
    expect(r.events).toContainEqual({ type: 'image.pulled', imageId: id, reference: 'localhost:5000/s19/app:v1' });
    expect(r.events).toContainEqual(expect.objectContaining({ type: 'image.tagged', imageId: id, tag: 'localhost:5000/s19/app:v1' }));
  });

  it('pulls by digest the content pushed under it after the tag moved, and lists the digest', () => {
    const s = session(builder);
    s.build('localhost:5000/s20/app:stable', APP('release one'));
    const one = checkPush(s.ok('push localhost:5000/s20/app:stable'), 'stable');
    s.build('localhost:5000/s20/app:stable', APP('release two'));
    const two = checkPush(s.ok('push localhost:5000/s20/app:stable'), 'stable');
    expect(two.digest).not.toBe(one.digest);
    const digests = s.ok('images --digests localhost:5000/s20/app').out;
    expect(digests[0]).toMatch(/^REPOSITORY\s+TAG\s+DIGEST\s+IMAGE ID\s+CREATED\s+SIZE$/);
    expect(digests.some((l) => /^localhost:5000\/s20\/app\s+stable\s+/.test(l) && l.includes(two.digest))).toBe(true);
    // FINDINGS §1 (20): the old pushed image keeps its RepoDigest: `<none>` tag, digest shown
    expect(digests.some((l) => /^localhost:5000\/s20\/app\s+<none>\s+/.test(l) && l.includes(one.digest))).toBe(true);

    const pinned = `localhost:5000/s20/app@${one.digest}`;
    const r = s.ok(`pull ${pinned}`);
    expect(r.out[0]).toBe(`${pinned}: Pulling from s20/app`);
    expect(r.out[r.out.length - 1]).toBe(pinned);
    expect(checkPull(r).done).toMatchObject({ reference: pinned, digest: one.digest });
    expect(s.ok(`run --rm ${pinned} cat /file`).out).toEqual(['release one']);
    expect(s.ok('run --rm localhost:5000/s20/app:stable cat /file').out).toEqual(['release two']);
  });

  it('reports push of a missing tag, pull of a missing tag and pull of an unknown Hub image as Docker does', () => {
    const s = session(builder);
    const missing = s.docker('push localhost:5000/s21/none:v1');
    expect(missing.code).toBe(1);
    expect(missing.err).toEqual(['An image does not exist locally with the tag: localhost:5000/s21/none']);
    expect(pushEvents(missing).layers).toEqual([]);

    const notFound = s.docker('pull localhost:5000/s21/none:v1');
    expect(notFound.code).toBe(1);
    expect(notFound.out).toEqual([]);
    expect(notFound.err).toEqual(['Error response from daemon: manifest for localhost:5000/s21/none:v1 not found: manifest unknown: manifest unknown']);

    const denied = s.docker('pull nosuchuser-s21/nosuchimage');
    expect(denied.code).toBe(1);
    expect(denied.err).toEqual(["Error response from daemon: pull access denied for nosuchuser-s21/nosuchimage, repository does not exist or may require 'docker login': denied: requested access to the resource is denied"]);
    expect(denied.events).toEqual([]);
  });

  it('denies a push to Docker Hub without docker login, and allows it after', () => {
    const s = session(builder);
    s.build('s21user/app:v1', APP('hub'));
    const r = s.docker('push s21user/app:v1');
    expect(r.code).toBe(1);
    expect(r.out).toEqual(['The push refers to repository [docker.io/s21user/app]']);
    expect(r.err).toEqual(['denied: requested access to the resource is denied']);
    expect(pushEvents(r).layers).toEqual([]);
    s.ok('login');
    const after = s.ok('push s21user/app:v1');
    expect(after.out[0]).toBe('The push refers to repository [docker.io/s21user/app]');
    expect(checkPush(after, 'v1').statuses).toEqual(['Pushed', 'Pushed']);
  });

  it('pulls alpine:3.20 from the simulated Docker Hub catalog', () => {
    const s = session(builder);
    const r = s.ok('pull alpine:3.20');
    expect(r.out[0]).toBe('3.20: Pulling from library/alpine');
    expect(r.out.slice(-2)).toEqual(['Status: Downloaded newer image for alpine:3.20', 'docker.io/library/alpine:3.20']);
    const { statuses, done } = checkPull(r);
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.every((x) => x === 'Pull complete')).toBe(true);
    expect(done.reference).toBe('alpine:3.20');
    expect(done.transfer.bytesMoved).toBeGreaterThan(0);
    expect(s.ok('images alpine').out.some((l) => /^alpine\s+3\.20\s+/.test(l))).toBe(true);
    expect(s.ok('pull alpine:3.20').out).toContain('Status: Image is up to date for alpine:3.20');
  });
});
