import { describe, expect, it } from 'vitest';
import { runDocker } from '../../cli/docker.js';
import { MemoryWorkspace } from '../../cli/memory-workspace.js';
import { preloadOracleBase } from '../oracle-base.js';
import type { BuildStepEvent, EngineEvent } from '../../shared/events.js';
import { BuildContext } from './context.js';
import { Engine } from '../engine.js';

type Builder = 'classic' | 'buildkit';

function setup() {
  const engine = new Engine({ seed: 7 });
  preloadOracleBase(engine);
  const ws = new MemoryWorkspace();
  const events: EngineEvent[] = [];
  engine.onEvent((e) => events.push(e));
  const docker = (line: string, builder: Builder = 'buildkit') => {
    const stdout: string[] = [];
    const stderr: string[] = [];
    events.length = 0;
    const code = runDocker(engine, line.split(' ').filter(Boolean), { stdout: (l) => stdout.push(l), stderr: (l) => stderr.push(l), env: { DOCKER_BUILDKIT: builder === 'classic' ? '0' : '1' }, workspace: ws });
    const steps = events.filter((e): e is BuildStepEvent => e.type === 'build.step');
    const done = events.find((e) => e.type === 'build.done') as { imageId: string; layers: number } | undefined;
    return { code, stdout, stderr, steps, done, pattern: steps.map((s) => (s.cached === null ? 'F' : s.cached ? 'H' : 'M')).join('') };
  };
  return { engine, ws, docker };
}

const NODE_APP = `FROM oracle-base:local
WORKDIR /app
COPY package.json /app/
RUN cp package.json deps.lock
COPY src/ /app/src/
RUN cat src/app.js > build.out
CMD ["cat", "/app/build.out"]
`;

