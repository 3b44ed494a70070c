/**
 * Lessons and their checks on the real engine: the browser's RemoteBackend, driven as the
 * lesson runner drives it, against the companion server. What checks read beyond the world
 * (a path in a container, an image or a volume; a layer's entries) comes from the engine,
 * `reset --yes` starts a lesson from a cold engine, and a session's builds take nothing from
 * another session's cache.
 */
import * as path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { RemoteBackend } from '../../src/backends/remote.js';
import { SimBackend } from '../../src/backends/sim.js';
import type { Backend, BackendOutput } from '../../src/backends/backend.js';
import { replayLesson } from '../../src/lessons/replay.js';
import { loadCourses } from '../../src/runner/lesson-files.js';
import type { BuildStepEvent } from '../../src/shared/events.js';
import { startServer, type RunningServer } from '../../server/app.js';
import { newToken } from '../../server/guard.js';
import { connectEngine, type EngineConnection } from '../../server/real.js';
import { connectTo } from './client.js';
import { describeEngine } from './engine.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const token = newToken();
let server: RunningServer;
let engine: EngineConnection;

async function realBackend(): Promise<RemoteBackend> {
  return new RemoteBackend(await connectTo(server.port, token));
}

/** Runs console lines; the output of each, and its exit code. */
async function sh(b: Backend, ...lines: string[]): Promise<{ code: number; out: string[] }> {
  const out: string[] = [];
  const sink: BackendOutput = { stdout: (l) => out.push(l), stderr: (l) => out.push(l) };
  let code = 0;
  for (const l of lines) code = await b.run(l, sink);
  await b.settle?.();
  return { code, out };
}

/** Asks until the backend has the answer (real mode fetches it on first ask). */
async function settled<T>(b: Backend, ask: () => T): Promise<T> {
  ask();
  await b.settle?.();
  return ask();
}

/** The cache result of each step of the next build on `b`. */
function stepsOf(b: Backend): { steps: BuildStepEvent[]; off: () => void } {
  const steps: BuildStepEvent[] = [];
  const off = b.onEvent((e) => {
    if (e.type === 'build.start') steps.length = 0;
    if (e.type === 'build.step') steps.push(e);
  });
  return { steps, off };
}

