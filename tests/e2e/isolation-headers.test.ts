/// <reference lib="dom" />
/**
 * Cross-origin isolation (WebContainer needs it) on every server that serves the app: Vite's dev
 * server and `vite preview` (vite.config.ts) and the companion server (server/static.ts) send
 * COOP and COEP on the page and its scripts, and Chromium reports the page isolated. The e2e
 * sub-path server stands for a static host that sends no headers: there the page is not isolated.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { createServer, preview } from 'vite';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startServer } from '../../server/app.js';
import { newToken } from '../../server/guard.js';
import { appUrl, chromiumNote, haveChromium, launch, ROOT, SHOTS } from './harness.js';

/** A running server: the app's URL and how to stop it. */
interface Served {
  url: string;
  close(): Promise<void>;
}

/** What the browser saw when it opened `url`: the page's and a script's response headers, and whether it is isolated. */
interface Visit {
  page: Record<string, string>;
  script: Record<string, string>;
  isolated: boolean;
}

const ISOLATED = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };

const SERVERS: { name: string; start(): Promise<Served> }[] = [
  {
    name: 'the Vite dev server',
    async start() {
      // no dependency optimizing (it writes after close, and the headers do not depend on it) and no file
      // watching; its own cache folder, so it never touches a developer's `npm run dev` cache
      const cacheDir = path.join(SHOTS, `vite-dev-cache-${process.pid}`);
      const server = await createServer({
        root: ROOT,
        logLevel: 'silent',
        cacheDir,
        optimizeDeps: { noDiscovery: true, include: [] },
        server: { port: 0, host: '127.0.0.1', watch: null },
      });
      await server.listen();
      return {
        url: server.resolvedUrls!.local[0]!,
        close: async () => {
          await server.close();
          fs.rmSync(cacheDir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: 'vite preview',
    async start() {
      const server = await preview({ root: ROOT, logLevel: 'silent', build: { outDir: inject('distDir') }, preview: { port: 0, host: '127.0.0.1' } });
      return { url: server.resolvedUrls!.local[0]!, close: () => server.close() };
    },
  },
  {
    name: 'the companion server (no Docker engine needed)',
    async start() {
      const server = await startServer({ port: 0, listen: '127.0.0.1', distDir: inject('distDir'), token: newToken(), real: null, offReason: 'test' });
      return { url: server.url, close: () => server.close() };
    },
  },
];

let browser: Browser | undefined;

/** Opens `url` in a fresh context and reports the headers and `crossOriginIsolated`. */
async function visit(url: string): Promise<Visit> {
  const context = await browser!.newContext();
  try {
    const page = await context.newPage();
    const script = page.waitForResponse((r) => r.request().resourceType() === 'script' && r.ok());
    const response = await page.goto(url, { waitUntil: 'commit' });
    const scriptHeaders = (await script).headers();
    return { page: response!.headers(), script: scriptHeaders, isolated: await page.evaluate(() => crossOriginIsolated) };
  } finally {
    await context.close();
  }
}

describe.skipIf(!haveChromium)(`cross-origin isolation (${chromiumNote})`, () => {
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  for (const { name, start } of SERVERS) {
    it(`${name} sends COOP and COEP on the page and its scripts, so the page is cross-origin isolated`, async () => {
      const server = await start();
      try {
        const seen = await visit(server.url);
        expect(seen.page).toMatchObject(ISOLATED);
        expect(seen.script).toMatchObject(ISOLATED);
        expect(seen.isolated).toBe(true);
      } finally {
        await server.close();
      }
    });
  }

  it('a static host that sends no headers leaves the page not isolated', async () => {
    const seen = await visit(appUrl());
    expect(seen.page['cross-origin-embedder-policy']).toBeUndefined();
    expect(seen.isolated).toBe(false);
  });
});
