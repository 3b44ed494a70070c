/**
 * `npm run parity -- SCRIPT [--builder classic|buildkit] [--json]`: runs a scenario script
 * (script.sh or its folder) on the simulator and on the real engine through real mode's
 * handlers, prints every difference in exit codes, cache hits, layer counts, push/pull
 * statuses and container states, and exits 1 when there is one (2 when it could not run).
 * Without --builder it runs every variant the scenario was recorded with.
 */
import * as fs from 'node:fs';
import Docker from 'dockerode';
import { variantsOf } from '../../src/runner/script.js';
import { formatDifference } from './compare.js';
import { parityOf, scriptOf } from './parity.js';

function usage(err?: string): never {
  if (err) process.stderr.write(`parity: ${err}\n`);
  process.stderr.write('usage: npm run parity -- SCRIPT [--builder classic|buildkit] [--json]\n');
  process.exit(err ? 2 : 0);
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  let builder: string | undefined;
  let target: string | undefined;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--builder' || a.startsWith('--builder=')) builder = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
    else if (a === '--json') json = true;
    else if (a === '-h' || a === '--help') usage();
    else if (!target) target = a;
    else usage(`unexpected argument: ${a}`);
  }
  if (!target) usage('no SCRIPT given');
  if (builder !== undefined && builder !== 'classic' && builder !== 'buildkit') usage(`unknown builder: ${builder}`);
  const script = scriptOf(target);
  if (!fs.existsSync(script)) usage(`cannot read ${script}`);
  const docker = new Docker();
  // each variant gets a private registry unless LAYERLAB_REGISTRY names one (see RealRunOptions.registry)
  const registry = process.env.LAYERLAB_REGISTRY;
  let total = 0;
  for (const variant of builder ? [builder] : variantsOf(script)) {
    const started = Date.now();
    const res = await parityOf(script, variant, { docker, registry });
    total += res.differences.length;
    if (json) {
      process.stdout.write(JSON.stringify({ variant, sim: res.sim, real: res.real, differences: res.differences }) + '\n');
      continue;
    }
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    process.stdout.write(`${variant}: ${res.differences.length ? `${res.differences.length} difference(s)` : 'same'} (${secs}s)\n`);
    for (const d of res.differences) process.stdout.write(`  ${formatDifference(d)}\n`);
  }
  return total ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: Error) => {
    process.stderr.write(`parity: ${e.stack ?? e.message}\n`);
    process.exit(2);
  },
);
