/**
 * `docker rmi` as the daemon does it (image_delete.go): untag before delete,
 * refuse images in use or referenced from several repositories, delete
 * dangling classic parents, and report the layer chains released.
 */
import type { Engine } from '../engine.js';
import { DockerError } from '../errors.js';
import { sha256Hex, shortId } from '../hash.js';
import { familiarName, looksLikeId, normalizeTagged, parseReference } from './reference.js';
import type { ImageRecord } from './store.js';


/** Chain IDs of a diff ID list: chain(0) = diff(0), chain(n) = sha256(chain(n-1) + " " + diff(n)). */
export function chainIds(diffIds: readonly string[]): string[] {
  const out: string[] = [];
  for (const d of diffIds) out.push(out.length === 0 ? d : 'sha256:' + sha256Hex(`${out[out.length - 1]} ${d}`));
  return out;
}

/** Removes an image reference or image; returns the `Untagged:`/`Deleted:` lines. */
export function removeImage(engine: Engine, ref: string, opts: { force?: boolean; noPrune?: boolean } = {}): string[] {
  const store = engine.store;
  const img = store.find(ref);
  if (!img) throw new DockerError(`Error response from daemon: No such image: ${looksLikeId(ref) ? ref : safeTag(ref)}`);
  const lines: string[] = [];
  const byId = looksLikeId(ref) && img.id.replace('sha256:', '').startsWith(ref.replace('sha256:', '')) && !store.tags.has(safeTag(ref));
  const users = [...engine.containers.values()].filter((c) => c.imageId === img.id);
  if (!byId) {
    const key = normalizeTagged(ref);
    const refs = allRefs(engine, img);
    if (users.length > 0 && refs.length === 1 && !opts.force) {
      throw new DockerError(`Error response from daemon: conflict: unable to remove repository reference "${ref}" (must force) - container ${shortId(users[0]!.id)} is using its referenced image ${shortId(img.id)}`);
    }
    store.untag(key);
    lines.push(`Untagged: ${key}`);
    engine.emit({ type: 'image.untagged', imageId: img.id, tag: key });
    const repo = familiarName(parseReference(key));
    if (!store.repoTags(img.id).some((t) => familiarName(parseReference(t)) === repo)) {
      for (const d of img.repoDigests.filter((x) => x.startsWith(repo + '@'))) lines.push(`Untagged: ${d}`);
      img.repoDigests = img.repoDigests.filter((x) => !x.startsWith(repo + '@'));
    }
    if (allRefs(engine, img).length > 0) return lines;
  } else {
    const refs = allRefs(engine, img);
    const repos = new Set(refs.map((r) => familiarName(parseReference(r))));
    if (repos.size > 1 && !opts.force) {
      throw new DockerError(`Error response from daemon: conflict: unable to delete ${shortId(img.id)} (must be forced) - image is referenced in multiple repositories`);
    }
    const running = users.find((c) => c.state.status === 'running' || c.state.status === 'paused');
    if (running) throw new DockerError(`Error response from daemon: conflict: unable to delete ${shortId(img.id)} (cannot be forced) - image is being used by running container ${shortId(running.id)}`);
    if (users.length > 0 && !opts.force) throw new DockerError(`Error response from daemon: conflict: unable to delete ${shortId(img.id)} (must be forced) - image is being used by stopped container ${shortId(users[0]!.id)}`);
    if (store.children(img.id).length > 0) throw new DockerError(`Error response from daemon: conflict: unable to delete ${shortId(img.id)} (cannot be forced) - image has dependent child images`);
    for (const t of store.repoTags(img.id)) {
      store.untag(t);
      lines.push(`Untagged: ${t}`);
      engine.emit({ type: 'image.untagged', imageId: img.id, tag: t });
    }
    for (const d of img.repoDigests) lines.push(`Untagged: ${d}`);
    img.repoDigests = [];
  }
  if (store.children(img.id).length > 0) {
    throw new DockerError(`Error response from daemon: conflict: unable to delete ${shortId(img.id)} (cannot be forced) - image has dependent child images`);
  }
  if (users.length > 0 && !opts.force) return lines;
  deleteWithParents(engine, img, lines, !opts.noPrune);
  return lines;
}

function safeTag(ref: string): string {
  try {
    return normalizeTagged(ref);
  } catch {
    return ref;
  }
}

function allRefs(engine: Engine, img: ImageRecord): string[] {
  return [...engine.store.repoTags(img.id), ...img.repoDigests];
}

/** Deletes an image, then its dangling classic parents; records `Deleted:` lines. */
function deleteWithParents(engine: Engine, img: ImageRecord, lines: string[], prune: boolean): void {
  const store = engine.store;
  let cur: ImageRecord | undefined = img;
  while (cur) {
    const parentId: string | undefined = cur.parent;
    const chains = chainIds(cur.config.rootfs.diff_ids);
    const held = engine.cache.heldLayers();
    store.delete(cur.id, held);
    lines.push(`Deleted: ${cur.id}`);
    engine.emit({ type: 'image.deleted', imageId: cur.id });
    const live = new Set<string>();
    for (const other of store.images.values()) for (const c of chainIds(other.config.rootfs.diff_ids)) live.add(c);
    const diffs = cur.config.rootfs.diff_ids;
    for (let i = chains.length - 1; i >= 0; i--) {
      if (live.has(chains[i]!) || held.has(diffs[i]!)) break;
      lines.push(`Deleted: ${chains[i]}`);
    }
    if (!prune || !parentId) break;
    const parent = store.images.get(parentId);
    if (!parent || store.repoTags(parent.id).length > 0 || parent.repoDigests.length > 0) break;
    if (store.children(parent.id).length > 0) break;
    if ([...engine.containers.values()].some((c) => c.imageId === parent.id)) break;
    cur = parent;
  }
}
