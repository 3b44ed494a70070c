/**
 * Live-process benchmark: the WebContainer runtime's own costs, measured on real Node
 * processes (tests/webcontainer/node-host.ts; WebContainer's runtime needs the internet).
 * For the shop app (node:20-alpine, `node server.js`): the container's file tree (entries,
 * bytes, time to build it), `docker run -d -p` to the app listening (its preview URL
 * known), a `curl` round trip through the runtime, and `docker stop` of a PID 1 that
 * ignores SIGTERM. `npm run bench:live` prints one JSON object on stdout.
 */
import { performance } from 'node:perf_hooks';
import { SimBackend } from '../../src/backends/sim.js';
import { containerTree, type FileSystemTree } from '../../src/backends/webcontainer/tree.js';
import { openContainer } from '../../src/engine/container/rootfs.js';
import { nodeHost } from '../webcontainer/node-host.js';

const at = process.argv.indexOf('--runs');
const RUNS = at >= 0 ? Number(process.argv[at + 1]) : 7;
const SERVER = "require('http').createServer((q, s) => s.end('Welcome to the shop!')).listen(3000, () => console.log('shop listening on port 3000'));\n";
const quiet = { stdout: () => {}, stderr: () => {} };
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (x: number) => Math.round(x * 10) / 10;

function weigh(tree: FileSystemTree): { entries: number; bytes: number } {
  let entries = 0;
  let bytes = 0;
  for (const node of Object.values(tree)) {
    entries++;
    if ('directory' in node) {
      const w = weigh(node.directory);
      entries += w.entries;
      bytes += w.bytes;
    } else if ('contents' in node.file) bytes += node.file.contents.length;
  }
  return { entries, bytes };
}

async function main(): Promise<void> {
  const host = nodeHost();
  const b = new SimBackend({ live: async () => host });
  b.workspace.write('/workspace/shop/Dockerfile', 'FROM node:20-alpine\nWORKDIR /app\nCOPY . .\nCMD ["node", "server.js"]\n');
  b.workspace.write('/workspace/shop/server.js', SERVER);
  await b.run('cd shop && docker build -q -t shop .', quiet);
  const start: number[] = [];
  const curl: number[] = [];
  const stop: number[] = [];
  const treeMs: number[] = [];
  let weight = { entries: 0, bytes: 0, synthetic: 0 };
  for (let i = 0; i < RUNS; i++) {
    const name = `shop-${i}`;
    const t0 = performance.now();
    await b.run(`docker run -d --name ${name} -p 8080:3000 shop`, quiet);
    for (;;) {
      const v = b.live!.views().find((x) => x.name === name);
      if (v?.ports[0]?.url) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    start.push(performance.now() - t0);
    const c = b.engine.findContainer(name)!;
    const t1 = performance.now();
    const t = containerTree(openContainer(b.engine, c).fs, '/');
    treeMs.push(performance.now() - t1);
    weight = { ...weigh(t.tree), synthetic: t.synthetic.length };
    const t2 = performance.now();
    const out: string[] = [];
    await b.run('curl -s localhost:8080', { stdout: (l) => out.push(l), stderr: () => {} });
    curl.push(performance.now() - t2);
    if (out[0] !== 'Welcome to the shop!') throw new Error(`curl answered ${JSON.stringify(out)}`);
    const t3 = performance.now();
    await b.run(`docker stop ${name}`, quiet);
    stop.push(performance.now() - t3);
    await b.run(`docker rm ${name}`, quiet);
  }
  b.live!.dispose();
  host.close();
  process.stdout.write(
    JSON.stringify(
      {
        bench: 'live',
        host: 'Node test host (real processes; WebContainer needs the internet)',
        runs: RUNS,
        tree: { entries: weight.entries, bytes: weight.bytes, modelled_files_left_out: weight.synthetic, build_ms_median: round(median(treeMs)) },
        run_to_listening_ms_median: round(median(start)),
        curl_ms_median: round(median(curl)),
        stop_ms_median: round(median(stop)),
      },
      null,
      2,
    ) + '\n',
  );
}

await main();
