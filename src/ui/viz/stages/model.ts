/**
 * The stage graph's data: each stage and base image as a node, FROM and COPY --from as
 * edges, which stages were built or skipped, what reaches the final image, and the sizes
 * before and after; laid out with d3-dag's Sugiyama layout. Pure: the component draws it.
 */
import { coordCenter, decrossTwoLayer, graphConnect, layeringLongestPath, sugiyama } from 'd3-dag';
import type { BuildStagesEvent, BuildStepEvent } from '../../../shared/events.js';
import { humanSize } from '../../../shared/format/units.js';

export interface StageNode {
  id: string;
  kind: 'image' | 'stage' | 'output';
  /** What the node says: `build`, `stage 2`, `oracle-base:local`, `final image`. */
  title: string;
  subtitle: string;
  stageIndex?: number;
  built: boolean;
  target: boolean;
  size?: number;
  hits: number;
  misses: number;
  x: number;
  y: number;
  label: string;
}

export interface StageEdge {
  key: string;
  from: string;
  to: string;
  kind: 'from' | 'copy' | 'output';
  /** COPY --from edges: what was copied (into the final image when `to` is the target). */
  note: string;
  points: [number, number][];
  /** The edge belongs to a skipped stage. */
  skipped: boolean;
}

export interface StagesModel {
  nodes: StageNode[];
  edges: StageEdge[];
  width: number;
  height: number;
  /** Final image size and the largest other built stage's (what shipping it would cost). */
  finalSize?: number;
  largestOther?: { title: string; size: number };
  skipped: string[];
  summary: string;
}

const stageTitle = (s: { index: number; name?: string }) => s.name ?? `stage ${s.index}`;

