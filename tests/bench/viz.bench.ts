/// <reference lib="dom" />
/**
 * Visuals benchmark (issue 5): in headless Chromium at 1280x720, how long the Layers view
 * takes to draw a 200-layer image and the Registry view a registry with 50 images (target
 * under 100 ms each), and how many frames the page drops over a stretch of animation
 * (rebuilds with the Layers view open, then pushes drawn in place with the Registry view open;
 * target: none). The world comes from a share link, replayed by the app itself.
 * `npm run bench:viz` prints one JSON object on stdout, progress on stderr.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { encodeShare } from '../../src/persistence/share.js';
import { serveStatic } from '../e2e/static-server.js';

const TARGETS = { draw_200_layers_ms: 100, draw_registry_50_images_ms: 100, dropped_frames: 0 };
const ROOT = join(new URL('.', import.meta.url).pathname, '../..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const LAYERS = 200;
const IMAGES = 50;
/** Image rows the Registry view draws before it is scrolled at 1280x720: the 6 on screen and those within half a screen below. */
const REGISTRY_ROWS_ON_SCREEN = 12;
/** A frame is dropped when the gap to the previous one misses a 60 Hz vsync (16.7 ms) by more than half a frame. */
const DROPPED_GAP_MS = 25;

const log = (s: string) => process.stderr.write(s + '\n');
const round = (n: number) => Math.round(n * 100) / 100;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

function parseArgs(argv: string[]) {
  const o = { runs: 5, seconds: 60, profile: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--runs') o.runs = Number(argv[++i]);
    else if (a === '--seconds') o.seconds = Number(argv[++i]);
    else if (a === '--profile') o.profile = true; // unminified build + the timed draws' CPU profile on stderr
    else {
      process.stderr.write(`bench:viz: unexpected argument ${a}\nusage: npm run bench:viz -- [--runs N>=3] [--seconds S>=10] [--profile]\n`);
      process.exit(2);
    }
  }
  if (!(o.runs >= 3) || !(o.seconds >= 10)) {
    process.stderr.write('usage: npm run bench:viz -- [--runs N>=3] [--seconds S>=10]\n');
    process.exit(2);
  }
  return o;
}

/** The share link's world: 50 small images pushed to localhost:5000, then one image of 200 layers (built last, so it is the newest). */
function scenario(): string {
  const files: Record<string, string> = {};
  const history: string[] = [];
  for (let i = 1; i <= IMAGES; i++) {
    files[`many/Dockerfile.${i}`] = `FROM oracle-base:local\nRUN echo image ${i} > /id\nCOPY note.txt /note-${i % 7}.txt\n`;
  }
  files['many/note.txt'] = 'shared note\n';
  history.push('cd many');
  for (let i = 1; i <= IMAGES; i++) history.push(`docker build -q -t localhost:5000/app${i}:v1 -f Dockerfile.${i} . && docker push -q localhost:5000/app${i}:v1`);
  const steps = Array.from({ length: LAYERS - 1 }, (_, i) => (i % 2 ? `RUN echo step ${i} > /opt/f${i}` : `COPY part${i % 10}.txt /opt/part${i}.txt`));
  files['big/Dockerfile'] = `FROM oracle-base:local\n${steps.join('\n')}\nCMD ["sh"]\n`;
  for (let i = 0; i < 10; i++) files[`big/part${i}.txt`] = `part ${i}\n`.repeat(20 + i);
  history.push('cd ../big', 'docker build -q -t big .');
  return encodeShare({ files, history });
}

/** What a view shows once drawn: at least `min` elements matching each selector. */
type Ready = [selector: string, min: number][];
/** The Layers view draws the rows on screen (and near it), and lists every layer for screen readers. */
const LAYERS_READY: Ready = [
  ['.layers-view ol li', LAYERS],
  [`g.row[data-index="${LAYERS - 1}"]`, 1],
  [`g.row[data-index="${LAYERS - 12}"]`, 1],
];
/** ...and after a scroll to the end of the stack, the base layers there are drawn. */
const LAYERS_END_READY: Ready = [
  ['g.row[data-index="0"]', 1],
  ['g.row[data-index="11"]', 1],
];
/** The Registry view draws the rows on screen (and near it), and its text version lists every image. */
const REGISTRY_READY: Ready = [
  ['#reg-grid-desc li', IMAGES],
  ['text.row-title', REGISTRY_ROWS_ON_SCREEN],
];

