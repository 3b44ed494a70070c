import { randomBytes } from 'node:crypto';
import { afterAll, expect, it } from 'vitest';
import type { BuildStepEvent, EngineEvent } from '../../src/shared/events.js';
import type { ContextEntry } from '../../src/shared/protocol.js';
import { describeEngine, docker } from '../../tests/server/engine.js';
import { build } from './build.js';
import { LABEL_INSTANCE, LABEL_SESSION, type CommandIO, type SessionScope } from './types.js';

const SESSION = 'test-build';
const NONCE = randomBytes(6).toString('hex');

/** A context from file texts, as the browser sends it. */
function contextOf(files: Record<string, string>): ContextEntry[] {
  return Object.entries(files).map(([path, text]) => ({ path, type: 'file', mode: 0o644, mtime: 1_700_000_000, data: Buffer.from(text).toString('base64') }));
}

/** A scope for a test session on the real engine. */
function testScope(sessionId: string, registry: string | null = null): SessionScope {
  return { docker, sessionId, instanceId: 'test', labels: { [LABEL_SESSION]: sessionId, [LABEL_INSTANCE]: 'test' }, registry, buildSteps: new Set() };
}

/** An io that records lines and events. */
function recorder(env: Record<string, string> = {}, context?: ContextEntry[], signal = new AbortController().signal) {
  const rec = { stdout: [] as string[], stderr: [] as string[], events: [] as EngineEvent[] };
  const io: CommandIO = { stdout: (l) => rec.stdout.push(l), stderr: (l) => rec.stderr.push(l), event: (e) => rec.events.push(e), signal, env, context };
  return { io, rec, steps: () => rec.events.filter((e): e is BuildStepEvent => e.type === 'build.step') };
}

/** F for FROM, H for a hit, M for a miss, per step event: the oracle's cache pattern. */
function pattern(steps: BuildStepEvent[]): string {
  return steps.map((s) => (s.cached === null ? 'F' : s.cached ? 'H' : 'M')).join('');
}

const scope = testScope(SESSION);
const dockerfile = (extra = '') => `FROM busybox:latest\nRUN echo ${NONCE}${extra} > /nonce.txt\nCOPY app.txt /app/app.txt\nRUN cat /app/app.txt > /app/copy.txt\nCMD ["cat", "/app/app.txt"]\n`;

afterAll(async () => {
  // classic's intermediate containers carry no labels: find them by this run's nonce
  for (const c of await docker.listContainers({ all: true })) {
    if (c.Command.includes(NONCE) || (c.Labels ?? {})[LABEL_SESSION] === SESSION) await docker.getContainer(c.Id).remove({ force: true }).catch(() => {});
  }
  for (const img of await docker.listImages({ all: true, filters: JSON.stringify({ label: [`${LABEL_SESSION}=${SESSION}`] }) })) {
    await docker.getImage(img.Id).remove({ force: true }).catch(() => {});
  }
});

