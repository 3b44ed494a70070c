/**
 * `npm start`: the companion server. Serves the built app on 127.0.0.1 (building it first
 * when it is missing or older than the sources) and, when a Docker engine answers, offers
 * real mode over a WebSocket guarded by a per-launch token. Without an engine it still
 * serves the app in simulated mode and says why real mode is off.
 *
 *   npm start -- [--port 4173] [--lan] [--registry URL|off] [--no-seed] [--no-build] [--real-slots 4]
 *                [--classroom [--data DIR] [--new-class] [--learner-builds 30] [--no-learner-docker]]
 *
 * `--real-slots N`: engine commands running at once across every real-mode session (default 4);
 * the rest wait in a fair queue, served round-robin by session (a learner's sessions count as one).
 *
 * `--classroom` also runs a workshop (docs/classroom.md): it prints the join URL, code and QR
 * code for learners and the dashboard URL for the instructor. The class is kept in `--data`
 * (default .layerlab/classroom/) and restored on the next start; `--new-class` archives it first.
 * With an engine, each learner may switch real Docker on in the page (one command at a time,
 * `--learner-builds N` builds per learner in the class, default 30); `--no-learner-docker` keeps
 * every learner on the simulator.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import QRCode from 'qrcode';
import { DEFAULT_REAL_SLOTS, startServer } from './app.js';
import { archiveClass } from './classroom/journal.js';
import { newToken } from './guard.js';
import { connectEngine } from './real.js';
import { LEARNER_LIMITS } from './session.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const { values: args } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.PORT ?? '4173' },
    lan: { type: 'boolean', default: false },
    registry: { type: 'string' },
    'no-seed': { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
    dist: { type: 'string', default: path.join(ROOT, 'dist') },
    classroom: { type: 'boolean', default: false },
    data: { type: 'string', default: path.join(ROOT, '.layerlab', 'classroom') },
    'new-class': { type: 'boolean', default: false },
    'real-slots': { type: 'string', default: String(DEFAULT_REAL_SLOTS) },
    'learner-builds': { type: 'string', default: String(LEARNER_LIMITS.builds) },
    'no-learner-docker': { type: 'boolean', default: false },
  },
});

const realSlots = count('real-slots', 1);
const learnerBuilds = count('learner-builds', 0);

const distDir = path.resolve(args.dist!);
if (!args['no-build'] && stale(distDir)) {
  console.log('Building the app (vite build)…');
  const { build } = await import('vite');
  await build({ root: ROOT, logLevel: 'warn', build: { outDir: distDir, emptyOutDir: true } });
}

const dataDir = path.resolve(args.data!);
if (args.classroom && args['new-class']) {
  const archived = archiveClass(dataDir);
  if (archived) console.log(`The previous class is archived in ${archived}`);
}

const token = newToken();
const real = await connectEngine({ registry: args.registry, seed: !args['no-seed'], log: (l) => console.log(l) });
const server = await startServer({
  port: Number(args.port),
  listen: args.lan ? '0.0.0.0' : '127.0.0.1',
  lan: args.lan,
  distDir,
  token,
  real: real.ok ? real.real : null,
  offReason: real.ok ? undefined : real.reason,
  realSlots,
  ...(args.classroom ? { classroom: { dataDir, learnerLimits: { builds: learnerBuilds }, learnerDocker: !args['no-learner-docker'] } } : {}),
});
console.log(real.ok ? `Real mode: on (Docker ${real.real.engine.version} on ${real.real.engine.host}${real.registry ? `, registry ${real.registry}` : ', no registry'}; ${realSlots} command${realSlots === 1 ? '' : 's'} at once, the rest queue)` : `Real mode: off (${real.reason}). Learners get the simulator.`);
if (real.ok && server.classroom) console.log(args['no-learner-docker'] ? '  Learners stay on the simulator (--no-learner-docker).' : `  Learners may switch real Docker on: one command at a time each, ${learnerBuilds} builds each for the class (--no-learner-docker to keep them on the simulator).`);
console.log(`\n  Layerlab: ${server.openUrl}\n`);
if (args.lan) console.log('  --lan: the server answers on every address of this machine; share the URL only with your room.');
if (server.classroom) {
  const c = server.classroom;
  const r = c.restoredFrom;
  // the secrets first, the room's part last: what stays on screen is what may be projected
  console.log(`  Classroom dashboard (yours alone: do not project it): ${c.dashboardUrl}`);
  console.log(
    c.restored || r.fromSnapshot || r.records
      ? `  Restored from ${dataDir}: this class, ${c.restored} learner${c.restored === 1 ? '' : 's'} and their progress (${r.fromSnapshot ? 'snapshot + ' : ''}${r.records} journal record${r.records === 1 ? '' : 's'}${r.skipped ? `, ${r.skipped} torn line skipped` : ''}). Start with --new-class for a new one.`
      : `  A new class, kept in ${dataDir}.`,
  );
  if (!args.lan) console.log('  Learners on other machines need --lan (the server listens on 127.0.0.1 only).');
  console.log('\n  For the room:\n');
  console.log(await QRCode.toString(c.joinUrl, { type: 'terminal', small: true }));
  console.log(`  Join: ${c.joinUrl}`);
  console.log(`  Code: ${c.code}\n`);
}

let stopping = false;
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log('Stopping: removing what the sessions made…');
  await server.close();
  if (real.ok) await real.shutdown();
  process.exit(0);
}
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());

/** The whole number given to `--NAME`, at least `min`; exits with a usage line otherwise. */
function count(name: 'real-slots' | 'learner-builds', min: number): number {
  const v = Number(args[name]);
  if (Number.isInteger(v) && v >= min) return v;
  console.error(`--${name} takes a whole number of at least ${min}, not ${args[name]}`);
  process.exit(2);
}

/** true when dist/ is missing or older than anything under src/, lessons/, index.html or public/. */
function stale(dir: string): boolean {
  const built = path.join(dir, 'index.html');
  if (!fs.existsSync(built)) return true;
  const t = fs.statSync(built).mtimeMs;
  const newer = (p: string): boolean => {
    if (!fs.existsSync(p)) return false;
    const st = fs.statSync(p);
    if (st.isDirectory()) return fs.readdirSync(p).some((n) => newer(path.join(p, n)));
    return st.mtimeMs > t;
  };
  return ['src', 'lessons', 'public', 'index.html', 'vite.config.ts'].some((p) => newer(path.join(ROOT, p)));
}
