/// <reference lib="dom" />
/**
 * The app's flows a learner counts on, in a real Chromium: Ctrl-C stops a long pull,
 * export then import into a fresh browser profile, and a share link opened elsewhere.
 * Each saves screenshots at 1280x720 and 390x844 (test-results/).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumNote, focusConsole, haveChromium, launch, openApp, screen, shot, type, VIEWPORTS, waitForPrompt } from './harness.js';

let browser: Browser | undefined;


describe.skipIf(!haveChromium)(`app flows in Chromium (${chromiumNote})`, () => {
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  for (const viewport of VIEWPORTS) {
    it(`Ctrl-C cancels a long pull part-way and leaves no image (${viewport.width}x${viewport.height})`, async () => {
      const context = await browser!.newContext({ viewport });
      const { page, errors } = await openApp(context);
      await focusConsole(page);
      await page.keyboard.type('docker pull node:20');
      const before = await screen(page);
      await page.keyboard.press('Enter');
      // node:20 is hundreds of MB at the simulated link speed: it is still downloading
      await page.waitForFunction(() => /Downloading/.test(document.querySelector('.xterm-rows')?.textContent ?? ''), undefined, { timeout: 10_000 });
      await shot(page, 'pull-progress');
      await page.keyboard.press('Control+c');
      await waitForPrompt(page, before);
      const after = await screen(page);
      expect(after).toContain('^C');
      expect(after).not.toContain('Status: Downloaded newer image');
      await type(page, 'docker images node');
      expect((await screen(page)).split('\n').some((l) => /^node\s+20\s/.test(l))).toBe(false);
      await shot(page, 'pull-cancelled');
      expect(errors).toEqual([]);
      await context.close();
    });
  }

  it('exports everything and imports it into a fresh profile', async () => {
    const first = await browser!.newContext({ viewport: VIEWPORTS[0], acceptDownloads: true });
    const { page } = await openApp(first);
    await focusConsole(page);
    await type(page, 'cd hello');
    await type(page, 'docker build -t exported .');
    await type(page, 'echo kept > note.txt');
    await page.getByRole('button', { name: 'Menu' }).click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /^Export/ }).click()]);
    // the download goes when its context closes: keep a copy
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'layerlab-export-')), download.suggestedFilename());
    await download.saveAs(file);
    expect(download.suggestedFilename()).toMatch(/^layerlab-\d{4}-\d{2}-\d{2}\.json$/);
    const json = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    expect(json).toBeTypeOf('object');
    await first.close();

    for (const viewport of VIEWPORTS) {
      const fresh = await browser!.newContext({ viewport });
      const { page: p2, errors } = await openApp(fresh);
      await p2.getByRole('button', { name: 'Menu' }).click();
      await Promise.all([p2.waitForEvent('load'), p2.setInputFiles('.menu-panel input[type=file]', file)]);
      await p2.waitForSelector('.xterm-helper-textarea');
      await focusConsole(p2);
      await type(p2, 'docker images exported');
      expect(await screen(p2)).toMatch(/exported\s+latest\s+[0-9a-f]{12}/);
      await type(p2, 'cat /workspace/hello/note.txt');
      expect(await screen(p2)).toContain('kept');
      await shot(p2, 'imported');
      expect(errors).toEqual([]);
      await fresh.close();
    }
  });

  it('a share link opens the workspace in a fresh world, replays its builds, and can be kept', async () => {
    const origin = await browser!.newContext({ viewport: VIEWPORTS[0] });
    await origin.grantPermissions(['clipboard-read', 'clipboard-write']);
    const { page } = await openApp(origin);
    await focusConsole(page);
    await type(page, 'cd hello');
    await type(page, 'echo "Shared hello" > hello.txt');
    await type(page, 'docker build -t shared .');
    await page.getByRole('button', { name: 'Share' }).click();
    const link = await page.locator('.notice.share input').inputValue();
    expect(link).toMatch(/#share=[A-Za-z0-9_-]+$/);
    await shot(page, 'share-made');
    await origin.close();

    for (const viewport of VIEWPORTS) {
      const other = await browser!.newContext({ viewport });
      const p2 = await other.newPage();
      const errors: string[] = [];
      p2.on('pageerror', (e) => errors.push(String(e)));
      await p2.goto(link);
      await p2.getByText('This is a shared workspace').waitFor({ timeout: 15_000 });
      await focusConsole(p2);
      await type(p2, 'docker run --rm shared');
      expect(await screen(p2)).toContain('Shared hello');
      await shot(p2, 'share-opened');
      // keeping it makes it this browser's saved workspace
      await p2.getByRole('button', { name: 'Keep it as my workspace' }).click();
      await p2.waitForFunction(() => !location.hash);
      await p2.waitForTimeout(800);
      await p2.reload();
      await p2.waitForSelector('.xterm-helper-textarea');
      await focusConsole(p2);
      await type(p2, 'docker images shared');
      expect(await screen(p2)).toMatch(/shared\s+latest/);
      expect(errors).toEqual([]);
      await other.close();
    }
  });

  it('a broken share link says what is wrong and opens the learner’s own work', async () => {
    const context = await browser!.newContext({ viewport: VIEWPORTS[0] });
    const { page } = await openApp(context, '#share=not*valid');
    await page.getByText('This share link is corrupt').waitFor();
    await focusConsole(page);
    await type(page, 'pwd');
    expect(await screen(page)).toContain('/workspace');
    await context.close();
  });
});

describe.skipIf(!haveChromium)(`keyboard only (${chromiumNote})`, () => {
  let kb: Browser | undefined;
  beforeAll(async () => {
    kb = await launch();
  });
  afterAll(async () => {
    await kb?.close();
  });

  for (const viewport of VIEWPORTS) {
    it(`reaches the console with Tab, edits a file and rebuilds without the mouse (${viewport.width}x${viewport.height})`, async () => {
      const context = await kb!.newContext({ viewport });
      const { page, errors } = await openApp(context);
      if (viewport.width < 760) {
        // on a phone the panes are tabs: the Console tab is the first pane shown
        await page.waitForSelector('.xterm');
      }
      let inConsole = false;
      for (let i = 0; i < 40 && !inConsole; i++) {
        await page.keyboard.press('Tab');
        inConsole = await page.evaluate(() => document.activeElement?.classList.contains('xterm-helper-textarea') ?? false);
      }
      expect(inConsole).toBe(true);
      await type(page, 'cd hello');
      await type(page, 'docker build -t kb .');
      // `edit` hands the keyboard to the editor (on a phone the Editor tab comes to the front)
      await page.keyboard.type('edit hello.txt');
      await page.keyboard.press('Enter');
      // the editor has the keyboard (not the console's own textarea, which has it until `edit` hands it over)
      await page.waitForFunction(() => {
        const el = document.activeElement;
        return !!el && (el.closest('.cm-content') !== null || (el.tagName === 'TEXTAREA' && !el.classList.contains('xterm-helper-textarea')));
      });
      await page.keyboard.press('Control+a');
      await page.keyboard.type('Typed without a mouse\n');
      await page.keyboard.press('Control+s');
      await shot(page, 'keyboard-edit');
      // Ctrl-` comes back to the console
      await page.keyboard.press('Control+Backquote');
      await page.waitForFunction(() => document.activeElement?.classList.contains('xterm-helper-textarea') ?? false);
      await type(page, 'docker build -t kb . && docker run --rm kb');
      const text = await screen(page);
      expect(text).toContain('Typed without a mouse');
      expect(text).toMatch(/\[2\/2\] COPY hello.txt/);
      await shot(page, 'keyboard-rebuilt');
      expect(errors).toEqual([]);
      await context.close();
    });
  }
});

describe.skipIf(!haveChromium)(`two tabs (${chromiumNote})`, () => {
  let b2: Browser | undefined;
  beforeAll(async () => {
    b2 = await launch();
  });
  afterAll(async () => {
    await b2?.close();
  });

  it('a second tab is told it does not save, and the first keeps its work', async () => {
    const context = await b2!.newContext({ viewport: VIEWPORTS[0] });
    const { page: first } = await openApp(context);
    await focusConsole(first);
    await type(first, 'cd hello && docker build -t first .');
    await first.waitForSelector('text=Saved');
    const { page: second } = await openApp(context);
    await second.getByText('already open in another tab').waitFor();
    expect(await second.getByRole('button', { name: 'Reload this tab' }).isVisible()).toBe(true);
    await shot(second, 'second-tab');
    // the second tab's changes stay in that tab: the first tab's saved world is untouched
    await focusConsole(second);
    await type(second, 'docker rmi first');
    await second.waitForTimeout(800);
    expect(await first.getByText('already open in another tab').count()).toBe(0);
    await second.close();
    await first.close();
    const { page: again } = await openApp(context);
    await focusConsole(again);
    await type(again, 'docker images first');
    expect(await screen(again)).toMatch(/first\s+latest/);
    await context.close();
  });
});
