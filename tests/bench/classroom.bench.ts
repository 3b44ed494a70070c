/**
 * `npm run bench:classroom`: the classroom with 100 learners connected (issue 8).
 * - latency: from a learner sending `progress` to the instructor receiving the matching
 *   `learner` delta; one learner at a time (`quiet`), and all 100 at once (`burst`); p50, p95.
 * - memory: the server's V8 heap (after a full GC) with 100 learners joined and working,
 *   minus the heap with none, divided by 100.
 * The server runs in a child process (so the 100 clients' memory is not counted), with
 * `--expose-gc`. One JSON object on stdout, progress on stderr. No Docker needed.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { LessonProgress } from '../../src/shared/classroom-protocol.js';

const { values: args } = parseArgs({
  options: {
    serve: { type: 'string' },
    learners: { type: 'string', default: process.env.BENCH_LEARNERS ?? '100' },
    rounds: { type: 'string', default: process.env.BENCH_RUNS ?? '10' },
  },
});

if (args.serve) await serve(args.serve);
else await bench();

/** The child: a classroom server that reports its heap when asked. */
async function serve(dataDir: string): Promise<void> {
  const { startServer } = await import('../../server/app.js');
  const server = await startServer({ port: 0, listen: '127.0.0.1', distDir: null, token: 'bench', real: null, classroom: { dataDir } });
  const gc = (globalThis as { gc?: () => void }).gc;
  process.on('message', (m: { t: string }) => {
    if (m.t === 'heap') {
      for (let i = 0; i < 3; i++) gc?.();
      process.send!({ t: 'heap', heapUsed: process.memoryUsage().heapUsed, rss: process.memoryUsage().rss, gc: !!gc });
    }
    if (m.t === 'stop') void server.close().then(() => process.exit(0));
  });
  process.send!({ t: 'ready', port: server.port, code: server.classroom!.code, token: server.classroom!.instructorToken });
}

async function bench(): Promise<void> {
  const { instructorOf, joinAs } = await import('../classroom/client.js');
  const { loadCatalog } = await import('../../server/classroom/catalog.js');
  const N = Math.max(1, Number(args.learners));
  const ROUNDS = Math.max(3, Number(args.rounds));
  const log = (s: string) => process.stderr.write(s + '\n');
  const pct = (xs: number[], p: number) => Math.round([...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * p) - 1)]! * 10) / 10;

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'layerlab-bench-classroom-'));
  const child: ChildProcess = fork(new URL(import.meta.url).pathname, ['--serve', dataDir], { execArgv: ['--expose-gc', '--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ask = <T>(t: string, want: string) =>
    new Promise<T>((resolve) => {
      const on = (m: { t: string }) => {
        if (m.t !== want) return;
        child.off('message', on);
        resolve(m as T);
      };
      child.on('message', on);
      if (t) child.send({ t });
    });
  const { port, code, token } = await ask<{ port: number; code: string; token: string }>('', 'ready');
  const heap = () => ask<{ heapUsed: number; rss: number; gc: boolean }>('heap', 'heap');

  const lesson = loadCatalog(path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../lessons')).lessons[2]!;
  const instructor = await instructorOf(port, token);
  const before = await heap();
  log(`server heap with no learners: ${(before.heapUsed / 2 ** 20).toFixed(1)} MB (gc ${before.gc ? 'on' : 'unavailable'})`);

  const learners = await Promise.all(Array.from({ length: N }, (_, i) => joinAs(port, code, `learner-${i}`)));
  log(`${N} learners joined`);

  // a delta matches a send by the failure count, which every send raises
  const waiting = new Map<string, { failures: number; sent: number; resolve: (ms: number) => void }>();
  instructor.onMessage = (m) => {
    if (m.t !== 'learner') return;
    const w = waiting.get(m.learner.id);
    if (w && m.learner.failures === w.failures) {
      waiting.delete(m.learner.id);
      w.resolve(performance.now() - w.sent);
    }
  };
  const failures = new Map<string, number>();
  const send = (l: (typeof learners)[number]): Promise<number> => {
    const f = (failures.get(l.id) ?? 0) + 1;
    failures.set(l.id, f);
    const step = lesson.steps[f % lesson.steps.length]!;
    const progress: LessonProgress = { step, done: lesson.steps.slice(0, f % lesson.steps.length), failures: f, updatedAt: f };
    return new Promise((resolve) => {
      waiting.set(l.id, { failures: f, sent: performance.now(), resolve });
      l.client.send({ t: 'progress', lesson: lesson.id, progress });
    });
  };

  // warm-up: every learner reports once
  await Promise.all(learners.map(send));
  const quiet: number[] = [];
  for (let r = 0; r < ROUNDS; r++) for (const l of learners.slice(0, 20)) quiet.push(await send(l));
  const burst: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    burst.push(...(await Promise.all(learners.map(send))));
    log(`burst ${r + 1}/${ROUNDS}: p95 ${pct(burst.slice(-N), 0.95)} ms`);
  }

  const after = await heap();
  const perLearnerKb = (after.heapUsed - before.heapUsed) / N / 1024;
  const result = {
    learners: N,
    rounds: ROUNDS,
    machine: { cpus: os.cpus().length, load1: Math.round(os.loadavg()[0]! * 100) / 100 },
    quiet_ms: { p50: pct(quiet, 0.5), p95: pct(quiet, 0.95), samples: quiet.length, note: 'one learner sends, waits for its delta, then the next' },
    burst_ms: { p50: pct(burst, 0.5), p95: pct(burst, 0.95), max: pct(burst, 1), samples: burst.length, note: `all ${N} learners send at once` },
    memory: {
      heap_per_learner_kb: Math.round(perLearnerKb * 10) / 10,
      heap_mb: { before: Math.round((before.heapUsed / 2 ** 20) * 10) / 10, after: Math.round((after.heapUsed / 2 ** 20) * 10) / 10 },
      rss_mb: { before: Math.round((before.rss / 2 ** 20) * 10) / 10, after: Math.round((after.rss / 2 ** 20) * 10) / 10 },
      gc: after.gc,
    },
    targets: { p95_ms: 250, per_learner_mb: 2 },
    met: { p95: Math.max(pct(quiet, 0.95), pct(burst, 0.95)) <= 250, memory: perLearnerKb / 1024 <= 2 },
  };

  for (const l of learners) l.client.ws.terminate();
  instructor.ws.terminate();
  child.send({ t: 'stop' });
  await new Promise((r) => child.once('exit', r));
  fs.rmSync(dataDir, { recursive: true, force: true });
  process.stdout.write(JSON.stringify(result) + '\n');
  process.exit(0);
}
