import { describe, expect, it } from 'vitest';
import { dockerSession } from '../../cli/commands/container-testing.js';
import { processEnv } from '../../engine/container/process.js';
import { openContainer } from '../../engine/container/rootfs.js';
import { decide } from './decide.js';
import { containerArgv } from './resolve.js';

const SERVER = "require('http').createServer((q, s) => s.end('hi')).listen(3000);\n";
const PACKAGE = JSON.stringify({ name: 'app', scripts: { start: 'node server.js', dev: 'node --watch server.js' } });

/**
 * Builds `dockerfile` (FROM node:20-alpine, the course app's files in the context),
 * creates a container with `runArgs`, and decides on what the engine resolved.
 */
function decideRun(dockerfile: string, run: { flags?: string; args?: string; from?: string } = {}, files: Record<string, string> = { 'package.json': PACKAGE, 'server.js': SERVER }) {
  const s = dockerSession();
  s.ws.write('/w/ctx/Dockerfile', `FROM ${run.from ?? 'node:20-alpine'}\n` + dockerfile + '\n');
  for (const [name, text] of Object.entries(files)) s.ws.write(`/w/ctx/${name}`, text);
  const b = s.docker('build -q -t app ctx');
  expect(b.code, b.err.join('\n')).toBe(0);
  const r = s.docker(`create --name app1 ${run.flags ?? ''} app ${run.args ?? ''}`);
  expect(r.code, r.err.join('\n')).toBe(0);
  const c = s.engine.findContainer('app1')!;
  return decide({ argv: containerArgv(c), workdir: c.config.WorkingDir, env: processEnv(c, '/root'), fs: openContainer(s.engine, c).fs });
}

const APP = 'WORKDIR /app\nCOPY package.json server.js ./\n';

