/**
 * Engine snapshots: the JSON of `engine.snapshot()` restored into a fresh
 * engine must be the same engine. Everything the CLI prints, and what the
 * next build hits in the cache, must not tell the two apart.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runDocker } from '../../src/cli/docker.js';
import type { Workspace } from '../../src/cli/types.js';
import { MemoryWorkspace } from '../../src/cli/memory-workspace.js';
import { Engine, type Clock } from '../../src/engine/engine.js';
import { preloadOracleBase } from '../../src/engine/oracle-base.js';

const SEED = 20240611;

/** A clock the test can set, so two engines can be read at the same instants. */
class TestClock implements Clock {
  constructor(
    public t = 1_700_000_000,
    readonly step = 0.25,
  ) {}
  now(): number {
    const v = this.t;
    this.t += this.step;
    return v;
  }
}

/** An in-memory workspace rooted at /w: files by path relative to it. */
const memoryWorkspace = (files: Record<string, string>): Workspace => MemoryWorkspace.of(files);

const WORKSPACE = memoryWorkspace({
  'app/Dockerfile': [
    'FROM oracle-base:local AS builder',
    'WORKDIR /src',
    'ENV MODE=release',
    'COPY main.txt .',
    'RUN echo "built in $MODE" > /src/app.bin && cat main.txt >> /src/app.bin',
    '',
    'FROM oracle-base:local',
    'LABEL stage=final',
    'WORKDIR /app',
    'COPY --from=builder /src/app.bin /app/app.bin',
    'COPY conf/ /etc/app/',
    'CMD ["cat", "/app/app.bin"]',
    '',
  ].join('\n'),
  'app/main.txt': 'compiled artifact\n',
  'app/conf/app.conf': 'level=debug\n',
  'tools/Dockerfile': [
    'FROM oracle-base:local',
    'ARG GREETING=hello',
    'ENV GREETING=$GREETING PATH=/opt/bin:$PATH',
    'RUN mkdir -p /opt/bin && echo "$GREETING" > /opt/greeting && rm /etc/oracle-nonce',
    'USER nobody',
    'WORKDIR /tmp',
    'ENTRYPOINT ["cat"]',
    'CMD ["/opt/greeting"]',
    '',
  ].join('\n'),
  'broken/Dockerfile': 'FROM oracle-base:local\nRUN echo partial > /p\nRUN exit 3\n',
});

interface Result {
  code: number;
  out: string[];
  err: string[];
}

function docker(engine: Engine, argv: string[], env: Record<string, string> = { DOCKER_BUILDKIT: '1' }): Result {
  const out: string[] = [];
  const err: string[] = [];
  const code = runDocker(engine, argv, { stdout: (l) => out.push(l), stderr: (l) => err.push(l), env, workspace: WORKSPACE });
  return { code, out, err };
}

const CLASSIC = { DOCKER_BUILDKIT: '0' };
const BUILDKIT = { DOCKER_BUILDKIT: '1' };

function freshEngine(clock = new TestClock()): { engine: Engine; clock: TestClock } {
  const engine = new Engine({ clock, seed: 7 });
  preloadOracleBase(engine);
  return { engine, clock };
}

function mustSucceed(engine: Engine, argv: string[], env?: Record<string, string>): Result {
  const r = docker(engine, argv, env);
  expect(r.code, `docker ${argv.join(' ')}\n${r.err.join('\n')}`).toBe(0);
  return r;
}

/** Restores the JSON of a snapshot into a new engine with its own clock. */
function restoreCopy(json: string): { engine: Engine; clock: TestClock } {
  const clock = new TestClock();
  const engine = new Engine({ clock });
  engine.restore(JSON.parse(json));
  return { engine, clock };
}

