/**
 * Which images a session sees on the shared engine: its own (labelled with its session),
 * the seeded bases, and the unlabelled ancestors of those (classic builds leave
 * intermediates without labels). Everything else answers as a missing image would.
 */
import { normalizeTagged } from '../../src/engine/image/reference.js';
import { DockerError } from '../../src/engine/errors.js';
import { EngineError, engineRequest, pathName } from './engine-api.js';
import { LABEL_BASE, LABEL_SESSION, type SessionScope } from './types.js';

/** The image summary the Engine API lists (GET /images/json). */
export interface ImageSummary {
  Id: string;
  ParentId: string;
  RepoTags: string[] | null;
  RepoDigests: string[] | null;
  Created: number;
  Size: number;
  Labels: Record<string, string> | null;
}

/**
 * True for a seeded base. Images built FROM a base inherit its label, so a base is also
 * one without a session label and without a parent (the seeder imports, builds commit on a parent).
 */
export function isBaseImage(labels: Record<string, string> | null | undefined, parent: string): boolean {
  return labels?.[LABEL_BASE] === '1' && !labels[LABEL_SESSION] && !parent;
}

/** True when an image's own labels put it in the session, or it is a base. */
export function ownImage(scope: SessionScope, labels: Record<string, string> | null | undefined, parent: string): boolean {
  return labels?.[LABEL_SESSION] === scope.sessionId || isBaseImage(labels, parent);
}

/** Every image the session may see (own, bases, and their unlabelled ancestors), by ID. */
export async function visibleImages(scope: SessionScope): Promise<Map<string, ImageSummary>> {
  const all = (await engineRequest<ImageSummary[]>(scope.docker, 'GET', '/images/json', { all: true })) ?? [];
  const byId = new Map(all.map((i) => [i.Id, i]));
  const seen = new Map<string, ImageSummary>();
  for (const img of all) {
    if (!ownImage(scope, img.Labels, img.ParentId)) continue;
    // walk up to the ancestors: intermediates of a classic build carry no labels
    for (let cur: ImageSummary | undefined = img; cur && !seen.has(cur.Id); cur = byId.get(cur.ParentId)) {
      if (cur !== img && cur.Labels?.[LABEL_SESSION] && cur.Labels[LABEL_SESSION] !== scope.sessionId) break;
      seen.set(cur.Id, cur);
    }
  }
  return seen;
}

/** The image inspect document of a reference, or null when the session cannot see it. */
export async function findImage(scope: SessionScope, ref: string): Promise<ImageInspectDoc | null> {
  let doc: ImageInspectDoc;
  try {
    doc = await engineRequest<ImageInspectDoc>(scope.docker, 'GET', `/images/${pathName(ref)}/json`);
  } catch (e) {
    if (e instanceof EngineError && (e.statusCode === 404 || e.statusCode === 400)) return null;
    throw e;
  }
  if (ownImage(scope, doc.Config?.Labels, doc.Parent)) return doc;
  if (doc.Config?.Labels?.[LABEL_SESSION]) return null;
  return (await visibleImages(scope)).has(doc.Id) ? doc : null;
}

/**
 * Tags are one namespace on a shared engine: refuses to point `keys` (normalized `repo:tag`)
 * anywhere when one names a base every session builds FROM, or an image of another session
 * (moving it would take the image from under that session). A free tag, or the session's
 * own, passes.
 */
export async function claimTags(scope: SessionScope, keys: string[]): Promise<void> {
  let visible: Promise<Map<string, ImageSummary>> | undefined;
  for (const key of keys) {
    let held: ImageInspectDoc;
    try {
      held = await engineRequest<ImageInspectDoc>(scope.docker, 'GET', `/images/${pathName(key)}/json`);
    } catch (e) {
      if (e instanceof EngineError && (e.statusCode === 404 || e.statusCode === 400)) continue;
      throw e;
    }
    if (isBaseImage(held.Config?.Labels, held.Parent)) throw new DockerError(`Error response from daemon: conflict: "${key}" is a shared base image on this server and cannot be re-tagged`);
    if (!ownImage(scope, held.Config?.Labels, held.Parent) && !(await (visible ??= visibleImages(scope))).has(held.Id)) throw new DockerError(`Error response from daemon: conflict: the tag "${key}" is in use by another session on this server`);
  }
}

/** The fields of GET /images/{name}/json this server reads. */
export interface ImageInspectDoc {
  Id: string;
  RepoTags: string[];
  RepoDigests: string[];
  Parent: string;
  Created: string;
  Size: number;
  Config: { Labels?: Record<string, string> | null; User?: string; WorkingDir?: string; Entrypoint?: string[] | null; Cmd?: string[] | null; Env?: string[] | null; ExposedPorts?: Record<string, object> | null; Volumes?: Record<string, object> | null } | null;
  RootFS: { Layers?: string[] };
}

/** One row of GET /images/{name}/history (newest first). */
export interface HistoryRow {
  Id: string;
  Created: number;
  CreatedBy: string;
  Size: number;
  Comment: string;
  Tags: string[] | null;
}

/** The familiar `repo:tag` form of a reference, or the text itself when it does not parse. */
export function safeNormalize(ref: string): string {
  try {
    return normalizeTagged(ref);
  } catch {
    return ref;
  }
}

const SESSION_LABEL_ROW = /^(?:\/bin\/sh -c #\(nop\) {2})?LABEL org\.layerlab\.(?:session|instance)=\S*$/;

/** True for a history row the classic builder made for one of the server's build labels. */
export function isSessionLabelRow(r: { CreatedBy: string; Size: number }): boolean {
  return r.Size === 0 && SESSION_LABEL_ROW.test(r.CreatedBy);
}

/**
 * History rows (newest first) without the `LABEL org.layerlab.*` steps the classic builder
 * appends for the server's build labels: the learner's Dockerfile has no such line, and the
 * simulator shows none. The top row keeps the image's own ID, as docker shows it.
 */
export function withoutSessionLabels(rows: HistoryRow[]): HistoryRow[] {
  const kept = rows.filter((r) => !isSessionLabelRow(r));
  if (kept.length === 0) return rows;
  if (kept[0] !== rows[0]) kept[0] = { ...kept[0]!, Id: rows[0]!.Id, Tags: rows[0]!.Tags };
  return kept;
}
