/// <reference lib="dom" />
/**
 * The classroom in Chromium: the companion server in classroom mode, the instructor's dashboard
 * and two learners (a laptop and a phone) in three browser contexts. A learner's failed check
 * and finished step reach the dashboard; a hint to one learner reaches only that learner, a
 * hint to all reaches both; a hold stops the learner at its step; the instructor's broadcast
 * console shows up in the learners' cast viewers. With a Docker engine, a learner switches
 * real Docker on and runs a container on it. Screenshots: test-results/classroom-*.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startServer, type RunningServer } from '../../server/app.js';
import { newToken } from '../../server/guard.js';
import { connectEngine, type EngineConnection } from '../../server/real.js';
import { noEngine } from '../server/engine.js';
import { chromiumNote, focusConsole, haveChromium, launch, screen, shot, showPane, type } from './harness.js';

let browser: Browser | undefined;
let server: RunningServer | undefined;
let dataDir = '';
const contexts: BrowserContext[] = [];

/** A page that collects uncaught errors. */
async function open(viewport: { width: number; height: number }, url: string): Promise<{ page: Page; errors: string[] }> {
  const context = await browser!.newContext({ viewport });
  contexts.push(context);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(url);
  return { page, errors };
}

/** The text of the dashboard's roster row for `nick`. */
function row(dash: Page, nick: string): Promise<string> {
  return dash.locator('tbody tr', { has: dash.locator('th', { hasText: nick }) }).innerText();
}

