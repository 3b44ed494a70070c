/// <reference lib="dom" />
/**
 * The real-process path of the page, in Chromium: the process bar's "real process" badge,
 * the port's preview button, the preview pane showing what the app serves, the console's
 * curl and an attached run. WebContainer's runtime cannot load here (no internet), so the
 * page gets a process host the test supplies (`layerlabProcessHost`, the extension point an
 * embedding page can use too): real Node processes on this machine (tests/webcontainer/
 * node-host.ts), bridged into the page. Nothing here claims to be WebContainer: the badge
 * names the host. Screenshots: test-results/live-host-*.
 */
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileSystemTree } from '../../src/backends/webcontainer/tree.js';
import { nodeHost, type NodeHost } from '../webcontainer/node-host.js';
import { chromiumNote, focusConsole, haveChromium, launch, openApp, screen, shot, showPane, type, VIEWPORTS } from './harness.js';

let browser: Browser | undefined;
let host: NodeHost | undefined;

/** Wire form of a tree: file bytes as base64 (exposed functions take JSON). */
type WireTree = Record<string, { d: WireTree } | { l: string } | { b: string }>;

function fromWire(w: WireTree): FileSystemTree {
  const out: FileSystemTree = {};
  for (const [k, v] of Object.entries(w)) out[k] = 'd' in v ? { directory: fromWire(v.d) } : 'l' in v ? { file: { symlink: v.l } } : { file: { contents: Buffer.from(v.b, 'base64') } };
  return out;
}

/** Gives the pages of `context` a `layerlabProcessHost` that runs on `h` (this machine's Node). */
async function bridge(context: BrowserContext, h: NodeHost): Promise<void> {
  const procs = new Map<number, Awaited<ReturnType<NodeHost['spawn']>>>();
  let next = 1;
  await context.exposeBinding('__hostCall', async ({ page }, op: string, args: unknown[]) => {
    switch (op) {
      case 'info':
        return { name: h.name, root: h.root };
      case 'mount':
        return h.mount(args[0] as string, fromWire(args[1] as WireTree));
      case 'writeFile':
        return h.writeFile(args[0] as string, args[1] as string);
      case 'readFile':
        return h.readFile(args[0] as string);
      case 'rm':
        return h.rm(args[0] as string);
      case 'previewUrl':
        return h.previewUrl(args[0] as number);
      case 'freePort':
        return h.freePort();
      case 'kill':
        return procs.get(args[0] as number)?.kill();
      case 'spawn': {
        const id = next++;
        const p = await h.spawn(args[0] as string, args[1] as string[], args[2] as { cwd: string; env: Record<string, string> });
        procs.set(id, p);
        p.onOutput((s, t) => void page.evaluate(([i, st, tx]) => (window as unknown as { __hostEvent: (...a: unknown[]) => void }).__hostEvent(i, 'out', st, tx), [id, s, t] as const).catch(() => {}));
        void p.exit.then((code) => page.evaluate(([i, c]) => (window as unknown as { __hostEvent: (...a: unknown[]) => void }).__hostEvent(i, 'exit', c), [id, code] as const).catch(() => {}));
        return id;
      }
    }
    throw new Error(`unknown host call ${op}`);
  });
  await context.addInitScript(() => {
    type Call = (op: string, args: unknown[]) => Promise<unknown>;
    const call: Call = (op, args) => (window as unknown as { __hostCall: Call }).__hostCall(op, args);
    const procs = new Map<number, { out: (s: string, t: string) => void; exit: (c: number) => void }>();
    (window as unknown as { __hostEvent: unknown }).__hostEvent = (id: number, kind: string, a: unknown, b: unknown) => {
      const p = procs.get(id);
      if (kind === 'out') p?.out(a as string, b as string);
      else p?.exit(a as number);
    };
    const wire = (tree: Record<string, unknown>): unknown => {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(tree) as [string, { directory?: Record<string, unknown>; file?: { symlink?: string; contents?: Uint8Array | string } }][]) {
        if (v.directory) out[k] = { d: wire(v.directory) };
        else if (v.file?.symlink !== undefined) out[k] = { l: v.file.symlink };
        else {
          const c = v.file!.contents!;
          const bytes = typeof c === 'string' ? new TextEncoder().encode(c) : c;
          let bin = '';
          for (const x of bytes) bin += String.fromCharCode(x);
          out[k] = { b: btoa(bin) };
        }
      }
      return out;
    };
    (window as unknown as { layerlabProcessHost: unknown }).layerlabProcessHost = async () => {
      const info = (await call('info', [])) as { name: string; root: string };
      return {
        name: info.name,
        root: info.root,
        mount: (dir: string, tree: Record<string, unknown>) => call('mount', [dir, wire(tree)]),
        writeFile: (p: string, d: string) => call('writeFile', [p, d]),
        readFile: (p: string) => call('readFile', [p]),
        rm: (p: string) => call('rm', [p]),
        previewUrl: (port: number) => call('previewUrl', [port]),
        freePort: () => call('freePort', []),
        async spawn(command: string, args: string[], opts: unknown) {
          const early: [string, string][] = [];
          const listeners: ((s: string, t: string) => void)[] = [];
          let resolveExit!: (c: number) => void;
          const exit = new Promise<number>((r) => (resolveExit = r));
          const id = (await call('spawn', [command, args, opts])) as number;
          procs.set(id, {
            out: (s, t) => (listeners.length ? listeners.forEach((l) => l(s, t)) : early.push([s, t])),
            exit: (c) => resolveExit(c),
          });
          return {
            onOutput(cb: (s: string, t: string) => void) {
              listeners.push(cb);
              for (const [s, t] of early.splice(0)) cb(s, t);
            },
            exit,
            kill: () => void call('kill', [id]),
          };
        },
      };
    };
  });
}

