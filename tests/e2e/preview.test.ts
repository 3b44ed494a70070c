/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The app in a real browser: the built site, served by Vite's preview server,
 * driven in Debian's Chromium with Playwright. Skipped (with the reason) where
 * no Chromium is installed; CI installs it. Screenshots at 1280x720 and
 * 390x844 land in test-results/ for a person to look at.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const SHOTS = path.join(ROOT, 'test-results');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const PORT = 4173 + Math.floor(Math.random() * 500);
const haveChromium = fs.existsSync(CHROMIUM);

let server: ChildProcess | undefined;
let browser: Browser | undefined;

async function waitForServer(url: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no server at ${url}`);
}

/** Types a line into the console and waits until the prompt comes back. */
async function type(page: Page, line: string): Promise<void> {
  await page.keyboard.type(line);
  const typed = await screen(page);
  await page.keyboard.press('Enter');
  // done when the screen changed and its last line is a fresh, empty prompt
  await page.waitForFunction(
    (before) => {
      const rows = [...document.querySelectorAll('.xterm-rows > div')].map((d) => (d.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd());
      const text = rows.join('\n');
      const last = rows.filter((r) => r !== '').pop() ?? '';
      return text !== before && /learner@layerlab:\S*\$$/.test(last);
    },
    typed,
    { timeout: 15000 },
  );
}

async function screen(page: Page): Promise<string> {
  return page.evaluate(() => [...document.querySelectorAll('.xterm-rows > div')].map((d) => (d.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd()).join('\n'));
}

describe.skipIf(!haveChromium)(`the app in Chromium (${haveChromium ? CHROMIUM : 'skipped: no Chromium at ' + CHROMIUM})`, () => {
  beforeAll(async () => {
    const vite = path.join(ROOT, 'node_modules/.bin/vite');
    await new Promise<void>((resolve, reject) => {
      const b = spawn(vite, ['build', '--logLevel', 'error'], { cwd: ROOT, stdio: 'inherit' });
      b.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`vite build exited ${code}`))));
    });
    server = spawn(vite, ['preview', '--host', '127.0.0.1', '--port', String(PORT), '--strictPort'], { cwd: ROOT, stdio: 'ignore' });
    await waitForServer(`http://127.0.0.1:${PORT}/`);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
    fs.mkdirSync(SHOTS, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    server?.kill();
  });

  for (const [width, height] of [
    [1280, 720],
    [390, 844],
  ] as const) {
    it(`builds and runs an image from the console, and finds it again after a reload (${width}x${height})`, async () => {
      const context = await browser!.newContext({ viewport: { width, height } });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      await page.goto(`http://127.0.0.1:${PORT}/`);
      await page.waitForSelector('.xterm-helper-textarea');
      await page.click('.xterm');
      await type(page, 'cd hello');
      await type(page, 'docker build -t hello .');
      expect(await screen(page)).toContain('naming to docker.io/library/hello done');
      await type(page, 'docker run --rm hello');
      expect(await screen(page)).toContain('Hello from Layerlab!');
      await type(page, 'docker build -t hello .');
      expect(await screen(page)).toMatch(/#\d+ CACHED/);
      await page.screenshot({ path: path.join(SHOTS, `console-${width}x${height}.png`) });
      if (width >= 1000) {
        // edit a file the build copies: the editor predicts the COPY step would run again
        await page.click('text=hello/hello.txt');
        await page.fill('textarea[aria-label^="Contents of"]', 'Hello again!\n');
        await page.keyboard.press('Control+s');
        await page.click('text=hello/Dockerfile');
        await page.waitForSelector('.predict .miss', { timeout: 5000 });
        expect(await page.locator('.predict').innerText()).toContain('line 2: runs');
        await page.screenshot({ path: path.join(SHOTS, `editor-predict-${width}x${height}.png`) });
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
