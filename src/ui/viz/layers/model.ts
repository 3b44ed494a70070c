/**
 * The layer stack's data: an image's history rows (base first) joined with the last
 * build's steps and the editor's cache what-if, each layer's file changes, and the
 * image's removable bytes. Pure: the component draws what these functions return.
 */
import type { BuildStepEvent, MissReason } from '../../../shared/events.js';
import { humanSize } from '../../../shared/format/units.js';
import type { ImageView, LayerEntryView } from '../../../shared/world.js';
import { missReasonText as missText } from '../../../shared/format/miss-reason.js';
import { instructionOf } from '../build-common/reason.js';

export type RowStatus = 'hit' | 'miss' | 'base' | 'config' | 'none';

export interface StackRow {
  /** History row (0 = base's first). */
  index: number;
  instruction: string;
  /** Metadata-only: no filesystem change, no layer. */
  empty: boolean;
  size: number;
  diffId?: string;
  /** hit/miss from the last build; base rows come from FROM; `config` rows are metadata no step checked. */
  status: RowStatus;
  reason?: string;
  reasonKind?: MissReason['kind'];
  /** For a parent-missed row: the row of the step whose miss cascaded here. */
  cascadeFrom?: number;
  /** What would happen if the learner built now. */
  predicted?: { status: 'hit' | 'miss'; reason: string; instruction: string };
  /** One sentence with every fact the row shows (aria-label and text alternative). */
  label: string;
}

export interface StackModel {
  rows: StackRow[];
  /** Rows that belong to the base image (index <= baseTop). */
  baseTop: number;
  /** Predicted steps that have no row in this image yet (new instructions). */
  extraPredicted: { instruction: string; status: 'hit' | 'miss'; reason: string }[];
  /** The what-if applies to this image's rows (same build context as the last build). */
  hasPrediction: boolean;
  /** Every step the what-if predicts (target stage, FROM left out), whether or not it lines up with rows. */
  whatIf: { instruction: string; status: 'hit' | 'miss'; reason: string }[];
  /** The Dockerfile the what-if is for. */
  whatIfPath?: string;
  /** Steps of the last build that belong to this image. */
  hasBuild: boolean;
}

export interface BuildInput {
  steps: readonly BuildStepEvent[];
  imageId?: string;
  /** The stage the image was made from (from build.stages; default: the last stage seen). */
  target?: number;
  /** The build context folder (from build.context). */
  context?: string;
}

export interface PredictionInput {
  path: string;
  steps: readonly BuildStepEvent[];
}

function targetSteps(steps: readonly BuildStepEvent[], target?: number): BuildStepEvent[] {
  const t = target ?? steps.reduce((m, s) => Math.max(m, s.stageIndex), -1);
  return steps.filter((s) => s.stageIndex === t);
}

/** Joins an image's history with the last build (when it made this image) and the what-if. */
export function stackModel(image: ImageView | undefined, build?: BuildInput, prediction?: PredictionInput): StackModel {
  const whatIf = prediction ? targetSteps(prediction.steps).filter((s) => s.cached !== null).map((s) => ({ instruction: s.instruction, status: s.cached ? ('hit' as const) : ('miss' as const), reason: s.cached ? 'cache hit' : missText(s.missReason) })) : [];
  const empty: StackModel = { rows: [], baseTop: -1, extraPredicted: [], hasPrediction: false, hasBuild: false, whatIf, ...(prediction ? { whatIfPath: prediction.path } : {}) };
  if (!image) return empty;
  const layers = image.layers ?? [];
  const ours = build && build.imageId === image.id ? targetSteps(build.steps, build.target) : [];
  const byRow = new Map<number, BuildStepEvent>();
  let baseTop = -1;
  for (const s of ours) {
    if (s.historyIndex === undefined) continue;
    if (s.cached === null) baseTop = s.historyIndex;
    else byRow.set(s.historyIndex, s);
  }
  const rowOfStep = (n: number) => ours.find((s) => s.step === n && s.cached !== null)?.historyIndex;

  const predDir = prediction ? prediction.path.slice(0, prediction.path.lastIndexOf('/')) : undefined;
  const hasPrediction = !!prediction && prediction.steps.length > 0 && (!build?.context || build.context === predDir);
  const predicted = new Map<number, BuildStepEvent>();
  const extraPredicted: StackModel['extraPredicted'] = [];
  if (hasPrediction) {
    for (const s of targetSteps(prediction!.steps)) {
      if (s.cached === null || s.historyIndex === undefined) continue;
      if (s.historyIndex < layers.length) predicted.set(s.historyIndex, s);
      else extraPredicted.push({ instruction: s.instruction, status: s.cached ? 'hit' : 'miss', reason: s.cached ? 'cache hit' : missText(s.missReason) });
    }
  }

  const total = layers.length;
  const rows = layers.map((l, i): StackRow => {
    const step = byRow.get(i);
    const instruction = instructionOf(l.createdBy);
    let status: RowStatus = 'none';
    if (ours.length) status = i <= baseTop ? 'base' : step ? (step.cached ? 'hit' : 'miss') : 'config';
    const row: StackRow = { index: i, instruction, empty: l.empty, size: l.empty ? 0 : l.size, status, label: '' };
    if (l.diffId) row.diffId = l.diffId;
    if (step && step.cached === false) {
      row.reason = missText(step.missReason);
      row.reasonKind = step.missReason?.kind;
      if (step.missReason?.kind === 'parent-missed') {
        const n = step.missReason.step;
        row.cascadeFrom = rowOfStep(n);
        const first = ours.find((s) => s.step === n && s.cached !== null);
        if (first) row.reason = `parent missed (${first.instruction})`;
      }
    }
    const p = predicted.get(i);
    if (p) row.predicted = { status: p.cached ? 'hit' : 'miss', reason: p.cached ? 'cache hit' : missText(p.missReason), instruction: p.instruction };
    const parts = [`Layer ${i + 1} of ${total}`, instruction, l.empty ? 'metadata only, no layer' : humanSize(l.size)];
    if (status === 'hit') parts.push('cache hit');
    else if (status === 'miss') parts.push(`cache miss: ${row.reason}`);
    else if (status === 'base') parts.push('from the base image');
    if (row.predicted) parts.push(row.predicted.status === 'hit' ? 'would hit if built now' : `would miss if built now: ${row.predicted.reason}`);
    row.label = parts.join(', ');
    return row;
  });
  return { rows, baseTop, extraPredicted, hasPrediction, hasBuild: ours.length > 0, whatIf, ...(prediction ? { whatIfPath: prediction.path } : {}) };
}

