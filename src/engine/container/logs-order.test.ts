import { expect, it } from 'vitest';
import { runDocker } from '../../cli/docker.js';
import { MemoryWorkspace } from '../../cli/memory-workspace.js';
import { preloadOracleBase } from '../oracle-base.js';
import { createEngine } from '../index.js';

it('docker logs keeps stdout and stderr in the order the process wrote them', () => {
  const engine = createEngine({ seed: 4 });
  preloadOracleBase(engine);
  const lines: string[] = [];
  const io = { stdout: (l: string) => lines.push(`out ${l}`), stderr: (l: string) => lines.push(`err ${l}`), env: {}, workspace: MemoryWorkspace.of({}) };
  runDocker(engine, ['run', '--name', 'talker', 'oracle-base:local', 'sh', '-c', 'echo one; echo two >&2; echo three'], { ...io, stdout: () => {}, stderr: () => {} });
  runDocker(engine, ['logs', 'talker'], io);
  expect(lines).toEqual(['out one', 'err two', 'out three']);
});