describeEngine('lessons and their checks in real mode', () => {
  beforeAll(async () => {
    engine = await connectEngine({ seed: true, registry: 'off' });
    if (!engine.ok) throw new Error(engine.reason);
    server = await startServer({ port: 0, listen: '127.0.0.1', distDir: null, token, real: engine.real });
  });
  afterAll(async () => {
    await server?.close();
    if (engine?.ok) await engine.shutdown();
  });

  it('replays a lesson on its seeded base green, with every check deciding as on the simulator', async () => {
    const lesson = loadCourses(path.join(ROOT, 'lessons'))
      .flatMap((c) => c.lessons)
      .find((l) => l.id.endsWith('03-images-and-layers'))!;
    const sim = await replayLesson(new SimBackend({ seed: 1 }), lesson.parsed!.lesson, lesson.startFiles);
    const b = await realBackend();
    try {
      const real = await replayLesson(b, lesson.parsed!.lesson, lesson.startFiles);
      expect(real.problems).toEqual([]);
      // the same verdicts, step by step, before and after each solution
      const verdicts = (r: typeof real) => r.steps.map((s) => ({ id: s.id, before: s.before.map((c) => c.ok), after: s.after.map((c) => c.ok) }));
      expect(verdicts(real)).toEqual(verdicts(sim));
    } finally {
      b.dispose();
    }
  });

  it('answers paths in containers (following symlinks), images and volumes from the engine, and only for the session', async () => {
    const b = await realBackend();
    const other = await realBackend();
    try {
      await sh(b, 'reset --yes', 'docker volume create notes', "docker run --name writer -v notes:/data busybox:latest sh -c 'echo buy milk > /data/list.txt; mkdir /made; echo 12345 > /made/five'");
      expect(await settled(b, () => b.pathInfo({ container: 'writer' }, '/made/five'))).toEqual({ type: 'file', size: 6 });
      expect(await settled(b, () => b.pathInfo({ container: 'writer' }, '/made'))).toMatchObject({ type: 'dir' });
      // /bin/sh is a symlink to busybox: stat follows it, as the simulator's does
      const busybox = await settled(b, () => b.pathInfo({ image: 'busybox:latest' }, '/bin/busybox'));
      expect(busybox).toMatchObject({ type: 'file' });
      expect(busybox!.size).toBeGreaterThan(100_000);
      expect(await settled(b, () => b.pathInfo({ container: 'writer' }, '/bin/sh'))).toEqual(busybox);
      expect(await settled(b, () => b.pathInfo({ image: 'busybox:latest' }, '/made'))).toBeNull();
      expect(await settled(b, () => b.pathInfo({ volume: 'notes' }, 'list.txt'))).toEqual({ type: 'file', size: 9 });
      expect(await settled(b, () => b.pathInfo({ volume: 'notes' }, '/list.txt'))).toEqual({ type: 'file', size: 9 });
      expect(await settled(b, () => b.pathInfo({ volume: 'notes' }, 'nothing.txt'))).toBeNull();
      // after a change, the answer follows the engine
      await sh(b, 'docker rm writer');
      expect(await settled(b, () => b.pathInfo({ container: 'writer' }, '/made/five'))).toBeNull();
      // another session sees none of it
      await sh(b, 'docker run --name keeper busybox:latest touch /kept');
      expect(await settled(other, () => other.pathInfo({ container: 'keeper' }, '/kept'))).toBeNull();
      expect(await settled(other, () => other.pathInfo({ volume: 'notes' }, 'list.txt'))).toBeNull();
      expect(await settled(b, () => b.pathInfo({ container: 'keeper' }, '/kept'))).toEqual({ type: 'file', size: 0 });
    } finally {
      b.dispose();
      other.dispose();
    }
  });

  it("lists a layer's entries as the simulator does: files with sizes, whiteouts, opaque directories", async () => {
    const b = await realBackend();
    const sim = new SimBackend({ seed: 1 });
    try {
      const dockerfile = 'FROM oracle-base:local\nCOPY notes /srv/notes\nRUN rm /srv/notes/old.txt && mkdir -p /srv/fresh\n';
      for (const x of [b, sim]) {
        x.workspace.write(`${x.workspace.root}/proj/Dockerfile`, dockerfile);
        x.workspace.write(`${x.workspace.root}/proj/notes/old.txt`, 'old\n');
        x.workspace.write(`${x.workspace.root}/proj/notes/keep.txt`, 'keep this\n');
        expect((await sh(x, 'cd proj', 'docker build -t layered .')).code).toBe(0);
      }
      const layersOf = (x: Backend) => x.world().images.find((i) => i.tags.includes('layered:latest'))!.layers.map((l) => l.diffId);
      const [copyReal, runReal] = layersOf(b).slice(-2) as [string, string];
      const [copySim] = layersOf(sim).slice(-2) as [string, string];
      const shape = (entries: { path: string; type: string; size: number; opaque?: boolean }[] | undefined) => (entries ?? []).map((e) => `${e.type} ${e.path} ${e.type === 'file' ? e.size : ''}${e.opaque ? ' opaque' : ''}`).sort();
      const copyEntries = await settled(b, () => b.layerEntries(copyReal));
      expect(shape(copyEntries)).toEqual(shape(sim.layerEntries(copySim)));
      expect(shape(copyEntries)).toContain('file /srv/notes/keep.txt 10');
      const runEntries = shape(await settled(b, () => b.layerEntries(runReal)));
      expect(runEntries).toContain('whiteout /srv/notes/old.txt ');
      expect(runEntries).toContain('dir /srv/fresh ');
      // a layer the session cannot see is not listed
      expect(await settled(b, () => b.layerEntries(`sha256:${'0'.repeat(64)}`))).toBeUndefined();
    } finally {
      b.dispose();
      sim.dispose();
    }
  });

  it('reset --yes removes what the session made on the engine', async () => {
    const b = await realBackend();
    try {
      b.workspace.write(`${b.workspace.root}/r/Dockerfile`, 'FROM busybox:latest\nRUN echo reset-me > /r\n');
      await sh(b, 'cd r', 'docker build -t resettable .', 'docker run -d --name runner busybox:latest sleep 300', 'docker volume create kept');
      expect(b.world().containers.map((c) => c.name)).toContain('runner');
      expect(b.world().images.some((i) => i.tags.includes('resettable:latest'))).toBe(true);
      const r = await sh(b, 'reset --yes');
      expect(r.code).toBe(0);
      expect(b.world().containers).toEqual([]);
      expect(b.world().volumes).toEqual([]);
      expect(b.world().images.some((i) => i.tags.includes('resettable:latest'))).toBe(false);
      expect(b.world().images.some((i) => i.tags.includes('busybox:latest'))).toBe(true);
    } finally {
      b.dispose();
    }
  });

  it("classic builds take nothing from another session's cache, and a failed build's finished steps serve the retry", async () => {
    const a = await realBackend();
    const c = await realBackend();
    const stamp = Date.now();
    try {
      const files = (x: Backend, third: string) => x.workspace.write(`${x.workspace.root}/p/Dockerfile`, `FROM busybox:latest\nRUN echo ${stamp} > /one\nRUN echo two > /two\n${third}\n`);
      for (const x of [a, c]) {
        files(x, 'RUN echo three > /three');
        await sh(x, 'cd p');
      }
      const sa = stepsOf(a);
      const sc = stepsOf(c);
      expect((await sh(a, 'DOCKER_BUILDKIT=0 docker build -t shared-steps .')).code).toBe(0);
      expect(sa.steps.map((s) => s.cached)).toEqual([null, false, false, false]);
      // the same Dockerfile in another session: on a shared engine it would all come from the cache
      expect((await sh(c, 'DOCKER_BUILDKIT=0 docker build -t shared-steps-c .')).code).toBe(0);
      expect(sc.steps.map((s) => s.cached)).toEqual([null, false, false, false]);
      // a's own rebuild hits
      expect((await sh(a, 'DOCKER_BUILDKIT=0 docker build -t shared-steps .')).code).toBe(0);
      expect(sa.steps.map((s) => s.cached)).toEqual([null, true, true, true]);
      // a build that fails at its last step, then the fix: the steps that finished come from the cache
      a.workspace.write(`${a.workspace.root}/p/Dockerfile`, `FROM busybox:latest\nRUN echo ${stamp}-b > /one\nRUN echo two > /two\nRUN exit 3\n`);
      expect((await sh(a, 'DOCKER_BUILDKIT=0 docker build -t retry .')).code).toBe(3);
      a.workspace.write(`${a.workspace.root}/p/Dockerfile`, `FROM busybox:latest\nRUN echo ${stamp}-b > /one\nRUN echo two > /two\nRUN echo fixed\n`);
      expect((await sh(a, 'DOCKER_BUILDKIT=0 docker build -t retry .')).code).toBe(0);
      expect(sa.steps.map((s) => s.cached)).toEqual([null, true, true, false]);
      sa.off();
      sc.off();
    } finally {
      a.dispose();
      c.dispose();
    }
  });

  it("a build, tag or commit cannot take a tag another session's image or a base holds", async () => {
    const a = await realBackend();
    const c = await realBackend();
    try {
      for (const x of [a, c]) x.workspace.write(`${x.workspace.root}/t/Dockerfile`, `FROM busybox:latest\nRUN echo ${x === a ? 'a' : 'c'} > /who\n`);
      expect((await sh(a, 'cd t', 'docker build -t claimed:1 .')).code).toBe(0);
      const taken = await sh(c, 'cd t', 'docker build -t claimed:1 .');
      expect(taken.code).toBe(1);
      expect(taken.out.join('\n')).toMatch(/the tag "claimed:1" is in use by another session/);
      const base = await sh(c, 'docker build -t busybox:latest .');
      expect(base.code).toBe(1);
      expect(base.out.join('\n')).toMatch(/"busybox:latest" is a shared base image/);
      await sh(c, 'docker run --name box busybox:latest true');
      expect((await sh(c, 'docker commit box claimed:1')).out.join('\n')).toMatch(/in use by another session/);
      expect((await sh(c, 'docker tag busybox:latest claimed:1')).out.join('\n')).toMatch(/in use by another session/);
      // the owner still has its image under the tag; its own rebuild may move it
      expect(a.world().images.some((i) => i.tags.includes('claimed:1'))).toBe(true);
      expect((await sh(a, 'docker build -t claimed:1 .')).code).toBe(0);
      // a free tag is anyone's
      expect((await sh(c, 'docker build -t mine-too:1 .')).code).toBe(0);
    } finally {
      a.dispose();
      c.dispose();
    }
  });

  it("a container name another session uses is refused without naming that session's container", async () => {
    const a = await realBackend();
    const c = await realBackend();
    try {
      await sh(a, 'docker run --name shared-name busybox:latest true');
      const id = a.world().containers.find((x) => x.name === 'shared-name')!.id;
      const r = await sh(c, 'docker run --name shared-name busybox:latest true');
      expect(r.code).toBe(125);
      const text = r.out.join('\n');
      expect(text).toMatch(/The container name "\/shared-name" is already in use by a container of another session on this server\. Pick another name/);
      expect(text).not.toContain(id.replace(/^sha256:/, '').slice(0, 12));
      // in its own session the daemon's words stay, as docker prints them
      const own = await sh(a, 'docker run --name shared-name busybox:latest true');
      expect(own.out.join('\n')).toMatch(/is already in use by container "[0-9a-f]{64}"\. You have to remove \(or rename\)/);
    } finally {
      a.dispose();
      c.dispose();
    }
  });
});
