import { describe, expect, it } from 'vitest';
import { createEngine } from '../engine/index.js';
import { fromUtf8 } from '../engine/hash.js';
import { preloadOracleBase } from '../engine/oracle-base.js';
import { runDocker } from './docker.js';
import { MemoryWorkspace } from './memory-workspace.js';

function setup() {
  const engine = createEngine({ seed: 3 });
  preloadOracleBase(engine);
  const ws = MemoryWorkspace.of({ 'site/index.html': '<h1>hi</h1>\n' });
  const docker = (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = runDocker(engine, argv, { stdout: (l) => out.push(l), stderr: (l) => err.push(l), env: {}, workspace: ws });
    return { code, out, err };
  };
  return { ws, docker };
}

describe('bind mounts of workspace folders', () => {
  it('show the workspace files inside the container', () => {
    const { docker } = setup();
    expect(docker('run', '--rm', '-v', '/w/site:/srv', 'oracle-base:local', 'cat', '/srv/index.html').out).toEqual(['<h1>hi</h1>']);
  });

  it('bring back what the container writes, and keep it out of the container layer', () => {
    const { ws, docker } = setup();
    expect(docker('run', '--name', 'writer', '-v', '/w/out:/out', 'oracle-base:local', 'sh', '-c', 'echo made > /out/f').code).toBe(0);
    expect(fromUtf8(ws.readFile('/w/out/f')!)).toBe('made\n');
    expect(docker('diff', 'writer').out).toEqual(['A /out']);
  });

  it('read-only binds refuse writes', () => {
    const { docker } = setup();
    const r = docker('run', '--rm', '-v', '/w/site:/srv:ro', 'oracle-base:local', 'touch', '/srv/x');
    expect(r.code).toBe(1);
    expect(r.err.join('\n')).toContain('Read-only file system');
  });
});
