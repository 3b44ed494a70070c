/**
 * The real engine's events for one session, in the simulator's vocabulary
 * (src/shared/events.ts), so the browser draws real mode from the same events.
 *
 * Containers carry the session label, so the daemon filters them. Volume events carry no
 * labels (only the driver), so volumes come from a second, unfiltered stream and are kept
 * when the volume, inspected on create, has the session's label.
 */
import type Docker from 'dockerode';
import type { ContainerStateName, EngineEvent } from '../../src/shared/events.js';
import { LABEL_SESSION } from './types.js';

/** One message of GET /events. */
interface DaemonEvent {
  Type: string;
  Action: string;
  Actor: { ID: string; Attributes?: Record<string, string> };
  time: number;
  timeNano: number;
}

const RECONNECT_MS = 1000;
const RECONNECT_MAX_MS = 10_000;

/** Resolves after `ms` or when the signal fires. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    }, { once: true });
  });
}

/**
 * Follows GET /events with `filters` until the signal fires, reconnecting when the stream
 * ends or fails; a reconnect asks for events since the last one seen, and drops repeats.
 */
async function follow(docker: Docker, filters: Record<string, string[]>, sinceSec: number, handle: (e: DaemonEvent) => void, signal: AbortSignal): Promise<void> {
  let lastNano = 0n;
  let since = sinceSec.toFixed(9);
  let backoff = RECONNECT_MS;
  while (!signal.aborted) {
    try {
      // the API takes `since` as "seconds.nanoseconds"; a float would lose the nanoseconds
      const stream = (await docker.getEvents({ filters, since } as unknown as Docker.GetEventsOptions)) as unknown as NodeJS.ReadableStream & { destroy(): void };
      backoff = RECONNECT_MS;
      const stop = () => stream.destroy();
      signal.addEventListener('abort', stop, { once: true });
      let partial = '';
      await new Promise<void>((resolve) => {
        stream.on('data', (chunk: Buffer) => {
          const lines = (partial + chunk.toString('utf8')).split('\n');
          partial = lines.pop()!;
          for (const line of lines) {
            if (!line.trim()) continue;
            let ev: DaemonEvent;
            try {
              ev = JSON.parse(line) as DaemonEvent;
            } catch {
              continue;
            }
            // timeNano has 19 digits, more than a double holds: read it from the text
            const nano = BigInt(/"timeNano":(\d+)/.exec(line)?.[1] ?? '0');
            if (nano <= lastNano) continue;
            lastNano = nano;
            since = `${nano / 1_000_000_000n}.${String(nano % 1_000_000_000n).padStart(9, '0')}`;
            handle(ev);
          }
        });
        stream.once('end', resolve);
        stream.once('close', resolve);
        stream.once('error', resolve);
      });
      signal.removeEventListener('abort', stop);
    } catch {
      backoff = Math.min(backoff * 2, RECONNECT_MAX_MS);
    }
    if (!signal.aborted) await pause(backoff, signal);
  }
}

/**
 * Watches the engine for one session's containers and volumes and emits the simulator's
 * events (container.created, container.state with `previous` and `exitCode`,
 * container.renamed, container.removed, volume.created/removed) until `signal` fires.
 */
export async function watchEngineEvents(docker: Docker, sessionId: string, emit: (e: EngineEvent) => void, signal: AbortSignal): Promise<void> {
  const label = `${LABEL_SESSION}=${sessionId}`;
  // events from before the seed listing are asked for too, so none fall between the two
  const since = Date.now() / 1000 - 1;
  const states = new Map<string, { name: string; state: ContainerStateName }>();
  const volumes = new Set<string>();
  try {
    for (const c of await docker.listContainers({ all: true, filters: { label: [label] } })) states.set(c.Id, { name: (c.Names[0] ?? '').replace(/^\//, ''), state: c.State as ContainerStateName });
    for (const v of (await docker.listVolumes({ filters: { label: [label] } })).Volumes ?? []) volumes.add(v.Name);
  } catch {
    // an engine that is not up yet: the streams below retry until it is
  }

  // handlers that must ask the daemon (create) are chained, so events keep their order
  let queue = Promise.resolve();
  const enqueue = (fn: () => Promise<void> | void) => {
    queue = queue.then(fn).catch(() => undefined);
  };

  const setState = (id: string, name: string, state: ContainerStateName, exitCode?: number) => {
    const before = states.get(id);
    states.set(id, { name, state });
    emit({ type: 'container.state', containerId: id, name, state, ...(before ? { previous: before.state } : {}), ...(exitCode !== undefined ? { exitCode } : {}) });
  };

  const onContainer = (ev: DaemonEvent) => {
    const id = ev.Actor.ID;
    const attrs = ev.Actor.Attributes ?? {};
    const name = attrs.name ?? states.get(id)?.name ?? '';
    switch (ev.Action) {
      case 'create':
        return enqueue(async () => {
          // the event names the image as it was asked for; the views key images by ID
          const imageId = await docker.getContainer(id).inspect().then((i) => i.Image, () => attrs.image ?? '');
          states.delete(id);
          emit({ type: 'container.created', containerId: id, name, imageId });
          setState(id, name, 'created');
        });
      case 'start':
        return enqueue(() => setState(id, name, 'running'));
      case 'die':
        return enqueue(() => setState(id, name, 'exited', Number(attrs.exitCode ?? 0)));
      case 'pause':
        return enqueue(() => setState(id, name, 'paused'));
      case 'unpause':
        return enqueue(() => setState(id, name, 'running'));
      case 'rename':
        return enqueue(() => {
          const previous = (attrs.oldName ?? '').replace(/^\//, '');
          const st = states.get(id);
          if (st) st.name = name;
          emit({ type: 'container.renamed', containerId: id, name, previous });
        });
      case 'destroy':
        return enqueue(() => {
          setState(id, name, 'removing');
          states.delete(id);
          emit({ type: 'container.removed', containerId: id, name });
        });
      default:
        // kill, stop, attach, exec_*, resize, commit...: no state change of their own
        return;
    }
  };

  const onVolume = (ev: DaemonEvent) => {
    const name = ev.Actor.ID;
    if (ev.Action === 'create') {
      enqueue(async () => {
        const labels = await docker.getVolume(name).inspect().then((v) => v.Labels ?? {}, () => ({}) as Record<string, string>);
        if (labels[LABEL_SESSION] !== sessionId) return;
        volumes.add(name);
        emit({ type: 'volume.created', name });
      });
    } else if (ev.Action === 'destroy') {
      enqueue(() => {
        if (!volumes.delete(name)) return;
        emit({ type: 'volume.removed', name });
      });
    }
  };

  await Promise.all([
    follow(docker, { type: ['container'], label: [label] }, since, onContainer, signal),
    follow(docker, { type: ['volume'] }, since, onVolume, signal),
  ]);
  await queue;
}
