/**
 * The Lifecycle view's data, pure: the state machine from Dockerfile to image to registry to
 * a pulled image to Docker's container states, laid out with d3-dag's Sugiyama layout; the
 * learner's objects placed on their states; and each command's transitions from the event
 * log, to animate in order. No DOM.
 */
import { graphConnect, sugiyama, decrossTwoLayer, coordCenter, layeringLongestPath } from 'd3-dag';
import type { EngineEvent } from '../../../shared/events.js';
import type { WorldView } from '../../../shared/world.js';
import { familiarRepository, shortDigest } from '../runtime-common/names.js';

export type StateId = 'dockerfile' | 'image' | 'registry' | 'pulled' | 'created' | 'running' | 'paused' | 'restarting' | 'exited' | 'dead' | 'removing' | 'deleted';

export const STATE_LABEL: Record<StateId, string> = {
  dockerfile: 'Dockerfile',
  image: 'image',
  registry: 'registry',
  pulled: 'local image (pulled)',
  created: 'created',
  running: 'running',
  paused: 'paused',
  restarting: 'restarting',
  exited: 'exited (stopped)',
  dead: 'dead',
  removing: 'removing',
  deleted: 'deleted',
};

/** Transitions drawn forward (the layout's DAG), each with the command that takes it. */
const FORWARD: [StateId, StateId, string][] = [
  ['dockerfile', 'image', 'build'],
  ['image', 'registry', 'push'],
  ['registry', 'pulled', 'pull'],
  ['image', 'created', 'create / run'],
  ['pulled', 'created', 'create / run'],
  ['created', 'running', 'start'],
  ['running', 'paused', 'pause'],
  ['running', 'restarting', 'restart policy'],
  ['running', 'exited', 'stop / exits'],
  ['created', 'removing', 'rm'],
  ['exited', 'removing', 'rm'],
  ['dead', 'deleted', 'rm'],
  ['removing', 'deleted', ''],
  ['exited', 'dead', 'rm fails'],
];
/** Transitions that go back up (drawn as arcs beside the graph). */
const BACK: [StateId, StateId, string][] = [
  ['paused', 'running', 'unpause'],
  ['restarting', 'running', ''],
  ['exited', 'running', 'start / restart'],
];

export interface StateNode {
  id: StateId;
  label: string;
  x: number;
  y: number;
  /** The learner's objects in this state now (names, tags). */
  objects: string[];
}

export interface Edge {
  key: string;
  from: StateId;
  to: StateId;
  label: string;
  back: boolean;
  /** Layout control points, top to bottom for forward edges. */
  points: [number, number][];
}

/** One object moving along one edge, from one event. */
export interface Transition {
  seq: number;
  from: StateId;
  to: StateId;
  who: string;
  text: string;
}

export interface LifecycleModel {
  nodes: StateNode[];
  edges: Edge[];
  width: number;
  height: number;
  transitions: Transition[];
  text: string[];
}

interface Geometry {
  nodes: Map<StateId, { x: number; y: number }>;
  edges: Edge[];
  width: number;
  height: number;
}

const cache = new Map<string, Geometry>();

