/**
 * What parity compares between the simulator's and the real engine's records of one script:
 * exit codes, cache hits per build step, layer counts of built images, push and pull layer
 * statuses, and the containers' states and exit codes after every line. Output text is the
 * oracle comparator's job (tests/oracle/compare.py); these are the facts the views and
 * lessons rely on.
 */
import type { BuildStepEvent, EngineEvent } from '../../src/shared/events.js';
import type { LineRecord } from '../../src/runner/script.js';

/** One fact the two sides disagree on. */
export interface Difference {
  line: number;
  cmd: string;
  /** `exit code`, `step 3 cached`, `layers`, `push statuses`, `containers`... */
  what: string;
  sim: unknown;
  real: unknown;
}

/**
 * The label of a build step: its number, prefixed by its stage when it is not the first.
 * Keyed by stage index, not name: the real classic handler does not name stages.
 */
function stepKey(s: BuildStepEvent): string {
  return s.stageIndex > 0 ? `stage-${s.stageIndex} ${s.step}` : `${s.step}`;
}

function steps(events: EngineEvent[]): Map<string, BuildStepEvent> {
  const buildkit = events.some((e) => e.type === 'build.start' && e.builder === 'buildkit');
  // BuildKit solves identical FROMs of several stages once and prints the one vertex under
  // either stage's name (the recordings and the engine vary), so which FROM vertex exists is
  // not a fact to compare; a FROM has no cache result (null) anyway
  const kept = events.filter((e): e is BuildStepEvent => e.type === 'build.step' && !(buildkit && e.cached === null));
  return new Map(kept.map((s) => [stepKey(s), s]));
}

/** Layer statuses as a sorted multiset: the order is completion order, which is not stable. */
function statuses(events: EngineEvent[], type: 'push.layer' | 'pull.layer'): string[] {
  return events
    .flatMap((e) => (e.type === type ? [e.type === 'push.layer' && e.from ? `${e.status} ${e.from}` : e.status] : []))
    .sort();
}

function layerCount(events: EngineEvent[]): number | null {
  const done = events.find((e) => e.type === 'build.done');
  return done && done.type === 'build.done' ? done.layers : null;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Every difference between two runs of one script, in line order. */
export function compareRecords(sim: LineRecord[], real: LineRecord[]): Difference[] {
  const out: Difference[] = [];
  const realByLine = new Map(real.map((r) => [r.line, r]));
  // docker's classic builder keeps the container of a failed RUN step (the simulator does
  // too); real mode builds with forcerm on purpose, since that container would carry no
  // session label and outlive the session (server/docker/template.ts lockedBuildOptions)
  const leftovers = new Set<string>();
  let before = new Set<string>();
  for (const s of sim) {
    if (!s.containers) continue;
    if ((s.events ?? []).some((e) => e.type === 'build.start' && e.builder === 'classic')) for (const c of s.containers) if (!before.has(c.name)) leftovers.add(c.name);
    before = new Set(s.containers.map((c) => c.name));
  }
  for (const s of sim) {
    const r = realByLine.get(s.line);
    realByLine.delete(s.line);
    const diff = (what: string, a: unknown, b: unknown) => {
      if (!same(a, b)) out.push({ line: s.line, cmd: s.cmd, what, sim: a, real: b });
    };
    if (!r) {
      diff('ran', true, false);
      continue;
    }
    if (s.exitCode === undefined && r.exitCode === undefined) continue; // a mutation line
    diff('exit code', s.exitCode, r.exitCode);
    const se = s.events ?? [];
    const re = r.events ?? [];
    const ss = steps(se);
    const rs = steps(re);
    for (const key of new Set([...ss.keys(), ...rs.keys()])) {
      const a = ss.get(key);
      const b = rs.get(key);
      if (!a || !b) diff(`step ${key} (${(a ?? b)!.instruction})`, a ? 'ran' : 'absent', b ? 'ran' : 'absent');
      else diff(`step ${key} cached`, a.cached, b.cached);
    }
    diff('layers', layerCount(se), layerCount(re));
    diff('push statuses', statuses(se, 'push.layer'), statuses(re, 'push.layer'));
    diff('pull statuses', statuses(se, 'pull.layer'), statuses(re, 'pull.layer'));
    const ctr = (x: LineRecord) => (x.containers ?? []).filter((c) => !leftovers.has(c.name)).map((c) => `${c.name} ${c.state}${c.state === 'exited' ? ` (${c.exitCode})` : ''}`);
    diff('containers', ctr(s), ctr(r));
  }
  for (const r of realByLine.values()) out.push({ line: r.line, cmd: r.cmd, what: 'ran', sim: false, real: true });
  return out.sort((a, b) => a.line - b.line);
}

/** `line 7 docker build -t s04/app ctx: step 3 cached: sim true, real false`. */
export function formatDifference(d: Difference): string {
  const show = (v: unknown) => (Array.isArray(v) ? `[${v.join(', ')}]` : String(v));
  return `line ${d.line} ${d.cmd}: ${d.what}: sim ${show(d.sim)}, real ${show(d.real)}`;
}
