/**
 * Fuzzing the docker CLI: mutated Dockerfiles and command lines must never
 * crash runDocker, every failure must say why on stderr (in Docker's words, not
 * JavaScript's), and a failed command must leave the engine as it was, except
 * where Docker itself keeps something (a failed build's cache, a created container).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COMMANDS, runDocker } from '../../src/cli/docker.js';
import type { Workspace } from '../../src/cli/types.js';
import { MemoryWorkspace } from '../../src/cli/memory-workspace.js';
import { Engine, type EngineSnapshot } from '../../src/engine/engine.js';
import { preloadOracleBase } from '../../src/engine/oracle-base.js';
import { arbDockerArgv, arbFuzzDockerfile, leaks } from './mutate.js';

const SEED = 20240611;
const RUNS = 300;

/** An in-memory workspace rooted at /w: files by path relative to it. */
const memoryWorkspace = (files: Record<string, string>): Workspace => MemoryWorkspace.of(files);

const CONTEXT_FILES = {
  'ctx/a.txt': 'alpha\n',
  'ctx/dir/b.txt': 'beta\n',
  'ctx/.dockerignore': '*.log\n',
  'ctx/debug.log': 'ignored\n',
  'good.env': 'A=1\n# comment\nB=two words\n',
};

interface Result {
  code: number;
  out: string[];
  err: string[];
}

/** Runs docker; a throw is returned as a crash instead of failing the property at once, so the report can name the input. */
function docker(engine: Engine, argv: string[], ws: Workspace, env: Record<string, string>): Result & { crash?: string } {
  const out: string[] = [];
  const err: string[] = [];
  try {
    const code = runDocker(engine, argv, { stdout: (l) => out.push(l), stderr: (l) => err.push(l), env, workspace: ws, stdin: '' });
    return { code, out, err };
  } catch (e) {
    return { code: -1, out, err, crash: (e as Error)?.stack ?? String(e) };
  }
}

/** The engine every case starts from: an image, a tagged build, and containers in each state. */
function baseSnapshotJson(): string {
  const engine = new Engine({ seed: 3 });
  preloadOracleBase(engine);
  const ws = memoryWorkspace({ ...CONTEXT_FILES, 'ctx/Dockerfile': 'FROM oracle-base:local\nWORKDIR /app\nCOPY . .\nRUN echo built > /app/built\nCMD ["cat", "/app/built"]\n' });
  const setup = [
    ['build', '-t', 'base:1', 'ctx'],
    ['run', '--name', 'c1', 'base:1'],
    ['create', '--name', 'c2', 'oracle-base:local', 'true'],
    ['run', '-d', '--name', 'n1', 'oracle-base:local', 'sleep', '300'],
  ];
  for (const argv of setup) {
    const r = docker(engine, argv, ws, { DOCKER_BUILDKIT: '1' });
    if (r.code !== 0) throw new Error(`setup failed: docker ${argv.join(' ')}: ${r.err.join('\n')}`);
  }
  return JSON.stringify(engine.snapshot());
}

const BASE = baseSnapshotJson();

function freshEngine(): Engine {
  const e = new Engine();
  e.restore(JSON.parse(BASE));
  return e;
}

/** Store invariants: every tag names an image, every image's layers are in the store. */
function invariantProblems(engine: Engine): string[] {
  const problems: string[] = [];
  for (const [tag, id] of engine.store.tags) if (!engine.store.images.has(id)) problems.push(`tag ${tag} -> missing image ${id}`);
  for (const img of engine.store.images.values()) {
    for (const d of img.config.rootfs.diff_ids) if (!engine.store.layers.has(d)) problems.push(`image ${img.id} -> missing layer ${d}`);
  }
  return problems;
}

/** The command's canonical name as the CLI dispatches it (`image rm` -> `rmi`). */
function commandName(argv: string[]): string | undefined {
  return (COMMANDS.get(argv.slice(0, 2).join(' ')) ?? COMMANDS.get(argv[0] ?? ''))?.spec.name;
}