/** The state machine's layout for boxes of `nodeW` x `nodeH` (computed once per size). */
export function lifecycleLayout(nodeW: number, nodeH: number): Geometry {
  const key = `${nodeW}x${nodeH}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const dag = graphConnect()(FORWARD.map(([a, b]) => [a, b] as [string, string]));
  const layout = sugiyama()
    .layering(layeringLongestPath())
    .decross(decrossTwoLayer())
    .coord(coordCenter())
    .nodeSize([nodeW, nodeH])
    .gap([nodeW * 0.12, nodeH * 0.9]);
  const { width, height } = layout(dag);
  const nodes = new Map<StateId, { x: number; y: number }>();
  for (const n of dag.nodes()) nodes.set(n.data as StateId, { x: n.x, y: n.y });
  const labels = new Map(FORWARD.map(([a, b, l]) => [`${a}>${b}`, l]));
  const edges: Edge[] = [...dag.links()].map((l) => {
    const from = l.source.data as StateId;
    const to = l.target.data as StateId;
    return { key: `${from}>${to}`, from, to, label: labels.get(`${from}>${to}`) ?? '', back: false, points: l.points.map(([x, y]) => [x, y] as [number, number]) };
  });
  for (const [from, to, label] of BACK) {
    const a = nodes.get(from)!;
    const b = nodes.get(to)!;
    // an arc out to the side the source sits on, so it never crosses the forward edges
    const side = a.x >= b.x ? 1 : -1;
    const bulge = nodeW * 0.35 * side;
    edges.push({ key: `${from}>${to}`, from, to, label, back: true, points: [[a.x + (nodeW / 2) * side, a.y], [Math.max(a.x, b.x) * (side > 0 ? 1 : 0) + Math.min(a.x, b.x) * (side < 0 ? 1 : 0) + bulge + (nodeW / 2) * side, (a.y + b.y) / 2], [b.x + (nodeW / 2) * side, b.y]] });
  }
  const g = { nodes, edges, width, height };
  cache.set(key, g);
  return g;
}

/** Places the learner's objects on the states and reads each command's transitions from the log. */
export function lifecycleModel(world: WorldView, events: readonly { seq: number; event: EngineEvent }[], nodeW: number, nodeH: number): LifecycleModel {
  const geo = lifecycleLayout(nodeW, nodeH);
  const objects = new Map<StateId, string[]>();
  const put = (s: StateId, name: string) => objects.set(s, [...(objects.get(s) ?? []), name]);

  const pulledIds = new Set<string>();
  const builtIds = new Set<string>();
  const builtTags: string[] = [];
  const deleted: string[] = [];
  for (const { event: e } of events ?? []) {
    if (e.type === 'image.pulled') pulledIds.add(e.imageId);
    if (e.type === 'build.done') {
      builtIds.add(e.imageId);
      for (const t of e.tags ?? []) if (!builtTags.includes(t)) builtTags.push(t);
    }
    if (e.type === 'container.removed') deleted.push(e.name);
    if (e.type === 'image.deleted') deleted.push(`image ${shortDigest(e.imageId)}`);
  }
  for (const t of builtTags.slice(-4)) put('dockerfile', `→ ${t}`);
  for (const img of world.images ?? []) {
    if (img.tags.length === 0) continue;
    const name = img.tags[0]!;
    put(pulledIds.has(img.id) && !builtIds.has(img.id) ? 'pulled' : 'image', name);
  }
  for (const r of world.registries ?? [])
    for (const repo of r.repositories) for (const tag of Object.keys(repo.tags)) put('registry', `${familiarRepository(r.host, repo.name)}:${tag}`);
  for (const c of world.containers ?? []) put((c.status in STATE_LABEL ? c.status : 'created') as StateId, c.name);
  for (const d of deleted.slice(-4)) put('deleted', d);

  const nodes: StateNode[] = [...geo.nodes].map(([id, p]) => ({ id, label: STATE_LABEL[id], x: p.x, y: p.y, objects: objects.get(id) ?? [] }));
  const transitions = transitionsOf(events);
  const text: string[] = nodes.map((n) => `${n.label}: ${n.objects.length ? n.objects.join(', ') : 'nothing'}.`);
  if (transitions.length) text.push(`Last: ${transitions.slice(-6).map((t) => t.text).join('; ')}.`);
  return { nodes, edges: geo.edges, width: geo.width, height: geo.height, transitions, text };
}

/** The transitions events describe, oldest first: build, push, pull, create, each state change, removal. */
export function transitionsOf(events: readonly { seq: number; event: EngineEvent }[]): Transition[] {
  const out: Transition[] = [];
  const images = new Set<string>();
  const pulled = new Set<string>();
  const add = (seq: number, from: StateId, to: StateId, who: string, text: string) => out.push({ seq, from, to, who, text });
  for (const { seq, event: e } of events ?? []) {
    switch (e.type) {
      case 'build.done':
        images.add(e.imageId);
        add(seq, 'dockerfile', 'image', e.tags[0] ?? shortDigest(e.imageId), `built ${e.tags[0] ?? shortDigest(e.imageId)}: Dockerfile → image`);
        break;
      case 'push.done':
        add(seq, 'image', 'registry', `${e.repository}:${e.tag}`, `pushed ${e.repository}:${e.tag}: image → registry`);
        break;
      case 'pull.done':
        pulled.add(e.imageId);
        add(seq, 'registry', 'pulled', e.reference, `pulled ${e.reference}: registry → local image`);
        break;
      case 'container.created':
        add(seq, pulled.has(e.imageId) && !images.has(e.imageId) ? 'pulled' : 'image', 'created', e.name, `${e.name}: image → created`);
        break;
      case 'container.state': {
        if (!e.previous || e.previous === e.state) break;
        const from = e.previous as StateId;
        const to = e.state as StateId;
        add(seq, from, to, e.name, `${e.name}: ${from} → ${to}${to === 'exited' && e.exitCode !== undefined ? ` (exit code ${e.exitCode})` : ''}`);
        break;
      }
      case 'container.removed':
        add(seq, 'removing', 'deleted', e.name, `${e.name}: removed`);
        break;
    }
  }
  return out;
}
