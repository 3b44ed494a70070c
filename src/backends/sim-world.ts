/**
 * The simulator's side of the views' contract (src/shared/world.ts): a WorldView read from
 * the engine, and a layer's entries on demand. Read-only: nothing here changes the engine.
 */
import { containerDiff } from '../engine/container/changes.js';
import { openContainer } from '../engine/container/rootfs.js';
import type { Engine } from '../engine/engine.js';
import type { Layer } from '../engine/fs/layer.js';
import type { Stat } from '../engine/fs/types.js';
import { UnionFs } from '../engine/fs/union.js';
import type { ContainerView, ImageView, LayerEntryView, PathInfo, PathPlace, RegistryView, VolumeView, WorldView } from '../shared/world.js';

/** Everything the views draw, as plain JSON-shaped data, images newest first. */
export function worldOf(engine: Engine): WorldView {
  const store = engine.store;
  const images: ImageView[] = [...store.images.values()]
    .sort((a, b) => b.config.created - a.config.created || (a.id < b.id ? -1 : 1))
    .map((img) => {
      const c = img.config.config;
      let li = 0;
      return {
        id: img.id,
        tags: store.repoTags(img.id),
        digests: [...img.repoDigests],
        created: img.config.created,
        size: store.sizeOf(img),
        layers: img.config.history.map((h) => {
          const empty = !!h.empty_layer;
          const diffId = empty ? undefined : img.config.rootfs.diff_ids[li++];
          const layer = diffId ? store.layers.get(diffId) : undefined;
          return { createdBy: h.created_by ?? '', empty, ...(diffId ? { diffId } : {}), size: layer?.size ?? 0, created: h.created, ...(h.comment ? { comment: h.comment } : {}) };
        }),
        ...(img.parent ? { parent: img.parent } : {}),
        dangling: store.isDangling(img) && store.children(img.id).length === 0,
        config: {
          user: c.User,
          workdir: c.WorkingDir,
          entrypoint: c.Entrypoint ? [...c.Entrypoint] : null,
          cmd: c.Cmd ? [...c.Cmd] : null,
          env: [...(c.Env ?? [])],
          exposedPorts: Object.keys(c.ExposedPorts ?? {}),
          volumes: Object.keys(c.Volumes ?? {}),
          labels: { ...(c.Labels ?? {}) },
        },
      };
    });

  const containers: ContainerView[] = [...engine.containers.values()]
    .sort((a, b) => b.created - a.created || (a.id < b.id ? -1 : 1))
    .map((c) => ({
      id: c.id,
      name: c.name,
      imageId: c.imageId,
      image: c.imageRef,
      command: [c.path, ...c.args],
      status: c.state.status,
      exitCode: c.state.exitCode,
      created: c.created,
      diff: containerDiff(c, engine).map((l) => ({ kind: l[0] as 'A' | 'C' | 'D', path: l.slice(2) })),
      writableSize: c.upper.size,
      mounts: c.mounts.map((m) => ({ type: m.type, ...(m.name ? { name: m.name } : {}), source: m.source, destination: m.destination, rw: m.rw })),
      ports: Object.entries(c.ports ?? {}).flatMap(([port, binds]) => binds.map((b) => `${b.HostIp && b.HostIp !== '0.0.0.0' ? b.HostIp + ':' : ''}${b.HostPort}->${port}`)),
      runtime: {
        hostname: c.config.Hostname,
        networkMode: c.host?.networkMode ?? 'default',
        ...(c.ipAddress ? { ipAddress: c.ipAddress } : {}),
        memory: c.host?.memory ?? 0,
        nanoCpus: c.host?.nanoCpus ?? 0,
        pidsLimit: c.host?.pidsLimit ?? null,
        processes: (c.processes ?? []).map((p) => ({ pid: p.pid, hostPid: p.hostPid, uid: p.uid, argv: [...p.argv] })),
      },
    }));

  const volumes: VolumeView[] = [...engine.volumes.values()]
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .map((v) => ({
      name: v.name,
      anonymous: v.anonymous,
      size: v.content.size,
      usedBy: [...engine.containers.values()].filter((c) => c.mounts.some((m) => m.type === 'volume' && m.name === v.name)).map((c) => c.name),
    }));

  const registries: RegistryView[] = [...engine.registries.values()]
    .filter((r) => r.repos.size > 0)
    .map((r) => {
      const manifests = [...r.manifests.values()];
      return {
        host: r.host,
        repositories: [...r.repos]
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([name, repo]) => ({ name, tags: Object.fromEntries(repo.tags), manifests: [...repo.manifests], blobs: [...repo.blobs] })),
        manifests: manifests.map((m) => ({ digest: m.digest, configDigest: m.configDigest, layers: m.layers.map((l) => ({ digest: l.digest, diffId: l.diffId, size: l.size })) })),
        blobs: [...r.blobs].map(([digest, b]) => ({ digest, size: b.size })),
      };
    });

  return { images, containers, volumes, registries, linkBytesPerSecond: engine.linkBytesPerSecond };
}

/** A layer's tarball entries by path, or undefined when the engine does not hold that layer. */
export function layerEntriesOf(engine: Engine, diffId: string): LayerEntryView[] | undefined {
  let layer: Layer | undefined = engine.store.layers.get(diffId);
  if (!layer) for (const reg of engine.registries.values()) for (const b of reg.blobs.values()) if (b.layer.diffId === diffId) layer = b.layer;
  if (!layer) return undefined;
  return [...layer.entries].map(([path, e]) => ({
    path,
    type: e.type,
    size: e.type === 'file' ? e.size : e.type === 'symlink' ? e.target.length : 0,
    ...(e.type === 'dir' && e.opaque ? { opaque: true } : {}),
  }));
}

/**
 * What is at `path` in a container (its image, writable layer and mounts), an image or a
 * volume (paths from the volume's root); null when nothing is, or the place does not exist.
 */
export function pathInfoOf(engine: Engine, where: PathPlace, path: string): PathInfo | null {
  let fs: { stat(p: string, follow?: boolean): Stat | null };
  if ('container' in where) {
    const c = engine.findContainer(where.container);
    if (!c) return null;
    // a read-only look: the view is never committed
    fs = openContainer(engine, c).fs;
  } else if ('image' in where) {
    const img = engine.store.find(where.image);
    if (!img) return null;
    fs = new UnionFs(engine.store.layersOf(img));
  } else {
    const v = engine.volumes.get(where.volume);
    if (!v) return null;
    fs = new UnionFs([v.content]);
  }
  const abs = path.startsWith('/') ? path : `/${path}`;
  const st = fs.stat(abs, true);
  if (!st) return null;
  return { type: st.type, size: st.size };
}
