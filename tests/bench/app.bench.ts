/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * App benchmark: builds the site (`vite build`), weighs the JavaScript index.html
 * loads eagerly (gzipped), serves dist/ from a sub-path and times, in headless
 * Chromium with a cold cache, page open -> console ready -> the first output of
 * `docker build`. `npm run bench:app` prints one JSON object on stdout, progress
 * on stderr. See tests/bench/README.md for what each number means.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type Page } from 'playwright-core';
import { serveStatic } from '../e2e/static-server.js';

/** The targets: initial JavaScript (kB = 1,000 bytes, gzipped) and page open -> first build output (ms, median). */
const TARGETS = { initial_js_gz_kb: 200, first_build_output_ms: 1000 };
const ROOT = join(new URL('.', import.meta.url).pathname, '../..');
/** Served from a sub-path, as on a static host (and as the e2e suite does). */
const BASE = '/layerlab/';
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const VIEWPORT = { width: 1280, height: 720 };
const CD = 'cd hello';
const BUILD = 'docker build -t hello .';
const BUILD_DONE = 'naming to docker.io/library/hello done';

interface Options {
  runs: number;
  build: boolean;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { runs: 5, build: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--runs') o.runs = Number(argv[++i]);
    else if (a === '--no-build') o.build = false; // measure dist/ as it is
    else if (a === '-h' || a === '--help') usage();
    else usage(`unexpected argument: ${a}`);
  }
  if (!Number.isInteger(o.runs) || o.runs < 3) usage('--runs must be an integer >= 3');
  return o;
}

function usage(err?: string): never {
  if (err) process.stderr.write(`bench:app: ${err}\n`);
  process.stderr.write('usage: npm run bench:app -- [--runs N>=3] [--no-build]\n');
  process.exit(err ? 2 : 0);
}

const log = (s: string) => process.stderr.write(s + '\n');
const round = (n: number) => Math.round(n * 100) / 100;
const kb = (bytes: number) => round(bytes / 1000);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const stats = (xs: number[]) => ({ median: round(median(xs)), range: [round(Math.min(...xs)), round(Math.max(...xs))] });

// ---------------------------------------------------------------- bundle

/**
 * `vite build` as `npm run build` runs it, a production build, into `outDir` (not dist/, which
 * the e2e suite rebuilds and serves: a run of it must not swap files under this one).
 */
