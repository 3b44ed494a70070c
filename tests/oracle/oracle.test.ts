/**
 * Fidelity: replays the scenarios recorded from a real Docker engine (a copy
 * of ../shared/oracle lives in tests/oracle) through the simulator, under both
 * builders, and scores them with the oracle's own comparator (compare.py).
 * Every build line must match: exit code, cache hit/miss per step, layer
 * count, and every output line (IDs and times normalized as the oracle does).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const ORACLE = path.dirname(new URL(import.meta.url).pathname);
const ROOT = path.resolve(ORACLE, '../..');

interface Check {
  type: string;
  line: number;
  cmd: string;
  ok: boolean;
  expected: unknown;
  actual: unknown;
}
interface LineStep {
  line: number;
  cmd: string;
  matched: number;
  total: number;
  missing: string[];
  extra: string[];
}
interface Variant {
  variant: string;
  checks: Check[];
  line_steps: LineStep[];
}
interface Report {
  scenarios: { scenario: string; variants: Variant[] }[];
}

let report: Report;

/** Scenarios whose script builds an image (run under both builders). */
const buildScenarios = fs
  .readdirSync(path.join(ORACLE, 'scenarios'))
  .filter((d) => fs.readFileSync(path.join(ORACLE, 'scenarios', d, 'script.sh'), 'utf8').includes('docker build'))
  .sort();

beforeAll(() => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'layerlab-oracle-'));
  const bundle = path.join(tmp, 'sim.cjs');
  // one bundled runner: plain node starts it in a fraction of tsx's time
  execFileSync(path.join(ROOT, 'node_modules/.bin/esbuild'), [path.join(ROOT, 'src/runner/sim.ts'), '--bundle', '--platform=node', '--format=cjs', `--outfile=${bundle}`, '--log-level=error']);
  const out = execFileSync('python3', [path.join(ORACLE, 'compare.py'), '--json', '-j', '2', '--template', `node ${bundle} --builder {builder} --json {script}`, ...buildScenarios], { maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' });
  report = JSON.parse(out) as Report;
}, 600_000);

describe('oracle replay (real Docker 20.10 recordings)', () => {
  for (const scenario of buildScenarios) {
    for (const builder of ['classic', 'buildkit']) {
      it(`${scenario} under ${builder}: builds match exit codes, cache hits, layer counts and output`, () => {
        const v = report.scenarios.find((s) => s.scenario === scenario)!.variants.find((x) => x.variant === builder)!;
        const builds = new Set(v.checks.filter((c) => c.type === 'cache').map((c) => c.line));
        const failed = v.checks.filter((c) => (builds.has(c.line) || c.type === 'cache' || c.type === 'layers') && !c.ok);
        expect(failed.map((c) => `L${c.line} ${c.type}: expected ${JSON.stringify(c.expected)}, got ${JSON.stringify(c.actual)} [${c.cmd}]`)).toEqual([]);
        const lines = v.line_steps.filter((s) => builds.has(s.line) && s.matched < s.total);
        expect(lines.map((s) => `L${s.line} ${s.matched}/${s.total} [${s.cmd}] missing=${JSON.stringify(s.missing.slice(0, 4))} extra=${JSON.stringify(s.extra.slice(0, 4))}`)).toEqual([]);
      });
    }
  }
});