export interface FileChange {
  path: string;
  kind: 'added' | 'changed' | 'deleted';
  size: number;
}

export interface LayerAnalysis {
  /** Per layer (in rootfs order): the files it adds, changes and deletes. */
  changes: FileChange[][];
  /** Bytes of file versions a later layer overwrites or deletes: what a rebuild could drop. */
  removableBytes: number;
  /** Bytes of every file version in every layer. */
  totalBytes: number;
  /** dive's efficiency, counting only removable bytes: 1 - removable / total. */
  efficiency: number;
  /** The paths with the most removable bytes, largest first (at most 5). */
  topWaste: { path: string; bytes: number }[];
}

/**
 * Walks the layers base first, tracking which layer holds each live path: a later
 * file at the same path overwrites it, a whiteout or opaque directory deletes it.
 * Each overwritten or deleted version's bytes are removable (the copy you keep is not).
 */
export function analyzeLayers(layers: readonly (readonly LayerEntryView[] | undefined)[]): LayerAnalysis {
  const live = new Map<string, number>(); // path -> size of the version that is visible
  const changes: FileChange[][] = [];
  const waste = new Map<string, number>();
  let removable = 0;
  let total = 0;
  const drop = (path: string) => {
    const size = live.get(path);
    if (size === undefined) return false;
    if (size > 0) {
      removable += size;
      waste.set(path, (waste.get(path) ?? 0) + size);
    }
    return true;
  };
  const dropUnder = (dir: string) => {
    const prefix = dir === '/' ? '/' : dir.replace(/\/$/, '') + '/';
    for (const p of [...live.keys()]) {
      if (p.startsWith(prefix)) {
        drop(p);
        live.delete(p);
      }
    }
  };
  for (const entries of layers) {
    const list: FileChange[] = [];
    for (const e of entries ?? []) {
      const path = e.path.length > 1 && e.path.endsWith('/') ? e.path.slice(0, -1) : e.path;
      if (e.type === 'whiteout') {
        drop(path);
        live.delete(path);
        dropUnder(path);
        list.push({ path, kind: 'deleted', size: 0 });
        continue;
      }
      if (e.type === 'dir') {
        if (e.opaque) dropUnder(path);
        continue;
      }
      total += e.size;
      const existed = drop(path);
      live.set(path, e.size);
      list.push({ path, kind: existed ? 'changed' : 'added', size: e.size });
    }
    changes.push(list);
  }
  const topWaste = [...waste].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([path, bytes]) => ({ path, bytes }));
  return { changes, removableBytes: removable, totalBytes: total, efficiency: total > 0 ? 1 - removable / total : 1, topWaste };
}

/** The label a layer's size bar shows, with a scale that keeps 5 KB and 500 MB readable. */
export function sizeDomain(rows: readonly StackRow[]): [number, number] {
  const max = rows.reduce((m, r) => Math.max(m, r.size), 0);
  return [0, Math.max(max, 1024)];
}