/** One line with single quotes only, so the console's echo writes it as it is. */
const SERVER = "require('http').createServer((q, s) => { s.setHeader('content-type', 'text/html'); s.end('<h1>Welcome to the shop!</h1><p>' + q.url + '</p>'); }).listen(3000, () => console.log('shop listening on port 3000'));";

describe.skipIf(!haveChromium)(`real processes in the page, on a host the test supplies (${chromiumNote})`, () => {
  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    host?.close();
  });

  for (const vp of [VIEWPORTS[0]!, { width: 390, height: 844 }]) {
    it(`runs the app for real, shows the badge, previews the port and curls it (${vp.width}x${vp.height})`, async () => {
      host = nodeHost();
      const context = await browser!.newContext({ viewport: vp });
      await bridge(context, host);
      const opened = await openApp(context);
      const p = opened.page;
      await focusConsole(p);
      await type(p, `mkdir shop && cd shop && echo "FROM node:20-alpine" > Dockerfile && echo "WORKDIR /app" >> Dockerfile && echo "COPY . ." >> Dockerfile && echo 'CMD ["node", "server.js"]' >> Dockerfile`);
      await type(p, `echo "${SERVER}" > server.js`);
      await type(p, 'docker build -q -t shop .', 30_000);
      await type(p, 'docker run -d --name shop -p 8080:3000 shop', 30_000);
      const row = p.getByRole('region', { name: 'Container processes' }).locator('.row[data-container="shop"]');
      await showPane(p, 'Console');
      await row.locator('.badge.real').waitFor({ timeout: 15_000 });
      expect(await row.locator('.badge.real').textContent()).toBe('real process · Node test host');
      const previewButton = row.getByRole('button', { name: 'localhost:8080 · preview' });
      await previewButton.waitFor({ timeout: 15_000 });
      await focusConsole(p);
      await type(p, 'curl localhost:8080/items');
      expect((await screen(p)).replace(/\n/g, '')).toContain('<h1>Welcome to the shop!</h1><p>/items</p>');
      await type(p, 'docker logs shop');
      expect(await screen(p)).toContain('shop listening on port 3000');
      await shot(p, 'live-host-console');
      await previewButton.click();
      const frame = p.frameLocator('iframe[title="Preview of localhost:8080"]');
      await frame.getByRole('heading', { name: 'Welcome to the shop!' }).waitFor({ timeout: 15_000 });
      expect(await p.getByRole('region', { name: 'Preview of localhost:8080' }).locator('.address').textContent()).toBe('localhost:8080');
      await shot(p, 'live-host-preview');
      await p.getByRole('button', { name: 'Close the preview' }).click();
      await showPane(p, 'Console');
      await focusConsole(p);
      await type(p, 'docker stop shop');
      await row.waitFor({ state: 'detached', timeout: 15_000 });
      await type(p, 'docker ps -a');
      expect(await screen(p)).toMatch(/Exited \(137\)/);
      expect(opened.errors).toEqual([]);
      host.close();
      host = undefined;
      await context.close();
    });
  }
});

