/**
 * Volumes: named or anonymous storage that lives outside any container's
 * writable layer, so its data survives `docker rm`. A volume's content is a
 * layer-like tree that containers mount over a path.
 */
import type { Engine } from '../engine.js';
import { DockerError } from '../errors.js';
import { Layer } from '../fs/layer.js';

export interface VolumeRecord {
  name: string;
  driver: 'local';
  created: number;
  labels: Record<string, string>;
  /** Created by `-v /path` or an image VOLUME: removed by `docker rm -v`. */
  anonymous: boolean;
  content: Layer;
}

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/** Creates a volume (a random 64-hex name when none is given); an existing name is returned as is. */
export function createVolume(engine: Engine, name?: string, opts: { anonymous?: boolean; labels?: Record<string, string> } = {}): VolumeRecord {
  if (name !== undefined && !NAME.test(name)) {
    throw new DockerError(`Error response from daemon: create ${name}: "${name}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`);
  }
  const n = name ?? engine.rng.hex(32);
  const existing = engine.volumes.get(n);
  if (existing) return existing;
  const v: VolumeRecord = { name: n, driver: 'local', created: engine.now(), labels: opts.labels ?? {}, anonymous: opts.anonymous ?? false, content: new Layer([]) };
  engine.volumes.set(n, v);
  engine.emit({ type: 'volume.created', name: n });
  return v;
}

/** Containers (IDs) that mount a volume, running or not. */
export function volumeUsers(engine: Engine, name: string): string[] {
  return [...engine.containers.values()].filter((c) => c.mounts.some((m) => m.type === 'volume' && m.name === name)).map((c) => c.id);
}

/** Removes a volume unless a container uses it (Docker's error otherwise). */
export function removeVolume(engine: Engine, name: string, force = false): void {
  const v = engine.volumes.get(name);
  if (!v) {
    if (force) return;
    throw new DockerError(`Error response from daemon: get ${name}: no such volume`);
  }
  const users = volumeUsers(engine, name);
  if (users.length > 0) throw new DockerError(`Error response from daemon: remove ${name}: volume is in use - [${users.join(', ')}]`);
  engine.volumes.delete(name);
  engine.emit({ type: 'volume.removed', name });
}