/** The cast viewer's console text. */
function castScreen(page: Page): Promise<string> {
  return page.evaluate(() => [...document.querySelectorAll('.cast .xterm-rows > div')].map((d) => (d.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd()).join('\n'));
}

describe.skipIf(!haveChromium)(`the classroom in Chromium (${chromiumNote})`, () => {
  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'layerlab-class-'));
    server = await startServer({ port: 0, listen: '127.0.0.1', distDir: inject('distDir'), token: newToken(), real: null, offReason: 'test', classroom: { dataDir } });
    browser = await launch();
  });
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await server?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('an instructor and two learners: progress, hints, hold and a live broadcast', async () => {
    const cls = server!.classroom!;
    const { page: dash, errors: dashErrors } = await open({ width: 1280, height: 800 }, cls.dashboardUrl);
    await dash.getByText(cls.code, { exact: true }).waitFor();
    // the token left the address bar, and a reload keeps the dashboard (this tab's sessionStorage)
    expect(dash.url()).not.toMatch(/instructor=/);
    await dash.reload();
    await dash.getByText(cls.code, { exact: true }).waitFor();

    // Ada joins from the join link (the code is prefilled), on a laptop
    const { page: ada, errors: adaErrors } = await open({ width: 1280, height: 720 }, cls.joinUrl);
    const dialog = ada.getByRole('dialog', { name: 'Join the class' });
    await dialog.waitFor();
    expect(ada.url()).not.toMatch(/join=/);
    expect(await dialog.getByLabel('Join code').inputValue()).toBe(cls.code);
    await dialog.getByLabel('Nickname').fill('Ada');
    await dialog.getByRole('button', { name: 'Join' }).click();
    const adaBar = ada.getByRole('region', { name: 'Class' });
    await expect.poll(() => adaBar.innerText()).toMatch(/Ada[\s\S]*Online/);

    // Bob types the code himself, on a phone
    const { page: bob, errors: bobErrors } = await open({ width: 390, height: 844 }, server!.url);
    await bob.getByRole('button', { name: 'Join the class' }).click();
    await bob.getByLabel('Join code').fill(cls.code.toLowerCase());
    await bob.getByLabel('Nickname').fill('Bob');
    await shot(bob, 'classroom-join-phone');
    await bob.getByRole('button', { name: 'Join', exact: true }).click();
    await expect.poll(() => bob.getByRole('region', { name: 'Class' }).innerText()).toMatch(/Bob[\s\S]*Online/);
    // a reload rejoins as the same learner, without asking again
    await bob.reload();
    await expect.poll(() => bob.getByRole('region', { name: 'Class' }).innerText(), { timeout: 15_000 }).toMatch(/Bob[\s\S]*Online/);
    expect(await bob.getByRole('dialog').count()).toBe(0);

    await expect.poll(() => dash.locator('tbody th').allInnerTexts()).toEqual(expect.arrayContaining([expect.stringContaining('Ada'), expect.stringContaining('Bob')]));
    expect(await dash.locator('tbody th').count()).toBe(2);

    // Ada opens a lesson: a command that leaves the step's check red is a failed check run, then she finishes the step
    await ada.locator('.open-lesson', { hasText: 'Images and layers' }).click();
    await ada.getByRole('heading', { name: /Step 1 of 3/ }).waitFor();
    await expect.poll(() => row(dash, 'Ada')).toMatch(/Images and layers\s+1\. Build an image/);
    await focusConsole(ada);
    await type(ada, 'docker images');
    await expect.poll(() => row(dash, 'Ada')).toMatch(/Build an image\s+\S+ s\s+1\b/);
    // one failed check is enough under a strict rule: Ada is stuck, and listed first
    await dash.getByRole('spinbutton', { name: /failed checks/ }).fill('1');
    await dash.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => row(dash, 'Ada')).toMatch(/Stuck/);
    expect(await dash.locator('tbody th').first().innerText()).toMatch(/Ada/);
    await expect.poll(() => dash.locator('.heat').textContent()).toMatch(/stuck: 1\)/);
    await shot(dash, 'classroom-dashboard-stuck');
    await type(ada, 'docker build -t hello ./');
    await ada.locator('.checks li.ok').first().waitFor();
    await expect.poll(() => row(dash, 'Ada')).toMatch(/Build an image\s*(\(done\))?\s*✓/);
    expect(await row(dash, 'Ada')).not.toMatch(/Stuck/);
    // the heatmap and the funnel count her
    await expect.poll(() => dash.getByRole('figure').filter({ hasText: 'Images and layers' }).innerText()).toMatch(/Build an image\s+1\s/);

    // a hint to Ada alone
    await dash.locator('tbody tr', { has: dash.locator('th', { hasText: 'Ada' }) }).getByRole('button', { name: 'Hint…' }).click();
    await dash.getByLabel('Hint for Ada only').fill('Look at the Layers view: one layer per RUN and COPY.');
    await dash.getByRole('button', { name: 'Send to Ada' }).click();
    const adaHints = ada.getByRole('region', { name: 'Hints from your instructor' });
    await expect.poll(() => adaHints.innerText()).toMatch(/to you[\s\S]*one layer per RUN and COPY/);
    await shot(ada, 'classroom-learner-hint');
    // then one to everyone: Bob gets only that one
    await dash.getByLabel('Hint to everyone').fill('Five minutes left on this step.');
    await dash.getByRole('button', { name: 'Send to everyone' }).click();
    const bobHints = bob.getByRole('region', { name: 'Hints from your instructor' });
    await expect.poll(() => bobHints.innerText()).toMatch(/to everyone[\s\S]*Five minutes left/);
    expect(await bobHints.innerText()).not.toMatch(/one layer per RUN/);
    await expect.poll(() => adaHints.innerText()).toMatch(/Five minutes left[\s\S]*one layer per RUN/);
    await shot(bob, 'classroom-learner-phone');

    // hold the room at step 1 of the lesson: Ada cannot go on
    await dash.getByLabel('Hold the room at').selectOption({ label: '1. Build an image' });
    await dash.getByRole('button', { name: 'Hold', exact: true }).click();
    await ada.getByText('The instructor is holding the room here.').waitFor();
    expect(await ada.getByRole('button', { name: 'Next step →' }).isDisabled()).toBe(true);
    expect(await ada.getByRole('button', { name: /Read its history/ }).isDisabled()).toBe(true);
    await ada.getByText('The instructor is holding the room here.').scrollIntoViewIfNeeded();
    await shot(ada, 'classroom-learner-hold');
    await dash.getByRole('button', { name: 'Release' }).click();
    await expect.poll(() => ada.getByRole('button', { name: 'Next step →' }).isDisabled()).toBe(false);
    await shot(dash, 'classroom-dashboard');
    await dash.getByRole('button', { name: 'QR code' }).click();
    await dash.getByRole('img', { name: 'QR code of the join link' }).waitFor();
    await shot(dash, 'classroom-dashboard-qr');
    await dash.getByRole('button', { name: 'Hide the QR code' }).click();

    // push a lesson's start to everyone: Ada's lesson pane opens it at step 1
    await dash.getByLabel('Open a lesson for everyone, from its start').selectOption({ label: 'Works on my machine' });
    await dash.getByRole('button', { name: 'Push…' }).click();
    await dash.getByRole('button', { name: "Replace everyone's workspace" }).click();
    await ada.getByRole('heading', { name: 'Works on my machine' }).waitFor();
    await ada.getByText(/Your instructor opened “Works on my machine” from its start/).waitFor();
    await expect.poll(() => row(dash, 'Ada')).toMatch(/Works on my machine\s+1\. Three machines/);

    // the class report, fetched with the token and saved as a file
    const [download] = await Promise.all([dash.waitForEvent('download'), dash.getByRole('button', { name: 'Download the report (CSV)' }).click()]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^layerlab-class-${cls.code}-.*\\.csv$`));
    const csv = fs.readFileSync((await download.path())!, 'utf8');
    expect(csv).toMatch(/Ada/);
    expect(csv).toMatch(/Bob/);

    // the broadcast: the instructor's own console opens in a new tab and goes live
    const [cast] = await Promise.all([dash.context().waitForEvent('page'), dash.getByRole('button', { name: 'Open my broadcast console' }).click()]);
    const castErrors: string[] = [];
    cast.on('pageerror', (e) => castErrors.push(String(e)));
    await cast.waitForSelector('.xterm-helper-textarea');
    expect(cast.url()).not.toMatch(/cast=/);
    const live = cast.getByRole('button', { name: 'Broadcast to class' });
    await expect.poll(() => live.isEnabled()).toBe(true);
    await live.click();
    await cast.getByText(/Live: learners see this console/).waitFor();
    await focusConsole(cast);
    await type(cast, 'echo hello from the front of the room');
    for (const p of [ada, bob]) {
      await p.getByRole('region', { name: "The instructor's console (read-only)" }).waitFor();
      await expect.poll(() => castScreen(p), { timeout: 10_000 }).toMatch(/hello from the front of the room/);
    }
    // the viewers draw the instructor's columns: a line that fits there is one row on a phone too
    const wide = `wide-${'abcdefghij'.repeat(4)}-end`;
    await type(cast, `echo ${wide}`);
    for (const p of [ada, bob]) {
      await expect.poll(async () => (await castScreen(p)).split('\n').some((row) => row.trim() === wide), { timeout: 10_000 }).toBe(true);
    }
    await cast.getByRole('tab', { name: 'Containers' }).click();
    await focusConsole(cast);
    await type(cast, 'docker run --name demo alpine:3.21 echo hi');
    for (const p of [ada, bob]) {
      await expect.poll(() => castScreen(p), { timeout: 10_000 }).toMatch(/Downloaded newer image/);
      await expect.poll(() => p.getByRole('region', { name: /The instructor's visual panel: Containers/ }).innerText(), { timeout: 10_000 }).toMatch(/demo/);
    }
    await shot(cast, 'classroom-cast-console');
    await shot(ada, 'classroom-cast-viewer');
    await shot(bob, 'classroom-cast-viewer-phone');
    // back to work: the learner's own console is as it was
    await ada.getByRole('button', { name: 'Back to my work' }).click();
    await showPane(ada, 'Console');
    expect(await ada.locator('main .xterm-rows').innerText()).toMatch(/naming to docker\.io\/library\/hello/);
    await cast.getByRole('button', { name: 'Stop broadcasting' }).click();
    await expect.poll(() => bob.locator('.cast').count()).toBe(0);

    expect([...dashErrors, ...adaErrors, ...bobErrors, ...castErrors]).toEqual([]);
  });

  it('a learner keeps working while the server restarts, and the dashboard gets the work after', async () => {
    const cls = server!.classroom!;
    const port = server!.port;
    const { page: dash } = await open({ width: 1280, height: 800 }, cls.dashboardUrl);
    const { page: cy, errors } = await open({ width: 1280, height: 720 }, cls.joinUrl);
    await cy.getByLabel('Nickname').fill('Cy');
    await cy.getByRole('button', { name: 'Join', exact: true }).click();
    const bar = cy.getByRole('region', { name: 'Class' });
    await expect.poll(() => bar.innerText()).toMatch(/Cy[\s\S]*Online/);
    await cy.locator('.open-lesson', { hasText: 'Images and layers' }).click();
    await expect.poll(() => row(dash, 'Cy')).toMatch(/Images and layers\s+1\. Build an image/);

    await server!.close();
    await expect.poll(() => bar.innerText()).toMatch(/Offline: reconnecting/);
    // the simulator needs no server: the step is done offline
    await focusConsole(cy);
    await type(cy, 'docker build -t hello ./');
    await cy.locator('.checks li.ok').first().waitFor();
    await shot(cy, 'classroom-learner-offline');

    server = await startServer({ port, listen: '127.0.0.1', distDir: inject('distDir'), token: newToken(), real: null, offReason: 'test', classroom: { dataDir } });
    expect(server.classroom!.code).toBe(cls.code);
    expect(server.classroom!.restored).toBeGreaterThanOrEqual(3);
    await expect.poll(() => bar.innerText(), { timeout: 30_000 }).toMatch(/Cy[\s\S]*Online/);
    await expect.poll(() => dash.getByText(/Restored from the last run/).count(), { timeout: 30_000 }).toBe(1);
    await expect.poll(() => row(dash, 'Cy'), { timeout: 30_000 }).toMatch(/Build an image\s*(\(done\))?\s*✓/);
    // the same learner, not a new one
    expect(await dash.locator('tbody th', { hasText: 'Cy' }).count()).toBe(1);
    // the instructor ends the class: the learner is told, and the code stops working
    await dash.getByRole('button', { name: 'End class…' }).click();
    await dash.getByRole('button', { name: 'End the class for everyone' }).click();
    await expect.poll(() => bar.innerText()).toMatch(/Class ended[\s\S]*The class has ended/);
    await dash.getByText(/This class has ended/).waitFor();
    // the browser logs the refused reconnects; nothing else may fail
    expect(errors.filter((e) => !/WebSocket connection/.test(e))).toEqual([]);
  });
});

describe.skipIf(!haveChromium || noEngine !== null)(`real Docker for a classroom learner in Chromium (${noEngine ? `skipped: no Docker engine: ${noEngine}` : chromiumNote})`, () => {
  let realServer: RunningServer | undefined;
  let realBrowser: Browser | undefined;
  let engine: EngineConnection | undefined;
  let dir = '';
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'layerlab-class-real-'));
    engine = await connectEngine({ seed: true, registry: 'off' });
    if (!engine.ok) throw new Error(engine.reason);
    realServer = await startServer({ port: 0, listen: '127.0.0.1', distDir: inject('distDir'), token: newToken(), real: engine.real, classroom: { dataDir: dir } });
    realBrowser = await launch();
  });
  afterAll(async () => {
    await realBrowser?.close();
    await realServer?.close();
    if (engine?.ok) await engine.shutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a learner switches real Docker on, runs a container on the engine, and switches back', async () => {
    const cls = realServer!.classroom!;
    const context = await realBrowser!.newContext({ viewport: { width: 1280, height: 800 } });
    const dash = await context.newPage();
    await dash.goto(cls.dashboardUrl);
    await dash.getByText(cls.code, { exact: true }).waitFor();
    const learnerContext = await realBrowser!.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await learnerContext.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(cls.joinUrl);
    await page.getByLabel('Nickname').fill('Eve');
    await page.getByRole('button', { name: 'Join', exact: true }).click();
    const bar = page.getByRole('region', { name: 'Class' });
    await expect.poll(() => bar.innerText()).toMatch(/Eve[\s\S]*Online/);
    // no launch token on the learner's page: the simulator runs until the learner opts in
    await expect.poll(() => page.locator('.status').textContent()).toMatch(/^Simulated/);
    const toggle = bar.getByRole('switch', { name: 'Use real Docker' });
    await toggle.check();
    await expect.poll(() => page.locator('.status').textContent(), { timeout: 20_000 }).toMatch(/^Real Docker on /);
    await expect.poll(() => row(dash, 'Eve')).toMatch(/Docker/);
    await focusConsole(page);
    await type(page, 'docker run --rm busybox:latest echo hi-from-the-engine');
    await expect.poll(() => screen(page), { timeout: 30_000 }).toMatch(/^hi-from-the-engine$/m);
    await shot(page, 'classroom-learner-real');
    await toggle.uncheck();
    await expect.poll(() => page.locator('.status').textContent()).toMatch(/^Simulated/);
    await expect.poll(() => row(dash, 'Eve')).not.toMatch(/Docker/);
    expect(errors).toEqual([]);
    await context.close();
    await learnerContext.close();
  });
});
