import { describe, expect, it } from 'vitest';
import { runDocker } from '../../cli/docker.js';
import { MemoryWorkspace } from '../../cli/memory-workspace.js';
import { preloadOracleBase } from '../oracle-base.js';
import type { BuildContextEvent, BuildStagesEvent, BuildStepEvent, EngineEvent } from '../../shared/events.js';
import { Engine } from '../engine.js';

type Builder = 'classic' | 'buildkit';

function setup() {
  const engine = new Engine({ seed: 7 });
  preloadOracleBase(engine);
  const ws = new MemoryWorkspace();
  const events: EngineEvent[] = [];
  engine.onEvent((e) => events.push(e));
  const docker = (line: string, builder: Builder) => {
    events.length = 0;
    const out: string[] = [];
    const code = runDocker(engine, line.split(' ').filter(Boolean), { stdout: (l) => out.push(l), stderr: (l) => out.push(l), env: { DOCKER_BUILDKIT: builder === 'classic' ? '0' : '1' }, workspace: ws });
    return {
      code,
      out,
      steps: events.filter((e): e is BuildStepEvent => e.type === 'build.step'),
      context: events.find((e): e is BuildContextEvent => e.type === 'build.context'),
      stages: events.filter((e): e is BuildStagesEvent => e.type === 'build.stages'),
    };
  };
  return { engine, ws, docker };
}

const MULTI = `FROM oracle-base:local AS deps
COPY a.txt /a.txt
FROM oracle-base:local AS unused
RUN echo hi > /x
FROM oracle-base:local
COPY --from=deps /a.txt /b.txt
CMD ["cat", "/b.txt"]
`;

describe.each<Builder>(['classic', 'buildkit'])('%s builder events for the views', (builder) => {
  it('reports the context sent and what .dockerignore dropped', () => {
    const { ws, docker } = setup();
    ws.write('ctx/Dockerfile', 'FROM oracle-base:local\nCOPY . /app/\n');
    ws.write('ctx/.dockerignore', 'secret.txt\nlogs\n');
    ws.write('ctx/big.txt', 'x'.repeat(5000));
    ws.write('ctx/secret.txt', 'pw');
    ws.write('ctx/logs/a.log', 'log line\n');
    const r = docker('build -t app ctx', builder);
    expect(r.code).toBe(0);
    const c = r.context!;
    expect(c.files[0]).toEqual({ path: 'big.txt', size: 5000 });
    expect(c.files.map((f) => f.path)).not.toContain('secret.txt');
    expect(c.excluded.map((f) => f.path).sort()).toEqual(['logs', 'logs/a.log', 'secret.txt']);
    expect(c.excludedBytes).toBe(2 + 9);
    expect(c.excluded.find((e) => e.path === 'logs')!.size).toBe(9);
    expect(c.dockerignore).toEqual(['secret.txt', 'logs']);
    expect(c.bytes).toBe(c.files.reduce((n, f) => n + f.size, 0));
  });

  it('reports a large ignored tree quickly', () => {
    const { ws, docker } = setup();
    ws.write('ctx/Dockerfile', 'FROM oracle-base:local\nCOPY a.txt /a.txt\n');
    ws.write('ctx/.dockerignore', 'node_modules\nz.log\n');
    ws.write('ctx/a.txt', 'a');
    ws.write('ctx/z.log', 'zz');
    for (let i = 0; i < 3000; i++) ws.write(`ctx/node_modules/p${i}/index.js`, 'x');
    const t = performance.now();
    const r = docker('build -t app ctx', builder);
    expect(performance.now() - t).toBeLessThan(3000);
    expect(r.context!.excludedCount).toBe(6002);
    expect(r.context!.excludedBytes).toBe(3002);
    expect(r.context!.excluded.map((e) => e.path)).toContain('z.log');
    expect(r.context!.excluded.length).toBe(200);
    expect(r.context!.excluded[0]).toEqual({ path: 'node_modules', size: 3000 });
  });

  it('says what each COPY read, on hits and misses', () => {
    const { ws, docker } = setup();
    ws.write('ctx/Dockerfile', 'FROM oracle-base:local\nCOPY hello.txt /hello.txt\n');
    ws.write('ctx/hello.txt', 'hello\n');
    for (let i = 0; i < 2; i++) {
      const copy = docker('build -t app ctx', builder).steps.find((s) => s.instruction.includes('COPY'))!;
      expect(copy.reads).toEqual({ from: 'context', files: [{ path: 'hello.txt', size: 6 }], count: 1, bytes: 6 });
    }
  });

  it('gives each step the history row it wrote', () => {
    const { engine, ws, docker } = setup();
    ws.write('ctx/Dockerfile', 'FROM oracle-base:local\nCOPY hello.txt /hello.txt\nCMD ["cat", "/hello.txt"]\n');
    ws.write('ctx/hello.txt', 'hello\n');
    const r = docker('build -t app ctx', builder);
    const img = engine.store.find('app')!;
    const copy = r.steps.find((s) => s.instruction.includes('COPY'))!;
    expect(img.config.history[copy.historyIndex!]!.created_by).toContain('COPY');
    expect(r.steps[0]!.historyIndex).toBe(copy.historyIndex! - 1);
  });

  it('draws the stage graph, with sizes at the end', () => {
    const { ws, docker } = setup();
    ws.write('ctx/Dockerfile', MULTI);
    ws.write('ctx/a.txt', 'aaa');
    const r = docker('build -t app ctx', builder);
    expect(r.code).toBe(0);
    expect(r.stages).toHaveLength(2);
    const [first, last] = r.stages;
    expect(first!.final).toBe(false);
    expect(last!.final).toBe(true);
    expect(last!.target).toBe(2);
    expect(last!.stages.map((s) => s.name ?? String(s.index))).toEqual(['deps', 'unused', '2']);
    expect(last!.stages[2]!.copyFrom).toEqual([{ stage: 0, line: 6 }]);
    expect(last!.stages[1]!.built).toBe(builder === 'classic');
    expect(last!.stages[2]!.size).toBeGreaterThan(0);
  });
});
