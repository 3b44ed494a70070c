/**
 * Build benchmark: a 100-instruction Dockerfile over a 5,000-file context,
 * built cold, rebuilt fully cached, and rebuilt after one file changed, with
 * both builders. `npm run bench` prints one JSON object on stdout; progress
 * and the optional profile (`npm run bench:engine -- --profile`) go to stderr.
 * See tests/bench/README.md for what each number means.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { findSourceMap, type SourceMapping } from 'node:module';
import { performance } from 'node:perf_hooks';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { runDocker } from '../../src/cli/docker.js';
import { MemoryWorkspace } from '../../src/cli/memory-workspace.js';
import type { CliIO, Workspace } from '../../src/cli/types.js';
import { BuildContext, type ContextInput } from '../../src/engine/build/context.js';
import type { BuildOutput, BuildRequest, BuildResult } from '../../src/engine/build/types.js';
import type { Engine } from '../../src/engine/engine.js';
import { createEngine } from '../../src/engine/index.js';
import { preloadOracleBase } from '../../src/engine/oracle-base.js';
import type { BuildStepEvent } from '../../src/shared/events.js';

type Builder = 'buildkit' | 'classic';
const BUILDERS: Builder[] = ['buildkit', 'classic'];

/** The issue's targets, for the engine alone (ms, median, Node). */
const TARGETS = { cold_build_ms: 200, cached_rebuild_ms: 25 };
const CONTEXT_FILES = 5000;
const INSTRUCTIONS = 100;
/** The instruction that reads the whole context: a changed file must make it and everything after it miss. */
const COPY_ALL = 'COPY . .';
const CONTEXT_ID = '/bench/app';

interface Options {
  runs: number;
  profile: boolean;
  top: number;
  /** Write the context to this folder and exit (to time a real `docker build` on the same files). */
  writeContext?: string;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { runs: Number(process.env.BENCH_RUNS ?? 7), profile: false, top: 15 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--profile') o.profile = true;
    else if (a === '--runs') o.runs = Number(argv[++i]);
    else if (a === '--top') o.top = Number(argv[++i]);
    else if (a === '--write-context') o.writeContext = argv[++i];
    else if (a === '-h' || a === '--help') usage();
    else usage(`unexpected argument: ${a}`);
  }
  if (!Number.isInteger(o.runs) || o.runs < 5) usage('--runs must be an integer >= 5 (the median needs at least 5 samples)');
  return o;
}

function usage(err?: string): never {
  if (err) process.stderr.write(`bench: ${err}\n`);
  process.stderr.write('usage: npm run bench:engine -- [--runs N>=5] [--profile] [--top K] | --write-context DIR\n');
  process.exit(err ? 2 : 0);
}

// ---------------------------------------------------------------- fixture

/** A small seeded generator, so every run builds the very same context. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 0x1_0000_0000;
  };
}

const WORDS = ['layer', 'image', 'cache', 'build', 'stage', 'context', 'digest', 'config', 'volume', 'network', 'export', 'import', 'const', 'return', 'value', 'index'];

/** Source-like text of `size` bytes (ASCII, so bytes = characters). */
function text(rand: () => number, header: string, size: number): string {
  let s = header + '\n';
  while (s.length < size) {
    const n = 3 + Math.floor(rand() * 6);
    const line: string[] = [];
    for (let i = 0; i < n; i++) line.push(WORDS[Math.floor(rand() * WORDS.length)]!);
    s += '  ' + line.join(' ') + ';\n';
  }
  return s.slice(0, size);
}

/** Binary-looking bytes for the few large assets. */
function blob(rand: () => number, size: number): Uint8Array {
  const b = new Uint8Array(size);
  for (let i = 0; i < size; i++) b[i] = Math.floor(rand() * 256);
  return b;
}

const encoder = new TextEncoder();