describeEngine.each([
  { builder: 'classic' as const, env: { DOCKER_BUILDKIT: '0' } },
  { builder: 'buildkit' as const, env: { DOCKER_BUILDKIT: '1' } },
])('docker build ($builder) on the real engine', ({ builder, env }) => {
  const tag = `layerlab-test/build-${builder}:1`;
  const files = { Dockerfile: dockerfile(builder), 'app.txt': 'version one\n' };

  it('builds, then rebuilds with every step from the cache', async () => {
    const first = recorder(env, contextOf(files));
    expect(await build(scope, ['-t', tag, '.'], first.io)).toBe(0);
    const second = recorder(env, contextOf(files));
    expect(await build(scope, ['-t', tag, '.'], second.io)).toBe(0);
    if (builder === 'classic') {
      expect(first.rec.stdout[0]).toMatch(/^Sending build context to Docker daemon {2}\d/);
      expect(first.rec.stdout).toContain('Step 2/5 : RUN echo ' + NONCE + 'classic > /nonce.txt');
      expect(second.rec.stdout.filter((l) => l === ' ---> Using cache')).toHaveLength(4);
      expect(second.rec.stdout.join('\n')).not.toContain('org.layerlab');
      expect(pattern(first.steps())).toBe('FMMMM');
      expect(pattern(second.steps())).toBe('FHHHH');
    } else {
      expect(first.rec.stdout).toEqual([]);
      expect(first.rec.stderr.some((l) => /^#\d+ \[1\/4\] FROM docker\.io\/library\/busybox:latest$/.test(l))).toBe(true);
      expect(second.rec.stderr.filter((l) => / CACHED$/.test(l)).length).toBeGreaterThanOrEqual(3);
      expect(second.rec.stderr.some((l) => /naming to docker\.io\/layerlab-test\/build-buildkit:1 done$/.test(l))).toBe(true);
      expect(pattern(first.steps())).toBe('FMMM');
      expect(pattern(second.steps())).toBe('FHHH');
      expect(first.steps()[2]).toMatchObject({ instruction: 'COPY app.txt /app/app.txt', line: 3, step: 3, of: 4, stageIndex: 0 });
    }
    const done1 = first.rec.events.find((e) => e.type === 'build.done')!;
    const done2 = second.rec.events.find((e) => e.type === 'build.done')!;
    expect(done2).toEqual(done1);
    expect(done1).toMatchObject({ tags: [tag] });
    expect(first.rec.events.filter((e) => e.type === 'layer.created').length).toBeGreaterThanOrEqual(2);
    expect(second.rec.events.filter((e) => e.type === 'layer.created' || e.type === 'image.created')).toEqual([]);
    expect(first.rec.events[0]).toEqual({ type: 'build.start', builder, tags: [tag], stages: 1 });
  });

  it('misses from the changed COPY onward after a code change', async () => {
    const changed = recorder(env, contextOf({ ...files, 'app.txt': `version two ${Date.now()}\n` }));
    expect(await build(scope, ['-t', tag, '.'], changed.io)).toBe(0);
    // oracle 05/18: the RUN before the COPY hits, the COPY and everything after it miss
    expect(pattern(changed.steps())).toBe(builder === 'classic' ? 'FHMMM' : 'FHMM');
    const tagged = changed.rec.events.find((e) => e.type === 'image.tagged');
    expect(tagged).toMatchObject({ tag, previous: expect.stringMatching(/^sha256:/) });
  });

  it('fails a RUN with the exit code and message docker gives', async () => {
    const failing = recorder(env, contextOf({ Dockerfile: `FROM busybox:latest\nRUN echo "about to fail ${NONCE}" && exit 3\n` }));
    const code = await build(scope, ['-t', `layerlab-test/fail-${builder}`, '.'], failing.io);
    const cmd = `/bin/sh -c echo "about to fail ${NONCE}" && exit 3`;
    if (builder === 'classic') {
      expect(code).toBe(3);
      expect(failing.rec.stdout).toContain(`about to fail ${NONCE}`);
      expect(failing.rec.stderr).toEqual([`The command '${cmd}' returned a non-zero code: 3`]);
    } else {
      expect(code).toBe(1);
      expect(failing.rec.stderr.slice(-4)).toEqual(['------', ` > [2/2] RUN echo "about to fail ${NONCE}" && exit 3:`, '------', `executor failed running [${cmd}]: exit code: 3`]);
    }
    expect(failing.rec.events.at(-1)).toMatchObject({ type: 'build.error', exitCode: code });
  });

  it('reports a Dockerfile parse error in docker\'s words', async () => {
    const bad = recorder(env, contextOf({ Dockerfile: 'FROM busybox:latest\nRUNN x\n' }));
    expect(await build(scope, ['.'], bad.io)).toBe(1);
    const expected = builder === 'classic' ? 'Error response from daemon: dockerfile parse error line 2: unknown instruction: RUNN' : 'failed to solve with frontend dockerfile.v0: failed to create LLB definition: dockerfile parse error line 2: unknown instruction: RUNN';
    expect(bad.rec.stderr.at(-1)).toBe(expected);
  });

  it('stops on Ctrl-C and returns 130', async () => {
    const ac = new AbortController();
    const slow = recorder(env, contextOf({ Dockerfile: `FROM busybox:latest\nRUN echo ${NONCE}-${builder}-slow && sleep 30\n` }), ac.signal);
    const started = Date.now();
    setTimeout(() => ac.abort(), 1000);
    expect(await build(scope, ['.'], slow.io)).toBe(130);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(slow.rec.events.at(-1)).toMatchObject({ type: 'build.error', exitCode: 130 });
  });

  it('gives docker\'s usage error for an unknown flag', async () => {
    const r = recorder(env, contextOf(files));
    expect(await build(scope, ['--nope', '.'], r.io)).toBe(125);
    expect(r.rec.stderr).toEqual(['unknown flag: --nope', "See 'docker build --help'."]);
  });
});
