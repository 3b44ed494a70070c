/// <reference lib="dom" />
/**
 * The lesson runner in a real Chromium: lesson 03 completed by typing in the console with
 * each step turning green, its predict-then-run question, resuming at the same step after a
 * reload, and presenter mode driven by the keyboard alone (with the speaker notes window).
 * Screenshots at 1280x720 and 390x844 (test-results/lesson-*).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumNote, focusConsole, haveChromium, isNarrow, launch, openApp, screen, shot, type, VIEWPORTS, waitForPrompt } from './harness.js';

let browser: Browser | undefined;
const LESSON = 'Images and layers';

const narrow = isNarrow;

async function tab(page: Page, name: 'Console' | 'Lesson'): Promise<void> {
  if (narrow(page)) await page.getByRole('button', { name, exact: true }).click();
}


async function openLesson(page: Page): Promise<void> {
  await tab(page, 'Lesson');
  await page.locator('.open-lesson', { hasText: LESSON }).click();
  await page.getByRole('heading', { name: /Step 1 of 3/ }).waitFor();
}

/** The current step's goal checks: true for each that passed. */
function checks(page: Page): Promise<boolean[]> {
  return page.$$eval('.checks li', (lis) => lis.map((li) => li.classList.contains('ok')));
}

async function waitGreen(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const lis = [...document.querySelectorAll('.checks li')];
    return lis.length > 0 && lis.every((li) => li.classList.contains('ok'));
  });
}

/** Types the predict command, answers the question, and waits for the command to finish. */
async function predictAndBuild(page: Page): Promise<void> {
  await focusConsole(page);
  await page.keyboard.type('docker build -t hello .');
  const before = await screen(page);
  await page.keyboard.press('Enter');
  const form = page.locator('.predict form');
  await form.waitFor();
  expect(await form.textContent()).toContain('How many layers will the image have?');
  await shot(page, 'lesson-predict');
  await page.getByRole('radio', { name: '3' }).check();
  await page.getByRole('button', { name: 'Lock in my guess and run' }).click();
  await waitForPrompt(page, before).catch(async (e: unknown) => {
    console.log('SCREEN', await screen(page), await page.locator('.checks').textContent());
    throw e;
  });
  await tab(page, 'Lesson');
  await page.locator('.predict .result').waitFor();
  expect((await screen(page)).replace(/\n/g, '')).toMatch(/Your guess: 3\. What happened: 3\./);
}

describe.skipIf(!haveChromium)(`lessons in Chromium (${chromiumNote})`, () => {
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('completes lesson 03 by typing, with a prediction, and resumes after a reload (1280x720)', async () => {
    const context = await browser!.newContext({ viewport: VIEWPORTS[0] });
    const { page, errors } = await openApp(context);
    await page.locator('.open-lesson', { hasText: LESSON }).waitFor();
    await shot(page, 'lesson-overview');
    await openLesson(page);
    expect(await checks(page)).toEqual([false]);

    await predictAndBuild(page);
    const result = await page.locator('.predict .result').textContent();
    expect(result).toContain('Your guess');
    expect(result).toContain('What happened');
    expect(result).toContain('Right: 3');
    await waitGreen(page);
    await page.locator('.celebrate').waitFor();
    await shot(page, 'lesson-step-done');

    await page.getByRole('button', { name: 'Next step →' }).click();
    await page.getByRole('heading', { name: /Step 2 of 3/ }).waitFor();
    expect(await checks(page)).toEqual([false]);
    await focusConsole(page);
    await type(page, 'docker history hello');
    await type(page, 'docker run hello');
    await waitGreen(page);

    // a reload resumes on the same step, with the first one still done (after the world's debounced save)
    await page.waitForTimeout(1500);
    await page.reload();
    await page.waitForSelector('.xterm-helper-textarea');
    await page.getByRole('heading', { name: /Step 2 of 3/ }).waitFor();
    expect(await page.locator('.steps button.done').count()).toBe(2);
    await waitGreen(page).catch(async (e: unknown) => {
      console.log('CHECKS', await page.locator('.checks').textContent());
      throw e;
    });

    await page.getByRole('button', { name: 'Next step →' }).click();
    await page.getByRole('heading', { name: /Step 3 of 3/ }).waitFor();
    expect(await checks(page)).toEqual([false, false]);
    // the solution is a diff against the learner's Dockerfile, and nothing is applied
    await page.getByRole('button', { name: 'Show the solution' }).click();
    await page.locator('.diff .add', { hasText: 'RUN rm /srv/greeting/hello.txt' }).waitFor();
    await shot(page, 'lesson-solution');
    await focusConsole(page);
    await type(page, 'cat Dockerfile');
    expect(await screen(page)).not.toContain('RUN rm');
    await type(page, "echo 'RUN rm /srv/greeting/hello.txt' >> Dockerfile");
    await type(page, 'docker build -t hello .');
    await waitGreen(page);
    await page.getByText('Lesson complete ✓').waitFor();
    await shot(page, 'lesson-complete');

    await page.getByRole('button', { name: '← All lessons' }).click();
    expect(await page.locator('.open-lesson', { hasText: LESSON }).textContent()).toContain('done ✓');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('asks the prediction on a phone in the Lesson tab (390x844)', async () => {
    const context = await browser!.newContext({ viewport: VIEWPORTS[1] });
    const { page, errors } = await openApp(context);
    await openLesson(page);
    await shot(page, 'lesson-step');
    await predictAndBuild(page);
    await waitGreen(page);
    await shot(page, 'lesson-predicted');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('presents lesson 03 by keyboard alone: → types and runs the demo, N opens the notes', async () => {
    const context = await browser!.newContext({ viewport: VIEWPORTS[0] });
    const { page, errors } = await openApp(context, '?present');
    const bar = page.getByRole('region', { name: 'Presenter mode' });
    await bar.waitFor();
    await bar.getByRole('button', { name: LESSON, exact: true }).focus();
    await page.keyboard.press('Enter');
    await bar.getByText('Next: docker build -t hello .').waitFor();
    expect(await page.locator('aside.lesson').isVisible()).toBe(false);

    await page.keyboard.press('ArrowRight');
    await bar.getByText(/Typing:/).waitFor();
    await bar.getByText('Next: docker history hello').waitFor({ timeout: 20_000 });
    await page.waitForFunction(() => /Successfully tagged hello:latest|naming to docker\.io\/library\/hello/.test(document.querySelector('.xterm-rows')?.textContent ?? ''));
    await shot(page, 'lesson-present');

    const [notes] = await Promise.all([context.waitForEvent('page'), page.keyboard.press('n')]);
    await notes.waitForFunction(() => document.body.textContent?.includes('Point at the layer stack'));
    expect(await notes.textContent('body')).toContain('docker history hello');
    await notes.setViewportSize({ width: 640, height: 720 });
    await notes.screenshot({ path: 'test-results/lesson-notes-640x720.png' });

    await page.keyboard.press('ArrowRight');
    await bar.getByText('Next: docker run hello').waitFor({ timeout: 20_000 });
    await page.keyboard.press('ArrowRight');
    await bar.getByText('Demo done.').waitFor({ timeout: 20_000 });
    expect(await screen(page)).toContain('Hello');
    await page.keyboard.press('ArrowLeft');
    await bar.getByText('Next: docker run hello').waitFor();
    await page.keyboard.press('Escape');
    await bar.waitFor({ state: 'detached' });
    expect(await page.locator('aside.lesson').isVisible()).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  });
});
