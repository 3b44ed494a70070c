/**
 * Fidelity: replays the scenarios recorded from a real Docker engine (a copy
 * of ../shared/oracle lives in tests/oracle) through the simulator, under both
 * builders, and scores them with the oracle's own comparator (compare.py).
 * Every line must match: exit code, cache hit/miss per build step, layer
 * counts, push/pull per-layer statuses, and every output line (IDs and times
 * normalized as the oracle does).
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

const scenarios = fs.readdirSync(path.join(ORACLE, 'scenarios')).sort();
/** Variants each scenario was recorded with: classic and buildkit when it builds, else one engine variant. */
const variantsOf = (s: string): string[] => Object.keys((JSON.parse(fs.readFileSync(path.join(ORACLE, 'scenarios', s, 'expected.json'), 'utf8')) as { variants: object }).variants);

beforeAll(() => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'layerlab-oracle-'));
  const bundle = path.join(tmp, 'sim.cjs');
  // one bundled runner: plain node starts it in a fraction of tsx's time
  execFileSync(path.join(ROOT, 'node_modules/.bin/esbuild'), [path.join(ROOT, 'src/runner/sim.ts'), '--bundle', '--platform=node', '--format=cjs', `--outfile=${bundle}`, '--log-level=error']);
  const out = execFileSync('python3', [path.join(ORACLE, 'compare.py'), '--json', '-j', '2', '--template', `node ${bundle} --builder {builder} --json {script}`, ...scenarios], { maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' });
  report = JSON.parse(out) as Report;
}, 600_000);

describe('oracle replay (real Docker 20.10 recordings)', () => {
  for (const scenario of scenarios) {
    for (const variant of variantsOf(scenario)) {
      it(`${scenario} (${variant}): exit codes, cache hits, layer counts, push/pull statuses and every output line match`, () => {
        const v = report.scenarios.find((s) => s.scenario === scenario)!.variants.find((x) => x.variant === variant)!;
        const failed = v.checks.filter((c) => !c.ok);
        expect(failed.map((c) => `L${c.line} ${c.type}: expected ${JSON.stringify(c.expected)}, got ${JSON.stringify(c.actual)} [${c.cmd}]`)).toEqual([]);
        const lines = v.line_steps.filter((s) => s.matched < s.total);
        expect(lines.map((s) => `L${s.line} ${s.matched}/${s.total} [${s.cmd}] missing=${JSON.stringify(s.missing.slice(0, 4))} extra=${JSON.stringify(s.extra.slice(0, 4))}`)).toEqual([]);
      });
    }
  }
});