/** Commands that act on each named object in turn: a failure on one name does not undo the others. */
const PER_TARGET = new Set(['rm', 'rmi', 'stop', 'kill']);

/**
 * Bugs found by this fuzzer and pinned by the `it.fails` tests at the end of
 * this file. The fuzz properties skip exactly these outcomes so they keep
 * looking for new ones; delete an entry when its bug is fixed.
 */
const KNOWN_BUGS: { id: string; matches: (name: string | undefined, r: Result & { crash?: string }, problem: string) => boolean }[] = [
];

function isKnownBug(name: string | undefined, r: Result & { crash?: string }, problem: string): boolean {
  return KNOWN_BUGS.some((b) => b.matches(name, r, problem));
}

interface Problem {
  input: string;
  problem: string;
}

function checkOutcome(input: string, argv: string[], r: Result & { crash?: string }, before: string, engine: Engine, ws: Workspace): string[] {
  const name = commandName(argv);
  return outcomeProblems(input, name, r, before, engine, ws).filter((p) => !isKnownBug(name, r, p));
}

function outcomeProblems(input: string, name: string | undefined, r: Result & { crash?: string }, before: string, engine: Engine, ws: Workspace): string[] {
  const problems: string[] = [];
  if (r.crash) return [`runDocker threw: ${r.crash.split('\n').slice(0, 4).join(' | ')}`];
  if (!Number.isInteger(r.code) || r.code < 0 || r.code > 255) problems.push(`exit code ${r.code}`);
  problems.push(...leaks([...r.out, ...r.err], input));
  // run/start hand back the container's own exit status, which needs no message (even 126/127,
  // when a shell in the container could not run something); Docker's own errors are 125
  const containerStatus = (name === 'run' || name === 'start') && r.code !== 125;
  if (r.code !== 0 && r.err.length === 0 && !containerStatus) problems.push(`exit ${r.code} with nothing on stderr`);
  if (r.code !== 0) {
    const after = JSON.stringify(engine.snapshot());
    const keepsState = name === 'build' || name === 'run' || name === 'create' || name === 'start' || (name !== undefined && PER_TARGET.has(name) && r.out.length > 0);
    if (!keepsState && after !== before) problems.push(`failed command changed the engine state`);
    if (keepsState && after !== before) problems.push(...keptStateProblems(name, JSON.parse(before) as EngineSnapshot, JSON.parse(after) as EngineSnapshot));
    if (keepsState) {
      for (const probe of [['images', '-a'], ['ps', '-a']]) {
        const p = docker(engine, probe, ws, {});
        if (p.crash || p.code !== 0) problems.push(`docker ${probe.join(' ')} after the failure: ${p.crash ?? p.err.join(' | ')}`);
      }
    }
  }
  problems.push(...invariantProblems(engine));
  return problems;
}

/**
 * What a failed command may keep, as Docker does: a build keeps its
 * intermediate images, layers and cache but tags nothing and removes nothing;
 * run/create/start may only leave or change containers.
 */
function keptStateProblems(name: string | undefined, before: EngineSnapshot, after: EngineSnapshot): string[] {
  const problems: string[] = [];
  const same = (key: keyof EngineSnapshot) => JSON.stringify(before[key]) === JSON.stringify(after[key]);
  if (name === 'build') {
    if (!same('tags')) problems.push('failed build changed the tags');
    const images = new Set(after.images.map((i) => i.id));
    const layers = new Set(after.layers.map(([d]) => d));
    if (before.images.some((i) => !images.has(i.id))) problems.push('failed build removed an image');
    if (before.layers.some(([d]) => !layers.has(d))) problems.push('failed build removed a layer');
  } else if (name === 'run' || name === 'create' || name === 'start') {
    for (const key of ['layers', 'images', 'tags', 'cache', 'transfers', 'buildkitLoaded'] as const) if (!same(key)) problems.push(`failed ${name} changed ${key}`);
  }
  return problems;
}

