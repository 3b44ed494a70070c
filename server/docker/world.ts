/**
 * The views' WorldView (src/shared/world.ts) read from the real engine for one session.
 * It runs after every command, so requests go out together and what cannot change is
 * cached: an image ID names immutable content, so its history and config are read once.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type Docker from 'dockerode';
import { extract } from 'tar-stream';
import type { ContainerStatus, ContainerView, ImageView, LayerView, VolumeView, WorldView } from '../../src/shared/world.js';
import { engineRequest } from './engine-api.js';
import { hostView } from './host-facts.js';
import { isSessionLabelRow, visibleImages, type HistoryRow, type ImageInspectDoc } from './image-scope.js';
import { registryView } from './world-registry.js';
import { LABEL_SESSION, type SessionScope } from './types.js';
import { sessionVolumes, sessionVolumeUsers } from './volumes.js';

/** What the simulator assumes for registry transfers; the real link is not measured. */
const LINK_BYTES_PER_SECOND = 12_500_000;

interface ImageFacts {
  config: ImageView['config'];
  layers: LayerView[];
}

const imageCache = new WeakMap<Docker, Map<string, ImageFacts>>();

/** Everything the views draw for the session, from the real engine, images and containers newest first. */
export async function realWorld(scope: SessionScope): Promise<WorldView> {
  const [visible, containers, volumes, host] = await Promise.all([visibleImages(scope), containerViews(scope), volumeViews(scope), hostView(scope.docker).catch(() => undefined)]);
  const list = [...visible.values()].sort((a, b) => b.Created - a.Created || (a.Id < b.Id ? -1 : 1));
  const hasChildren = new Set(list.map((i) => i.ParentId).filter(Boolean));
  // an image removed since the list (another command, the reaper) is left out, not an error
  const [facts, registry] = await Promise.all([Promise.all(list.map((i) => imageFacts(scope.docker, i.Id).catch(() => null))), scope.registry ? registryView(scope.registry, list) : Promise.resolve(null)]);
  const images: ImageView[] = list.flatMap((img, k) => {
    const f = facts[k];
    if (!f) return [];
    const tags = (img.RepoTags ?? []).filter((t) => t !== '<none>:<none>');
    const view: ImageView = {
      id: img.Id,
      tags,
      digests: (img.RepoDigests ?? []).filter((d) => d !== '<none>@<none>'),
      created: img.Created,
      size: img.Size,
      layers: f.layers,
      ...(img.ParentId ? { parent: img.ParentId } : {}),
      dangling: tags.length === 0 && !hasChildren.has(img.Id),
      config: f.config,
    };
    return [view];
  });
  return { images, containers, volumes, registries: registry ? [registry] : [], linkBytesPerSecond: LINK_BYTES_PER_SECOND, ...(host ? { host } : {}) };
}

/** An image's layers and config, read once per image ID. */
async function imageFacts(docker: Docker, id: string): Promise<ImageFacts> {
  let cache = imageCache.get(docker);
  // entries are small, but a long-lived server should not keep every image it ever saw
  if (!cache || cache.size > 5000) imageCache.set(docker, (cache = new Map()));
  const hit = cache.get(id);
  if (hit) return hit;
  const [doc, rows] = await Promise.all([engineRequest<ImageInspectDoc>(docker, 'GET', `/images/${id}/json`), engineRequest<HistoryRow[]>(docker, 'GET', `/images/${id}/history`)]);
  const all = [...rows].reverse();
  const diffIds = doc.RootFS.Layers ?? [];
  const flags = guessEmpty(all, diffIds.length) ?? (await savedEmptyFlags(docker, id, all.length));
  // the build-label rows go after the empty flags are settled: they count among the config's rows
  const keep = all.map((h) => !isSessionLabelRow(h));
  const history = all.filter((_, k) => keep[k]);
  const empty = flags.filter((_, k) => keep[k]);
  let li = 0;
  const layers = history.map((h, k): LayerView => {
    const isEmpty = empty[k] ?? false;
    const diffId = isEmpty ? undefined : diffIds[li++];
    return { createdBy: h.CreatedBy, empty: isEmpty, ...(diffId ? { diffId } : {}), size: isEmpty ? 0 : h.Size, created: h.Created, ...(h.Comment ? { comment: h.Comment } : {}) };
  });
  const c = doc.Config ?? {};
  const config = {
    user: c.User ?? '',
    workdir: c.WorkingDir ?? '',
    entrypoint: c.Entrypoint ? [...c.Entrypoint] : null,
    cmd: c.Cmd ? [...c.Cmd] : null,
    env: [...(c.Env ?? [])],
    exposedPorts: Object.keys(c.ExposedPorts ?? {}),
    volumes: Object.keys(c.Volumes ?? {}),
    // the server's own labels are bookkeeping, not the learner's image: the simulator has none
    labels: Object.fromEntries(Object.entries(c.Labels ?? {}).filter(([k]) => !k.startsWith('org.layerlab.'))),
  };
  const facts = { config, layers };
  cache.set(id, facts);
  return facts;
}

