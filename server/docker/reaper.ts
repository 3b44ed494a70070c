/**
 * Removes what the server made: on start (leftovers of earlier launches), when a session
 * ends, and on shutdown. Everything the server creates carries the session and instance
 * labels; the seeded bases do too in their children's configs, so a base is told apart by
 * `isBaseImage` and never removed.
 */
import type Docker from 'dockerode';
import { EngineError, engineRequest } from './engine-api.js';
import { isBaseImage, type ImageSummary } from './image-scope.js';
import { instanceOf, LABEL_BASE, LABEL_SESSION } from './types.js';

/** Which labelled objects to remove: one session, one launch, every launch but one, or (empty) all. */
export interface ReapMatch {
  session?: string;
  instance?: string;
  allInstancesBut?: string;
}

/** How many of each were removed. */
export interface ReapCount {
  containers: number;
  images: number;
  volumes: number;
}

function matches(labels: Record<string, string> | null | undefined, m: ReapMatch): boolean {
  const session = labels?.[LABEL_SESSION];
  const instance = instanceOf(labels);
  if (!session && !instance) return false;
  if (m.session !== undefined && session !== m.session) return false;
  if (m.instance !== undefined && instance !== m.instance) return false;
  if (m.allInstancesBut !== undefined && instance === m.allInstancesBut) return false;
  return true;
}

/** The daemon refusing or missing one object is not the reaper's failure: it moves on (a lost engine still throws). */
async function quietly(p: Promise<unknown>): Promise<boolean> {
  try {
    await p;
    return true;
  } catch (e) {
    // 404 gone, 409 in use, 500 "unrecognized image ID" when pruning a child already took it
    if (e instanceof EngineError) return false;
    throw e;
  }
}

/** How old an unlabelled build leftover must be before a launch-wide reap takes it (younger ones may be a build in flight). */
export const ORPHAN_AGE_SECONDS = 120;

/**
 * Force-removes the matching containers (with anonymous volumes), then volumes, then images
 * (children first, never a base). A launch-wide reap (`instance` or `allInstancesBut`) also
 * takes build leftovers no session label reaches (see `orphans`).
 */
export async function reap(docker: Docker, match: ReapMatch, opts: { orphanAgeSeconds?: number } = {}): Promise<ReapCount> {
  const count: ReapCount = { containers: 0, images: 0, volumes: 0 };

  const containers = await engineRequest<{ Id: string; Labels: Record<string, string> | null; Mounts?: { Type: string; Name?: string }[] }[]>(docker, 'GET', '/containers/json', { all: true, filters: JSON.stringify({ label: [LABEL_SESSION] }) });
  const mine = (containers ?? []).filter((c) => matches(c.Labels, match));
  // `-v name:/path` makes a named volume without labels: it goes with the containers that made it
  const mounted = new Set(mine.flatMap((c) => (c.Mounts ?? []).filter((m) => m.Type === 'volume' && m.Name).map((m) => m.Name!)));
  const removed = await Promise.all(mine.map((c) => quietly(engineRequest(docker, 'DELETE', `/containers/${c.Id}`, { force: true, v: true }))));
  count.containers = removed.filter(Boolean).length;

  const launchWide = match.instance !== undefined || match.allInstancesBut !== undefined;
  const now = Date.now() / 1000;
  const minAge = opts.orphanAgeSeconds ?? ORPHAN_AGE_SECONDS;
  if (launchWide) {
    const all = await engineRequest<BuildLeftoverContainer[]>(docker, 'GET', '/containers/json', { all: true, filters: JSON.stringify({ label: [`${LABEL_BASE}=1`] }) });
    const out = await Promise.all(orphanContainers(all ?? [], now, minAge).map((c) => quietly(engineRequest(docker, 'DELETE', `/containers/${c.Id}`, { force: true, v: true }))));
    count.containers += out.filter(Boolean).length;
  }

  const vols = await engineRequest<{ Volumes: { Name: string; Labels: Record<string, string> | null }[] | null }>(docker, 'GET', '/volumes');
  const doomed = (vols.Volumes ?? []).filter((v) => matches(v.Labels, match) || (mounted.has(v.Name) && !v.Labels?.[LABEL_SESSION]));
  // a volume another session's container still uses answers 409 and stays
  const gone = await Promise.all(doomed.map((v) => quietly(engineRequest(docker, 'DELETE', `/volumes/${encodeURIComponent(v.Name)}`))));
  count.volumes = gone.filter(Boolean).length;

  const images = (await engineRequest<ImageSummary[]>(docker, 'GET', '/images/json', { all: true })) ?? [];
  const byId = new Map(images.map((i) => [i.Id, i]));
  const depth = (i: ImageSummary): number => {
    let d = 0;
    for (let cur = byId.get(i.ParentId); cur && d < 1000; cur = byId.get(cur.ParentId)) d++;
    return d;
  };
  const targets = images
    .filter((i) => matches(i.Labels, match) && !isBaseImage(i.Labels, i.ParentId))
    .map((i) => ({ i, d: depth(i) }))
    .sort((x, y) => y.d - x.d);
  // one at a time: removing a child prunes its untagged parents, which a parallel delete would race
  for (const { i } of targets) if (await quietly(engineRequest(docker, 'DELETE', `/images/${i.Id}`, { force: true }))) count.images++;
  if (launchWide) {
    const all = (await engineRequest<ImageSummary[]>(docker, 'GET', '/images/json', { all: true })) ?? [];
    for (const i of orphanImages(all, now, minAge)) if (await quietly(engineRequest(docker, 'DELETE', `/images/${i.Id}`))) count.images++;
  }
  return count;
}

/**
 * A failed classic build keeps the images of the steps that worked (and the failed step's
 * container), and the session labels only go on the last step, so no label leads to them.
 * They are known by what they inherit: the base label without a session, a parent, no tag,
 * no children. Deleting such a leaf takes its untagged parents with it.
 */
export function orphanImages(images: ImageSummary[], now: number, minAgeSeconds: number): ImageSummary[] {
  const parents = new Set(images.map((i) => i.ParentId));
  return images.filter((i) => i.Labels?.[LABEL_BASE] === '1' && !i.Labels[LABEL_SESSION] && i.ParentId && !parents.has(i.Id) && !(i.RepoTags ?? []).some((t) => t !== '<none>:<none>') && now - i.Created >= minAgeSeconds);
}

/** A container as the list reports it, with what tells a build's leftover. */
export interface BuildLeftoverContainer {
  Id: string;
  State: string;
  Created: number;
  Labels: Record<string, string> | null;
}

/** The stopped container a failed classic step leaves: the base's label it inherits, no session's. */
export function orphanContainers(list: BuildLeftoverContainer[], now: number, minAgeSeconds: number): BuildLeftoverContainer[] {
  return list.filter((c) => c.Labels?.[LABEL_BASE] === '1' && !c.Labels[LABEL_SESSION] && c.State !== 'running' && c.State !== 'paused' && now - c.Created >= minAgeSeconds);
}
