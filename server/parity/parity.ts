/**
 * One scenario variant run both ways: in-process on the simulator and through real mode's
 * handlers on the engine, then compared.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type Docker from 'dockerode';
import { copyScenario, runScript, type LineRecord } from '../../src/runner/script.js';
import { simDriver } from '../../src/runner/sim-driver.js';
import { compareRecords, type Difference } from './compare.js';
import { runReal } from './real-runner.js';

/** Both runs of one variant and where they differ. */
export interface ParityResult {
  sim: LineRecord[];
  real: LineRecord[];
  differences: Difference[];
}

/** A script.sh path, or a scenario folder holding one. */
export function scriptOf(target: string): string {
  const p = path.resolve(target);
  return fs.statSync(p).isDirectory() ? path.join(p, 'script.sh') : p;
}

/** Runs a script on a fresh simulator (in this process) with its folder copied to a temp dir. */
export async function runSim(scriptPath: string, builder: 'classic' | 'buildkit'): Promise<LineRecord[]> {
  const work = copyScenario(path.dirname(scriptPath));
  try {
    return await runScript(fs.readFileSync(scriptPath, 'utf8'), work, simDriver(work, builder));
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** Runs one variant (`classic`, `buildkit` or `engine`) both ways and compares. */
export async function parityOf(scriptPath: string, variant: string, opts: { docker: Docker; registry?: string }): Promise<ParityResult> {
  // an engine-only scenario builds nothing: either builder will do
  const builder = variant === 'classic' ? 'classic' : 'buildkit';
  const sim = await runSim(scriptPath, builder);
  const real = await runReal(scriptPath, { ...opts, builder });
  return { sim, real, differences: compareRecords(sim, real) };
}
