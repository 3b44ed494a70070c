/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The app in a real browser: the built site, served from a sub-path (global-setup.ts),
 * driven in Debian's Chromium with Playwright. Skipped (with the reason) where
 * no Chromium is installed; CI installs it. Screenshots at 1280x720 and
 * 390x844 land in test-results/ for a person to look at.
 */
import { expect, it, describe, beforeAll, afterAll } from 'vitest';
import type { Browser } from 'playwright-core';
import { chromiumNote, haveChromium, launch, openApp, screen, shot, type, VIEWPORTS } from './harness.js';

let browser: Browser | undefined;

describe.skipIf(!haveChromium)(`the app in Chromium (${chromiumNote})`, () => {
  beforeAll(async () => {
    browser = await launch();
  });

  afterAll(async () => {
    await browser?.close();
  });

  for (const { width, height } of VIEWPORTS) {
    it(`builds and runs an image from the console, and finds it again after a reload (${width}x${height})`, async () => {
      const context = await browser!.newContext({ viewport: { width, height } });
      const { page, errors } = await openApp(context);
      await page.click('.xterm');
      await type(page, 'cd hello');
      await type(page, 'docker build -t hello .');
      expect(await screen(page)).toContain('naming to docker.io/library/hello done');
      await type(page, 'docker run --rm hello');
      expect(await screen(page)).toContain('Hello from Layerlab!');
      await type(page, 'docker build -t hello .');
      expect(await screen(page)).toMatch(/#\d+ CACHED/);
      await shot(page, 'console');
      if (width >= 1000) {
        // edit a file the build copies: the editor predicts the COPY step would run again
        await page.click('[role="treeitem"][data-path$="/hello/hello.txt"], .tree button:text-is("hello/hello.txt")');
        // CodeMirror arrives in its own chunk; type into it as a person would
        await page.click('.cm-content[aria-label$="/hello/hello.txt"]');
        await page.keyboard.press('Control+a');
        await page.keyboard.type('Hello again!\n');
        await page.keyboard.press('Control+s');
        await page.click('[role="treeitem"][data-path$="/hello/Dockerfile"], .tree button:text-is("hello/Dockerfile")');
        await page.waitForSelector('.predict .miss', { timeout: 5000 });
        expect(await page.locator('.predict').innerText()).toContain('line 2: runs');
        // the same prediction in the gutter, beside the COPY line, with the reason on hover
        expect(await page.locator('.cm-predict-miss').first().getAttribute('title')).toMatch(/^line 2: runs \(files changed: .*hello\.txt/);
        expect(await page.locator('.cm-lintRange-info, .cm-lintRange-warning, .cm-lintRange-error').count()).toBeGreaterThan(0);
        await shot(page, 'editor-predict');
        await page.click('.xterm');
        await type(page, 'docker build -t hello . && docker run --rm hello');
        expect(await screen(page)).toContain('Hello again!');
      }
      // the world is saved in IndexedDB (debounced by 400 ms): a reload continues where we were
      await page.waitForSelector('text=Saved');
      await page.waitForTimeout(1500);
      await page.reload();
      await page.waitForSelector('.xterm-helper-textarea');
      await page.click('.xterm');
      await type(page, 'docker images hello');
      expect(await screen(page)).toMatch(/hello\s+latest\s+[0-9a-f]{12}/);
      expect(errors).toEqual([]);
      await context.close();
    }, 60_000);
  }
});