// Instructions that only change the config: never a layer (classic prints them after "#(nop)  ").
const META = /^(?:\/bin\/sh -c #\(nop\) {2})?(?:ENV|CMD|LABEL|EXPOSE|ENTRYPOINT|USER|ARG|VOLUME|STOPSIGNAL|HEALTHCHECK|SHELL|ONBUILD|MAINTAINER) /;

/**
 * Which history rows (base first) are metadata-only. The history API leaves `empty_layer`
 * out, but a row with bytes is a layer and a metadata instruction never is; the rest
 * (a RUN or WORKDIR that changed nothing) is settled by the layer count when it can be.
 * Null when it cannot: then the image config has to be read.
 */
export function guessEmpty(rows: { CreatedBy: string; Size: number }[], layerCount: number): boolean[] | null {
  const kind = rows.map((r) => (r.Size > 0 ? 'layer' : META.test(r.CreatedBy) ? 'empty' : 'unknown'));
  const layers = kind.filter((k) => k === 'layer').length;
  const unknown = kind.filter((k) => k === 'unknown').length;
  if (layers === layerCount) return kind.map((k) => k !== 'layer');
  if (layers + unknown === layerCount) return kind.map((k) => k === 'empty');
  return null;
}

/** The `empty_layer` flags from the image config, read out of `docker save`'s stream (stopped once found). */
async function savedEmptyFlags(docker: Docker, id: string, rows: number): Promise<boolean[]> {
  const stream = await engineRequest<NodeJS.ReadableStream & { destroy(): void }>(docker, 'GET', `/images/${id}/get`, {}, 'stream');
  const want = `${id.replace(/^sha256:/, '')}.json`;
  return new Promise((resolve, reject) => {
    const ex = extract();
    let found = false;
    ex.on('entry', (header, body, next) => {
      if (header.name !== want) {
        body.on('end', next);
        body.resume();
        return;
      }
      const chunks: Buffer[] = [];
      body.on('data', (c: unknown) => chunks.push(c as Buffer));
      body.on('end', () => {
        found = true;
        const cfg = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { history?: { empty_layer?: boolean }[] };
        resolve((cfg.history ?? []).map((h) => !!h.empty_layer));
        stream.destroy();
      });
    });
    ex.on('finish', () => (found ? undefined : resolve(new Array<boolean>(rows).fill(false))));
    ex.on('error', (e) => (found ? undefined : reject(e)));
    stream.pipe(ex);
  });
}

interface ContainerDoc {
  Id: string;
  Name: string;
  Created: string;
  Path: string;
  Args: string[];
  Image: string;
  SizeRw?: number;
  State: { Status: ContainerStatus; ExitCode: number; Pid: number };
  Config: { Image: string; Hostname: string; Labels?: Record<string, string> };
  HostConfig: { NetworkMode: string; Memory: number; NanoCpus: number; PidsLimit?: number | null };
  NetworkSettings: { IPAddress?: string; Ports?: Record<string, { HostIp: string; HostPort: string }[] | null> | null };
  Mounts: { Type: string; Name?: string; Source: string; Destination: string; RW: boolean }[];
}

const CHANGE_KIND = ['C', 'A', 'D'] as const;

/** The session's containers with their diff, writable size, mounts, ports and isolation facts. */
async function containerViews(scope: SessionScope): Promise<ContainerView[]> {
  const list = await engineRequest<{ Id: string }[]>(scope.docker, 'GET', '/containers/json', { all: true, filters: JSON.stringify({ label: [`${LABEL_SESSION}=${scope.sessionId}`] }) });
  const views = await Promise.all(
    (list ?? []).map(async ({ Id }) => {
      const [doc, changes] = await Promise.all([
        engineRequest<ContainerDoc>(scope.docker, 'GET', `/containers/${Id}/json`, { size: true }),
        engineRequest<{ Path: string; Kind: number }[] | null>(scope.docker, 'GET', `/containers/${Id}/changes`).catch(() => null),
      ]).catch(() => [null, null] as const);
      // removed between the list and the inspect: it is gone from the picture too
      if (!doc) return null;
      const live = doc.State.Status === 'running' || doc.State.Status === 'paused';
      return containerView(doc, changes ?? [], live ? await processes(scope.docker, Id) : []);
    }),
  );
  return views.filter((v): v is ContainerView => !!v).sort((a, b) => b.created - a.created || (a.id < b.id ? -1 : 1));
}

function containerView(doc: ContainerDoc, changes: { Path: string; Kind: number }[], procs: NonNullable<ContainerView['runtime']>['processes']): ContainerView {
  const ports = new Set<string>();
  for (const [port, binds] of Object.entries(doc.NetworkSettings.Ports ?? {})) {
    // the engine binds IPv4 and IPv6 both; the simulator shows one mapping per port
    for (const b of binds ?? []) ports.add(`${b.HostIp && b.HostIp !== '0.0.0.0' && b.HostIp !== '::' ? b.HostIp + ':' : ''}${b.HostPort}->${port}`);
  }
  const pids = doc.HostConfig.PidsLimit;
  return {
    id: doc.Id,
    name: doc.Name.replace(/^\//, ''),
    imageId: doc.Image,
    image: doc.Config.Image,
    command: [doc.Path, ...doc.Args],
    status: doc.State.Status,
    exitCode: doc.State.ExitCode,
    created: Math.floor(Date.parse(doc.Created) / 1000),
    diff: changes.map((c) => ({ kind: CHANGE_KIND[c.Kind] ?? 'C', path: c.Path })).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)),
    writableSize: doc.SizeRw ?? 0,
    mounts: doc.Mounts.map((m) => ({ type: m.Type as 'volume' | 'bind' | 'tmpfs', ...(m.Name ? { name: m.Name } : {}), source: m.Source, destination: m.Destination, rw: m.RW })),
    ports: [...ports],
    runtime: {
      hostname: doc.Config.Hostname,
      networkMode: doc.HostConfig.NetworkMode,
      ...(doc.NetworkSettings.IPAddress ? { ipAddress: doc.NetworkSettings.IPAddress } : {}),
      memory: doc.HostConfig.Memory ?? 0,
      nanoCpus: doc.HostConfig.NanoCpus ?? 0,
      pidsLimit: pids && pids > 0 ? pids : null,
      processes: procs,
    },
  };
}

