/**
 * Real mode's wiring: finds the Docker engine (DOCKER_HOST or the default socket), removes
 * what earlier launches left behind, makes the base images when asked, starts or finds the
 * registry, and maps each command the policy allows to its handler.
 */
import { randomBytes } from 'node:crypto';
import * as os from 'node:os';
import Docker from 'dockerode';
import type { EngineInfo } from '../src/shared/protocol.js';
import { build } from './docker/build.js';
import { commit } from './docker/container-control.js';
import { create, diff, kill, logs, ps, rm, run, start, stop } from './docker/containers.js';
import { engineRequest } from './docker/engine-api.js';
import { watchEngineEvents } from './docker/engine-events.js';
import { exec } from './docker/exec.js';
import { containerInspect, history, imageInspect, images, inspect, rmi, tag } from './docker/images.js';
import { realLayerEntries, realPathInfo } from './docker/paths.js';
import { reap } from './docker/reaper.js';
import { pull, push } from './docker/registry.js';
import { listBaseImages, seedImages } from './docker/seed.js';
import { instanceOf, LABEL_SESSION, type RealCommand } from './docker/types.js';
import { volumeCreate, volumeInspect, volumeLs, volumeRm } from './docker/volumes.js';
import { realWorld } from './docker/world.js';
import { checkCommand } from './policy/command.js';
import { findRegistryBinary, startRegistry } from './registry-process.js';
import type { SessionDeps } from './session.js';

/** Every command real mode runs, by the policy's canonical name. */
export const REAL_HANDLERS = new Map<string, RealCommand>([
  ['build', build],
  ['run', run],
  ['create', create],
  ['start', start],
  ['stop', stop],
  ['kill', kill],
  ['rm', rm],
  ['ps', ps],
  ['logs', logs],
  ['exec', exec],
  ['diff', diff],
  ['commit', commit],
  ['images', images],
  ['history', history],
  ['inspect', inspect],
  ['image inspect', imageInspect],
  ['container inspect', containerInspect],
  ['tag', tag],
  ['rmi', rmi],
  ['pull', pull],
  ['push', push],
  ['volume create', volumeCreate],
  ['volume ls', volumeLs],
  ['volume inspect', volumeInspect],
  ['volume rm', volumeRm],
]);

export interface RealMode {
  engine: EngineInfo;
  deps: SessionDeps;
  baseImages: () => Promise<string[]>;
}

export type EngineConnection = { ok: true; real: RealMode; registry: string | null; shutdown(): Promise<void> } | { ok: false; reason: string };

/** Connects to the engine and prepares real mode; `{ ok: false, reason }` when there is no engine. */
export async function connectEngine(opts: { registry?: string; seed?: boolean; log?: (line: string) => void; docker?: Docker } = {}): Promise<EngineConnection> {
  const log = opts.log ?? (() => undefined);
  const docker = opts.docker ?? new Docker();
  let version: Docker.DockerVersion;
  try {
    await docker.ping();
    version = await docker.version();
  } catch (e) {
    const where = process.env.DOCKER_HOST ?? '/var/run/docker.sock';
    return { ok: false, reason: `no Docker engine answers at ${where}: ${(e as Error).message}` };
  }
  // host.pid.random: a later launch can tell a dead launch's leftovers from a live one's
  const instanceId = `${os.hostname()}.${process.pid}.${randomBytes(4).toString('hex')}`;
  for (const dead of await deadInstances(docker)) {
    const left = await reap(docker, { instance: dead });
    if (left.containers + left.images + left.volumes > 0) log(`Removed what an earlier launch (${dead}) left: ${left.containers} containers, ${left.images} images, ${left.volumes} volumes`);
  }
  if (opts.seed) {
    try {
      const made = await seedImages(docker);
      if (made.length) log(`Made the base images ${made.join(', ')}`);
    } catch (e) {
      log(`The base images could not be made: ${(e as Error).message}`);
    }
  }
  let registry: string | null = null;
  let stopRegistry = async () => undefined as void;
  if (opts.registry && opts.registry !== 'off') {
    registry = opts.registry.replace(/^https?:\/\//, '').replace(/\/+$/, '');
  } else if (opts.registry !== 'off' && findRegistryBinary()) {
    try {
      const r = await startRegistry({ addr: '127.0.0.1:5000' });
      registry = r.url.replace(/^https?:\/\//, '').replace(/\/+$/, '');
      stopRegistry = () => r.stop();
    } catch (e) {
      log(`The registry could not start: ${(e as Error).message}`);
    }
  }
  const apiMinor = Number(version.ApiVersion.split('.')[1] ?? 0);
  const engine: EngineInfo = { version: version.Version, host: os.hostname(), builders: apiMinor >= 39 ? ['classic', 'buildkit'] : ['classic'] };
  const deps: SessionDeps = {
    docker,
    instanceId,
    registry,
    commands: REAL_HANDLERS,
    check: checkCommand,
    world: realWorld,
    watchEvents: (d, session, emit, signal) => void watchEngineEvents(d, session, emit, signal).catch(() => undefined),
    reap: (session) => reap(docker, { session }),
    pruneBuildCache: async () => {
      if (engine.builders.includes('buildkit')) await engineRequest(docker, 'POST', '/build/prune', { all: true });
    },
    query: async (scope, q) => (q.kind === 'path' ? { pathInfo: await realPathInfo(scope, q.where, q.path) } : { entries: await realLayerEntries(scope, q.diffId) }),
  };
  return {
    ok: true,
    registry,
    real: { engine, deps, baseImages: () => listBaseImages(docker) },
    async shutdown() {
      await reap(docker, { instance: instanceId }).catch(() => undefined);
      await stopRegistry();
    },
  };
}

/**
 * Launches of this server on this host whose process is gone: their labelled objects are
 * leftovers. A live launch (another server on the same engine) is left alone, and so is
 * anything labelled by another host or by a test (no `host.pid.random` instance).
 */
export async function deadInstances(docker: Docker): Promise<string[]> {
  // built images carry only the session label, whose id names the launch (instanceOf)
  const filters = JSON.stringify({ label: [LABEL_SESSION] });
  const [containers, images, volumes] = await Promise.all([docker.listContainers({ all: true, filters }), docker.listImages({ all: true, filters }), docker.listVolumes({ filters })]);
  const ids = new Set<string>();
  for (const o of [...containers, ...images, ...(volumes.Volumes ?? [])]) {
    const id = instanceOf((o as { Labels?: Record<string, string> | null }).Labels);
    if (id) ids.add(id);
  }
  return [...ids].filter((id) => {
    const m = /^(.+)\.(\d+)\.[0-9a-f]+$/.exec(id);
    if (!m || m[1] !== os.hostname()) return false;
    try {
      process.kill(Number(m[2]), 0);
      return false;
    } catch (e) {
      // EPERM: alive but not ours to signal (we run as root, so rare); ESRCH: gone
      return (e as NodeJS.ErrnoException).code === 'ESRCH';
    }
  });
}
