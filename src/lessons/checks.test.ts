import { describe, expect, it } from 'vitest';
import { SimBackend } from '../backends/sim.js';
import type { Check } from './schema.js';
import { CheckSchema } from './schema.js';
import { CheckSession } from './session.js';

const quiet = { stdout: () => {}, stderr: () => {} };

async function world(lines: string[], files: Record<string, string> = {}) {
  const b = new SimBackend();
  const s = new CheckSession(b);
  for (const [p, t] of Object.entries(files)) b.workspace.write(`/workspace/${p}`, t);
  for (const l of lines) await b.run(l, quiet);
  const check = (c: unknown) => s.evaluate([CheckSchema.parse(c) as Check])[0]!;
  return { b, s, check };
}

const BAD_ORDER = 'FROM node:20-alpine\nWORKDIR /app\nCOPY . .\nRUN npm install\nCMD ["node", "app.js"]\n';

describe('goal checks', () => {
  it('image-exists, image-size and image-layers read the image store', async () => {
    const { check } = await world(['cd hello && docker build -t hello .']);
    expect(check({ check: 'image-exists', image: 'hello' }).ok).toBe(true);
    expect(check({ check: 'image-exists', image: 'nope' })).toEqual({ ok: false, message: 'There is no image called nope yet.' });
    expect(check({ check: 'image-exists', image: 'hello', exists: false }).ok).toBe(false);
    expect(check({ check: 'image-size', image: 'hello', maxMB: 5 }).ok).toBe(true);
    expect(check({ check: 'image-size', image: 'hello', maxMB: 1 })).toMatchObject({ ok: false, message: expect.stringMatching(/^hello is 1\.98MB; it must be at most 1 MB\.$/) });
    expect(check({ check: 'image-layers', image: 'hello', max: 2 }).ok).toBe(true);
    expect(check({ check: 'image-layers', image: 'hello', max: 1 }).ok).toBe(false);
  });

  it('build-cached and build-missed find the step by instruction and name the changed file', async () => {
    const { b, check } = await world(['cd app && docker build -t app .'], { 'app/Dockerfile': BAD_ORDER });
    expect(check({ check: 'build-missed', image: 'app', step: 'npm install', reason: 'parent-missed' }).ok).toBe(true);
    expect(check({ check: 'build-missed', image: 'app', step: 'WORKDIR', reason: 'new' }).ok).toBe(true);
    b.workspace.write('/workspace/app/app.js', "console.log('v2');\n");
    await b.run('docker build -t app .', quiet);
    const cached = check({ check: 'build-cached', image: 'app', step: 'npm install' });
    expect(cached.ok).toBe(false);
    expect(cached.message).toContain('parent missed (step');
    expect(check({ check: 'build-missed', step: 'COPY . .', reason: 'files-changed', file: 'app.js' }).ok).toBe(true);
    expect(check({ check: 'build-missed', step: 'COPY . .', file: 'package.json' }).ok).toBe(false);
    expect(check({ check: 'build-cached', step: 'WORKDIR' }).ok).toBe(true);
    expect(check({ check: 'build-cached', step: 'RUN apt-get' }).message).toBe('The last build has no step with "RUN apt-get" in it.');
  });

  it('user-not-root and base-pinned read the image config and the last build', async () => {
    const { check } = await world(['cd app && docker build -t app .'], { 'app/Dockerfile': 'FROM node:20-alpine\nRUN adduser -D appuser\nUSER appuser\nCMD ["node"]\n' });
    expect(check({ check: 'user-not-root', image: 'app' }).ok).toBe(true);
    expect(check({ check: 'base-pinned', image: 'app', by: 'tag' }).ok).toBe(true);
    expect(check({ check: 'base-pinned', image: 'app', by: 'digest' }).ok).toBe(false);
    const root = await world(['cd hello && docker build -t hello .']);
    expect(root.check({ check: 'user-not-root', image: 'hello' }).message).toContain('runs as root (no USER is set)');
  });

  it('container-state and file-exists follow containers, volumes and their removal', async () => {
    const { b, check } = await world(['docker run --name web -v data:/data oracle-base:local sh -c "echo hi > /data/x; echo new > /tmp/n"']);
    expect(check({ check: 'container-state', container: 'web', state: 'exited' }).ok).toBe(true);
    expect(check({ check: 'container-state', container: 'web', state: 'running' }).message).toBe('The container web is exited, not running.');
    expect(check({ check: 'container-state', container: 'web', state: 'exited', exitCode: 0 })).toEqual({ ok: true, message: 'The container web is exited (exit code 0).' });
    expect(check({ check: 'container-state', container: 'web', state: 'exited', exitCode: 127 }).message).toBe('The container web is exited, but with exit code 0, not 127.');
    expect(check({ check: 'file-exists', in: 'container', name: 'web', path: '/tmp/n' }).ok).toBe(true);
    expect(check({ check: 'file-exists', in: 'volume', name: 'data', path: '/x' }).ok).toBe(true);
    await b.run('docker rm web', quiet);
    expect(check({ check: 'container-state', container: 'web', state: 'removed' }).ok).toBe(true);
    expect(check({ check: 'file-exists', in: 'container', name: 'web', path: '/tmp/n' }).ok).toBe(false);
    expect(check({ check: 'file-exists', in: 'volume', name: 'data', path: 'x' }).ok).toBe(true);
  });

  it('push-reused counts layers the registry already had', async () => {
    const { b, check } = await world(['cd hello && docker build -t localhost:5000/hello:v1 .']);
    expect(check({ check: 'push-reused', min: 1 }).message).toBe('Push an image first.');
    await b.run('docker push localhost:5000/hello:v1', quiet);
    expect(check({ check: 'push-reused', min: 1 }).ok).toBe(false);
    await b.run('echo v2 > hello.txt && docker build -t localhost:5000/hello:v2 . && docker push localhost:5000/hello:v2', quiet);
    expect(check({ check: 'push-reused', repository: 'localhost:5000/hello', min: 1, maxUploaded: 1 })).toMatchObject({ ok: true, message: 'The last push reused 1 layer and uploaded 1.' });
  });

  it('tag-digest and pinned-run follow a tag that moved away from a pinned digest', async () => {
    const { b, check } = await world(['cd hello && docker build -t localhost:5000/hello:latest . && docker push localhost:5000/hello:latest']);
    expect(check({ check: 'tag-digest', ref: 'localhost:5000/hello:latest' }).ok).toBe(true);
    const digest = b.world().registries[0]!.repositories[0]!.tags['latest']!;
    expect(check({ check: 'pinned-run', repository: 'localhost:5000/hello' }).ok).toBe(false);
    await b.run(`docker run --name old localhost:5000/hello@${digest}`, quiet);
    expect(check({ check: 'pinned-run', repository: 'localhost:5000/hello' }).ok).toBe(true);
    expect(check({ check: 'tag-digest', ref: 'localhost:5000/hello:latest', moved: true }).ok).toBe(false);
    await b.run('echo v2 > hello.txt && docker build -t localhost:5000/hello:latest . && docker push localhost:5000/hello:latest', quiet);
    expect(check({ check: 'tag-digest', ref: 'localhost:5000/hello:latest', moved: true }).ok).toBe(true);
  });

  it('multi-stage sees the stages and the build tools left behind', async () => {
    const df = 'FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app .\nFROM alpine:3.19\nCOPY --from=build /out/app /app\nCMD ["/app"]\n';
    const { check } = await world(['cd app && docker build -t goapp .'], { 'app/Dockerfile': df, 'app/main.go': 'package main\nfunc main() {}\n', 'app/go.mod': 'module app\n' });
    expect(check({ check: 'image-exists', image: 'goapp' }).ok).toBe(true);
    expect(check({ check: 'multi-stage', image: 'goapp' })).toMatchObject({ ok: true });
    const single = await world(['cd app && docker build -t one .'], { 'app/Dockerfile': 'FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app .\n', 'app/main.go': 'package main\nfunc main() {}\n', 'app/go.mod': 'module app\n' });
    expect(single.check({ check: 'multi-stage', image: 'one' }).ok).toBe(false);
  });

  it('lint-clean and file-contains read the workspace', async () => {
    const { check } = await world([], { 'app/Dockerfile': 'FROM node:latest\nCMD ["node"]\n' });
    expect(check({ check: 'lint-clean', file: 'app/Dockerfile', rules: ['DL3007'] }).ok).toBe(false);
    expect(check({ check: 'lint-clean', file: 'app/Dockerfile', rules: ['DL3020'] }).ok).toBe(true);
    expect(check({ check: 'file-contains', file: 'app/Dockerfile', text: 'node:latest' }).ok).toBe(true);
    expect(check({ check: 'lint-clean', file: 'nope/Dockerfile', rules: ['DL3007'] }).message).toBe('There is no file nope/Dockerfile.');
  });
});