/** Click `tab` (or run `act`) and time until `ready` holds and two more frames were drawn (the view is on screen). */
async function timeDraw(page: Page, tab: string, ready: Ready, act: 'click' | 'scroll-to-end' = 'click'): Promise<number> {
  return page.evaluate(
    async ({ tab, ready, act }) => {
      const frame = () => new Promise<number>((r) => requestAnimationFrame(r));
      const t0 = performance.now();
      if (act === 'click') [...document.querySelectorAll<HTMLButtonElement>('[role=tab]')].find((b) => b.textContent?.trim() === tab)!.click();
      else {
        const panel = document.querySelector<HTMLElement>('[role=tabpanel]')!;
        panel.scrollTop = panel.scrollHeight;
      }
      while (!ready.every(([sel, min]) => document.querySelectorAll(sel).length >= min)) {
        await frame();
        if (performance.now() - t0 > 10_000) throw new Error(`${tab}: not ready after 10 s (${ready.map(([sel, min]) => `${sel} ${document.querySelectorAll(sel).length}/${min}`).join(', ')})`);
      }
      await frame();
      await frame();
      return performance.now() - t0;
    },
    { tab, ready, act },
  );
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

/** The top functions by self time, as shares of the profiled time. */
function printProfile(p: CpuProfile, what: string): void {
  const self = new Map<number, number>();
  p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const byFn = new Map<string, number>();
  for (const n of p.nodes) {
    const t = self.get(n.id) ?? 0;
    const f = n.callFrame;
    const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}`;
    byFn.set(key, (byFn.get(key) ?? 0) + t);
  }
  log(`bench:viz: profile of ${what}, top self time:`);
  for (const [k, t] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, 25)) log(`  ${((100 * t) / total).toFixed(1).padStart(5)}%  ${k}`);
  // and with callees: which of the app's functions the busy time went through
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const keyOf = (id: number) => {
    const f = byId.get(id)!.callFrame;
    return `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}`;
  };
  const inclusive = new Map<string, number>();
  for (const [id, t] of self) {
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const f = byId.get(at)!.callFrame;
      if (!f.url) continue;
      const k = keyOf(at);
      if (!seen.has(k)) (seen.add(k), inclusive.set(k, (inclusive.get(k) ?? 0) + t));
    }
  }
  log(`bench:viz: profile of ${what}, top total time (with callees), ms:`);
  for (const [k, t] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, 60)) log(`  ${(t / 1000).toFixed(1).padStart(7)}  ${k}`);
}

async function typeLine(page: Page, line: string): Promise<void> {
  await page.keyboard.insertText(line);
  await page.keyboard.press('Enter');
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const out = mkdtempSync(join(tmpdir(), 'layerlab-viz-bench-'));
  log('bench:viz: building the app');
  const b = spawnSync(join(ROOT, 'node_modules/.bin/vite'), ['build', '--logLevel', 'error', '--outDir', out, '--emptyOutDir', ...(opts.profile ? ['--minify', 'false'] : [])], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, NODE_ENV: 'production' } });
  if (b.status !== 0) throw new Error(`vite build exited ${b.status}`);
  const server = await serveStatic(out, '/layerlab/');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    // tsx compiles with esbuild's keepNames, which wraps functions passed to the page in __name(): give the page one
    await context.addInitScript({ content: 'globalThis.__name = (f) => f;' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    log(`bench:viz: replaying ${IMAGES} builds and pushes and a ${LAYERS}-layer build from a share link`);
    await page.goto(server.url + scenario());
    await page.getByText('This is a shared workspace').waitFor({ timeout: 120_000 });

    // first visits load each view's chunk; the timed draws come after
    await timeDraw(page, 'Layers', LAYERS_READY);
    await timeDraw(page, 'Registry', REGISTRY_READY);
    const layers: number[] = [];
    const registry: number[] = [];
    const scrolls: number[] = [];
    const cdp = opts.profile ? await context.newCDPSession(page) : undefined;
    if (cdp) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
      await cdp.send('Profiler.start');
    }
    for (let i = 0; i < opts.runs; i++) {
      layers.push(await timeDraw(page, 'Layers', LAYERS_READY));
      scrolls.push(await timeDraw(page, 'Layers', LAYERS_END_READY, 'scroll-to-end'));
      registry.push(await timeDraw(page, 'Registry', REGISTRY_READY));
    }
    if (cdp) printProfile((await cdp.send('Profiler.stop')).profile as CpuProfile, 'the timed draws');
    log(`bench:viz: layers ${layers.map(round).join(', ')} ms; scroll to the base ${scrolls.map(round).join(', ')} ms; registry ${registry.map(round).join(', ')} ms`);

    // animation: sample every frame's gap while commands make the views move; not while the
    // bench switches from Layers to Registry (opening a view is a draw, timed above)
    type Sampler = { __gaps: number[]; __drops: string[]; __paused: boolean; __long: { at: number; ms: number }[] };
    const pause = (paused: boolean) => page.evaluate((p) => void ((window as unknown as Sampler).__paused = p), paused);
    await timeDraw(page, 'Layers', LAYERS_READY);
    await page.evaluate(() => {
      const w = window as unknown as Sampler;
      w.__gaps = [];
      w.__drops = [];
      w.__long = [];
      w.__paused = false;
      new PerformanceObserver((l) => {
        if (!w.__paused) for (const e of l.getEntries()) w.__long.push({ at: Math.round(e.startTime), ms: Math.round(e.duration) });
      }).observe({ type: 'longtask' });
      let last = performance.now();
      const tick = (t: number) => {
        if (!w.__paused && last >= 0) {
          w.__gaps.push(t - last);
          if (t - last > 25) w.__drops.push(`${Math.round(last)}:${Math.round(t - last)}`);
        }
        last = w.__paused ? -1 : t;
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    if (cdp) await cdp.send('Profiler.start');
    await page.click('.xterm');
    const end = Date.now() + opts.seconds * 1000;
    let n = 0;
    while (Date.now() < end - (opts.seconds * 1000) / 2) {
      await typeLine(page, `echo ${n++} >> part1.txt && docker build -q -t big .`);
      await page.waitForTimeout(1500);
    }
    await pause(true);
    await timeDraw(page, 'Registry', REGISTRY_READY);
    await page.click('.xterm');
    await pause(false);
    while (Date.now() < end) {
      await typeLine(page, `cd ../many && echo ${n} >> note.txt && docker build -q -t localhost:5000/app1:v${n} -f Dockerfile.1 . && docker push localhost:5000/app1:v${n++}; cd ../big`);
      await page.waitForTimeout(2000);
    }
    if (cdp) printProfile((await cdp.send('Profiler.stop')).profile as CpuProfile, 'the animation');
    const { gaps, long, drops } = await page.evaluate(() => {
      const w = window as unknown as Sampler;
      return { gaps: w.__gaps.slice(1), long: w.__long, drops: w.__drops };
    });
    if (drops.length) log(`bench:viz: gaps over ${DROPPED_GAP_MS} ms (ms at, ms long): ${drops.join(' ')}`);
    if (long.length) log(`bench:viz: long tasks during the animation (ms at, ms long): ${long.map((l) => `${l.at}:${l.ms}`).join(' ')}`);
    const dropped = gaps.filter((g) => g > DROPPED_GAP_MS);
    const result = {
      machine: { cpus: cpus().length, load1: round(loadavg()[0]!) },
      runs: opts.runs,
      draw_200_layers_ms: { median: round(median(layers)), range: [round(Math.min(...layers)), round(Math.max(...layers))] },
      scroll_200_layers_to_base_ms: { median: round(median(scrolls)), range: [round(Math.min(...scrolls)), round(Math.max(...scrolls))] },
      draw_registry_50_images_ms: { median: round(median(registry)), range: [round(Math.min(...registry)), round(Math.max(...registry))] },
      animation: {
        seconds: opts.seconds,
        frames: gaps.length,
        dropped_frames: dropped.length,
        longest_gap_ms: round(Math.max(0, ...gaps)),
        p99_gap_ms: round([...gaps].sort((a, b) => a - b)[Math.floor(gaps.length * 0.99)] ?? 0),
        long_tasks: { count: long.length, total_ms: long.reduce((a, l) => a + l.ms, 0), longest_ms: Math.max(0, ...long.map((l) => l.ms)) },
      },
      targets: TARGETS,
      met: {
        draw_200_layers: median(layers) <= TARGETS.draw_200_layers_ms,
        draw_registry_50_images: median(registry) <= TARGETS.draw_registry_50_images_ms,
        no_dropped_frames: dropped.length <= TARGETS.dropped_frames,
      },
      page_errors: errors,
    };
    process.stdout.write(JSON.stringify(result) + '\n');
  } finally {
    await browser.close();
    await server.close();
    if (opts.profile) log(`bench:viz: the unminified build stays in ${out}`);
    else rmSync(out, { recursive: true, force: true });
  }
}

void main().catch((e) => {
  process.stderr.write(`bench:viz: ${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