/** The Dockerfile: exactly INSTRUCTIONS instructions, COPY of a subfolder early and of `.` in the middle. */
function dockerfile(): string {
  const head = [
    'FROM oracle-base:local',
    'ARG APP_VERSION=1.4.2',
    'ARG BUILD_CHANNEL=stable',
    'ARG GIT_SHA=0000000',
    'ENV APP_HOME=/srv/app',
    'ENV APP_ENV=production LOG_LEVEL=info',
    'ENV PATH=/srv/app/bin:$PATH',
    'LABEL org.opencontainers.image.title="layerlab-bench"',
    'LABEL org.opencontainers.image.version=$APP_VERSION',
    'LABEL org.opencontainers.image.revision=$GIT_SHA channel=$BUILD_CHANNEL',
    'WORKDIR $APP_HOME',
    'COPY config/ ./config/',
  ];
  const tail = ['EXPOSE 8080', 'CMD ["/bin/sh", "-c", "cat /opt/s00/f"]'];
  const middle = ['ENV STAGE=assemble', COPY_ALL];
  const runs = INSTRUCTIONS - head.length - middle.length - tail.length;
  const before = Math.floor(runs / 2);
  const run = (i: number) => {
    const d = `/opt/s${String(i).padStart(2, '0')}`;
    if (i % 10 === 3) return `RUN mkdir -p ${d} && cp config/app-0${i % 7}.json ${d}/app.json`;
    if (i % 10 === 7) return `RUN mkdir -p ${d}/etc && echo "channel=$BUILD_CHANNEL step=${i}" > ${d}/etc/conf && echo "${i}" >> ${d}/etc/conf`;
    return `RUN mkdir -p ${d} && echo "step ${i} of $APP_VERSION ($APP_ENV)" > ${d}/f`;
  };
  const lines = [...head];
  for (let i = 0; i < before; i++) lines.push(run(i));
  lines.push(...middle);
  for (let i = before; i < runs; i++) lines.push(run(i));
  lines.push(...tail);
  return ['# Layerlab build benchmark (tests/bench/engine.bench.ts)', ...lines, ''].join('\n');
}

const DOCKERIGNORE = ['# not sent to the builder', '.git', 'node_modules', '**/*.log', 'logs/', '*.tmp', ''].join('\n');

interface Fixture {
  inputs: ContextInput[];
  dockerfile: string;
  /** Files `COPY . .` reads, in the middle of the sorted context: the ones (c) changes. */
  changeable: string[];
  /** Steps each builder reports besides FROM: classic every instruction, BuildKit RUN/COPY/WORKDIR. */
  steps: Record<Builder, number>;
  files: number;
  bytes: number;
}

/**
 * 5,000 files in nested folders, a few hundred bytes each, plus four larger
 * assets; node_modules, .git and logs are there for .dockerignore to drop.
 */
function makeFixture(): Fixture {
  const rand = lcg(20240601);
  const files: ContextInput[] = [];
  const mtime = 1_700_000_000;
  const add = (path: string, data: Uint8Array) => files.push({ path, type: 'file', mode: 0o644, mtime, data });
  const addText = (path: string, size: number) => add(path, encoder.encode(text(rand, `// ${path}`, size)));
  const df = dockerfile();
  add('Dockerfile', encoder.encode(df));
  add('.dockerignore', encoder.encode(DOCKERIGNORE));
  for (let i = 0; i < 20; i++) addText(`config/app-${String(i).padStart(2, '0')}.json`, 150 + Math.floor(rand() * 400));
  const big = [64, 128, 256, 1024];
  big.forEach((kb, i) => add(`assets/bundle-${i}.bin`, blob(rand, kb * 1024)));
  for (let i = 0; i < 300; i++) addText(`node_modules/dep-${Math.floor(i / 20)}/lib/m${i % 20}.js`, 200 + Math.floor(rand() * 400));
  for (let i = 0; i < 50; i++) addText(`.git/objects/${String(i % 16).padStart(2, '0')}/obj${i}`, 100 + Math.floor(rand() * 200));
  for (let i = 0; i < 20; i++) addText(`logs/run-${i}.log`, 300);
  let docs = 0;
  for (; files.length < CONTEXT_FILES - 4500; docs++) addText(`docs/section-${Math.floor(docs / 20)}/page-${docs % 20}.md`, 200 + Math.floor(rand() * 500));
  for (let p = 0; p < 25; p++)
    for (let m = 0; m < 12; m++)
      for (let f = 0; f < 15; f++) addText(`src/pkg${String(p).padStart(2, '0')}/mod${m}/file${String(f).padStart(2, '0')}.ts`, 200 + Math.floor(rand() * 400));
  if (files.length !== CONTEXT_FILES) throw new Error(`fixture has ${files.length} files, want ${CONTEXT_FILES}`);
  // directories too, as a workspace's readTree lists them
  const dirs = new Set<string>();
  for (const f of files) for (let i = f.path.indexOf('/'); i > 0; i = f.path.indexOf('/', i + 1)) dirs.add(f.path.slice(0, i));
  const inputs: ContextInput[] = [...[...dirs].map((d): ContextInput => ({ path: d, type: 'dir', mode: 0o755, mtime })), ...files].sort((a, b) => (a.path < b.path ? -1 : 1));
  const src = inputs.filter((f) => f.type === 'file' && f.path.startsWith('src/')).map((f) => f.path);
  const mid = Math.floor(src.length / 2);
  const body = df.split('\n').filter((l) => /^[A-Z]/.test(l)).slice(1);
  return {
    inputs,
    dockerfile: df,
    changeable: src.slice(mid - 20, mid + 20),
    steps: { classic: body.length, buildkit: body.filter((l) => /^(RUN|COPY|WORKDIR) /.test(l)).length },
    files: files.length,
    bytes: files.reduce((n, f) => n + (f.data?.length ?? 0), 0),
  };
}