/** `docker top` with the columns the view needs; the PID inside the container comes from /proc when the engine is local. */
async function processes(docker: Docker, id: string): Promise<NonNullable<ContainerView['runtime']>['processes']> {
  const top = await engineRequest<{ Titles: string[]; Processes: string[][] }>(docker, 'GET', `/containers/${id}/top`, { ps_args: '-o pid,uid,args' }).catch(() => null);
  if (!top) return [];
  return Promise.all(
    top.Processes.map(async ([pid, uid, args]) => {
      const hostPid = Number(pid);
      return { pid: (await namespacePid(hostPid)) ?? hostPid, hostPid, uid: Number(uid), argv: (args ?? '').split(' ').filter(Boolean) };
    }),
  );
}

/** The innermost PID of a host process (NSpid's last field), or null when /proc is not the engine's. */
async function namespacePid(hostPid: number): Promise<number | null> {
  try {
    const status = await fs.readFile(`/proc/${hostPid}/status`, 'utf8');
    const ns = /^NSpid:\s*(.*)$/m.exec(status)?.[1]?.trim().split(/\s+/);
    return ns ? Number(ns[ns.length - 1]) : null;
  } catch {
    return null;
  }
}

/** The session's volumes, who mounts them, and their bytes when the engine's files are readable here. */
async function volumeViews(scope: SessionScope): Promise<VolumeView[]> {
  const [list, users] = await Promise.all([sessionVolumes(scope), sessionVolumeUsers(scope)]);
  return Promise.all(
    list.map(async (v) => ({
      name: v.Name,
      // 20.10 does not mark anonymous volumes: they are the ones named by 64 hex digits
      anonymous: /^[0-9a-f]{64}$/.test(v.Name),
      size: await treeSize(v.Mountpoint),
      usedBy: users.get(v.Name) ?? [],
    })),
  );
}

/** Bytes of the files under a directory (at most 10,000 entries); 0 when it cannot be read. */
async function treeSize(root: string): Promise<number> {
  let total = 0;
  let budget = 10_000;
  const walk = async (dir: string): Promise<void> => {
    const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      if (--budget < 0) return;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) total += (await fs.lstat(p).catch(() => ({ size: 0 }))).size;
    }
  };
  await walk(root);
  return total;
}
