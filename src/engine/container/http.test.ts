import { describe, expect, it } from 'vitest';
import { runDocker } from '../../cli/docker.js';
import { MemoryWorkspace } from '../../cli/memory-workspace.js';
import { preloadOracleBase } from '../oracle-base.js';
import { createEngine } from '../index.js';
import { httpGet } from './http.js';

function world() {
  const engine = createEngine({ seed: 9 });
  preloadOracleBase(engine);
  const ws = MemoryWorkspace.of({ 'site/Dockerfile': 'FROM nginx:1.27\nCOPY index.html /usr/share/nginx/html/index.html\n', 'site/index.html': '<h1>my site</h1>\n' });
  const docker = (...argv: string[]) => runDocker(engine, argv, { stdout: () => {}, stderr: () => {}, env: {}, workspace: ws });
  return { engine, docker };
}

describe('requests to published ports', () => {
  it('nginx serves its default page on the published host port', () => {
    const { engine, docker } = world();
    expect(docker('run', '-d', '--name', 'web', '-p', '8080:80', 'nginx:1.27')).toBe(0);
    const r = httpGet(engine, 8080, '/');
    expect('status' in r && r.status).toBe(200);
    expect('body' in r && r.body).toContain('Welcome to nginx!');
  });

  it('serves the files an image added, and 404 for missing ones', () => {
    const { engine, docker } = world();
    docker('build', '-t', 'site', 'site');
    docker('run', '-d', '-p', '9000:80', 'site');
    expect(httpGet(engine, 9000)).toMatchObject({ status: 200, body: '<h1>my site</h1>\n' });
    expect(httpGet(engine, 9000, '/nope.html')).toMatchObject({ status: 404 });
  });

  it('refuses connections to ports nobody publishes, and after the container stops', () => {
    const { engine, docker } = world();
    expect(httpGet(engine, 8080)).toEqual({ error: 'Failed to connect to localhost port 8080 after 0 ms: Connection refused' });
    docker('run', '-d', '--name', 'web', '-p', '8080:80', 'nginx:1.27');
    docker('stop', 'web');
    expect('error' in httpGet(engine, 8080)).toBe(true);
  });
});