/** The inputs with one file's bytes changed (same size, different content). */
function withChange(inputs: ContextInput[], path: string, round: number): ContextInput[] {
  return inputs.map((f) => {
    if (f.path !== path) return f;
    const data = new Uint8Array(f.data!);
    data[data.length - 2] = 48 + (round % 10);
    data[data.length - 3] = 48 + (Math.floor(round / 10) % 10);
    data[0] = 35; // '#': never equal to the original '/', whatever the round
    return { ...f, data };
  });
}

/** Writes the fixture as a folder; refuses a non-empty one so nothing of the user's is overwritten. */
function writeContext(fx: Fixture, dir: string): void {
  if (existsSync(dir) && readdirSync(dir).length > 0) usage(`--write-context: ${dir} is not empty`);
  for (const f of fx.inputs) {
    const p = join(dir, f.path);
    if (f.type === 'dir') mkdirSync(p, { recursive: true });
    else {
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, f.data!);
    }
  }
}

// ---------------------------------------------------------------- driving the engine

const SILENT: BuildOutput = { stdout: () => {}, stderr: () => {} };

function freshEngine(): Engine {
  const engine = createEngine({ seed: 42 });
  preloadOracleBase(engine);
  return engine;
}

function request(fx: Fixture, context: BuildContext, builder: Builder): BuildRequest {
  return { context, contextId: CONTEXT_ID, dockerfile: fx.dockerfile, dockerfileName: 'Dockerfile', tags: ['bench:latest'], buildArgs: new Map(), builder };
}

/** Times one build, then checks the cache did what the scenario says, so a number is never of the wrong work. */
function build(engine: Engine, fx: Fixture, context: BuildContext, builder: Builder, expect: 'cold' | 'cached' | 'changed'): Sample {
  const req = request(fx, context, builder);
  let res: BuildResult | undefined;
  const sample = time(() => (res = engine.build(req, SILENT)));
  if (res!.exitCode !== 0) throw new Error(`${builder} ${expect} build failed: ${res!.error}`);
  checkSteps(res!.steps, builder, expect, fx.steps[builder]);
  return sample;
}