describe('deciding whether a container runs in WebContainer', () => {
  it('runs CMD ["node", "server.js"] through the node image’s docker-entrypoint.sh', () => {
    const d = decideRun(APP + 'CMD ["node", "server.js"]');
    expect(d).toMatchObject({ ok: true, argv: ['node', 'server.js'], cwd: '/app' });
  });

  it('runs the entrypoint’s implicit node for CMD ["server.js"]', () => {
    expect(decideRun(APP + 'CMD ["server.js"]')).toMatchObject({ ok: true, argv: ['node', 'server.js'] });
  });

  it('prepends node for an option or a non-executable script, as docker-entrypoint.sh does', () => {
    expect(decideRun(APP + 'CMD ["--max-old-space-size=256", "server.js"]')).toMatchObject({ ok: true, argv: ['node', '--max-old-space-size=256', 'server.js'] });
    expect(decideRun('WORKDIR /app\nCOPY server.js ./server\nCMD ["./server"]')).toMatchObject({ ok: true, argv: ['node', './server'] });
  });

  it('runs /usr/local/bin/node as node', () => {
    expect(decideRun(APP + 'ENTRYPOINT ["/usr/local/bin/node"]\nCMD ["server.js"]')).toMatchObject({ ok: true, argv: ['node', 'server.js'] });
  });

  it('runs npm start when package.json has a start script', () => {
    expect(decideRun(APP + 'CMD ["npm", "start"]')).toMatchObject({ ok: true, argv: ['npm', 'start'], cwd: '/app' });
  });

  it('runs npx', () => {
    expect(decideRun(APP + 'CMD ["npx", "serve"]')).toMatchObject({ ok: true, argv: ['npx', 'serve'] });
  });

  it('runs the shell form CMD node server.js (sh -c with one simple command)', () => {
    expect(decideRun(APP + 'CMD node server.js')).toMatchObject({ ok: true, argv: ['node', 'server.js'] });
  });

  it('runs sh -c "exec npm run dev" and takes leading assignments into the environment', () => {
    const d = decideRun(APP + 'CMD NODE_ENV=production exec npm run dev');
    expect(d).toMatchObject({ ok: true, argv: ['npm', 'run', 'dev'] });
    expect(d.ok && d.env.NODE_ENV).toBe('production');
  });

  it('unwraps a shell form under SHELL ["/bin/ash", "-eo", "pipefail", "-c"]', () => {
    expect(decideRun(APP + 'SHELL ["/bin/ash", "-eo", "pipefail", "-c"]\nCMD node server.js')).toMatchObject({ ok: true, argv: ['node', 'server.js'] });
  });

  it('passes the image ENV, the run’s -e and HOME to the process', () => {
    const d = decideRun(APP + 'ENV PORT=3000\nCMD ["node", "server.js"]', { flags: '-e GREETING=hello' });
    expect(d.ok && d.env).toMatchObject({ PORT: '3000', GREETING: 'hello', HOME: '/root', NODE_VERSION: expect.any(String) });
  });

  it('follows docker run arguments and --entrypoint', () => {
    expect(decideRun(APP + 'CMD ["node", "server.js"]', { args: 'npm run build' })).toMatchObject({ ok: false, reason: expect.stringContaining('no "build" script') });
    expect(decideRun(APP + 'CMD ["sleep", "300"]', { args: 'npm start' })).toMatchObject({ ok: true, argv: ['npm', 'start'] });
    expect(decideRun(APP + 'CMD ["sleep", "300"]', { flags: '--entrypoint node' })).toMatchObject({ ok: false, reason: 'The command runs `node` without a script (the node REPL), so it runs simulated.' });
  });

  it('honours docker run -w for the script path', () => {
    expect(decideRun('COPY server.js /srv/\nCMD ["node", "server.js"]', { flags: '-w /srv' })).toMatchObject({ ok: true, cwd: '/srv' });
  });

  it('refuses a program that is not node or npm', () => {
    expect(decideRun(APP + 'CMD ["sleep", "300"]')).toEqual({ ok: false, reason: 'The command starts `sleep`, not node or npm, so it runs simulated.' });
  });

  it('hands a program the image lacks to node, as the node entrypoint does, and then misses the script', () => {
    expect(decideRun(APP + 'CMD ["python3", "app.py"]')).toEqual({ ok: false, reason: 'The command runs `node python3`, but /app/python3 is not in the container.' });
  });

  it('refuses node when the image has no node, as docker run would fail', () => {
    expect(decideRun(APP + 'CMD ["node", "server.js"]', { from: 'oracle-base:local' })).toEqual({ ok: false, reason: '`node` is not in the image, so the container cannot start.' });
    expect(decideRun(APP + 'CMD node server.js', { from: 'oracle-base:local' })).toEqual({ ok: false, reason: '`node` is not in the image, so the container cannot start.' });
  });

  it('refuses a wrapper the image does not have', () => {
    expect(decideRun(APP + 'ENTRYPOINT ["/start.sh"]\nCMD ["node", "server.js"]')).toEqual({ ok: false, reason: '`/start.sh` is not in the image, so the container cannot start.' });
  });

  it('refuses a shell line with more than one command', () => {
    expect(decideRun(APP + 'CMD npm install && npm start')).toEqual({ ok: false, reason: 'The shell line `npm install && npm start` is more than one simple command, so it runs simulated.' });
  });

  it('refuses a shell line that expands variables', () => {
    expect(decideRun(APP + 'CMD node $APP_MAIN')).toMatchObject({ ok: false, reason: expect.stringContaining('expands variables') });
  });

  it('refuses node when the script is not in WORKDIR (a file deleted by a later RUN)', () => {
    expect(decideRun(APP + 'RUN rm server.js\nCMD ["node", "server.js"]')).toEqual({ ok: false, reason: 'The command runs `node server.js`, but /app/server.js is not in the container.' });
  });

  it('refuses npm when WORKDIR has no package.json', () => {
    expect(decideRun('WORKDIR /app\nCOPY server.js ./\nCMD ["npm", "start"]')).toEqual({ ok: false, reason: 'The command runs `npm start`, but /app has no package.json.' });
  });

  it('refuses npm run with a script package.json does not define', () => {
    expect(decideRun(APP + 'CMD ["npm", "run", "build"]')).toEqual({ ok: false, reason: 'The command runs `npm run build`, but /app/package.json has no "build" script.' });
  });

  it('lets npm start fall back to server.js when there is no start script', () => {
    expect(decideRun(APP + 'CMD ["npm", "start"]', {}, { 'package.json': '{"name":"app"}', 'server.js': SERVER })).toMatchObject({ ok: true });
  });

  it('accepts node -e without a script file', () => {
    expect(decideRun('CMD ["node", "-e", "console.log(1)"]')).toMatchObject({ ok: true, argv: ['node', '-e', 'console.log(1)'], cwd: '/' });
  });

  it('finds the script behind node options that take a value', () => {
    expect(decideRun(APP + 'CMD ["node", "-r", "dotenv/config", "server"]')).toMatchObject({ ok: true, argv: ['node', '-r', 'dotenv/config', 'server'] });
  });
});
