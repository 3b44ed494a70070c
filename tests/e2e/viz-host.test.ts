/// <reference lib="dom" />
/**
 * Views 8 and 9 in a real Chromium: Container vs VM (namespace switches by keyboard, the
 * text version, the race and footprint figures with their sources, the exploit what-if)
 * and Base images (bars largest first, the learner's built image added). Screenshots at
 * 1280x720 and 390x844, light and dark, normal and large type (test-results/).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumNote, focusConsole, haveChromium, isNarrow, launch, openApp, shot, type, VIEWPORTS } from './harness.js';

let browser: Browser | undefined;

const narrow = isNarrow;


async function openView(page: Page, tab: string): Promise<void> {
  if (narrow(page)) await page.getByRole('button', { name: 'Visuals', exact: true }).click();
  await page.getByRole('tab', { name: tab }).click();
}

async function settings(page: Page, opts: { dark?: boolean; large?: boolean }): Promise<void> {
  await page.getByRole('button', { name: 'Menu' }).click();
  // on a phone the menu panel reaches past the viewport's edge, where Playwright will not click: click it in the page
  if (opts.large !== undefined) await page.getByLabel('Large type').evaluate((el, on) => (el as HTMLInputElement).checked !== on && (el as HTMLInputElement).click(), opts.large);
  if (opts.dark !== undefined) await page.getByLabel('Theme').selectOption(opts.dark ? 'dark' : 'light');
  await page.getByRole('button', { name: 'Menu' }).click();
}

describe.skipIf(!haveChromium)(`Container vs VM and Base images views in Chromium (${chromiumNote})`, () => {
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  for (const viewport of VIEWPORTS) {
    const size = `${viewport.width}x${viewport.height}`;

    it(`Container vs VM: namespace switches by keyboard, the text version, sourced figures (${size})`, async () => {
      const context = await browser!.newContext({ viewport, reducedMotion: 'reduce' });
      const { page, errors } = await openApp(context);
      await focusConsole(page);
      await type(page, 'docker run -d --name web -m 256m --cpus 1.5 --pids-limit 64 oracle-base:local sleep 1000');
      await openView(page, 'Container vs VM');
      const view = page.locator('#viz-panel');
      await expect.poll(() => view.locator('.badge').textContent()).toBe('Simulated host');
      await expect.poll(() => view.locator('pre[data-ns=pid]').textContent()).toBe('PID 1  sleep 1000');
      await expect.poll(() => view.locator('.cg').textContent()).toContain('256MiB');
      await shot(page, 'viz-isolation');

      // keyboard only: focus the pid switch, Space turns it off, Tab goes to net, Enter turns that off
      const pid = view.getByRole('switch', { name: /^pid namespace/ });
      await pid.focus();
      expect(await pid.getAttribute('aria-checked')).toBe('true');
      await page.keyboard.press('Space');
      expect(await pid.getAttribute('aria-checked')).toBe('false');
      const hostPs = (await view.locator('pre[data-ns=pid]').textContent()) ?? '';
      expect(hostPs).toContain('PID 1  /sbin/init');
      expect(hostPs).toMatch(/PID \d{4,}  sleep 1000/);
      await page.keyboard.press('Tab');
      const net = view.getByRole('switch', { name: /^net namespace/ });
      expect(await net.evaluate((el) => el === document.activeElement)).toBe(true);
      await page.keyboard.press('Enter');
      expect(await net.getAttribute('aria-checked')).toBe('false');
      expect(await view.locator('pre[data-ns=net]').textContent()).toContain('docker0  172.17.0.1');
      expect(await view.getByRole('switch', { name: /^user namespace/ }).getAttribute('aria-checked')).toBe('false');

      // the text version says the same
      await view.getByText('Read as text').click();
      const alt = (await view.locator('.text-alt ul').textContent()) ?? '';
      expect(alt).toContain('pid namespace off');
      expect(alt).toContain('net namespace off');
      expect(alt).toContain('256MiB');
      expect(alt).toContain('Source: Firecracker SPECIFICATION.md');
      expect(alt).toContain('order-of-magnitude illustration');

      // race and footprint bars carry their kind and source, shown on focus
      const vmBar = view.locator('g.fig[data-id=vm]');
      expect(await vmBar.getAttribute('aria-label')).toMatch(/tens of seconds to minutes, order-of-magnitude illustration\. Source: /);
      expect(await view.locator('g.fig[data-id=container] text.name').textContent()).toBe('docker run (container start)');
      await view.locator('g.fig[data-id=vm-disk]').focus();
      await expect.poll(() => view.locator('p.source').textContent()).toContain('Source: Approximate: virtual disk size of the Ubuntu 22.04');
      await view.getByRole('button', { name: 'Start the race' }).press('Enter');
      expect(await view.locator('g.fig[data-id=namespaces] text.val').textContent()).toBe('8–10 ms');

      // the what-if
      await view.getByRole('button', { name: 'What if: kernel exploit' }).click();
      expect(await view.locator('.exploit').textContent()).toContain('every container shares');
      expect(await view.locator('.stacks rect.hit').count()).toBeGreaterThan(3);
      await view.locator('.stacks').scrollIntoViewIfNeeded();
      await shot(page, 'viz-isolation-exploit');

      await settings(page, { dark: true, large: true });
      await page.locator('#viz-panel').evaluate((el) => el.scrollTo(0, 0));
      await shot(page, 'viz-isolation-dark-large');
      await view.locator('g.fig[data-id=vm]').scrollIntoViewIfNeeded();
      await shot(page, 'viz-isolation-race-dark-large');
      expect(errors).toEqual([]);
      await context.close();
    });

    it(`Base images: bars largest first, then the learner's built image (${size})`, async () => {
      const context = await browser!.newContext({ viewport, reducedMotion: 'reduce' });
      const { page, errors } = await openApp(context);
      await openView(page, 'Base images');
      const view = page.locator('#viz-panel');
      const keys = () => view.locator('g.bar').evaluateAll((gs) => gs.map((g) => g.getAttribute('data-key')));
      await expect.poll(keys).toEqual(['full', 'ubuntu', 'slim', 'alpine', 'distroless']);
      const sizes = await view.locator('g.bar text.size').allTextContents();
      expect(sizes[0]).toMatch(/GB$/);
      expect(sizes[3]).toBe('135MB');

      await focusConsole(page);
      await type(page, 'cd app && docker build -t myapp .');
      await openView(page, 'Base images');
      await expect.poll(async () => (await keys()).length).toBe(6);
      const mine = view.locator('g.bar[data-group=yours]');
      expect(await mine.locator('text.name').textContent()).toBe('myapp:latest');
      expect(await mine.getAttribute('aria-label')).toBe('Your image myapp:latest: 135MB, built on node:20-alpine (135MB of it is the base).');
      expect(await view.locator('text.group').textContent()).toBe('Your images');
      await view.locator('g.bar[data-key=distroless]').focus();
      await expect.poll(() => view.locator('p.detail').textContent()).toContain('Source: catalog');
      await view.getByText('Read as text').click();
      expect(await view.locator('.text-alt li').count()).toBe(6);
      await shot(page, 'viz-bases');

      await settings(page, { dark: true, large: true });
      await view.locator('g.bar[data-key=alpine]').focus();
      await shot(page, 'viz-bases-dark-large');
      expect(errors).toEqual([]);
      await context.close();
    });
  }

  it('Container vs VM races with motion allowed and draws with no container at all', async () => {
    const context = await browser!.newContext({ viewport: VIEWPORTS[0] });
    const { page, errors } = await openApp(context);
    await openView(page, 'Container vs VM');
    const view = page.locator('#viz-panel');
    await expect.poll(() => view.locator('pre[data-ns=pid]').textContent()).toBe('(no process: the container is not running)');
    await view.getByRole('button', { name: 'Start the race' }).click();
    // the fastest bar finishes long before the illustrative VM bar
    await expect.poll(() => view.locator('g.fig[data-id=namespaces] text.val').getAttribute('opacity'), { timeout: 3000 }).toBe('1');
    await expect.poll(() => view.locator('g.fig[data-id=vm] text.val').getAttribute('opacity'), { timeout: 5000 }).toBe('1');
    expect(errors).toEqual([]);
    await context.close();
  });
});