function report(problems: Problem[]): string {
  return problems.map((p) => `${p.problem}\n    input: ${JSON.stringify(p.input).slice(0, 600)}`).join('\n');
}

describe('fuzzing docker build with mutated Dockerfiles', () => {
  it('never throws, explains every failure on stderr, and keeps the engine answering', () => {
    let failures = 0;
    fc.assert(
      fc.property(arbFuzzDockerfile, fc.constantFrom('0', '1'), fc.constantFrom([], [], [], ['--no-cache'], ['--target', 'builder'], ['--build-arg', 'A=1'], ['--build-arg', 'BASE=base:1']), (dockerfile, bk, extra) => {
        const engine = freshEngine();
        const ws = memoryWorkspace({ ...CONTEXT_FILES, 'ctx/Dockerfile': dockerfile });
        const env = { DOCKER_BUILDKIT: bk };
        const argv = ['build', '-t', 'fuzz', ...extra, 'ctx'];
        const before = JSON.stringify(engine.snapshot());
        const r = docker(engine, argv, ws, env);
        const input = `DOCKER_BUILDKIT=${bk} docker ${argv.join(' ')} <<EOF\n${dockerfile}\nEOF`;
        const found = checkOutcome(dockerfile, argv, r, before, engine, ws);
        if (r.code !== 0) failures++;
        if (r.code === 0 && !r.crash) {
          // what was built must run and be listed like any image
          for (const follow of [['history', 'fuzz'], ['image', 'inspect', 'fuzz'], ['run', '--rm', 'fuzz'], ['build', '-t', 'fuzz:again', ...extra, 'ctx']]) {
            const s = JSON.stringify(engine.snapshot());
            const f = docker(engine, follow, ws, env);
            found.push(...checkOutcome(dockerfile, follow, f, s, engine, ws).map((p) => `after a good build, docker ${follow.join(' ')}: ${p}`));
          }
        }
        if (found.length) throw new Error(report(found.map((p) => ({ input, problem: p }))));
      }),
      // no shrinking: a failure message already carries the whole input, and shrinking builds is slow
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    // the mutations must reach both outcomes to mean anything
    expect(failures).toBeGreaterThan(RUNS / 10);
    expect(failures).toBeLessThan(RUNS);
  });
});

describe('fuzzing docker command lines', () => {
  it('never throws, explains every failure on stderr, and a failed command changes nothing', () => {
    const codes = new Map<number, number>();
    fc.assert(
      fc.property(fc.array(arbDockerArgv, { minLength: 1, maxLength: 4 }), fc.constantFrom('0', '1'), (lines, bk) => {
        const engine = freshEngine();
        const ws = memoryWorkspace({ ...CONTEXT_FILES, 'ctx/Dockerfile': 'FROM base:1\nRUN echo again\n' });
        const env = { DOCKER_BUILDKIT: bk };
        const found: Problem[] = [];
        const transcript: string[] = [];
        for (const argv of lines) {
          const before = JSON.stringify(engine.snapshot());
          const r = docker(engine, argv, ws, env);
          codes.set(r.code, (codes.get(r.code) ?? 0) + 1);
          transcript.push(`docker ${argv.map((a) => JSON.stringify(a)).join(' ')}`);
          for (const p of checkOutcome(argv.join(' '), argv, r, before, engine, ws)) found.push({ input: transcript.join('\n'), problem: p });
          if (r.crash) break;
        }
        if (found.length) throw new Error(report(found));
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    // a useful fuzz run sees successes, usage errors and daemon errors
    expect(codes.get(0) ?? 0).toBeGreaterThan(RUNS / 10);
    expect((codes.get(1) ?? 0) + (codes.get(125) ?? 0)).toBeGreaterThan(RUNS / 2);
  });
});

describe('inputs the fuzzer found', () => {
  const env = { DOCKER_BUILDKIT: '1' };
  const ws = memoryWorkspace(CONTEXT_FILES);

  // fixed upstream while this fuzzer ran (f17f2d1): classic threw a TypeError on an image it never stored
  it('builds a Dockerfile of two FROM scratch lines without cache and without throwing', () => {
    for (const bk of ['0', '1']) {
      const engine = freshEngine();
      const w = memoryWorkspace({ ...CONTEXT_FILES, 'ctx/Dockerfile': 'FROM scratch\r\nFROM scratch' });
      const r = docker(engine, ['build', '-t', 'fuzz', '--no-cache', 'ctx'], w, { DOCKER_BUILDKIT: bk });
      expect(r.crash).toBeUndefined();
      if (r.code !== 0) expect(r.err.length).toBeGreaterThan(0);
    }
  });

  // cli/commands/images.ts matchReference: the pattern becomes a RegExp without escaping `[`;
  // the daemon's path.Match answers "syntax error in pattern" instead
  it('docker images with a `[` in the reference pattern fails with a message instead of throwing', () => {
    for (const argv of [['images', 'n['], ['images', '--filter', 'reference=x[']]) {
      const r = docker(freshEngine(), argv, ws, env);
      expect(r.crash, argv.join(' ')).toBeUndefined();
      expect(r.code).toBe(1);
      expect(r.err).toEqual(['Error response from daemon: syntax error in pattern']);
    }
  });

  // cli/commands/containers.ts ps: `new RegExp(v)` on the name filter's raw value; the
  // daemon (filters.Args.Match) skips a value that is not a valid regexp, so nothing matches
  it('docker ps with an invalid name-filter regexp lists nothing instead of throwing', () => {
    const r = docker(freshEngine(), ['ps', '-a', '--filter', 'name=n[', '--format', '{{.Names}}'], ws, env);
    expect(r.crash).toBeUndefined();
    expect(r.code).toBe(0);
    expect(r.out).toEqual([]);
  });

  // container/lifecycle.ts commitContainer: store.add runs before store.tag validates the name
  it('docker commit with an invalid repository name creates no image', () => {
    const engine = freshEngine();
    const before = JSON.stringify(engine.snapshot());
    const r = docker(engine, ['commit', 'c1', 'UPPER:case'], ws, env);
    expect(r.code).toBe(1);
    expect(r.err).toEqual(['invalid reference format: repository name must be lowercase']);
    expect(JSON.stringify(engine.snapshot())).toBe(before);
  });

  // container/lifecycle.ts startContainer: only res.notFound becomes a start failure; res.notExecutable falls through
  it('docker run of a file that is not executable prints the runtime error and exits 126', () => {
    const engine = freshEngine();
    const r = docker(engine, ['run', '--name', 'noexec', 'oracle-base:local', '/etc/passwd'], ws, env);
    expect(r.code).toBe(126);
    expect(r.err.join('\n')).toContain('exec: "/etc/passwd": permission denied');
    expect(docker(engine, ['ps', '-a', '--filter', 'name=noexec', '--format', '{{.Status}}'], ws, env).out).toEqual(['Created']);
  });

  // fixed upstream while this fuzzer ran (8692a47): a layer holding `/` listed '' under `/`, so walking `/` recursed forever
  it('a RUN after one that changed / can walk the whole tree (find /) without overflowing the stack', () => {
    for (const bk of ['0', '1']) {
      const engine = freshEngine();
      const w = memoryWorkspace({ ...CONTEXT_FILES, 'ctx/Dockerfile': 'FROM oracle-base:local\nRUN chmod 755 /\nRUN find / -name passwd\n' });
      const r = docker(engine, ['build', '-t', 'walk', 'ctx'], w, { DOCKER_BUILDKIT: bk });
      expect(r.crash).toBeUndefined();
      expect(r.code).toBe(0);
    }
  });
});
