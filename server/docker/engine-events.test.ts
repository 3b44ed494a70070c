import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import { afterAll, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../src/shared/events.js';
import { describeEngine, docker } from '../../tests/server/engine.js';
import { cleanupSession, eventually, statesOf, testScope } from './container-testing.js';
import { watchEngineEvents } from './engine-events.js';
import { lockedHostConfig } from './template.js';

describeEngine('engine events in the simulator vocabulary', () => {
  const scope = testScope(docker);
  const other = testScope(docker);
  const watching = new AbortController();
  const events: EngineEvent[] = [];
  const watcher = watchEngineEvents(docker, scope.sessionId, (e) => events.push(e), watching.signal);

  afterAll(async () => {
    watching.abort();
    await watcher;
    await cleanupSession(docker, scope.sessionId);
    await cleanupSession(docker, other.sessionId);
  });

  it('follows a container through pause, rename, exit and removal', async () => {
    // the watcher subscribes asynchronously; containers made before it listens still arrive (it asks from a moment before)
    // PID 1 gets no default signal handlers, so the shell traps TERM to exit with a code of its own
    const name = `${scope.sessionId}-ev`;
    const c = await docker.createContainer({ name, Image: 'busybox:latest', Cmd: ['sh', '-c', 'trap "exit 3" TERM; sleep 300 & wait'], Labels: scope.labels, HostConfig: lockedHostConfig() });
    await c.start();
    await c.pause();
    await c.unpause();
    await c.rename({ name: `${name}-2` });
    await c.kill({ signal: 'SIGTERM' });
    await c.wait();
    await c.remove();
    const want = ['container.created', '->created', 'created>running', 'running>paused', 'paused>running', 'container.renamed', 'running>exited(3)', 'exited>removing', 'container.removed'];
    await eventually(() => statesOf(events, c.id).length >= want.length, 10_000, 'events');
    expect(statesOf(events, c.id)).toEqual(want);
    expect(events.find((e) => e.type === 'container.renamed' && e.containerId === c.id)).toEqual({ type: 'container.renamed', containerId: c.id, name: `${name}-2`, previous: name });
    expect(events.find((e) => e.type === 'container.removed' && e.containerId === c.id)).toMatchObject({ name: `${name}-2` });
  });

  it("reports the session's volumes and nothing of another session", async () => {
    const mine = `${scope.sessionId}-vol`;
    const theirs = `${other.sessionId}-vol`;
    await docker.createVolume({ Name: theirs, Labels: other.labels });
    await docker.createVolume({ Name: mine, Labels: scope.labels });
    const f = await docker.createContainer({ Image: 'busybox:latest', Cmd: ['true'], Labels: other.labels, HostConfig: lockedHostConfig() });
    await f.start();
    await docker.getVolume(mine).remove();
    await docker.getVolume(theirs).remove();
    await eventually(() => events.some((e) => e.type === 'volume.removed'), 10_000, 'volume.removed');
    const vols = events.filter((e) => e.type === 'volume.created' || e.type === 'volume.removed');
    expect(vols).toEqual([
      { type: 'volume.created', name: mine },
      { type: 'volume.removed', name: mine },
    ]);
    expect(events.some((e) => 'containerId' in e && e.containerId === f.id)).toBe(false);
  });

  it('stops when its signal fires', async () => {
    const ctl = new AbortController();
    const w = watchEngineEvents(docker, other.sessionId, () => undefined, ctl.signal);
    ctl.abort();
    await expect(w).resolves.toBeUndefined();
  });
});

describe('engine events when the stream ends', () => {
  it('reconnects from the last event and drops the repeats', async () => {
    const streams: PassThrough[] = [];
    const asked: { filters: Record<string, string[]>; since: string }[] = [];
    const fake = {
      listContainers: async () => [],
      listVolumes: async () => ({ Volumes: [] }),
      getContainer: () => ({ inspect: async () => ({ Image: 'sha256:img' }) }),
      getEvents: async (opts: { filters: Record<string, string[]>; since: string }) => {
        asked.push(opts);
        const s = new PassThrough();
        if (opts.filters.type?.[0] === 'container') streams.push(s);
        return s;
      },
    } as unknown as Docker;
    const events: EngineEvent[] = [];
    const ctl = new AbortController();
    const w = watchEngineEvents(fake, 's1', (e) => events.push(e), ctl.signal);
    await eventually(() => streams.length === 1, 2000, 'the first stream');
    const ev = (Action: string, timeNano: bigint, extra: Record<string, string> = {}) => JSON.stringify({ Type: 'container', Action, Actor: { ID: 'c1', Attributes: { name: 'web', ...extra } }, time: Number(timeNano / 1_000_000_000n), timeNano: 0 }).replace('"timeNano":0', `"timeNano":${timeNano}`) + '\n';
    const t = 1_700_000_000_000_000_000n;
    streams[0]!.write(ev('create', t));
    // an event split across two chunks
    const start = ev('start', t + 1000n);
    streams[0]!.write(start.slice(0, 20));
    streams[0]!.end(start.slice(20));
    await eventually(() => streams.length === 2, 5000, 'the reconnect');
    expect(asked.filter((a) => a.filters.type?.[0] === 'container').map((a) => a.since)[1]).toBe('1700000000.000001000');
    streams[1]!.write(ev('start', t + 1000n));
    streams[1]!.write(ev('die', t + 2000n, { exitCode: '0' }));
    await eventually(() => events.length >= 4, 2000, 'events after the reconnect');
    ctl.abort();
    await w;
    expect(events).toEqual([
      { type: 'container.created', containerId: 'c1', name: 'web', imageId: 'sha256:img' },
      { type: 'container.state', containerId: 'c1', name: 'web', state: 'created' },
      { type: 'container.state', containerId: 'c1', name: 'web', state: 'running', previous: 'created' },
      { type: 'container.state', containerId: 'c1', name: 'web', state: 'exited', previous: 'running', exitCode: 0 },
    ]);
  });
});