function build(outDir: string): number {
  const t0 = performance.now();
  const r = spawnSync(join(ROOT, 'node_modules/.bin/vite'), ['build', '--logLevel', 'error', '--outDir', outDir, '--emptyOutDir'], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  if (r.status !== 0) throw new Error(`vite build exited ${r.status}`);
  return performance.now() - t0;
}

interface Chunk {
  file: string;
  kb: number;
  gz_kb: number;
}

function weigh(dist: string, file: string): Chunk {
  const bytes = readFileSync(join(dist, file));
  return { file, kb: kb(bytes.length), gz_kb: kb(gzipSync(bytes, { level: 9 }).length) };
}

/** Relative URLs of `<script type="module" src>` and `<link rel="modulepreload" href>` in index.html, as dist/ paths. */
function eagerFromHtml(html: string): string[] {
  const files: string[] = [];
  for (const tag of html.match(/<(script|link)\b[^>]*>/g) ?? []) {
    const attr = (name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
    const url = tag.startsWith('<script') ? attr('src') : attr('rel') === 'modulepreload' ? attr('href') : undefined;
    if (url) files.push(posix.normalize(url));
  }
  return files;
}

/** Static `import ... from "./x.js"` / `import "./x.js"` of a built chunk (not `import("./x.js")`), as dist/ paths. */
function staticImports(dist: string, file: string): string[] {
  const code = readFileSync(join(dist, file), 'utf8');
  const out: string[] = [];
  for (const m of code.matchAll(/(?:^|[;}\s])import\s*(?:[\w$*{}\s,]+?\s*from\s*)?["'](\.{1,2}\/[^"']+)["']/g)) {
    out.push(posix.join(posix.dirname(file), m[1]!));
  }
  return out;
}

/**
 * The JavaScript a first visit downloads before the app runs: the entry script and the
 * modulepreload links of index.html, plus (checked, in case a preload link is missing)
 * every chunk those import statically. Everything else in dist/assets is lazy.
 */
function bundle(dist: string) {
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const fromHtml = eagerFromHtml(html);
  const eager = new Set(fromHtml);
  for (const queue = [...eager]; queue.length; ) {
    for (const dep of staticImports(dist, queue.pop()!)) {
      if (eager.has(dep)) continue;
      log(`bench:app: ${dep} is imported statically but not preloaded by index.html; counted as initial`);
      eager.add(dep);
      queue.push(dep);
    }
  }
  const js = readdirSync(join(dist, 'assets'))
    .filter((f) => f.endsWith('.js'))
    .map((f) => `assets/${f}`);
  const initial = [...eager].map((f) => weigh(dist, f));
  const lazy = js.filter((f) => !eager.has(f)).map((f) => weigh(dist, f)).sort((a, b) => b.gz_kb - a.gz_kb);
  const css = readdirSync(join(dist, 'assets'))
    .filter((f) => f.endsWith('.css'))
    .map((f) => weigh(dist, `assets/${f}`));
  const sum = (cs: Chunk[], k: 'kb' | 'gz_kb') => round(cs.reduce((n, c) => n + c[k], 0));
  // the service worker's precache list (vite-plugin-pwa writes the URLs into sw.js)
  const sw = readFileSync(join(dist, 'sw.js'), 'utf8');
  const precached = js.filter((f) => sw.includes(`"${f}"`));
  return {
    initial_js_kb: sum(initial, 'kb'),
    initial_js_gz_kb: sum(initial, 'gz_kb'),
    initial_chunks: initial,
    lazy_js_gz_kb: sum(lazy, 'gz_kb'),
    lazy_chunks: lazy,
    css_gz_kb: sum(css, 'gz_kb'),
    precached_js: `${precached.length}/${js.length}`,
  };
}

// ---------------------------------------------------------------- page

/** Page times (ms since navigation start) recorded in the page by `watchScreen`. */
interface Marks {
  console_ready?: number;
  build_enter?: number;
  first_output?: number;
  build_done?: number;
}

/**
 * Runs in the page before its own scripts: records, from the console's rows, when the
 * first prompt shows, when Enter is pressed on the build line, when the first line
 * below it appears and when the build is done. A MutationObserver sees each change
 * as the terminal renders it, so no mark depends on how often the bench polls.
 */
function watchScreen({ build, done }: { build: string; done: string }): void {
  const marks: Marks = {};
  let atEnter: string | undefined;
  (window as unknown as { __marks: Marks }).__marks = marks;
  const rows = () => [...document.querySelectorAll('.xterm-rows > div')].map((d) => (d.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd());
  const check = () => {
    const r = rows();
    const now = performance.now();
    const last = r.filter((x) => x !== '').pop() ?? '';
    if (marks.console_ready === undefined && /learner@layerlab:\S*\$$/.test(last)) marks.console_ready = now;
    // the first frame whose text differs from the screen at Enter: the first output line (the command row may
    // already have scrolled away in the same frame)
    if (marks.first_output === undefined && atEnter !== undefined && r.filter((x) => x !== '').join('\n') !== atEnter) marks.first_output = now;
    if (marks.build_done === undefined && marks.first_output !== undefined && r.some((x) => x.includes(done))) {
      marks.build_done = now;
      observer.disconnect();
    }
  };
  const observer = new MutationObserver(check);
  observer.observe(document, { subtree: true, childList: true, characterData: true });
  document.addEventListener(
    'keydown',
    (e) => {
      // the build line's Enter: the console ready and the build typed on the current row
      if (e.key === 'Enter' && marks.build_enter === undefined && rows().some((x) => x.endsWith('$ ' + build))) {
        marks.build_enter = performance.now();
        atEnter = rows()
          .filter((x) => x !== '')
          .join('\n');
      }
    },
    true,
  );
}

/**
 * Types `line` into the console as one input event (so the bench's typing speed is not in
 * the numbers), waits until the console shows it after the prompt, and presses Enter.
 */
async function typeLine(page: Page, line: string): Promise<void> {
  await page.keyboard.insertText(line);
  await page.waitForFunction(
    (l) => [...document.querySelectorAll('.xterm-rows > div')].some((d) => (d.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd().endsWith('$ ' + l)),
    line,
    { timeout: 10_000 },
  );
  await page.keyboard.press('Enter');
}

/** One cold visit: a fresh context (no HTTP cache, service worker or IndexedDB). */
async function visit(browser: Browser, url: string): Promise<Required<Marks> & { chunks: { before_console_ready: string[]; before_first_output: string[] } }> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  // tsx compiles with esbuild's keepNames, which wraps watchScreen's inner functions in __name(): give the page one
  await context.addInitScript({ content: 'globalThis.__name = (f) => f;' });
  await context.addInitScript(watchScreen, { build: BUILD, done: BUILD_DONE });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  const marks = () => page.evaluate(() => ({ ...(window as unknown as { __marks: Marks }).__marks }));
  const waitMark = (name: keyof Marks) =>
    page.waitForFunction((n) => (window as unknown as { __marks: Marks }).__marks[n] !== undefined, name, { timeout: 30_000 });

  await page.goto(url);
  await page.waitForSelector('.xterm-helper-textarea');
  await waitMark('console_ready');
  await page.focus('.xterm-helper-textarea');
  await typeLine(page, CD);
  await page.waitForFunction(
    (cd) => {
      const rows = [...document.querySelectorAll('.xterm-rows > div')].map((d) => (d.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd()).filter((r) => r !== '');
      return rows.some((r) => r.endsWith('$ ' + cd)) && /learner@layerlab:\S*hello\$$/.test(rows.at(-1) ?? '');
    },
    CD,
    { timeout: 10_000 },
  );
  await typeLine(page, BUILD);
  await waitMark('first_output');
  await waitMark('build_done');
  const m = (await marks()) as Required<Marks>;
  // the JavaScript the page (not the service worker's precaching) started to fetch before each mark
  const scripts = await page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .filter((e) => e.name.endsWith('.js'))
      .map((e) => ({ url: e.name, start: e.startTime })),
  );
  const before = (t: number) => scripts.filter((e) => e.start < t).map((e) => e.url.slice(url.length));
  await context.close();
  if (errors.length) throw new Error(`the page reported errors: ${errors.join('; ')}`);
  return { ...m, chunks: { before_console_ready: before(m.console_ready), before_first_output: before(m.first_output) } };
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  let buildMs: number | undefined;
  const dist = opts.build ? mkdtempSync(join(tmpdir(), 'layerlab-bench-')) : join(ROOT, 'dist');
  if (opts.build) {
    log(`bench:app: vite build into ${dist} ...`);
    buildMs = build(dist);
  }
  const weights = bundle(dist);
  log(`bench:app: initial JS ${weights.initial_js_gz_kb} kB gzipped (target ${TARGETS.initial_js_gz_kb}), ${weights.lazy_chunks.length} lazy chunks ${weights.lazy_js_gz_kb} kB`);

  const server = await serveStatic(dist, BASE);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const runs: Awaited<ReturnType<typeof visit>>[] = [];
  const version = browser.version();
  try {
    // one untimed visit first: Chromium's own start-up costs are not the app's
    await visit(browser, server.url);
    for (let i = 0; i < opts.runs; i++) {
      const r = await visit(browser, server.url);
      log(`bench:app: run ${i + 1}/${opts.runs}: console ready ${round(r.console_ready)} ms, first build output ${round(r.first_output)} ms`);
      runs.push(r);
    }
  } finally {
    await browser.close();
    await server.close();
    if (opts.build) rmSync(dist, { recursive: true, force: true });
  }

  const firstOutput = stats(runs.map((r) => r.first_output));
  const report = {
    node: process.version,
    chromium: version,
    machine: { cpus: cpus().length, load1: round(loadavg()[0]!) },
    ...(buildMs === undefined ? {} : { build_ms: Math.round(buildMs) }),
    ...weights,
    runs: opts.runs,
    console_ready_ms: stats(runs.map((r) => r.console_ready)),
    first_build_output_ms: firstOutput,
    enter_to_first_output_ms: stats(runs.map((r) => r.first_output - r.build_enter)),
    build_enter_ms: stats(runs.map((r) => r.build_enter)),
    build_done_ms: stats(runs.map((r) => r.build_done)),
    chunks_loaded: runs[0]!.chunks,
    targets: TARGETS,
    met: {
      initial_js_gz: weights.initial_js_gz_kb <= TARGETS.initial_js_gz_kb,
      first_build_output: firstOutput.median <= TARGETS.first_build_output_ms,
    },
  };
  process.stdout.write(JSON.stringify(report) + '\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:app: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