describe.each<Builder>(['classic', 'buildkit'])('%s builder', (builder) => {
  it('rebuilds an unchanged context entirely from the cache, with the same image ID', () => {
    const { ws, docker } = setup();
    ws.write('ctx/Dockerfile', NODE_APP);
    ws.write('ctx/package.json', '{}\n');
    ws.write('ctx/src/app.js', 'v1\n');
    const first = docker('build -t app ctx', builder);
    const second = docker('build -t app ctx', builder);
    expect(first.code).toBe(0);
    expect(second.steps.filter((s) => s.cached === false)).toEqual([]);
    expect(second.done!.imageId).toBe(first.done!.imageId);
  });

  it('misses from the changed COPY onward and names the changed file', () => {
    const { ws, docker } = setup();
    ws.write('ctx/Dockerfile', NODE_APP);
    ws.write('ctx/package.json', '{}\n');
    ws.write('ctx/src/app.js', 'v1\n');
    docker('build -t app ctx', builder);
    ws.write('ctx/src/app.js', 'v2\n');
    const r = docker('build -t app ctx', builder);
    const copySrc = r.steps.find((s) => s.instruction.includes('COPY src/'))!;
    expect(copySrc.cached).toBe(false);
    expect(copySrc.missReason).toEqual({ kind: 'files-changed', files: ['src/app.js'] });
    const after = r.steps[r.steps.indexOf(copySrc) + 1]!;
    expect(after.missReason).toEqual({ kind: 'parent-missed', step: copySrc.step });
    expect(r.steps.find((s) => s.instruction.startsWith('RUN cp'))!.cached).toBe(true);
    expect(docker('run --rm app').stdout).toEqual(['v2']);
  });

  it('keeps the COPY cache when only the mtime changed, and misses on a mode change', () => {
    const { ws, docker } = setup();
    ws.write('ctx/Dockerfile', 'FROM oracle-base:local\nCOPY data.txt /data.txt\n');
    ws.write('ctx/data.txt', 'same\n');
    docker('build -t t ctx', builder);
    ws.now = () => 1_800_000_000;
    ws.touch('ctx/data.txt');
    expect(docker('build -t t ctx', builder).pattern).toMatch(/^FH+$/);
    ws.chmod('ctx/data.txt', 0o755);
    expect(docker('build -t t ctx', builder).pattern).toBe('FM');
  });

  it('misses every RUN after an ARG whose value changed, and explains it', () => {
    const { ws, docker } = setup();
    ws.write('ctx/Dockerfile', 'FROM oracle-base:local\nRUN echo a > /a\nARG G=hello\nRUN echo static > /s\nRUN echo "$G" > /g\n');
    docker('build -t t ctx', builder);
    const r = docker('build -t t --build-arg G=bonjour ctx', builder);
    const runs = r.steps.filter((s) => s.instruction.startsWith('RUN'));
    expect(runs.map((s) => s.cached)).toEqual([true, false, false]);
    expect(runs[1]!.missReason).toEqual({ kind: 'build-arg-changed', args: ['G'] });
    expect(docker('build -t t --build-arg G=hello ctx', builder).steps.every((s) => s.cached !== false)).toBe(true);
  });

  it('honours .dockerignore: ignored files neither reach the image nor bust the cache', () => {
    const { ws, docker } = setup();
    ws.write('ctx/Dockerfile', 'FROM oracle-base:local\nCOPY . /app/\nRUN find /app | sort > /listing.txt\nCMD ["cat", "/listing.txt"]\n');
    ws.write('ctx/.dockerignore', '*.log\nsecret.txt\n');
    ws.write('ctx/app.js', '1\n');
    ws.write('ctx/debug.log', 'x\n');
    ws.write('ctx/secret.txt', 's\n');
    docker('build -t t ctx', builder);
    ws.write('ctx/debug.log', 'y\n');
    expect(docker('build -t t ctx', builder).pattern).toMatch(/^FH+$/);
    expect(docker('run --rm t').stdout).toEqual(['/app', '/app/.dockerignore', '/app/Dockerfile', '/app/app.js']);
  });

  it('reports a failing RUN with the builder own message and exit code', () => {
    const { ws, docker } = setup();
    ws.write('ctx/Dockerfile', 'FROM oracle-base:local\nRUN echo hi && exit 3\n');
    const r = docker('build -t t ctx', builder);
    if (builder === 'classic') {
      expect(r.code).toBe(3);
      expect(r.stderr).toContain("The command '/bin/sh -c echo hi && exit 3' returned a non-zero code: 3");
    } else {
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('executor failed running [/bin/sh -c echo hi && exit 3]: exit code: 3');
    }
  });

  it('predicts which steps would miss without building or changing state', () => {
    const { engine, ws, docker } = setup();
    ws.write('ctx/Dockerfile', NODE_APP);
    ws.write('ctx/package.json', '{}\n');
    ws.write('ctx/src/app.js', 'v1\n');
    docker('build -t app ctx', builder);
    ws.write('ctx/src/app.js', 'v2\n');
    const before = JSON.stringify(engine.snapshot());
    const predicted = engine.predictBuild({ context: BuildContext.from(ws.readTree('/ctx')!), contextId: '/ctx', dockerfile: NODE_APP, dockerfileName: 'Dockerfile', tags: [], buildArgs: new Map(), builder });
    expect(JSON.stringify(engine.snapshot())).toBe(before);
    const actual = docker('build -t app ctx', builder);
    expect(predicted.map((s) => s.cached)).toEqual(actual.steps.map((s) => s.cached));
  });
});

describe.each<Builder>(['classic', 'buildkit'])('ONBUILD with the %s builder', (builder) => {
  it('runs the base image triggers first in a child build, and the child has none', () => {
    const { ws, docker } = setup();
    ws.write('base/Dockerfile', 'FROM oracle-base:local\nONBUILD RUN echo triggered > /t\n');
    ws.write('child/Dockerfile', 'FROM ob:base\nRUN cat /t > /copy\n');
    expect(docker('build -t ob:base base', builder).code).toBe(0);
    const child = docker('build -t ob:child child', builder);
    expect(child.code).toBe(0);
    if (builder === 'classic') expect(child.stdout).toContain('# Executing 1 build trigger');
    expect(docker('run --rm ob:child cat /copy').stdout).toEqual(['triggered']);
    const [doc] = JSON.parse(docker('image inspect ob:child').stdout.join('\n')) as { Config: { OnBuild: unknown } }[];
    expect(doc!.Config.OnBuild).toBeNull();
  });
});

