/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * Offline after the first visit: the built site's service worker (sw.js, from
 * vite-plugin-pwa) precaches every emitted file, so with the network gone a reload
 * still opens the app from the sub-path it was served from, and a build (whose
 * engine may sit in a lazily loaded chunk) still runs.
 */
import { expect, it, describe, beforeAll, afterAll } from 'vitest';
import type { Browser } from 'playwright-core';
import { appUrl, chromiumNote, haveChromium, launch, openApp, screen, shot, type } from './harness.js';

let browser: Browser | undefined;

/**
 * Every JavaScript file reachable from the served index.html: its scripts, and each chunk a
 * chunk names (`"./x.js"` in an `import()`, `"assets/x.js"` in a preload list), lazy ones too.
 */
async function reachableChunks(base: string): Promise<string[]> {
  const html = await (await fetch(base)).text();
  const queue = [...html.matchAll(/(?:src|href)="\.\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
  const found = new Set<string>();
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (found.has(file)) continue;
    const res = await fetch(base + file);
    if (!res.ok) continue; // a string in some library's code that only looks like a chunk
    found.add(file);
    for (const m of (await res.text()).matchAll(/["'`](?:\.\/|assets\/)([\w.-]+\.js)["'`]/g)) queue.push(`assets/${m[1]}`);
  }
  return [...found].sort();
}

describe.skipIf(!haveChromium)(`the app offline (${chromiumNote})`, () => {
  beforeAll(async () => {
    browser = await launch();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('opens and builds an image with the network gone, after one online visit to its sub-path', async () => {
    const context = await browser!.newContext({ viewport: { width: 1280, height: 720 } });
    const { page, errors } = await openApp(context);
    expect(new URL(page.url()).pathname).toBe('/layerlab/');

    // the worker's scope is the sub-path, and it controls this first page (clients.claim())
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 15_000 });
    const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
    expect(scope).toBe(appUrl());

    // every chunk is precached, the lazily loaded ones too, so no code path needs the network
    const cached = await page.evaluate(async () => {
      const urls: string[] = [];
      for (const name of await caches.keys()) for (const req of await (await caches.open(name)).keys()) urls.push(req.url);
      return urls;
    });
    const cachedPaths = new Set(cached.map((u) => new URL(u).pathname.replace(/^\/layerlab\//, '')));
    const chunks = await reachableChunks(appUrl());
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.filter((c) => !cachedPaths.has(c))).toEqual([]);
    expect(cachedPaths.has('index.html')).toBe(true);

    expect(errors).toEqual([]);
    await context.setOffline(true);
    // the network is really gone: a URL the worker has not precached fails (Chromium logs that failure)
    const probe = await page.evaluate(() =>
      fetch(`./index.html?offline-probe=${Date.now()}`, { cache: 'no-store' }).then(
        () => 'fetched',
        () => 'failed',
      ),
    );
    expect(probe).toBe('failed');
    errors.length = 0;

    const reloaded = await page.reload();
    expect(reloaded?.fromServiceWorker()).toBe(true);
    await page.waitForSelector('.xterm-helper-textarea');
    expect(new URL(page.url()).pathname).toBe('/layerlab/');
    await page.click('.xterm');
    await type(page, 'cd hello');
    await type(page, 'docker build -t hello .');
    expect(await screen(page)).toContain('naming to docker.io/library/hello done');
    await shot(page, 'offline');
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);
});
