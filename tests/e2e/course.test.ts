/// <reference lib="dom" />
/**
 * The whole course in a real browser with no server: lesson 1 to lesson 10, every step solved
 * through the lesson pane ("Show the solution", "Apply the solution"; a prediction is answered
 * when it is asked) until its goal checks turn green. Proves a newcomer can go through the
 * course in the page; the headless replays (tests/lessons) prove each check fails first.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allGreen, answerIfAsked, chromiumNote, haveChromium, launch, openApp, shot, VIEWPORTS } from './harness.js';

const LESSONS = [
  'Works on my machine',
  'Containers vs virtual machines',
  'Images and layers',
  'The build cache and layer order',
  'The writable layer and volumes',
  'One image, many containers',
  'The registry',
  'What makes a good image',
  'The container lifecycle',
  "What containers don't solve",
];

let browser: Browser | undefined;

describe.skipIf(!haveChromium)(`the course in Chromium (${chromiumNote})`, () => {
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('goes from lesson 1 to lesson 10 by applying each step’s solution, every step turning green', async () => {
    const context = await browser!.newContext({ viewport: VIEWPORTS[0] });
    const { page, errors } = await openApp(context);
    const done: string[] = [];
    for (const title of LESSONS) {
      await page.locator('.open-lesson', { hasText: title }).waitFor();
      await page.locator('.open-lesson', { hasText: title }).click();
      const replace = page.getByRole('button', { name: 'Replace my files' });
      await page.getByRole('heading', { name: /Step 1 of \d+/ }).or(replace).first().waitFor();
      if (await replace.isVisible()) await replace.click();
      const total = Number((await page.getByRole('heading', { name: /Step 1 of \d+/ }).textContent())!.match(/of (\d+)/)![1]);
      for (let s = 1; s <= total; s++) {
        await page.getByRole('heading', { name: new RegExp(`Step ${s} of ${total}`) }).waitFor();
        await page.getByRole('button', { name: 'Show the solution' }).click();
        await page.getByRole('button', { name: 'Apply the solution' }).click();
        const green = await allGreen(page, 60_000);
        if (!green) {
          await shot(page, `course-stuck-${LESSONS.indexOf(title) + 1}-${s}`);
          expect.fail(`${title}, step ${s}: the checks did not turn green: ${await page.locator('.checks').textContent()}`);
        }
        // the solution may still be typing its last commands (a docker ps after the goal is met)
        await page.waitForFunction(() => ![...document.querySelectorAll('button')].some((b) => b.textContent?.trim() === 'Applying…'), undefined, { timeout: 60_000 });
        await answerIfAsked(page);
        done.push(`${title} ${s}`);
        if (s < total) {
          await page.getByRole('button', { name: 'Next step →' }).click();
          await page
            .getByRole('heading', { name: new RegExp(`Step ${s + 1} of ${total}`) })
            .waitFor({ timeout: 10_000 })
            .catch(async (e: unknown) => {
              await shot(page, `course-next-${LESSONS.indexOf(title) + 1}-${s}`);
              throw new Error(`${String(e)}\npage errors: ${errors.join(' | ')}`);
            });
        }
      }
      await shot(page, `course-lesson-${LESSONS.indexOf(title) + 1}`);
      await page.getByRole('button', { name: '← All lessons' }).click();
    }
    expect(done.length).toBeGreaterThanOrEqual(LESSONS.length * 3);
    // the overview shows the whole course done
    await page.locator('.open-lesson').first().waitFor();
    await shot(page, 'course-done');
    expect(errors).toEqual([]);
    await context.close();
  }, 900_000);
});