/** The graph of the last build's stages; undefined without a build.stages event. */
export function stagesModel(ev: BuildStagesEvent | undefined, steps: readonly BuildStepEvent[], finalSize: number | undefined, nodeW: number, nodeH: number): StagesModel | undefined {
  if (!ev || ev.stages.length === 0) return undefined;
  const nodes = new Map<string, Omit<StageNode, 'x' | 'y' | 'label'>>();
  const edges = new Map<string, Omit<StageEdge, 'points'>>();
  const imageNode = (ref: string) => {
    const id = `image:${ref}`;
    if (!nodes.has(id)) nodes.set(id, { id, kind: 'image', title: ref, subtitle: 'base image', built: true, target: false, hits: 0, misses: 0 });
    return id;
  };
  const addEdge = (from: string, to: string, kind: StageEdge['kind'], note: string, skipped: boolean) => {
    const key = `${from}>${to}`;
    const had = edges.get(key);
    // FROM and COPY --from the same stage: one edge that says both
    if (had) edges.set(key, { ...had, kind: had.kind === 'copy' || kind === 'copy' ? 'copy' : had.kind, note: [had.note, note].filter(Boolean).join('; '), skipped: had.skipped && skipped });
    else edges.set(key, { key, from, to, kind, note, skipped });
  };
  for (const s of ev.stages) {
    const own = steps.filter((x) => x.stageIndex === s.index && x.cached !== null);
    const hits = own.filter((x) => x.cached).length;
    const misses = own.length - hits;
    const id = `stage:${s.index}`;
    nodes.set(id, {
      id,
      kind: 'stage',
      title: stageTitle(s),
      subtitle: `FROM ${s.fromStage !== undefined ? stageTitle(ev.stages[s.fromStage]!) : s.from}`,
      stageIndex: s.index,
      built: s.built,
      target: s.index === ev.target,
      ...(s.size !== undefined ? { size: s.size } : {}),
      hits,
      misses,
    });
  }
  for (const s of ev.stages) {
    const id = `stage:${s.index}`;
    addEdge(s.fromStage !== undefined ? `stage:${s.fromStage}` : imageNode(s.from), id, 'from', '', !s.built);
    for (const c of s.copyFrom) {
      const src = c.stage !== undefined ? `stage:${c.stage}` : imageNode(c.image ?? '?');
      const name = c.stage !== undefined ? (ev.stages[c.stage]?.name ?? String(c.stage)) : (c.image ?? '');
      const step = steps.find((x) => x.stageIndex === s.index && x.reads && x.reads.from === name);
      const note = step?.reads ? `COPY --from=${name}: ${step.reads.count} file${step.reads.count === 1 ? '' : 's'}, ${humanSize(step.reads.bytes)}` : `COPY --from=${name}`;
      addEdge(src, id, 'copy', note, !s.built);
    }
  }
  const target = ev.stages.find((s) => s.index === ev.target);
  const outSize = finalSize ?? target?.size;
  nodes.set('output', { id: 'output', kind: 'output', title: 'final image', subtitle: outSize !== undefined ? humanSize(outSize) : '', built: true, target: false, ...(outSize !== undefined ? { size: outSize } : {}), hits: 0, misses: 0 });
  addEdge(`stage:${ev.target}`, 'output', 'output', '', false);

  const pos = new Map<string, { x: number; y: number }>();
  const points = new Map<string, [number, number][]>();
  let width: number;
  let height: number;
  try {
    const dag = graphConnect()([...edges.values()].map((e) => [e.from, e.to] as [string, string]));
    const layout = sugiyama().layering(layeringLongestPath()).decross(decrossTwoLayer()).coord(coordCenter()).nodeSize([nodeW, nodeH]).gap([nodeW * 0.15, nodeH * 0.6]);
    ({ width, height } = layout(dag));
    for (const n of dag.nodes()) pos.set(n.data as string, { x: n.x, y: n.y });
    for (const l of dag.links()) points.set(`${l.source.data as string}>${l.target.data as string}`, l.points.map(([x, y]) => [x, y] as [number, number]));
  } catch {
    // a graph the layout cannot take (it should not happen): one column, edges straight
    const ids = [...nodes.keys()];
    ids.forEach((id, i) => pos.set(id, { x: nodeW / 2, y: nodeH / 2 + i * nodeH * 1.6 }));
    for (const e of edges.values()) points.set(e.key, [pos.get(e.from)!, pos.get(e.to)!].map((p) => [p.x, p.y] as [number, number]));
    width = nodeW;
    height = ids.length * nodeH * 1.6;
  }

  const outNodes: StageNode[] = [...nodes.values()].map((n) => {
    const p = pos.get(n.id) ?? { x: 0, y: 0 };
    let label: string;
    if (n.kind === 'stage') {
      label = `Stage ${n.title}, ${n.subtitle}, ${n.built ? 'built' : 'skipped: the target does not need it'}`;
      if (n.built && n.hits + n.misses > 0) label += `, ${n.hits} cache hit${n.hits === 1 ? '' : 's'}, ${n.misses} miss${n.misses === 1 ? '' : 'es'}`;
      if (n.size !== undefined) label += `, ${humanSize(n.size)}`;
      if (n.target) label += ', the target: the final image is made from it';
    } else if (n.kind === 'image') label = `Base image ${n.title}`;
    else label = `Final image${n.size !== undefined ? `, ${humanSize(n.size)}` : ''}`;
    return { ...n, x: p.x, y: p.y, label };
  });
  const outEdges: StageEdge[] = [...edges.values()].map((e) => ({ ...e, points: points.get(e.key) ?? [] }));
  const others = outNodes.filter((n) => n.kind === 'stage' && !n.target && n.built && n.size !== undefined).sort((a, b) => b.size! - a.size!);
  const largestOther = others[0] ? { title: others[0].title, size: others[0].size! } : undefined;
  const skipped = outNodes.filter((n) => n.kind === 'stage' && !n.built).map((n) => n.title);
  let summary = `${ev.stages.length} stage${ev.stages.length === 1 ? '' : 's'}; built: ${outNodes.filter((n) => n.kind === 'stage' && n.built).map((n) => n.title).join(', ')}`;
  if (skipped.length) summary += `; skipped: ${skipped.join(', ')}`;
  const copies = outEdges.filter((e) => e.kind === 'copy' && e.to === `stage:${ev.target}`).map((e) => e.note);
  if (copies.length) summary += `. Reaches the final image: ${copies.join('; ')}`;
  if (outSize !== undefined) summary += `. Final image ${humanSize(outSize)}`;
  if (largestOther) summary += ` (stage ${largestOther.title} is ${humanSize(largestOther.size)})`;
  return { nodes: outNodes, edges: outEdges, width, height, ...(outSize !== undefined ? { finalSize: outSize } : {}), ...(largestOther ? { largestOther } : {}), skipped, summary: summary + '.' };
}
