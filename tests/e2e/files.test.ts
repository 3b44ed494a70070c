/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The workspace file tree in Chromium: create, rename, upload, delete and download
 * (as a zip) with the keyboard where a learner would, checked from the console.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { unzipSync, zipSync } from 'fflate';
import { expect, it, describe, beforeAll, afterAll } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { chromiumNote, haveChromium, launch, openApp, screen, shot, type } from './harness.js';

let browser: Browser | undefined;

const row = (p: string) => `[role="tree"] [role="treeitem"][data-path="${p}"]`;

/** The tree's status and alert lines, joined. */
async function status(page: Page): Promise<string> {
  return (await page.locator('.files .message p').allInnerTexts()).join(' ').trim();
}

describe.skipIf(!haveChromium)(`the workspace file tree in Chromium (${chromiumNote})`, () => {
  beforeAll(async () => {
    browser = await launch();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('creates, renames, uploads, deletes and downloads files from the tree (1280x720)', async () => {
    const context = await browser!.newContext({ viewport: { width: 1280, height: 720 }, acceptDownloads: true });
    const { page, errors } = await openApp(context);

    // keyboard only: into the tree, up to the root, then the toolbar's "New folder"
    await page.focus('[role="tree"] [role="treeitem"][tabindex="0"]');
    await page.keyboard.press('Home');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-path'))).toBe('/workspace');
    await page.focus('button[aria-label="New folder in the workspace"]');
    await page.keyboard.press('Enter');
    await page.keyboard.type('web');
    await page.keyboard.press('Enter');
    await page.waitForSelector(`${row('/workspace/web')}[aria-selected="true"]:focus`);
    expect(await page.getAttribute(row('/workspace/web'), 'aria-expanded')).toBe('true');

    await page.focus('button[aria-label="New file in web/"]');
    await page.keyboard.press('Enter');
    await page.keyboard.type('index.htm');
    await page.keyboard.press('Enter');
    await page.waitForSelector(`${row('/workspace/web/index.htm')}[aria-current="true"]`);

    // a clash is explained, and Escape gives up
    await page.focus('button[aria-label="New file in web/"]');
    await page.keyboard.press('Enter');
    await page.keyboard.type('index.htm');
    expect(await page.locator('.files [role="alert"]').innerText()).toBe('A file named index.htm already exists here.');
    await page.keyboard.press('Escape');
    expect(await page.locator('.files input.name-field').count()).toBe(0);

    // F2 renames the selected row in place
    await page.focus(row('/workspace/web/index.htm'));
    await page.keyboard.press('F2');
    await page.keyboard.press('Control+a');
    await page.keyboard.type('index.html');
    await page.keyboard.press('Enter');
    await page.waitForSelector(`${row('/workspace/web/index.html')}:focus`);
    expect(await status(page)).toBe('Renamed web/index.htm to index.html.');

    // uploads land in the selected row's folder: files, a zip (unpacked) and a folder (without .git)
    await page.setInputFiles('.files input[type="file"][multiple]', [
      { name: 'hello.txt', mimeType: 'text/plain', buffer: Buffer.from('hi from disk\n') },
      { name: 'extra.zip', mimeType: 'application/zip', buffer: Buffer.from(zipSync({ 'notes.md': new TextEncoder().encode('# notes\n') })) },
    ]);
    await page.waitForSelector(row('/workspace/web/hello.txt'));
    expect(await status(page)).toBe('Unpacked extra.zip. Uploaded 2 files to web/.');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'layerlab-upload-'));
    fs.mkdirSync(path.join(dir, 'site/.git'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'site/style.css'), 'h1 { color: teal }\n');
    fs.writeFileSync(path.join(dir, 'site/.git/HEAD'), 'ref: refs/heads/main\n');
    await page.setInputFiles('.files input[type="file"][webkitdirectory]', path.join(dir, 'site'));
    await page.waitForSelector(row('/workspace/web/site/style.css'));
    expect(await status(page)).toBe('Uploaded 1 file to web/. Skipped site/.git/HEAD: Git’s own history folder (.git) is left out.');
    fs.rmSync(dir, { recursive: true, force: true });
    await shot(page, 'files');

    // the console sees the same workspace
    await page.click('.xterm');
    await type(page, 'ls web');
    expect(await screen(page)).toMatch(/extra\s+hello\.txt\s+index\.html\s+site/);
    await type(page, 'cat web/hello.txt');
    expect(await screen(page)).toContain('hi from disk');

    // Delete asks first, naming what goes
    await page.click(row('/workspace/web/extra'));
    await page.keyboard.press('Delete');
    expect(await page.locator('.files [role="alertdialog"]').innerText()).toContain('Delete the folder web/extra/ and the 1 file in it?');
    await shot(page, 'files-delete');
    await page.keyboard.press('Enter');
    await page.waitForSelector(row('/workspace/web/extra'), { state: 'detached' });
    await page.focus(row('/workspace/web/hello.txt'));
    await page.keyboard.press('Delete');
    expect(await page.locator('.files [role="alertdialog"]').innerText()).toContain('Delete web/hello.txt?');
    await page.keyboard.press('Enter');
    await page.waitForSelector(row('/workspace/web/hello.txt'), { state: 'detached' });
    await page.click('.xterm');
    await type(page, 'ls web');
    expect((await screen(page)).split('\n').filter((l) => l.includes('index.html')).pop()).toMatch(/^index\.html\s+site$/);

    // the whole workspace as a zip, from the root row
    await page.focus(row('/workspace/web'));
    await page.keyboard.press('Home');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('button[aria-label="Download the workspace as a zip"]')]);
    expect(download.suggestedFilename()).toBe('workspace.zip');
    const entries = unzipSync(new Uint8Array(fs.readFileSync((await download.path())!)));
    expect(Object.keys(entries)).toEqual(expect.arrayContaining(['app/Dockerfile', 'hello/hello.txt', 'web/', 'web/index.html', 'web/site/style.css']));
    expect(Object.keys(entries)).not.toContain('web/hello.txt');
    expect(new TextDecoder().decode(entries['web/site/style.css'])).toBe('h1 { color: teal }\n');

    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);

  it('keeps the tree usable on a phone, in the Editor tab (390x844)', async () => {
    const context = await browser!.newContext({ viewport: { width: 390, height: 844 } });
    const { page, errors } = await openApp(context);
    await page.click('button:text-is("Editor")');
    await page.waitForSelector('[role="tree"]');
    // arrow keys walk the tree: Right opens, Left closes
    await page.focus(row('/workspace'));
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowLeft');
    expect(await page.getAttribute(row('/workspace/app'), 'aria-expanded')).toBe('false');
    await page.keyboard.press('ArrowRight');
    expect(await page.getAttribute(row('/workspace/app'), 'aria-expanded')).toBe('true');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.waitForSelector(`${row('/workspace/app/.dockerignore')}[aria-current="true"]`);
    await shot(page, 'files');
    expect(errors).toEqual([]);
    await context.close();
  }, 60_000);
});
