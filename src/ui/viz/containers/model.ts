/**
 * The Containers view's data, pure: images as read-only templates, the containers made from
 * each (their own writable layer with its `docker diff`), and volumes outside, linked to the
 * containers that mount them. No DOM.
 */
import type { ContainerStatus, MountView, WorldView } from '../../../shared/world.js';
import { plural, shortDigest, sizeText } from '../runtime-common/names.js';

export interface ContainerBox {
  id: string;
  name: string;
  status: ContainerStatus;
  exitCode: number;
  /** `running`, `exited (0)`... */
  state: string;
  writableSize: number;
  diff: { kind: 'A' | 'C' | 'D'; path: string }[];
  mounts: MountView[];
  ports: string[];
}

export interface TemplateImage {
  id: string;
  label: string;
  /** Rootfs layers, base first. */
  layers: { diffId: string; size: number }[];
  size: number;
  containers: ContainerBox[];
}

export interface VolumeBox {
  name: string;
  /** Short for anonymous volumes. */
  label: string;
  anonymous: boolean;
  size: number;
  usedBy: string[];
}

export interface ContainersModel {
  images: TemplateImage[];
  volumes: VolumeBox[];
  text: string[];
}

/** How many templates without containers are still shown (as a reminder they are templates). */
export const IDLE_IMAGES = 3;

/** Builds the Containers view's model from a snapshot. */
export function containersModel(world: WorldView): ContainersModel {
  const images = world.images ?? [];
  const containers = world.containers ?? [];
  const byImage = new Map<string, ContainerBox[]>();
  for (const c of [...containers].sort((a, b) => a.created - b.created || (a.name < b.name ? -1 : 1))) {
    const box: ContainerBox = {
      id: c.id,
      name: c.name,
      status: c.status,
      exitCode: c.exitCode,
      state: stateText(c.status, c.exitCode),
      writableSize: c.writableSize,
      diff: c.diff ?? [],
      mounts: c.mounts ?? [],
      ports: c.ports ?? [],
    };
    byImage.set(c.imageId, [...(byImage.get(c.imageId) ?? []), box]);
  }
  const used: TemplateImage[] = [];
  const idle: TemplateImage[] = [];
  const seen = new Set<string>();
  for (const img of images) {
    seen.add(img.id);
    const boxes = byImage.get(img.id) ?? [];
    const t: TemplateImage = {
      id: img.id,
      label: img.tags[0] ?? `<none> ${shortDigest(img.id)}`,
      layers: img.layers.filter((l) => !l.empty && l.diffId).map((l) => ({ diffId: l.diffId!, size: l.size })),
      size: img.size,
      containers: boxes,
    };
    if (boxes.length) used.push(t);
    else if (img.tags.length && idle.length < IDLE_IMAGES) idle.push(t);
  }
  // containers whose image is gone from the snapshot still draw, on an unknown template
  for (const [id, boxes] of byImage) {
    if (!seen.has(id)) used.push({ id, label: shortDigest(id), layers: [], size: 0, containers: boxes });
  }
  const volumes: VolumeBox[] = (world.volumes ?? []).map((v) => ({ name: v.name, label: v.anonymous ? shortDigest(v.name) : v.name, anonymous: v.anonymous, size: v.size, usedBy: v.usedBy ?? [] }));
  const model: ContainersModel = { images: [...used, ...idle], volumes, text: [] };
  model.text = describe(model);
  return model;
}

/** `running`, `exited (1)`: what docker ps says in a word or two. */
export function stateText(status: ContainerStatus, exitCode: number): string {
  return status === 'exited' ? `exited (${exitCode})` : status;
}

const KIND: Record<'A' | 'C' | 'D', string> = { A: 'added', C: 'changed', D: 'deleted' };

function describe(m: ContainersModel): string[] {
  const out: string[] = [];
  if (m.images.length === 0) out.push('No images or containers yet.');
  for (const img of m.images) {
    out.push(`Image ${img.label}: a read-only template of ${plural(img.layers.length, 'layer')}, ${sizeText(img.size)}, ${img.containers.length ? `${plural(img.containers.length, 'container')} on it` : 'no containers'}.`);
    for (const c of img.containers) {
      const changes = c.diff.length
        ? `${plural(c.diff.length, 'change')}: ${c.diff
            .slice(0, 8)
            .map((d) => `${KIND[d.kind]} ${d.path}`)
            .join(', ')}${c.diff.length > 8 ? ` and ${c.diff.length - 8} more` : ''}`
        : 'no changes';
      const mounts = c.mounts.map((x) => `${x.type} ${x.type === 'volume' ? (x.name ?? x.source) : x.source} at ${x.destination}`);
      out.push(`Container ${c.name} (${c.state}) on ${img.label}: writable layer ${sizeText(c.writableSize)}, ${changes}${mounts.length ? `; mounts ${mounts.join(', ')}` : ''}.`);
    }
  }
  for (const v of m.volumes) {
    out.push(`Volume ${v.label}: ${sizeText(v.size)}, ${v.usedBy.length ? `used by ${v.usedBy.join(', ')}` : 'used by no container (it outlives the containers that used it)'}.`);
  }
  return out;
}
