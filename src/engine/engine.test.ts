import { describe, expect, it } from 'vitest';
import { runDocker } from '../cli/docker.js';
import { MemoryWorkspace } from '../cli/memory-workspace.js';
import { preloadOracleBase } from './oracle-base.js';
import { createEngine } from './index.js';

describe('engine checkpoints', () => {
  it('roll back every kind of change: images, containers, volumes, registries, cache', () => {
    const engine = createEngine({ seed: 5 });
    preloadOracleBase(engine);
    const ws = MemoryWorkspace.of({ 'ctx/Dockerfile': 'FROM oracle-base:local\nRUN echo a > /a\n' });
    const docker = (...argv: string[]) => runDocker(engine, argv, { stdout: () => {}, stderr: () => {}, env: {}, workspace: ws });
    docker('build', '-t', 'app', 'ctx');
    const cp = engine.checkpoint();
    const before = JSON.stringify(engine.snapshot());
    ws.write('ctx/Dockerfile', 'FROM oracle-base:local\nRUN echo b > /b\n');
    for (const argv of [
      ['build', '-t', 'app', 'ctx'],
      ['tag', 'app', 'localhost:5000/app:1'],
      ['push', 'localhost:5000/app:1'],
      ['run', '-d', '--name', 'web', '-v', 'data:/data', 'app', 'sleep', '300'],
      ['login'],
      ['rmi', 'oracle-base:local'],
    ]) docker(...argv);
    expect(JSON.stringify(engine.snapshot())).not.toBe(before);
    engine.rollback(cp);
    expect(JSON.stringify(engine.snapshot())).toBe(before);
  });
});
