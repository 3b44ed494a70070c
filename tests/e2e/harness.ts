/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * What every browser test shares: Debian's Chromium through playwright-core, the app's
 * URL from the global setup, typing into the console, reading the screen, screenshots.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { inject } from 'vitest';

export const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
export const SHOTS = path.join(ROOT, 'test-results');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const haveChromium = fs.existsSync(CHROMIUM);
/** The describe() title suffix that says why the suite is skipped, when it is. */
export const chromiumNote = haveChromium ? CHROMIUM : `skipped: no Chromium at ${CHROMIUM}`;

/** The two sizes every flow is looked at in: a projector and a phone. */
export const VIEWPORTS = [
  { width: 1280, height: 720 },
  { width: 390, height: 844 },
] as const;

/** The built app, served from a sub-path by tests/e2e/global-setup.ts. */
export function appUrl(): string {
  return inject('appUrl');
}

export function launch(): Promise<Browser> {
  fs.mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** A page that records uncaught errors and console errors in `errors`. */
export async function openApp(context: BrowserContext, hash = ''): Promise<{ page: Page; errors: string[] }> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(appUrl() + hash);
  await page.waitForSelector('.xterm-helper-textarea');
  return { page, errors };
}

/** The console's visible rows, joined by newlines. */
export function screen(page: Page): Promise<string> {
  return page.evaluate(() =>
    [...document.querySelectorAll('.xterm-rows > div')].map((d) => (d.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd()).join('\n'),
  );
}

/** Waits until the console's last non-empty row is a fresh prompt and the screen differs from `before`. */
export async function waitForPrompt(page: Page, before: string, timeout = 15_000): Promise<void> {
  await page.waitForFunction(
    (prev) => {
      const rows = [...document.querySelectorAll('.xterm-rows > div')].map((d) => (d.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd());
      const text = rows.join('\n');
      const last = rows.filter((r) => r !== '').pop() ?? '';
      return text !== prev && /learner@layerlab:\S*\$$/.test(last);
    },
    before,
    { timeout },
  );
}

/** Types a line into the focused console, presses Enter and waits for the prompt to return. */
export async function type(page: Page, line: string): Promise<void> {
  await page.keyboard.type(line);
  const typed = await screen(page);
  await page.keyboard.press('Enter');
  await waitForPrompt(page, typed);
}

/** True on a phone-sized viewport, where the panes are tabs. */
export const isNarrow = (page: Page): boolean => (page.viewportSize()?.width ?? 1280) < 760;

/** Brings a pane to the front on a phone (a no-op where every pane shows). */
export async function showPane(page: Page, name: 'Console' | 'Editor' | 'Visuals' | 'Lesson'): Promise<void> {
  if (isNarrow(page)) await page.getByRole('button', { name, exact: true }).click();
}

/** Shows the console and gives it the keyboard. */
export async function focusConsole(page: Page): Promise<void> {
  await showPane(page, 'Console');
  await page.click('.xterm');
}

/** Saves `test-results/NAME-WxH.png`. */
export async function shot(page: Page, name: string): Promise<void> {
  const vp = page.viewportSize();
  await page.screenshot({ path: path.join(SHOTS, `${name}-${vp?.width}x${vp?.height}.png`) });
}
