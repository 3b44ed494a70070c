/**
 * The simulated Docker engine: images, layers, the build cache, containers,
 * a clock and a seeded generator. It changes state only through its methods,
 * emits a typed event for every change, and serializes to JSON.
 */
import type { BuildStepEvent, EngineEvent } from '../shared/events.js';
import { buildBuildkit } from './build/buildkit.js';
import { BuildCache, type CacheRecord } from './build/cache.js';
import { buildClassic } from './build/classic.js';
import { checkTags } from './build/common.js';
import type { BuildHost, BuildOutput, BuildRequest, BuildResult } from './build/types.js';
import type { TransferMemory, TransferStat } from './build/progress.js';
import type { LiveRuntime } from './container/live.js';
import type { ContainerRecord } from './container/types.js';
import type { VolumeRecord } from './volume/volumes.js';
import { DockerError } from './errors.js';
import { Layer, type SerializedLayer } from './fs/layer.js';
import { generateName } from './container/names.js';
import { ImageStore, type ImageRecord } from './image/store.js';
import type { ImageConfigDoc } from './image/types.js';
import { emptyContainerConfig } from './image/types.js';
import { Random } from './random.js';
import type { CommandResolver } from './shell/types.js';
import type { Hub } from './hub.js';
import { Registry, type StoredManifest } from './registry/registry.js';
import { pullImage } from './registry/transfer.js';
import type { Reference } from './image/reference.js';

/** A saved state of the engine (see Engine.checkpoint). */
export interface Checkpoint {
  readonly state: Engine;
}

/** Where bind mounts find host folders: the CLI backs it with the workspace. */
export interface BindProvider {
  /** The folder's content as a layer (paths relative to the folder, absolute from `/`), or undefined when it does not exist. */
  read(path: string): Layer | undefined;
  /** Files a container wrote into the mounted folder (its diff), to write back. */
  write(path: string, changes: Layer): void;
}

/** Seconds since the epoch; injectable so runs are reproducible. */
export interface Clock {
  now(): number;
}

/** A clock that starts at `start` and advances `step` seconds every time it is read. */
export function steppingClock(start = 1_767_225_600, step = 0.25): Clock {
  let t = start;
  return {
    now: () => {
      const v = t;
      t += step;
      return v;
    },
  };
}

export interface EngineOptions {
  clock?: Clock;
  seed?: number;
  /** Programs RUN can use beyond the built-in applets (package managers, build tools). */
  resolver?: CommandResolver;
  /** The simulated Docker Hub's catalog, materialized into the docker.io registry on demand. */
  hub?: Hub;
  /** Registry hosts of the world (default: Docker Hub, localhost:5000, ghcr.io, gcr.io and an ECR host). */
  registries?: string[];
}

/** The registries every simulated world has. */
export const DEFAULT_REGISTRIES = ['docker.io', 'localhost:5000', 'ghcr.io', 'gcr.io', '123456789012.dkr.ecr.us-east-1.amazonaws.com'];

type Listener = (ev: EngineEvent) => void;

export class Engine {
  readonly store = new ImageStore();
  readonly cache = new BuildCache();
  readonly containers = new Map<string, ContainerRecord>();
  readonly volumes = new Map<string, VolumeRecord>();
  /** Host folders for bind mounts (the learner's workspace); set by the caller that owns the files. */
  binds?: BindProvider;
  readonly transfers = new Map<string, TransferMemory>();
  readonly buildkitLoaded = new Set<string>();
  /** Registries of this world, by host. */
  readonly registries = new Map<string, Registry>();
  /** Registries the CLI is logged in to (`docker login`). */
  readonly logins = new Set<string>();
  /** Simulated network speed for pushes and pulls (default 100 Mbit/s); lessons change it to show why size matters. */
  linkBytesPerSecond = 12_500_000;
  /** The daemon's memory of where each layer was pushed or pulled (`host|repo`), which makes cross-repo mounts possible. */
  readonly layerRepos = new Map<string, Set<string>>();
  readonly clock: Clock;
  rng: Random;
  resolver?: CommandResolver;
  hub?: Hub;
  /** A runtime that runs containers' PID 1 for real (WebContainer in the page); forks and checkpoints never have one. */
  live?: LiveRuntime;
  private readonly listeners = new Set<Listener>();