describe('builder differences the oracle recorded', () => {
  const META = 'FROM oracle-base:local\nWORKDIR /app\nWORKDIR /app\nENV A=1\nLABEL x=y\nRUN true\nWORKDIR /\nCMD ["sh"]\n';

  it('classic drops layers for steps that change nothing; BuildKit keeps them', () => {
    const { ws, docker } = setup();
    ws.write('ctx/Dockerfile', META);
    expect(docker('build -t c ctx', 'classic').done!.layers).toBe(2);
    expect(docker('build -t b ctx', 'buildkit').done!.layers).toBe(4);
  });

  it('classic builds every stage, BuildKit only the ones the target needs', () => {
    const { ws, docker } = setup();
    ws.write('ctx/Dockerfile', 'FROM oracle-base:local AS unused\nRUN echo u > /u\nFROM oracle-base:local AS builder\nRUN echo b > /b\nFROM oracle-base:local\nCOPY --from=builder /b /b\n');
    const classic = docker('build -t c ctx', 'classic');
    expect(classic.stdout.some((l) => l.includes('RUN echo u'))).toBe(true);
    const bk = docker('build -t b ctx', 'buildkit');
    expect(bk.stderr.some((l) => l.includes('echo u'))).toBe(false);
    expect(docker('run --rm b cat /b').stdout).toEqual(['b']);
  });

  it('the BuildKit cache survives docker rmi; the classic cache does not', () => {
    const { ws, docker } = setup();
    ws.write('ctx/Dockerfile', 'FROM oracle-base:local\nRUN echo x > /x\n');
    const bk1 = docker('build -t b ctx', 'buildkit');
    docker('rmi b');
    const bk2 = docker('build -t b ctx', 'buildkit');
    expect(bk2.pattern).toBe('FH');
    expect(bk2.done!.imageId).toBe(bk1.done!.imageId);
    docker('build -t c ctx', 'classic');
    docker('rmi c');
    expect(docker('build -t c ctx', 'classic').pattern).toBe('FM');
  });

  it('retagging leaves the old image dangling until it is removed', () => {
    const { ws, docker } = setup();
    ws.write('ctx/Dockerfile', 'FROM oracle-base:local\nCOPY v /v\n');
    ws.write('ctx/v', '1\n');
    const old = docker('build -t app ctx').done!.imageId;
    ws.write('ctx/v', '2\n');
    docker('build -t app ctx');
    const dangling = docker('images -q --filter dangling=true');
    expect(dangling.stdout).toEqual([old.slice(7, 19)]);
    expect(docker(`run --rm ${old.slice(7, 19)} cat /v`).stdout).toEqual(['1']);
  });
});

describe('Dockerfile errors use Docker wording', () => {
  it.each([
    ['FROM oracle-base:local\nRUNN echo', 'dockerfile parse error line 2: unknown instruction: RUNN'],
    ['FROM oracle-base:local\nCOPY onlyone', 'dockerfile parse error line 2: COPY requires at least two arguments, but only one was provided. Destination could not be determined.'],
    ['RUN echo\nFROM x', 'no build stage in current context'],
    ['', 'failed to parse Dockerfile: file with no instructions'],
    ['FROM oracle-base:local\nENV A', 'failed to parse Dockerfile: ENV must have two arguments'],
    ['FROM oracle-base:local\nCOPY --bogus=1 a b', 'dockerfile parse error line 2: Unknown flag: bogus'],
    ['FROM oracle-base:local\nHEALTHCHECK --interval=1 CMD true', 'dockerfile parse error line 2: time: missing unit in duration "1"'],
    ['FROM a b', 'dockerfile parse error line 1: FROM requires either one or three arguments'],
  ])('%j', (text, msg) => {
    const { ws, docker } = setup();
    ws.write('ctx/Dockerfile', text);
    const r = docker('build ctx', 'classic');
    expect(r.code).toBe(1);
    expect(r.stderr).toEqual([`Error response from daemon: ${msg}`]);
  });

  it('names a missing COPY source', () => {
    const { ws, docker } = setup();
    ws.write('ctx/Dockerfile', 'FROM oracle-base:local\nCOPY missing.txt /m\n');
    expect(docker('build ctx', 'classic').stderr).toEqual(['COPY failed: file not found in build context or excluded by .dockerignore: stat missing.txt: file does not exist']);
    expect(docker('build ctx', 'buildkit').stderr.at(-1)).toBe('failed to compute cache key: "/missing.txt" not found: not found');
  });
});
