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

/** A page that records uncaught errors and console errors in `errors`; `base` is the app's URL (the suite's server unless given). */
export async function openApp(context: BrowserContext, hash = '', base = appUrl()): Promise<{ page: Page; errors: string[] }> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(base + hash);
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

/** Types a line into the focused console, presses Enter and waits (up to `timeout` ms) for the prompt to return. */
export async function type(page: Page, line: string, timeout?: number): Promise<void> {
  await page.keyboard.type(line);
  const typed = await screen(page);
  await page.keyboard.press('Enter');
  await waitForPrompt(page, typed, timeout);
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

/** Answers a lesson's prediction if one is asked (any answer: the point is the run that follows). */
export async function answerIfAsked(page: Page): Promise<void> {
  const form = page.locator('.predict form');
  if (!(await form.isVisible().catch(() => false))) return;
  const radio = form.locator('input[type=radio]').first();
  if (await radio.count()) await radio.check();
  const box = form.locator('input[type=checkbox]').first();
  if (await box.count()) await box.check();
  const num = form.locator('input[type=number]');
  if (await num.count()) await num.fill('1');
  await form.getByRole('button', { name: 'Lock in my guess and run' }).click();
}

/** Waits up to `timeout` ms for every goal check of the current step to pass, answering predictions; true if they did. */
export async function allGreen(page: Page, timeout: number): Promise<boolean> {
  const end = Date.now() + timeout;
  while (Date.now() < end) {
    await answerIfAsked(page);
    const ok = await page.evaluate(() => {
      const lis = [...document.querySelectorAll('.checks li')];
      return lis.length > 0 && lis.every((li) => li.classList.contains('ok'));
    });
    if (ok) return true;
    await page.waitForTimeout(200);
  }
  return false;
}
