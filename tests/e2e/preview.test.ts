/**
 * The engine in a real browser: the built app, served by Vite's preview
 * server, driven in Debian's Chromium with Playwright. Skipped (with the
 * reason) where no Chromium is installed; CI installs it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
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
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    server?.kill();
  });

  it('builds an image, runs it and shows its history, all in the page', async () => {
    const page = await browser!.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await page.goto(`http://127.0.0.1:${PORT}/`);
    const run = async (line: string) => {
      await page.fill('input[aria-label="docker command"]', line);
      await page.click('button[type=submit]');
    };
    await run('docker build -t hello ctx');
    await run('docker run --rm hello');
    await run('docker history hello');
    const out = await page.locator('pre').innerText();
    expect(errors).toEqual([]);
    expect(out).toContain('#9 naming to docker.io/library/hello done');
    expect(out).toContain('hello from Layerlab');
    expect(out).toMatch(/RUN \/bin\/sh -c cat hello.txt > greeting.txt/);
    expect(out.match(/\[exit 0\]/g)).toHaveLength(3);
  }, 60_000);
});
