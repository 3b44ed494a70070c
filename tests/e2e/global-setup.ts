/**
 * Once per e2e run: build the app (`vite build` into test-results/e2e-dist) and serve it from a
 * sub-path. Test files read the URL with `inject('appUrl')` (see harness.ts).
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TestProject } from 'vitest/node';
import { serveStatic, type StaticServer } from './static-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    appUrl: string;
    /** The built app's folder (the companion server serves it in the real-mode test). */
    distDir: string;
  }
}

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
/** Where the e2e build goes: one folder per run, so two runs at once never share files. */
const OUT = path.join(ROOT, 'test-results', `e2e-dist-${process.pid}`);
/** The sub-path the e2e suite serves the app under. */
export const BASE = '/layerlab/';

let server: StaticServer | undefined;

export async function setup(project: TestProject): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    // vitest sets NODE_ENV=test, which would give a development build (Svelte's dev mode, import.meta.env.PROD false)
    const env = { ...process.env, NODE_ENV: 'production' };
    const b = spawn(path.join(ROOT, 'node_modules/.bin/vite'), ['build', '--logLevel', 'error', '--outDir', OUT, '--emptyOutDir'], { cwd: ROOT, stdio: 'inherit', env });
    b.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`vite build exited ${code}`))));
  });
  server = await serveStatic(OUT, BASE);
  project.provide('appUrl', server.url);
  project.provide('distDir', OUT);
}

export async function teardown(): Promise<void> {
  await server?.close();
  fs.rmSync(OUT, { recursive: true, force: true });
}
