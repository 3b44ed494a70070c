/**
 * `npm run bench:server`: the companion server on the real engine.
 * - build: the same context built with `--no-cache` through the server (WebSocket, policy,
 *   dockerode) and with the docker CLI (the reference); medians and the overhead (target 5 %).
 * - events: from the engine's own event time (`timeNano` of a container's `die`) to the
 *   `container.state exited` event arriving at a WebSocket client; median and p95.
 * One JSON object on stdout, progress on stderr. Needs dockerd; the docker CLI for the reference.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import Docker from 'dockerode';
import type { EngineEvent } from '../../src/shared/events.js';
import type { ContextEntry } from '../../src/shared/protocol.js';
import { startServer } from '../../server/app.js';
import { newToken } from '../../server/guard.js';
import { connectEngine } from '../../server/real.js';
import { connectTo, contextFile } from '../server/client.js';

const { values: args } = parseArgs({ options: { runs: { type: 'string', default: process.env.BENCH_RUNS ?? '5' } } });
const RUNS = Math.max(3, Number(args.runs));
/** Debian's docker.io client (20.10): a newer client wants the buildx plugin for BuildKit. */
const DOCKER_CLI = process.env.DOCKER_CLI ?? (fs.existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker');
const log = (s: string) => process.stderr.write(s + '\n');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.95) - 1)]!;

// a small project: 200 files, a COPY, three RUNs that do a little work each
const files: Record<string, string> = { Dockerfile: 'FROM busybox:latest\nWORKDIR /app\nCOPY . .\nRUN find . -type f | wc -l > /count\nRUN cat src/*/* | wc -c > /bytes\nRUN sha256sum src/*/* > /sums\nCMD ["cat", "/count"]\n' };
for (let i = 0; i < 200; i++) files[`src/m${i % 10}/f${i}.txt`] = `file ${i}\n`.repeat(40);
const context: ContextEntry[] = Object.entries(files).map(([p, text]) => contextFile(p, text));

const engine = await connectEngine({ seed: true, registry: 'off' });
if (!engine.ok) {
  log(`bench:server: ${engine.reason}`);
  process.exit(1);
}
const token = newToken();
const server = await startServer({ port: 0, listen: '127.0.0.1', distDir: null, token, real: engine.real });
const conn = await connectTo(server.port, token);
const sink = { out: () => undefined, tty: () => undefined };
const docker = new Docker();

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'layerlab-bench-'));
for (const [p, text] of Object.entries(files)) {
  fs.mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
  fs.writeFileSync(path.join(dir, p), text);
}

const result: Record<string, unknown> = { runs: RUNS };
for (const builder of ['classic', 'buildkit'] as const) {
  const env = { DOCKER_BUILDKIT: builder === 'classic' ? '0' : '1' };
  const viaServer: number[] = [];
  const viaCli: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    // alternate, so drift in the machine's load hits both sides alike
    let t = performance.now();
    const code = await conn.docker(['build', '--no-cache', '-t', 'bench-server', '.'], { env, context }, sink).done;
    if (code !== 0) throw new Error(`server build failed (${code})`);
    viaServer.push(performance.now() - t);
    t = performance.now();
    execFileSync(DOCKER_CLI, ['build', '--no-cache', '--network', 'none', '-q', '-t', 'bench-cli', dir], { env: { ...process.env, ...env }, stdio: 'ignore' });
    viaCli.push(performance.now() - t);
    log(`${builder} ${i + 1}/${RUNS}: server ${viaServer.at(-1)!.toFixed(0)} ms, CLI ${viaCli.at(-1)!.toFixed(0)} ms`);
  }
  const s = median(viaServer);
  const c = median(viaCli);
  result[`build_${builder}`] = { server_ms: Math.round(s), cli_ms: Math.round(c), overhead_pct: Math.round(((s - c) / c) * 1000) / 10, target_pct: 5 };
}

// event latency: the engine stamps `die`; the client notes when `exited` arrives
const arrivals = new Map<string, number>();
conn.onEvent((e: EngineEvent) => {
  if (e.type === 'container.state' && e.state === 'exited') arrivals.set(e.containerId, Date.now());
});
const latencies: number[] = [];
for (let i = 0; i < Math.max(10, RUNS * 2); i++) {
  const out: string[] = [];
  await conn.docker(['run', '-d', 'busybox:latest', 'sleep', '30'], {}, { out: (_s, t) => out.push(t), tty: () => undefined }).done;
  const id = out[0]!;
  await conn.docker(['kill', id], {}, sink).done;
  const info = await docker.getContainer(id).inspect();
  const died = Date.parse(info.State.FinishedAt);
  for (let w = 0; w < 100 && !arrivals.has(id); w++) await new Promise((r) => setTimeout(r, 20));
  if (arrivals.has(id)) latencies.push(arrivals.get(id)! - died);
  await conn.docker(['rm', id], {}, sink).done;
}
result.event_latency = { median_ms: median(latencies), p95_ms: p95(latencies), samples: latencies.length, note: "from the engine's FinishedAt of a killed container to the client's container.state exited" };

conn.close();
await server.close();
await engine.shutdown();
fs.rmSync(dir, { recursive: true, force: true });
await docker.getImage('bench-cli').remove({ force: true }).catch(() => undefined);
process.stdout.write(JSON.stringify(result) + '\n');
process.exit(0);