function checkSteps(steps: BuildStepEvent[], builder: Builder, expect: 'cold' | 'cached' | 'changed', count: number): void {
  const body = steps.filter((s) => s.cached !== null);
  if (body.length !== count) throw new Error(`${builder} ${expect}: ${body.length} steps reported, want ${count}`);
  const copyAll = body.findIndex((s) => s.instruction === COPY_ALL);
  if (copyAll < 0) throw new Error(`${builder}: no "${COPY_ALL}" step in the build`);
  body.forEach((s, i) => {
    const want = expect === 'cold' ? false : expect === 'cached' ? true : i < copyAll;
    if (s.cached !== want) throw new Error(`${builder} ${expect}: step ${s.step} (${s.instruction}) was ${s.cached ? 'cached' : 'built'}`);
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** One timed run: wall-clock ms, and the process's CPU ms (less sensitive to a busy machine). */
interface Sample {
  wall: number;
  cpu: number;
}

function time(fn: () => void): Sample {
  const c = process.cpuUsage();
  const t = performance.now();
  fn();
  const wall = performance.now() - t;
  const d = process.cpuUsage(c);
  return { wall, cpu: (d.user + d.system) / 1000 };
}

/** A workspace that serves the fixture from memory: the CLI path without the disk. */
function memoryWorkspace(fx: Fixture): Workspace {
  const byPath = new Map<string, Uint8Array>(fx.inputs.flatMap((f) => (f.data ? [[`${CONTEXT_ID}/${f.path}`, f.data]] : [])));
  return {
    cwd: CONTEXT_ID,
    resolve: (p) => (p.startsWith('/') ? p : p === '.' ? CONTEXT_ID : `${CONTEXT_ID}/${p}`),
    readFile: (p) => byPath.get(p) ?? null,
    readTree: (p) => (p === CONTEXT_ID ? fx.inputs : null),
  };
}

// ---------------------------------------------------------------- profiling

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Starts the V8 sampling profiler in this process; `stop` returns the profile. */
async function startProfiler(): Promise<{ stop(): Promise<CpuProfile> }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  return {
    async stop() {
      const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: CpuProfile };
      session.disconnect();
      return profile;
    },
  };
}

interface HotFunction {
  fn: string;
  self_pct: number;
  total_pct: number;
  self_ms: number;
}

/** `name file:line`, the line mapped back to the TypeScript source (tsx compiles with source maps). */
function frameName(f: ProfileNode['callFrame']): string {
  const name = f.functionName || '(anonymous)';
  if (!f.url) return name;
  let file = f.url;
  let line = f.lineNumber + 1;
  const entry = (f.url.startsWith('file:') ? findSourceMap(f.url)?.findEntry(f.lineNumber, f.columnNumber) : undefined) as Partial<SourceMapping> | undefined;
  if (entry?.originalSource && entry.originalLine !== undefined) {
    file = entry.originalSource;
    line = entry.originalLine + 1;
  }
  file = file.replace(/^file:\/\//, '').replace(/\?.*$/, '').replace(process.cwd() + '/', '');
  return `${name} ${file}:${line}`;
}

/** Self and inclusive time per function, as shares of the profiled CPU time (idle excluded). */
function hotFunctions(p: CpuProfile): { self: HotFunction[]; all: number } {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const names = new Map<number, string>();
  const key = (id: number) => {
    let k = names.get(id);
    if (k === undefined) names.set(id, (k = frameName(byId.get(id)!.callFrame)));
    return k;
  };
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let all = 0;
  // timeDeltas[i + 1] is how long sample i was current
  for (let i = 0; i < p.samples.length; i++) {
    const dt = p.timeDeltas[i + 1] ?? 0;
    const id = p.samples[i]!;
    const k = key(id);
    if (k === '(idle)' || k === '(program)') continue;
    all += dt;
    self.set(k, (self.get(k) ?? 0) + dt);
    const seen = new Set<string>();
    for (let a: number | undefined = id; a !== undefined; a = parent.get(a)) {
      const ak = key(a);
      if (seen.has(ak)) continue;
      seen.add(ak);
      total.set(ak, (total.get(ak) ?? 0) + dt);
    }
  }
  const row = (fn: string): HotFunction => ({ fn, self_pct: round2((100 * (self.get(fn) ?? 0)) / all), total_pct: round2((100 * (total.get(fn) ?? 0)) / all), self_ms: round2((self.get(fn) ?? 0) / 1000) });
  return { self: [...self.keys()].map(row), all };
}

/** The profile tables on stderr: top functions by self time, then engine functions by inclusive time. */
function printProfile(log: (s: string) => void, label: string, hot: HotFunction[], top: number): void {
  const line = (h: HotFunction) => `${h.self_pct.toFixed(1).padStart(7)} ${h.total_pct.toFixed(1).padStart(7)} ${h.self_ms.toFixed(1).padStart(9)}  ${h.fn}`;
  log(`\nprofile: ${label}: top ${top} by self time (% of profiled CPU time)`);
  log('  self%  total%   self ms  function');
  for (const h of [...hot].sort((a, b) => b.self_pct - a.self_pct).slice(0, top)) log(line(h));
  log(`profile: ${label}: top ${top} engine functions by total (inclusive) time`);
  for (const h of hot.filter((x) => x.fn.includes(' src/')).sort((a, b) => b.total_pct - a.total_pct).slice(0, top)) log(line(h));
}

// ---------------------------------------------------------------- scenarios

interface Samples {
  cold: Sample[];
  cached: Sample[];
  changed: Sample[];
  cli: Sample[];
  /** Kept so the heap numbers include what the engine holds after its builds. */
  engine: Engine;
}

/** One builder's scenario: N cold builds on fresh engines, then N cached and N one-changed rebuilds on one engine. */
async function measure(fx: Fixture, base: BuildContext, builder: Builder, runs: number, profile?: (label: string, p: CpuProfile) => void): Promise<Samples> {
  const phase = async (label: string, fn: () => void) => {
    const prof = profile ? await startProfiler() : undefined;
    fn();
    if (prof && profile) profile(`${builder} ${label}`, await prof.stop());
  };
  const cold: Sample[] = [];
  const cached: Sample[] = [];
  const changed: Sample[] = [];
  const cli: Sample[] = [];
  let engine = freshEngine();
  await phase('cold', () => {
    for (let i = 0; i < runs; i++) {
      engine = freshEngine();
      cold.push(build(engine, fx, base, builder, 'cold'));
    }
  });
  await phase('cached', () => {
    for (let i = 0; i < runs; i++) cached.push(build(engine, fx, base, builder, 'cached'));
  });
  // contexts are made before timing: hashing the inputs is measured apart (context_from_ms)
  const variants = Array.from({ length: runs }, (_, i) => BuildContext.from(withChange(fx.inputs, fx.changeable[(i * 7) % fx.changeable.length]!, i + 1)));
  await phase('one-changed', () => {
    for (const ctx of variants) changed.push(build(engine, fx, ctx, builder, 'changed'));
  });
  // back to the original context (cached), then the same rebuild through `docker build`
  build(engine, fx, base, builder, 'cached');
  const io = { stdout: () => {}, stderr: () => {}, env: { DOCKER_BUILDKIT: builder === 'classic' ? '0' : '1' }, workspace: memoryWorkspace(fx) };
  for (let i = 0; i < runs; i++) {
    cli.push(
      time(() => {
        const code = runDocker(engine, ['build', '-t', 'bench:latest', '.'], io);
        if (code !== 0) throw new Error(`${builder}: docker build exited ${code}`);
      }),
    );
  }
  return { cold, cached, changed, cli, engine };
}

// ---------------------------------------------------------------- CLI scenarios: push/pull, container cycles, memory

/** Drives the engine through `docker ...` as the app does; collects stdout only when asked. */
class Cli {
  out: string[] = [];
  collect = false;
  readonly io: CliIO;
  readonly classicIo: CliIO;
  constructor(
    readonly engine: Engine,
    readonly ws: MemoryWorkspace,
  ) {
    const stdout = (l: string) => {
      if (this.collect) this.out.push(l);
    };
    this.io = { stdout, stderr() {}, env: { DOCKER_BUILDKIT: '1' }, workspace: ws };
    this.classicIo = { ...this.io, env: { DOCKER_BUILDKIT: '0' } };
  }
  /** Runs `docker ARGV`, throwing unless it exits 0. */
  run(argv: string[], io = this.io): void {
    const code = runDocker(this.engine, argv, io);
    if (code !== 0) throw new Error(`docker ${argv.join(' ')} exited ${code}`);
  }
  /** Runs `docker ARGV` and returns its stdout lines. */
  lines(argv: string[]): string[] {
    this.out = [];
    this.collect = true;
    try {
      this.run(argv);
    } finally {
      this.collect = false;
    }
    return this.out;
  }
}

const PUSH_REF = 'localhost:5000/bench/app:v1';
const PUSH_LAYERS = 20;

/** FROM oracle-base:local and 19 steps, alternately RUN (echo of ~2-4 KB) and COPY (a 3-5 KB file): 20 layers. */
function pushPullWorkspace(): MemoryWorkspace {
  const rand = lcg(5000);
  const ws = MemoryWorkspace.of({});
  const lines = ['FROM oracle-base:local'];
  for (let i = 1; i < PUSH_LAYERS; i++) {
    if (i % 2) {
      lines.push(`RUN mkdir -p /data && echo "${text(rand, `step ${i}`, 2048 + Math.floor(rand() * 2048)).replace(/\n/g, ' ')}" > /data/run${i}.txt`);
    } else {
      ws.write(`ctx/files/f${i}.txt`, text(rand, `// file ${i}`, 3072 + Math.floor(rand() * 2048)));
      lines.push(`COPY files/f${i}.txt /data/copy${i}.txt`);
    }
  }
  ws.write('ctx/Dockerfile', lines.join('\n') + '\n');
  return ws;
}

/** The last status each layer printed (`abc123def456: Pushed`). */
function layerStatus(lines: string[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const l of lines) {
    const r = /^([0-9a-f]{12}): (.*)$/.exec(l);
    if (r) m.set(r[1]!, r[2]!);
  }
  return m;
}

function expectStatus(what: string, lines: string[], want: Record<string, number>): void {
  const got: Record<string, number> = {};
  for (const s of layerStatus(lines).values()) got[s] = (got[s] ?? 0) + 1;
  if (JSON.stringify(Object.entries(got).sort()) !== JSON.stringify(Object.entries(want).sort())) throw new Error(`${what}: layers ended ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
}

interface PushPullSamples {
  push_fresh: Sample[];
  push_again: Sample[];
  pull: Sample[];
}

/**
 * One run: a fresh engine builds the 20-layer image (untimed), then push to a
 * fresh repository, push again, rmi + builder prune (untimed: the build cache
 * keeps the layers otherwise, and the pull would find them all), pull.
 */
function pushPullRun(ws: MemoryWorkspace, into?: PushPullSamples): void {
  const cli = new Cli(freshEngine(), ws);
  cli.run(['build', '-t', PUSH_REF, 'ctx']);
  let lines: string[] = [];
  const fresh = time(() => (lines = cli.lines(['push', PUSH_REF])));
  const pushed = lines.filter((l) => /^[0-9a-f]{12}: Pushed$/.test(l)).length;
  if (pushed !== PUSH_LAYERS) throw new Error(`first push: ${pushed} lines end with ": Pushed", want ${PUSH_LAYERS}`);
  expectStatus('first push', lines, { Pushed: PUSH_LAYERS });
  const again = time(() => (lines = cli.lines(['push', PUSH_REF])));
  expectStatus('second push', lines, { 'Layer already exists': PUSH_LAYERS });
  cli.run(['rmi', PUSH_REF]);
  cli.run(['builder', 'prune', '-a', '-f']);
  const pull = time(() => (lines = cli.lines(['pull', PUSH_REF])));
  expectStatus('pull', lines, { 'Already exists': 1, 'Pull complete': PUSH_LAYERS - 1 });
  if (into) {
    into.push_fresh.push(fresh);
    into.push_again.push(again);
    into.pull.push(pull);
  }
}

const CYCLES = 1000;

/** `docker create --name cN oracle-base:local true`, `docker start cN`, `docker rm cN`, CYCLES times on one engine. */
function containerCycles(): Sample {
  const cli = new Cli(freshEngine(), MemoryWorkspace.of({}));
  const sample = time(() => {
    for (let i = 0; i < CYCLES; i++) {
      const name = `c${i}`;
      cli.run(['create', '--name', name, 'oracle-base:local', 'true']);
      cli.run(['start', name]);
      cli.run(['rm', name]);
    }
  });
  const left = cli.lines(['ps', '-a', '-q']).filter((l) => l.trim() !== '');
  if (left.length) throw new Error(`container cycles: docker ps -a -q lists ${left.length} containers at the end`);
  return sample;
}

const MIXED_COMMANDS = 500;

/**
 * MIXED_COMMANDS commands on one engine, 20 per round: builds with both
 * builders, run --rm, run -d sleep + stop + rm, tag, images, ps -a, volume
 * create/rm, push/pull, rmi. Every fifth round's images are kept, the rest removed.
 */
function mixedCommands(cli: Cli): number {
  let n = 0;
  const run = (argv: string[], io?: CliIO) => {
    cli.run(argv, io);
    n++;
  };
  for (let k = 0; n < MIXED_COMMANDS; k++) {
    const [a, b] = k % 2 ? [cli.classicIo, cli.io] : [cli.io, cli.classicIo];
    const img = `bench/mix:${k}`;
    const remote = `localhost:5000/bench/mix:${k}`;
    cli.ws.write(`mix/a/app${k}.txt`, `app ${k}\n`.repeat(50 + k));
    cli.ws.write('mix/a/Dockerfile', `FROM oracle-base:local\nWORKDIR /app\nCOPY app${k}.txt ./\nRUN echo "round ${k}" > /app/round && mkdir -p /app/out\nENV ROUND=${k}\nCMD ["cat", "/app/round"]\n`);
    cli.ws.write('mix/b/Dockerfile', `FROM oracle-base:local\nRUN echo "second ${k}" > /second\nLABEL round=${k}\n`);
    run(['build', '-t', img, 'mix/a'], a);
    run(['run', '--rm', img, 'cat', '/app/round']);
    run(['run', '-d', '--name', `d${k}`, 'oracle-base:local', 'sleep', '100']);
    run(['stop', `d${k}`]);
    run(['rm', `d${k}`]);
    run(['tag', img, remote]);
    run(['images']);
    run(['ps', '-a']);
    run(['volume', 'create', `v${k}`]);
    run(['volume', 'rm', `v${k}`]);
    run(['push', remote]);
    run(['rmi', remote]);
    run(['pull', remote]);
    run(['run', '--rm', remote, 'echo', 'hi']);
    run(['build', '-t', `bench/mix2:${k}`, 'mix/b'], b);
    run(['images']);
    run(['ps', '-a']);
    run(['rmi', remote]);
    if (k % 5) {
      run(['rmi', `bench/mix2:${k}`]);
      run(['rmi', img]);
    } else {
      run(['images', '-q']);
      run(['volume', 'ls']);
    }
  }
  return n;
}

/** A `gc()` without --expose-gc on the command line, so heap numbers are of live objects. */
function gcFunction(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

const mb = (bytes: number) => round2(bytes / (1024 * 1024));

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const gc = gcFunction();
  const log = (s: string) => process.stderr.write(s + '\n');
  const fx = makeFixture();
  if (opts.writeContext) {
    writeContext(fx, opts.writeContext);
    log(`bench: wrote the context to ${opts.writeContext}`);
    return;
  }
  log(`bench: ${fx.files} context files (${mb(fx.bytes)} MB), ${INSTRUCTIONS} instructions, ${opts.runs} runs per scenario`);

  // the context: hashing 5,000 inputs is the caller's cost, measured apart from the build
  const profiles: { label: string; hot: HotFunction[] }[] = [];
  const onProfile = opts.profile ? (label: string, p: CpuProfile) => profiles.push({ label, hot: hotFunctions(p).self }) : undefined;
  const fromTimes: Sample[] = [];
  let base = BuildContext.from(fx.inputs);
  const fromProfiler = onProfile ? await startProfiler() : undefined;
  // fresh copies of the bytes each time: BuildContext.from reuses what it saw before, so this is the first-build cost
  for (let i = 0; i < opts.runs; i++) {
    const copies = fx.inputs.map((f) => (f.data ? { ...f, data: new Uint8Array(f.data) } : { ...f }));
    fromTimes.push(time(() => BuildContext.from(copies)));
  }
  base = BuildContext.from(fx.inputs);
  if (fromProfiler && onProfile) onProfile('BuildContext.from', await fromProfiler.stop());

  // warm-up (JIT) on separate engines, every scenario once
  for (const b of BUILDERS) {
    const e = freshEngine();
    build(e, fx, base, b, 'cold');
    build(e, fx, base, b, 'cached');
    build(e, fx, BuildContext.from(withChange(fx.inputs, fx.changeable[fx.changeable.length - 1]!, 99)), b, 'changed');
  }

  const results = new Map<Builder, Samples>();
  const retained = new Map<Builder, number>();
  for (const b of BUILDERS) {
    gc();
    const before = process.memoryUsage().heapUsed;
    log(`bench: ${b}...`);
    const s = await measure(fx, base, b, opts.runs, onProfile);
    gc();
    retained.set(b, process.memoryUsage().heapUsed - before);
    results.set(b, s);
  }
  gc();
  const heap = process.memoryUsage().heapUsed;

  // push/pull of a 20-layer image, container create/start/rm cycles: warm-up once, then N runs each
  log('bench: push/pull, container cycles...');
  const phase = async (label: string, fn: () => void) => {
    const prof = onProfile ? await startProfiler() : undefined;
    fn();
    if (prof && onProfile) onProfile(label, await prof.stop());
  };
  const pushWs = pushPullWorkspace();
  pushPullRun(pushWs);
  const pushPull: PushPullSamples = { push_fresh: [], push_again: [], pull: [] };
  await phase('push/pull 20 layers', () => {
    for (let i = 0; i < opts.runs; i++) pushPullRun(pushWs, pushPull);
  });
  containerCycles();
  const cycles: Sample[] = [];
  await phase(`container cycles x${CYCLES}`, () => {
    for (let i = 0; i < opts.runs; i++) cycles.push(containerCycles());
  });

  // memory: what one engine holds after MIXED_COMMANDS mixed commands (the workspace is made before the baseline)
  log(`bench: ${MIXED_COMMANDS} mixed commands...`);
  // warm-up on a throwaway engine (JIT, module-level caches), then a settled baseline
  mixedCommands(new Cli(freshEngine(), MemoryWorkspace.of({})));
  const mixedWs = MemoryWorkspace.of({});
  gc();
  gc();
  const mixedBefore = process.memoryUsage().heapUsed;
  const mixed = new Cli(freshEngine(), mixedWs);
  const mixedCount = mixedCommands(mixed);
  if (mixedCount !== MIXED_COMMANDS) throw new Error(`mixed: ran ${mixedCount} commands, want ${MIXED_COMMANDS}`);
  gc();
  const mixedRetained = process.memoryUsage().heapUsed - mixedBefore;
  const snapshotChars = JSON.stringify(mixed.engine.snapshot()).length;

  type Pick = (s: Samples) => Sample[];
  const wall = (xs: Sample[]) => xs.map((x) => x.wall);
  const per = (pick: Pick, of: keyof Sample = 'wall') => Object.fromEntries(BUILDERS.map((b) => [b, round2(median(pick(results.get(b)!).map((x) => x[of])))])) as Record<Builder, number>;
  const range = (pick: Pick) => Object.fromEntries(BUILDERS.map((b) => [b, [round2(Math.min(...wall(pick(results.get(b)!)))), round2(Math.max(...wall(pick(results.get(b)!))))]]));
  const scenarios: Record<'cold_build' | 'cached_rebuild' | 'one_file_changed', Pick> = { cold_build: (s) => s.cold, cached_rebuild: (s) => s.cached, one_file_changed: (s) => s.changed };
  const cold = per(scenarios.cold_build);
  const cached = per(scenarios.cached_rebuild);
  const report = {
    node: process.version,
    // a busy machine stretches wall times: read them against the load, and against cpu_ms
    machine: { cpus: cpus().length, load1: round2(loadavg()[0]!) },
    context_files: fx.files,
    context_mb: mb(fx.bytes),
    instructions: INSTRUCTIONS,
    runs: opts.runs,
    context_from_ms: round2(median(wall(fromTimes))),
    cold_build_ms: cold,
    cached_rebuild_ms: cached,
    one_file_changed_ms: per(scenarios.one_file_changed),
    cli_cached_rebuild_ms: per((s) => s.cli),
    range_ms: Object.fromEntries(Object.entries(scenarios).map(([k, pick]) => [k, range(pick)])),
    cpu_ms: Object.fromEntries(Object.entries(scenarios).map(([k, pick]) => [k, per(pick, 'cpu')])),
    targets: TARGETS,
    met: Object.fromEntries(BUILDERS.map((b) => [b, { cold_build: cold[b] <= TARGETS.cold_build_ms, cached_rebuild: cached[b] <= TARGETS.cached_rebuild_ms }])),
    heap_used_mb: mb(heap),
    engine_retained_mb: Object.fromEntries(BUILDERS.map((b) => [b, mb(retained.get(b)!)])),
    push_pull_20_layers_ms: {
      push_fresh: round2(median(wall(pushPull.push_fresh))),
      push_again: round2(median(wall(pushPull.push_again))),
      pull: round2(median(wall(pushPull.pull))),
    },
    container_cycles_1000_ms: { total: round2(median(wall(cycles))), per_cycle_us: round2((1000 * median(wall(cycles))) / CYCLES), range: [round2(Math.min(...wall(cycles))), round2(Math.max(...wall(cycles)))] },
    memory_after_500_mixed_mb: { engine_retained: mb(mixedRetained), snapshot_kb: round2(snapshotChars / 1024) },
  };
  process.stdout.write(JSON.stringify(report) + '\n');

  for (const { label, hot } of profiles) printProfile(log, label, hot, opts.top);
}

await main();