/** What the CLI prints about every image and container: the commands a learner inspects state with. */
function probeCommands(engine: Engine): string[][] {
  const cmds: string[][] = [['images'], ['images', '-a', '--no-trunc'], ['images', '--digests'], ['ps', '-a', '--no-trunc'], ['ps'], ['system', 'df']];
  for (const id of [...engine.store.images.keys()].sort()) {
    cmds.push(['history', '--no-trunc', id], ['history', id], ['image', 'inspect', id]);
  }
  for (const t of [...engine.store.tags.keys()].sort()) cmds.push(['image', 'inspect', '-f', '{{.Id}} {{json .RepoTags}} {{.Created}}', t]);
  for (const c of [...engine.containers.values()].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    cmds.push(['inspect', c.id], ['diff', c.id], ['logs', c.id]);
  }
  return cmds;
}

/** Runs the same commands on two engines whose clocks read the same, and returns both transcripts. */
function transcripts(a: { engine: Engine; clock: TestClock }, b: { engine: Engine; clock: TestClock }, cmds: string[][], env?: Record<string, string>): [string[], string[]] {
  const t = Math.max(a.clock.t, b.clock.t) + 100;
  a.clock.t = t;
  b.clock.t = t;
  const run = (e: Engine) => cmds.map((argv) => JSON.stringify({ argv, ...docker(e, argv, env) }));
  return [run(a.engine), run(b.engine)];
}

/** BuildKit plain progress: each vertex's name and whether it ended CACHED or DONE. */
function buildkitVertexStates(lines: string[]): Map<string, string> {
  const names = new Map<string, string>();
  const states = new Map<string, string>();
  for (const l of lines) {
    const m = /^#(\d+) (.*)$/.exec(l);
    if (!m) continue;
    const [, n, rest] = m as unknown as [string, string, string];
    if (!names.has(n)) names.set(n, rest);
    else if (rest === 'CACHED' || rest.startsWith('DONE')) states.set(names.get(n)!, rest === 'CACHED' ? 'CACHED' : 'DONE');
  }
  return states;
}

