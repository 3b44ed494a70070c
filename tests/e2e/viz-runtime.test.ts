/// <reference lib="dom" />
/**
 * The runtime views (Registry, Containers, Lifecycle) in a real Chromium, driven from the
 * console: what each view shows after pushes, pulls, runs and removals, in words (their text
 * versions) and on screen. Screenshots at 1280x720 and 390x844 in test-results/viz-*.png.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumNote, focusConsole, haveChromium, isNarrow, launch, openApp, shot, type, VIEWPORTS } from './harness.js';

let browser: Browser | undefined;

const phone = isNarrow;


async function showView(page: Page, name: string): Promise<void> {
  if (phone(page)) await page.getByRole('button', { name: 'Visuals', exact: true }).click();
  await page.getByRole('tab', { name, exact: true }).click();
}

/** The view's text version, one fact a line. */
async function facts(page: Page, id: string): Promise<string> {
  return (await page.locator(`#${id}`).textContent({ timeout: 5000 })) ?? '';
}

describe.skipIf(!haveChromium)(`runtime views in Chromium (${chromiumNote})`, () => {
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  for (const viewport of VIEWPORTS) {
    const size = `${viewport.width}x${viewport.height}`;

    it(`Registry: uploads, already there, mounted, pulled, with running totals (${size})`, async () => {
      const context = await browser!.newContext({ viewport });
      const { page, errors } = await openApp(context);
      await focusConsole(page);
      await type(page, 'cd hello');
      await type(page, 'docker build -t localhost:5000/hello:v1 .');
      await type(page, 'docker push localhost:5000/hello:v1');
      await showView(page, 'Registry');
      expect(await facts(page, 'reg-grid-desc')).toMatch(/Layer 2 of 2 of localhost:5000\/hello:v1, [\d.]+ \w?B, uploaded to localhost:5000\/hello/);
      await focusConsole(page);
      await type(page, 'docker push localhost:5000/hello:v1');
      await showView(page, 'Registry');
      expect(await facts(page, 'reg-grid-desc')).toContain('already in localhost:5000/hello');
      await focusConsole(page);
      await type(page, 'docker tag localhost:5000/hello:v1 localhost:5000/other:v1');
      await type(page, 'docker push localhost:5000/other:v1');
      await showView(page, 'Registry');
      const mounted = await facts(page, 'reg-grid-desc');
      expect(mounted).toContain('mounted from localhost:5000/hello into localhost:5000/other');
      expect(mounted).toMatch(/localhost:5000: 2 manifests, 2 layers stored once/);
      await shot(page, 'viz-registry-mounted');
      await focusConsole(page);
      await type(page, 'docker pull alpine:3.19');
      await showView(page, 'Registry');
      const pulled = await facts(page, 'reg-grid-desc');
      expect(pulled).toMatch(/Layer 1 of \d+ of alpine:3.19, .*downloaded from alpine/);
      await expect.poll(() => page.getByTestId('registry-totals').textContent()).toMatch(/moved, [\s\S]* saved in 4\s+transfers/);
      // the slider re-times the view only
      const before = await page.getByTestId('registry-totals').textContent();
      await page.locator('.registry input[type=range]').fill('10');
      expect(await page.getByTestId('registry-totals').textContent()).not.toBe(before);
      await page.waitForTimeout(1500);
      await shot(page, 'viz-registry-pulled');
      await page.evaluate(() => (document.documentElement.dataset.theme = 'dark'));
      await shot(page, 'viz-registry-dark');
      expect(errors).toEqual([]);
      await context.close();
    });

    it(`Containers: a container on its image with its diff, a volume outside; rm keeps the volume (${size})`, async () => {
      const context = await browser!.newContext({ viewport });
      const { page, errors } = await openApp(context);
      await focusConsole(page);
      await type(page, 'docker run -d --name web -v data:/data oracle-base:local sleep 1000');
      await showView(page, 'Containers');
      await page.locator('svg [data-name="web"]').waitFor();
      expect(await facts(page, 'ctr-desc')).toMatch(/Container web \(running\) on oracle-base:local: writable layer .*mounts volume data at \/data/);
      await focusConsole(page);
      await type(page, `docker exec web sh -c 'echo hi > /data/x; echo new > /tmp/n'`);
      await showView(page, 'Containers');
      await expect.poll(() => facts(page, 'ctr-desc')).toMatch(/added \/tmp\/n/);
      expect(await page.locator('svg [data-name="web"]').textContent()).toContain('A /tmp/n');
      await shot(page, 'viz-containers');
      await focusConsole(page);
      await type(page, 'docker rm -f web');
      await showView(page, 'Containers');
      await page.locator('svg [data-name="web"]').waitFor({ state: 'detached' });
      const after = await facts(page, 'ctr-desc');
      expect(after).not.toContain('Container web');
      expect(after).toContain('Volume data: 3 B, used by no container');
      await shot(page, 'viz-containers-removed');
      expect(errors).toEqual([]);
      await context.close();
    });

    it(`Lifecycle: objects move through created, running, exited and deleted (${size})`, async () => {
      const context = await browser!.newContext({ viewport });
      const { page, errors } = await openApp(context);
      await focusConsole(page);
      await type(page, 'cd hello');
      await type(page, 'docker build -t hello .');
      await type(page, 'docker create --name web hello');
      await showView(page, 'Lifecycle');
      const facts1 = await facts(page, 'life-desc');
      expect(facts1).toContain('created: web.');
      expect(facts1).toMatch(/image: [^.]*hello:latest/);
      await focusConsole(page);
      await type(page, 'docker run -d --name api oracle-base:local sleep 1000');
      await showView(page, 'Lifecycle');
      await expect.poll(() => facts(page, 'life-desc')).toContain('running: api.');
      await page.waitForTimeout(300);
      await shot(page, 'viz-lifecycle-running');
      await focusConsole(page);
      await type(page, 'docker stop api');
      await showView(page, 'Lifecycle');
      await expect.poll(() => page.getByTestId('lifecycle-last').textContent()).toMatch(/api: running → exited/);
      expect(await facts(page, 'life-desc')).toContain('exited (stopped): api.');
      await focusConsole(page);
      await type(page, 'docker rm web api');
      await showView(page, 'Lifecycle');
      await expect.poll(() => facts(page, 'life-desc')).toContain('deleted: web, api.');
      expect(await facts(page, 'life-desc')).toContain('created: nothing.');
      await page.waitForTimeout(1600);
      await shot(page, 'viz-lifecycle-deleted');
      await page.evaluate(() => (document.documentElement.dataset.theme = 'dark'));
      await shot(page, 'viz-lifecycle-dark');
      expect(errors).toEqual([]);
      await context.close();
    });
  }
});
