/// <reference lib="dom" />
/**
 * The build visuals (issue 5, views 1-4) driven from the console in a real Chromium:
 * the layer stack's hits and misses with the changed file named, a layer's files on
 * focus, the cache what-if after an edit, the build context with .dockerignore'd files,
 * and a multi-stage graph with a skipped stage. Screenshots at 1280x720 and 390x844,
 * light and dark, and with Large type (test-results/viz-*.png).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumNote, focusConsole, haveChromium, isNarrow, launch, openApp, shot, type, VIEWPORTS } from './harness.js';

let browser: Browser | undefined;

const narrow = isNarrow;


async function showView(page: Page, label: string): Promise<void> {
  if (narrow(page)) await page.getByRole('button', { name: 'Visuals', exact: true }).click();
  await page.getByRole('tab', { name: label, exact: true }).click();
}

async function largeType(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Menu' }).click();
  await page.getByLabel('Large type').check();
  await page.keyboard.press('Escape');
}

/** Dark and Large type (how a projector shows it): a second screenshot. */
async function projector(page: Page, name: string): Promise<void> {
  if (narrow(page)) return;
  await page.emulateMedia({ colorScheme: 'dark' });
  await largeType(page);
  await shot(page, `${name}-dark-large`);
}

const MULTI = [
  'FROM oracle-base:local AS build',
  'COPY hello.txt /src/hello.txt',
  'RUN cp /src/hello.txt /src/out.txt',
  'FROM oracle-base:local AS docs',
  'RUN echo docs > /docs.txt',
  'FROM oracle-base:local',
  'COPY --from=build /src/out.txt /out.txt',
  'CMD ["cat", "/out.txt"]',
];

describe.skipIf(!haveChromium)(`build visuals in Chromium (${chromiumNote})`, () => {
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  for (const viewport of VIEWPORTS) {
    for (const scheme of ['light', 'dark'] as const) {
      const tag = `${scheme}-${viewport.width}x${viewport.height}`;
      it(`layer stack: a rebuild after a file change shows the hit base, the miss naming the file, and the layer's files (${tag})`, async () => {
        const context = await browser!.newContext({ viewport, colorScheme: scheme });
        const { page, errors } = await openApp(context);
        if (scheme === 'dark' && viewport.width === 1280) await largeType(page);
        await focusConsole(page);
        await type(page, 'cd hello');
        await type(page, 'docker build -t hello .');
        await type(page, "echo 'Hello again' > hello.txt");
        await type(page, 'docker build -t hello .');
        await showView(page, 'Layers');
        const miss = page.locator('g.row[data-status="miss"]');
        await miss.first().waitFor();
        expect(await miss.count()).toBe(1);
        expect(await miss.first().getAttribute('aria-label')).toMatch(/COPY hello\.txt \/hello\.txt, .*cache miss: files changed: hello\.txt/);
        expect(await page.locator('g.row[data-status="base"]').count()).toBeGreaterThan(0);
        await miss.first().focus();
        await expect.poll(() => page.locator('[data-testid="layer-files"]').textContent()).toContain('/hello.txt');
        expect(await page.locator('[data-testid="layer-files"]').textContent()).toContain('added');
        await shot(page, `viz-layers-${scheme}`);

        // the what-if: change the file again and open the Dockerfile; the stack predicts the miss
        await focusConsole(page);
        await type(page, 'echo x > hello.txt');
        if (narrow(page)) await page.getByRole('button', { name: 'Editor', exact: true }).click();
        await page.click('[role="treeitem"][data-path="/workspace/hello/Dockerfile"]');
        await showView(page, 'Layers');
        const whatif = page.locator('[data-testid="whatif"]');
        // the editor recomputes its prediction shortly after each command
        await expect.poll(() => whatif.textContent(), { timeout: 5000 }).toMatch(/would miss[\s\S]*hello\.txt/);
        // the stack redraws its rows after the what-if panel: wait for the row's label too
        await expect.poll(() => page.locator('g.row[data-status="miss"]').first().getAttribute('aria-label'), { timeout: 5000 }).toContain('would miss if built now: files changed: hello.txt');
        await shot(page, `viz-whatif-${scheme}`);
        expect(errors).toEqual([]);
        await context.close();
      });
    }

    it(`context: the app folder's .dockerignore'd files and what each COPY read (${viewport.width}x${viewport.height})`, async () => {
      // reduced motion: the stack draws its end state at once (no build flash)
      const context = await browser!.newContext({ viewport, reducedMotion: 'reduce' });
      const { page, errors } = await openApp(context);
      await focusConsole(page);
      await type(page, 'cd app');
      await type(page, 'mkdir -p node_modules/left-pad');
      await type(page, "echo 'module.exports = 1' > node_modules/left-pad/index.js");
      await type(page, 'echo oops > npm-debug.log');
      await type(page, 'docker build -t app .');
      await showView(page, 'Context');
      const view = page.locator('[data-testid="context-view"]');
      await view.waitFor();
      const text = (await view.textContent()) ?? '';
      expect(text).toContain('npm-debug.log');
      expect(text).toContain('node_modules');
      expect(text).toMatch(/COPY package\.json/);
      expect(await page.locator('[data-testid="context-excluded"]').textContent()).toContain('npm-debug.log');
      await shot(page, 'viz-context');

      // change package.json: its COPY misses and every later step misses with it (the cascade)
      await focusConsole(page);
      await type(page, `echo '{"name": "app", "version": "1.0.1"}' > package.json`);
      await type(page, 'docker build -t app .');
      await showView(page, 'Layers');
      await page.locator('g.row[data-status="miss"]').first().waitFor();
      const labels = await page.locator('g.row[data-status="miss"]').evaluateAll((gs) => gs.map((g) => g.getAttribute('aria-label') ?? ''));
      expect(labels.join('\n')).toMatch(/COPY package\.json.*files changed: package\.json/);
      expect(labels.join('\n')).toMatch(/RUN .*npm install.*parent missed/);
      expect(await page.locator('path.cascade').count()).toBe(1);
      expect(await page.locator('rect.flash').evaluateAll((rs) => rs.every((r) => r.getAttribute('opacity') === '0'))).toBe(true);
      await shot(page, 'viz-layers-cascade');
      await showView(page, 'Context');
      await projector(page, 'viz-context');
      expect(errors).toEqual([]);
      await context.close();
    });

    it(`stages: a multi-stage build draws its graph with the skipped stage (${viewport.width}x${viewport.height})`, async () => {
      const context = await browser!.newContext({ viewport });
      const { page, errors } = await openApp(context);
      await focusConsole(page);
      await type(page, 'cd hello');
      // the console has no printf: one echo per line
      for (const l of MULTI) await type(page, `echo '${l}' >> Dockerfile.multi`);
      await type(page, 'docker build -f Dockerfile.multi -t multi .');
      await showView(page, 'Stages');
      const node = page.locator('g.stage[data-stage="docs"]');
      await node.waitFor();
      expect(await node.getAttribute('data-built')).toBe('false');
      expect(await node.getAttribute('aria-label')).toContain('skipped');
      expect(await page.locator('g.stage[data-stage="build"]').getAttribute('data-built')).toBe('true');
      expect(await page.locator('path.edge.copy').count()).toBe(1);
      expect(await page.locator('[data-testid="stages-view"]').textContent()).toMatch(/final image/i);
      await node.focus();
      await expect.poll(() => page.locator('[data-testid="stages-view"] .detail').textContent()).toContain('skipped');
      await shot(page, 'viz-stages');
      await projector(page, 'viz-stages');
      expect(errors).toEqual([]);
      await context.close();
    });
  }
});