describe('engine snapshot and restore', () => {
  /** Builds with both builders, runs, tags and removes: a state with something of everything. */
  function busyEngine() {
    const eng = freshEngine();
    const e = eng.engine;
    mustSucceed(e, ['build', '-t', 'app:classic', 'app'], CLASSIC);
    mustSucceed(e, ['build', '-t', 'app:bk', 'app'], BUILDKIT);
    mustSucceed(e, ['build', '-t', 'tools', '--build-arg', 'GREETING=bonjour', 'tools'], CLASSIC);
    mustSucceed(e, ['build', '-t', 'tools:bk', '--build-arg', 'GREETING=bonjour', 'tools'], BUILDKIT);
    expect(docker(e, ['build', '-t', 'broken', 'broken'], CLASSIC).code).not.toBe(0);
    expect(docker(e, ['build', '-t', 'broken', 'broken'], BUILDKIT).code).not.toBe(0);
    mustSucceed(e, ['run', '--name', 'runner', 'app:classic']);
    mustSucceed(e, ['run', '--name', 'writer', 'oracle-base:local', 'sh', '-c', 'echo data > /tmp/data && rm /etc/group']);
    mustSucceed(e, ['run', '-d', '--name', 'sleeper', 'oracle-base:local', 'sleep', '300']);
    mustSucceed(e, ['create', '--name', 'idle', '-e', 'X=1', 'tools:bk']);
    mustSucceed(e, ['run', '--rm', 'tools']);
    expect(docker(e, ['run', '--name', 'failing', 'oracle-base:local', 'false']).code).toBe(1);
    mustSucceed(e, ['commit', 'writer', 'snap:1']);
    mustSucceed(e, ['tag', 'app:classic', 'registry.local/team/app:v1']);
    mustSucceed(e, ['tag', 'tools', 'tools:old']);
    mustSucceed(e, ['rmi', 'tools:old']);
    mustSucceed(e, ['rmi', 'app:bk']);
    mustSucceed(e, ['stop', 'sleeper']);
    mustSucceed(e, ['rm', 'failing']);
    return eng;
  }

  it('a restored engine snapshots to the identical JSON', () => {
    const { engine } = busyEngine();
    const json = JSON.stringify(engine.snapshot());
    const copy = restoreCopy(json);
    expect(JSON.stringify(copy.engine.snapshot())).toBe(json);
    // and restoring again (into an engine that already has state) replaces it all
    copy.engine.restore(JSON.parse(JSON.stringify(freshEngine().engine.snapshot())));
    copy.engine.restore(JSON.parse(json));
    expect(JSON.stringify(copy.engine.snapshot())).toBe(json);
  });

  it('images, history, ps -a, inspect, diff and logs print the same on the restored engine', () => {
    const orig = busyEngine();
    const copy = restoreCopy(JSON.stringify(orig.engine.snapshot()));
    const cmds = probeCommands(orig.engine);
    expect(cmds.length).toBeGreaterThan(20);
    const [a, b] = transcripts(orig, copy, cmds);
    expect(b).toEqual(a);
    // the probes saw real content, not a wall of errors
    const imagesOut = JSON.parse(a[0]!) as Result;
    expect(imagesOut.out.join('\n')).toContain('registry.local/team/app');
    expect(imagesOut.out.join('\n')).toContain('snap');
    expect(JSON.parse(a[3]!).out.join('\n')).toMatch(/runner[\s\S]*writer|writer[\s\S]*runner/);
  });

  for (const [builder, env] of [
    ['classic', CLASSIC],
    ['BuildKit', BUILDKIT],
  ] as const) {
    it(`a rebuild with the ${builder} builder hits the cache on the restored engine exactly as on the original`, () => {
      const orig = busyEngine();
      const copy = restoreCopy(JSON.stringify(orig.engine.snapshot()));
      const cmds = [
        ['build', '-t', 'app:again', 'app'],
        ['build', '-t', 'tools:again', '--build-arg', 'GREETING=bonjour', 'tools'],
        ['build', '-t', 'tools:hola', '--build-arg', 'GREETING=hola', 'tools'],
        ['image', 'inspect', '-f', '{{.Id}}', 'app:again', 'tools:again', 'tools:hola'],
        ['images', '-a'],
      ];
      const [a, b] = transcripts(orig, copy, cmds, env);
      expect(b).toEqual(a);
      const first = JSON.parse(a[0]!) as Result;
      expect(first.code).toBe(0);
      if (builder === 'classic') {
        expect(first.out).toContain(' ---> Using cache');
        expect(first.out.join('\n')).not.toContain('Running in');
        // the same image as the first classic build of this context
        const ids = (JSON.parse(a[3]!) as Result).out;
        expect(ids[0]).toBe(mustSucceed(orig.engine, ['image', 'inspect', '-f', '{{.Id}}', 'app:classic']).out[0]);
      } else {
        const states = buildkitVertexStates(first.err);
        const steps = [...states].filter(([name]) => / (RUN|COPY|WORKDIR) /.test(name));
        expect(steps.length).toBeGreaterThanOrEqual(4);
        for (const [name, state] of steps) expect(state, name).toBe('CACHED');
      }
      expect(JSON.stringify(copy.engine.snapshot())).toBe(JSON.stringify(orig.engine.snapshot()));
    });
  }

  it('a fork is a copy: commands run on it never change the original', () => {
    const orig = busyEngine();
    const before = JSON.stringify(orig.engine.snapshot());
    const fork = orig.engine.fork();
    for (const argv of [
      ['build', '-t', 'forked', 'app'],
      ['run', '--name', 'in-fork', 'oracle-base:local', 'true'],
      ['rmi', '-f', 'snap:1'],
      ['tag', 'tools', 'tools:forked'],
      ['image', 'prune', '-f'],
      ['builder', 'prune', '-f'],
    ]) {
      docker(fork, argv);
    }
    expect(JSON.stringify(orig.engine.snapshot())).toBe(before);
  });

  // engine.ts fork(): container records are shared by reference, and
  // startContainer/stopContainer replace `state` and `upper` on the record in place.
  it('a fork is a copy: starting a container on it never changes the original', () => {
    const orig = busyEngine();
    const before = JSON.stringify(orig.engine.snapshot());
    const fork = orig.engine.fork();
    expect(docker(fork, ['start', 'idle']).code).toBe(0);
    expect(mustSucceed(orig.engine, ['ps', '-a', '--filter', 'name=idle', '--format', '{{.Status}}']).out).toEqual(['Created']);
    expect(JSON.stringify(orig.engine.snapshot())).toBe(before);
  });
});

