/** A container's writable layer as Docker shows and keeps it: `docker diff` and `docker commit`. */
import type { Engine } from '../engine.js';
import { UnionFs } from '../fs/union.js';
import { normalizeTagged } from '../image/reference.js';
import type { ImageRecord } from '../image/store.js';
import type { ImageConfigDoc } from '../image/types.js';
import type { ContainerRecord } from './types.js';

/** `docker diff`: A/C/D lines for the container's writable layer, sorted by path. */
export function containerDiff(c: ContainerRecord, engine: Engine): string[] {
  const img = engine.store.images.get(c.imageId);
  const lower = new UnionFs(img ? engine.store.layersOf(img) : []);
  const out: string[] = [];
  for (const [p, e] of c.upper.entries) {
    if (e.type === 'whiteout') out.push(`D ${p}`);
    else out.push(`${lower.stat(p, false) ? 'C' : 'A'} ${p}`);
  }
  return out;
}

/** `docker commit`: the container's layer on top of its image, as a new image (the name is checked first). */
export function commitContainer(engine: Engine, c: ContainerRecord, ref?: string): ImageRecord {
  const tag = ref === undefined ? undefined : normalizeTagged(ref);
  const img = engine.store.images.get(c.imageId)!;
  const created = engine.now();
  const layer = c.upper;
  const doc: ImageConfigDoc = {
    ...structuredClone(img.config),
    config: { ...structuredClone(img.config.config), Hostname: c.config.Hostname },
    created,
    container: c.id,
    history: [...img.config.history, { created, created_by: [c.path, ...c.args].join(' '), ...(layer.isEmpty ? { empty_layer: true } : {}) }],
    rootfs: { type: 'layers', diff_ids: [...img.config.rootfs.diff_ids, ...(layer.isEmpty ? [] : [layer.diffId])] },
  };
  const rec = engine.store.add(doc, [...engine.store.layersOf(img), ...(layer.isEmpty ? [] : [layer])], { parent: img.id });
  engine.emit({ type: 'image.created', imageId: rec.id });
  if (tag && ref !== undefined) {
    const previous = engine.store.tag(ref, rec.id);
    engine.emit({ type: 'image.tagged', imageId: rec.id, tag, ...(previous ? { previous } : {}) });
  }
  return rec;
}