  constructor(opts: EngineOptions = {}) {
    this.clock = opts.clock ?? steppingClock();
    this.rng = new Random(opts.seed ?? 1);
    this.resolver = opts.resolver;
    this.hub = opts.hub;
    for (const host of opts.registries ?? DEFAULT_REGISTRIES) this.registries.set(host, new Registry(host));
  }

  /** A manifest the registry does not hold yet but the simulated Docker Hub's catalog can provide. */
  hubFallback(reg: Registry, r: Reference): StoredManifest | undefined {
    return this.hub?.materialize(reg, r);
  }

  /** Subscribes to engine events; returns a function that unsubscribes. */
  onEvent(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Delivers an event to every subscriber. */
  emit(ev: EngineEvent): void {
    for (const l of this.listeners) l(ev);
  }

  /** Current time in seconds. */
  now(): number {
    return this.clock.now();
  }

  /** Imports a root filesystem as a one-layer image (`docker import`); returns its ID. */
  importImage(layer: Layer, ref: string, opts: { created?: number; comment?: string; config?: Partial<ImageConfigDoc['config']> } = {}): ImageRecord {
    const created = opts.created ?? this.now();
    const doc: ImageConfigDoc = {
      architecture: 'amd64',
      os: 'linux',
      config: { ...emptyContainerConfig(), Env: null, ...(opts.config ?? {}) },
      created,
      history: [{ created, created_by: '', comment: opts.comment ?? 'Imported from -' }],
      rootfs: { type: 'layers', diff_ids: [layer.diffId] },
    };
    const img = this.store.add(doc, [layer]);
    this.store.tag(ref, img.id);
    this.emit({ type: 'image.created', imageId: img.id });
    return img;
  }

  /** Builds an image with the builder the request names; output goes to `out`. */
  build(req: BuildRequest, out: BuildOutput): BuildResult {
    checkTags(req.tags);
    this.emit({ type: 'build.start', builder: req.builder, tags: req.tags, stages: 0 });
    const host = this.buildHost();
    return req.builder === 'classic' ? buildClassic(host, req, out) : buildBuildkit(host, req, out);
  }

  /**
   * Predicts which steps would hit or miss if the learner built now, without
   * changing anything: the same builder runs on a fork of the state with RUN
   * commands not executed.
   */
  predictBuild(req: BuildRequest): BuildStepEvent[] {
    const fork = this.fork();
    const res = fork.build({ ...req, dryRun: true }, { stdout: () => {}, stderr: () => {} });
    return res.steps;
  }

  /** A copy of the state that shares immutable layers; changes to it never reach this engine. */
  fork(): Engine {
    const t = this.clock.now();
    const e = new Engine({ clock: { now: () => t }, resolver: this.resolver, hub: this.hub });
    this.copyStateInto(e, false);
    return e;
  }

  /** An in-memory copy of the state (layers shared, everything mutable copied), for undo and for rollback. */
  checkpoint(): Checkpoint {
    const e = new Engine({ clock: this.clock, resolver: this.resolver, hub: this.hub });
    this.copyStateInto(e, true);
    return { state: e };
  }

  /** Puts the state back as it was at a checkpoint. */
  rollback(cp: Checkpoint): void {
    cp.state.copyStateInto(this, true);
  }

  /** Copies this engine's state into `e`: immutable layers are shared, records are copied. */
  private copyStateInto(e: Engine, withRegistries: boolean): void {
    e.rng = new Random(this.rng.state);
    e.store.layers.clear();
    for (const [k, v] of this.store.layers) e.store.layers.set(k, v);
    e.store.images.clear();
    for (const [k, v] of this.store.images) e.store.images.set(k, { ...v, repoDigests: [...v.repoDigests] });
    e.store.invalidate();
    e.store.tags.clear();
    for (const [k, v] of this.store.tags) e.store.tags.set(k, v);
    e.cache.records.clear();
    for (const [k, v] of this.cache.records) e.cache.records.set(k, v);
    e.containers.clear();
    for (const [k, v] of this.containers) e.containers.set(k, { ...structuredClone({ ...v, upper: undefined }), upper: v.upper });
    e.volumes.clear();
    for (const [k, v] of this.volumes) e.volumes.set(k, { ...structuredClone({ ...v, content: undefined }), content: v.content });
    e.transfers.clear();
    for (const [k, v] of this.transfers) e.transfers.set(k, new Map(v));
    e.buildkitLoaded.clear();
    for (const id of this.buildkitLoaded) e.buildkitLoaded.add(id);
    e.registries.clear();
    for (const [h, r] of this.registries) e.registries.set(h, withRegistries ? r.copy() : r);
    e.logins.clear();
    for (const h of this.logins) e.logins.add(h);
    e.layerRepos.clear();
    for (const [d, set] of this.layerRepos) e.layerRepos.set(d, new Set(set));
    e.linkBytesPerSecond = this.linkBytesPerSecond;
  }

  private buildHost(): BuildHost {
    return {
      store: this.store,
      cache: this.cache,
      now: () => this.now(),
      randomHex: (n) => this.rng.hex(n),
      emit: (ev) => this.emit(ev),
      baseImage: (ref, out) => this.baseImage(ref, out),
      resolver: this.resolver,
      leaveBuildContainer: (info) => this.leaveBuildContainer(info),
      transfers: this.transfers,
      buildkitLoaded: this.buildkitLoaded,
    };
  }

  /** An image by reference, pulled from the hub when it is not local (printing pull progress to `out`). */
  baseImage(ref: string, out?: (line: string) => void): ImageRecord {
    if (ref === 'scratch') return this.scratch();
    const local = this.store.find(ref);
    if (local) return local;
    return pullImage(this, ref, out ?? (() => {}));
  }

  private scratch(): ImageRecord {
    const doc: ImageConfigDoc = { architecture: 'amd64', os: 'linux', config: emptyContainerConfig(), created: 0, history: [], rootfs: { type: 'layers', diff_ids: [] } };
    return { id: '', config: doc, repoDigests: [] };
  }

  private leaveBuildContainer(info: { id: string; imageId: string; argv: string[]; exitCode: number; created: number }): void {
    const name = this.uniqueName();
    const img = this.store.images.get(info.imageId);
    this.containers.set(info.id, {
      id: info.id,
      name,
      imageId: info.imageId,
      imageRef: info.imageId.replace(/^sha256:/, '').slice(0, 12),
      path: info.argv[0] ?? '',
      args: info.argv.slice(1),
      config: structuredClone(img?.config.config ?? emptyContainerConfig()),
      created: info.created,
      state: { status: 'exited', exitCode: info.exitCode, startedAt: info.created, finishedAt: this.now() },
      upper: new Layer([]),
      autoRemove: false,
      logs: [],
      mounts: [],
    });
    this.emit({ type: 'container.state', containerId: info.id, name, state: 'exited', exitCode: info.exitCode });
  }

  /** A Docker-style random container name that no container has. */
  uniqueName(): string {
    const taken = new Set([...this.containers.values()].map((c) => c.name));
    return generateName(this.rng, (n) => taken.has(n));
  }

  /** Finds a container by name, full ID or unique ID prefix. */
  findContainer(ref: string): ContainerRecord | undefined {
    const name = ref.replace(/^\//, '');
    for (const c of this.containers.values()) if (c.name === name) return c;
    if (!ref) return undefined;
    const byId = [...this.containers.values()].filter((c) => c.id.startsWith(ref));
    if (byId.length > 1) throw new DockerError(`Error response from daemon: multiple IDs found with provided prefix: ${ref}`);
    return byId[0];
  }

  /** The engine's whole state as JSON-safe data. */
  snapshot(): EngineSnapshot {
    const layers = new Map(this.store.layers);
    for (const reg of this.registries.values()) for (const b of reg.blobs.values()) if (!layers.has(b.layer.diffId)) layers.set(b.layer.diffId, b.layer);
    return {
      version: 1,
      rng: this.rng.state,
      layers: [...layers].map(([d, l]) => [d, l.toJSON()]),
      storeLayers: [...this.store.layers.keys()],
      registries: [...this.registries.values()].map((r) => ({
        host: r.host,
        repos: [...r.repos].map(([n, x]) => [n, { tags: [...x.tags], manifests: [...x.manifests], blobs: [...x.blobs] }]),
        manifests: [...r.manifests.values()],
        blobs: [...r.blobs].map(([d, b]) => [d, b.size, b.layer.diffId]),
      })),
      logins: [...this.logins],
      layerRepos: [...this.layerRepos].map(([d, s]) => [d, [...s]]),
      images: [...this.store.images.values()],
      tags: [...this.store.tags],
      cache: [...this.cache.records.values()],
      containers: [...this.containers.values()].map((c) => ({ ...c, upper: c.upper.toJSON() })),
      volumes: [...this.volumes.values()].map((v) => ({ ...v, content: v.content.toJSON() })),
      transfers: [...this.transfers].map(([k, m]) => [k, [...m]]),
      buildkitLoaded: [...this.buildkitLoaded],
    };
  }

  /** Replaces the state with a snapshot's. */
  restore(s: EngineSnapshot): void {
    if (s.version !== 1) throw new DockerError(`unsupported snapshot version ${s.version}`);
    const all = new Map(s.layers.map(([d, l]) => [d, Layer.fromJSON(l)]));
    this.store.layers.clear();
    for (const d of s.storeLayers) this.store.layers.set(d, all.get(d)!);
    this.registries.clear();
    for (const r of s.registries) {
      const reg = new Registry(r.host);
      for (const [n, x] of r.repos) reg.repos.set(n, { tags: new Map(x.tags), manifests: new Set(x.manifests), blobs: new Set(x.blobs) });
      for (const m of r.manifests) reg.manifests.set(m.digest, structuredClone(m));
      for (const [d, size, diffId] of r.blobs) reg.blobs.set(d, { size, layer: all.get(diffId)! });
      this.registries.set(r.host, reg);
    }
    this.logins.clear();
    for (const h of s.logins) this.logins.add(h);
    this.layerRepos.clear();
    for (const [d, set] of s.layerRepos) this.layerRepos.set(d, new Set(set));
    this.store.images.clear();
    for (const img of s.images) this.store.images.set(img.id, structuredClone(img));
    this.store.invalidate();
    this.store.tags.clear();
    for (const [t, id] of s.tags) this.store.tags.set(t, id);
    this.cache.records.clear();
    for (const r of s.cache) this.cache.records.set(r.key, structuredClone(r));
    this.containers.clear();
    for (const c of s.containers) this.containers.set(c.id, { ...structuredClone({ ...c, upper: [] }), upper: Layer.fromJSON(c.upper) });
    this.volumes.clear();
    for (const v of s.volumes) this.volumes.set(v.name, { ...structuredClone({ ...v, content: [] }), content: Layer.fromJSON(v.content) });
    this.transfers.clear();
    for (const [k, m] of s.transfers) this.transfers.set(k, new Map(m));
    this.buildkitLoaded.clear();
    for (const id of s.buildkitLoaded) this.buildkitLoaded.add(id);
    this.rng = new Random(s.rng);
  }
}

export interface EngineSnapshot {
  version: 1;
  rng: number[];
  layers: [string, SerializedLayer][];
  /** Which of `layers` the local store holds (the rest live only in registries). */
  storeLayers: string[];
  registries: { host: string; repos: [string, { tags: [string, string][]; manifests: string[]; blobs: string[] }][]; manifests: StoredManifest[]; blobs: [string, number, string][] }[];
  logins: string[];
  layerRepos: [string, string[]][];
  images: ImageRecord[];
  tags: [string, string][];
  cache: CacheRecord[];
  containers: (Omit<ContainerRecord, 'upper'> & { upper: SerializedLayer })[];
  volumes: (Omit<VolumeRecord, 'content'> & { content: SerializedLayer })[];
  transfers: [string, [string, TransferStat][]][];
  buildkitLoaded: string[];
}