// ---- random command sequences ------------------------------------------------

const TAGS = ['a', 'b:1', 'reg.local/c:dev'];
const NAMES = ['n1', 'n2', 'n3'];
const CONTEXTS = ['app', 'tools', 'broken'];

const arbImageRef = fc.constantFrom('oracle-base:local', ...TAGS);
const arbBuild = fc.record({
  argv: fc.tuple(fc.constantFrom(...TAGS), fc.constantFrom(...CONTEXTS), fc.boolean()).map(([t, ctx, noCache]) => ['build', '-t', t, ...(noCache ? ['--no-cache'] : []), ctx]),
  env: fc.constantFrom(CLASSIC, BUILDKIT),
});
const arbCommand: fc.Arbitrary<{ argv: string[]; env: Record<string, string> }> = fc.oneof(
  { weight: 3, arbitrary: arbBuild },
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.constantFrom('run', 'run -d', 'run --rm', 'create'), fc.option(fc.constantFrom(...NAMES)), arbImageRef, fc.constantFrom([], ['true'], ['false'], ['sh', '-c', 'echo x > /tmp/x'], ['sleep', '300'], ['rm', '-rf', '/etc']))
      .map(([cmd, name, img, args]) => ({ argv: [...cmd.split(' '), ...(name ? ['--name', name] : []), img, ...args], env: BUILDKIT })),
  },
  {
    weight: 3,
    arbitrary: fc
      .tuple(fc.constantFrom('start', 'stop', 'kill', 'rm', 'rm -f', 'commit'), fc.constantFrom(...NAMES))
      .map(([cmd, name]) => ({ argv: [...cmd.split(' '), name], env: BUILDKIT })),
  },
  { weight: 2, arbitrary: fc.tuple(arbImageRef, fc.constantFrom(...TAGS)).map(([src, dst]) => ({ argv: ['tag', src, dst], env: BUILDKIT })) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom('rmi', 'rmi -f'), fc.constantFrom(...TAGS)).map(([cmd, t]) => ({ argv: [...cmd.split(' '), t], env: BUILDKIT })) },
  { weight: 1, arbitrary: fc.constantFrom('image prune -f', 'image prune -a -f', 'builder prune -f').map((cmd) => ({ argv: cmd.split(' '), env: BUILDKIT })) },
);

describe('snapshot and restore after random command sequences', () => {
  it('the restored engine prints the same for every probe and builds the same next', () => {
    const base = freshEngine();
    const baseJson = JSON.stringify(base.engine.snapshot());
    fc.assert(
      fc.property(fc.array(arbBuild, { minLength: 1, maxLength: 2 }), fc.array(arbCommand, { minLength: 1, maxLength: 8 }), fc.constantFrom(CLASSIC, BUILDKIT), (builds, cmds, nextEnv) => {
        const orig = restoreCopy(baseJson);
        for (const c of [...builds, ...cmds]) docker(orig.engine, c.argv, c.env);
        const json = JSON.stringify(orig.engine.snapshot());
        const copy = restoreCopy(json);
        expect(JSON.stringify(copy.engine.snapshot())).toBe(json);
        const [a, b] = transcripts(orig, copy, [...probeCommands(orig.engine), ['build', '-t', 'next', 'app'], ['images', '-a']], nextEnv);
        expect(b).toEqual(a);
        expect(JSON.stringify(copy.engine.snapshot())).toBe(JSON.stringify(orig.engine.snapshot()));
      }),
      { seed: SEED, numRuns: 60 },
    );
  });
});
