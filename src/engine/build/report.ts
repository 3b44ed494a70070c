/**
 * The build events the views draw beyond the steps: what the context sent
 * (`build.context`), the stage graph (`build.stages`) and what each COPY/ADD
 * read (`reads`). Pure functions of what the builders already computed: they
 * never change output or state.
 */
import { READS_LIMIT, type BuildContextEvent, type BuildStageInfo, type BuildStagesEvent, type StepReads } from '../../shared/events.js';
import type { Dockerfile } from '../dockerfile/instructions.js';
import { processWord } from '../dockerfile/lex.js';
import type { BuildContext } from './context.js';
import { findStage } from './common.js';
import type { CopyPlan } from './steps.js';

/** The `build.context` event: `sent` is the context after .dockerignore, `full` before it. */
export function contextEvent(contextId: string, full: BuildContext, sent: BuildContext, dockerignore: string | undefined): BuildContextEvent {
  const files: { path: string; size: number }[] = [];
  let bytes = 0;
  for (const [path, e] of sent.entries) {
    if (e.type === 'dir') continue;
    files.push({ path, size: e.size });
    bytes += e.size;
  }
  files.sort((a, b) => b.size - a.size || (a.path < b.path ? -1 : 1));
  const excluded: { path: string; size: number }[] = [];
  let excludedBytes = 0;
  const ignored = sent === full ? [] : sent.ignored;
  // a dropped directory counts its dropped files' bytes: each file adds to its dropped ancestors
  // (one walk up per file, not one scan of the context per directory)
  const dirBytes = new Map<string, number>();
  for (const path of ignored) if (full.get(path)?.type === 'dir') dirBytes.set(path, 0);
  for (const path of ignored) {
    const e = full.get(path);
    if (!e || e.type === 'dir') continue;
    excludedBytes += e.size;
    for (let i = path.lastIndexOf('/'); i > 0; i = path.lastIndexOf('/', i - 1)) {
      const d = path.slice(0, i);
      const n = dirBytes.get(d);
      if (n !== undefined) dirBytes.set(d, n + e.size);
    }
  }
  // the capped list names what .dockerignore matched at the top first (node_modules before node_modules/x)
  const under = (path: string) => {
    for (let i = path.lastIndexOf('/'); i > 0; i = path.lastIndexOf('/', i - 1)) if (dirBytes.has(path.slice(0, i))) return true;
    return false;
  };
  const tops: string[] = [];
  const rest: string[] = [];
  for (const path of ignored) (under(path) ? rest : tops).push(path);
  for (const path of [...tops, ...rest]) excluded.push({ path, size: dirBytes.get(path) ?? full.get(path)?.size ?? 0 });
  const patterns = (dockerignore ?? '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  return {
    type: 'build.context',
    context: contextId,
    files: files.slice(0, READS_LIMIT),
    fileCount: files.length,
    bytes,
    excluded: excluded.slice(0, READS_LIMIT),
    excludedCount: excluded.length,
    excludedBytes,
    dockerignore: patterns,
  };
}

/** What a planned COPY/ADD reads, for its `build.step` event. */
export function readsOf(plan: CopyPlan): StepReads {
  const files: { path: string; size: number }[] = [];
  let count = 0;
  let bytes = 0;
  for (const sel of plan.selections) {
    const prefix = sel.top === '' ? '' : sel.top + '/';
    for (const it of sel.items) {
      if (it.entry.type !== 'file') continue;
      const size = it.entry.size;
      count++;
      bytes += size;
      if (files.length < READS_LIMIT) files.push({ path: it.rel === '' ? sel.top : prefix + it.rel, size });
    }
  }
  return { from: plan.ins.from ?? 'context', files, count, bytes };
}

/** The `build.stages` event: `built` says which stage indexes the builder builds; `sizes` come at the end. */
export function stagesEvent(df: Dockerfile, metaArgs: ReadonlyMap<string, string>, target: number, built: ReadonlySet<number>, sizes?: ReadonlyMap<number, number>): BuildStagesEvent {
  const stages = df.stages.map((s): BuildStageInfo => {
    let from = s.from.image;
    try {
      from = processWord(s.from.image, metaArgs, df.escape) || s.from.image;
    } catch {
      // an unparsable reference fails the build elsewhere; the graph shows it as written
    }
    const info: BuildStageInfo = { index: s.index, from, copyFrom: [], built: built.has(s.index) };
    if (s.name) info.name = s.name;
    const base = safeFind(df, from, s.index);
    if (base) info.fromStage = base.index;
    for (const ins of s.instructions) {
      if ((ins.kind !== 'COPY' && ins.kind !== 'ADD') || !ins.from) continue;
      const dep = safeFind(df, ins.from, s.index);
      info.copyFrom.push(dep ? { stage: dep.index, line: ins.raw.line } : { image: ins.from, line: ins.raw.line });
    }
    const size = sizes?.get(s.index);
    if (size !== undefined) info.size = size;
    return info;
  });
  return { type: 'build.stages', stages, target, final: sizes !== undefined };
}

function safeFind(df: Dockerfile, ref: string, before: number) {
  try {
    return findStage(df, ref, before);
  } catch {
    return undefined;
  }
}
