/// <reference lib="dom" />
/**
 * Real mode in Chromium: the companion server serves the app and a real engine; the page
 * opens with the launch token, the console's docker build runs on the engine, and the
 * layer view draws the steps the engine reported. Screenshot: test-results/real-mode.png.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startServer, type RunningServer } from '../../server/app.js';
import { newToken } from '../../server/guard.js';
import { connectEngine, type EngineConnection } from '../../server/real.js';
import { noEngine } from '../server/engine.js';
import { chromiumNote, focusConsole, haveChromium, launch, screen, shot, type } from './harness.js';

let browser: Browser | undefined;
let server: RunningServer | undefined;
let engine: EngineConnection | undefined;

describe.skipIf(!haveChromium || noEngine !== null)(`real mode in Chromium (${noEngine ? `skipped: no Docker engine: ${noEngine}` : chromiumNote})`, () => {
  beforeAll(async () => {
    engine = await connectEngine({ seed: true, registry: 'off' });
    if (!engine.ok) throw new Error(engine.reason);
    server = await startServer({ port: 0, listen: '127.0.0.1', distDir: inject('distDir'), token: newToken(), real: engine.real });
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (engine?.ok) await engine.shutdown();
  });

  it('builds on the real engine from the console, and the layer view draws what it reported', async () => {
    const context = await browser!.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    const response = await page.goto(server!.openUrl);
    // cross-origin isolation (WebContainer needs it) and the hardening headers, on the page itself
    expect(response!.headers()).toMatchObject({ 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp', 'x-content-type-options': 'nosniff' });
    await expect.poll(() => page.locator('.status').textContent(), { timeout: 20_000 }).toMatch(/^Real Docker on /);
    // the token left the address bar
    expect(page.url()).not.toMatch(/token/);
    await focusConsole(page);
    try {
    // the console says where commands run and which base images exist (no Docker Hub here)
    await expect.poll(async () => (await screen(page)).replace(/\n/g, ' ')).toMatch(/Base images to build FROM: busybox:latest, oracle-base:local/);
    await type(page, 'cd hello');
    await type(page, `echo "RUN echo ${Date.now()} > /built" >> Dockerfile`);
    await page.keyboard.type('docker build -t hello .');
    const before = await screen(page);
    await page.keyboard.press('Enter');
    await page.waitForFunction((prev) => document.querySelector('.xterm-rows')?.textContent !== prev && /learner@layerlab:\S*\$\s*$/.test(document.querySelector('.xterm-rows')?.textContent ?? ''), before, { timeout: 60_000 });
    expect(await screen(page)).toMatch(/naming to docker\.io\/library\/hello:latest/);
    await type(page, 'docker run --rm hello');
    expect(await screen(page)).toMatch(/Hello from Layerlab!/);
    // the layer view shows the build's steps, the new RUN among them
    await page.getByRole('tab', { name: 'Layers', exact: true }).click();
    await expect.poll(() => page.locator('#viz-panel').textContent(), { timeout: 10_000 }).toMatch(/RUN echo/);
    // a layer's files, which the server reads from the engine when the view first asks
    await page.locator('#viz-panel').getByText(/^COPY hello\.txt/).first().hover();
    await expect.poll(() => page.locator('#viz-panel').textContent(), { timeout: 10_000 }).toMatch(/hello\.txt\s*21\s*B/);
    await shot(page, 'real-mode');
    // the context view: what the build sent, computed in the page from the learner's workspace
    await page.getByRole('tab', { name: 'Context', exact: true }).click();
    await expect.poll(() => page.locator('#viz-panel').textContent(), { timeout: 10_000 }).toMatch(/hello\.txt/);
    // container vs VM: the real host (its kernel, not the simulator's example)
    await page.getByRole('tab', { name: 'Container vs VM', exact: true }).click();
    await expect.poll(() => page.locator('#viz-panel').textContent(), { timeout: 10_000 }).toMatch(/Real host/);
    await shot(page, 'real-mode-isolation');
    // a refused flag says why, and nothing reaches the daemon
    await focusConsole(page);
    await type(page, 'docker run --privileged hello');
    expect(await screen(page)).toMatch(/--privileged is not allowed/);
    // a lesson whose base this host lacks says so up front; one on a seeded base does not
    const openLesson = async (title: string) => {
      const back = page.getByRole('button', { name: '← All lessons' });
      if (await back.isVisible()) await back.click();
      await page.locator('.open-lesson', { hasText: title }).click();
      const replace = page.getByRole('button', { name: 'Replace my files' });
      if (await replace.waitFor({ timeout: 2000 }).then(() => true, () => false)) await replace.click();
      await page.getByRole('heading', { name: title }).waitFor();
    };
    await openLesson('The build cache and layer order');
    await expect.poll(() => page.locator('.pane .note').textContent(), { timeout: 10_000 }).toMatch(/does not have node:20-alpine.*Real mode has busybox:latest, oracle-base:local/s);
    await shot(page, 'real-mode-lesson-unavailable');
    // the lesson started from a cold engine: the image built above is gone
    await focusConsole(page);
    await type(page, 'docker images hello');
    expect(await screen(page)).toMatch(/REPOSITORY +TAG +IMAGE ID +CREATED +SIZE\s*learner@layerlab/);
    await openLesson('Images and layers');
    await page.waitForTimeout(500);
    expect(await page.locator('.pane .note').count()).toBe(0);
    } catch (e) {
      await shot(page, 'real-mode-failed');
      throw new Error(`${(e as Error).message}\nconsole:\n${await screen(page)}`);
    }
    expect(errors).toEqual([]);
    await context.close();
  });
});
