/**
 * Real mode for classroom learners, on the real engine: a joined learner opens a session with
 * its id and key (never the launch token); wrong keys, unknown ids, an ended class and a
 * server without a classroom are refused; the learner's quota holds; and the engine's fair
 * queue serves a learner with one command before another learner's third.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { RemoteConnection, type SocketLike } from '../../src/backends/remote-connection.js';
import type { LearnerCredentials, ServerMessage } from '../../src/shared/protocol.js';
import { startServer, type RunningServer, type ServerOptions } from '../../server/app.js';
import { newToken } from '../../server/guard.js';
import { connectEngine, type EngineConnection } from '../../server/real.js';
import { ClassClient, foldRoster, instructorOf, joinAs } from '../classroom/client.js';
import { connectTo, contextFile, dockerOn } from './client.js';
import { describeEngine } from './engine.js';

const token = newToken();
let engine: EngineConnection;
const servers: RunningServer[] = [];
const dirs: string[] = [];
const open: { close(): void }[] = [];

/** A server on the real engine; `classroom: false` runs none. */
async function start(extra: Omit<Partial<ServerOptions>, 'classroom'> & { classroom?: Partial<NonNullable<ServerOptions['classroom']>> | false } = {}): Promise<RunningServer> {
  if (!engine.ok) throw new Error(engine.reason);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'layerlab-classroom-real-'));
  dirs.push(dir);
  const { classroom, ...rest } = extra;
  const s = await startServer({
    port: 0,
    listen: '127.0.0.1',
    distDir: null,
    token,
    real: engine.real,
    helloTimeout: 1500,
    ...rest,
    ...(classroom === false ? {} : { classroom: { ...classroom, dataDir: path.join(dir, 'data'), hub: { joinTimeout: 1500, flushMs: 10 } } }),
  });
  servers.push(s);
  return s;
}

/** Opens real mode as a learner, as the page does. */
async function asLearner(port: number, learner: LearnerCredentials): Promise<RemoteConnection> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, { headers: { origin: `http://127.0.0.1:${port}` } });
  const conn = await RemoteConnection.open(ws as unknown as SocketLike, learner, { cols: 100, rows: 30 });
  open.push(conn);
  return conn;
}

/** Sends one raw hello; resolves with the messages before the close and the close code. */
function hello(port: number, msg: object): Promise<{ code: number; messages: ServerMessage[] }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, { headers: { origin: `http://127.0.0.1:${port}` } });
    const messages: ServerMessage[] = [];
    ws.on('open', () => ws.send(JSON.stringify(msg)));
    ws.on('message', (d) => messages.push(JSON.parse(d.toString()) as ServerMessage));
    ws.on('close', (code) => resolve({ code, messages }));
    ws.on('error', () => undefined);
  });
}

const refusal = (r: { messages: ServerMessage[] }) => r.messages.flatMap((m) => (m.t === 'error' && m.fatal ? [m.message] : [])).join('\n');

beforeAll(async () => {
  engine = await connectEngine({ seed: true, registry: 'off' });
});

afterAll(async () => {
  for (const c of open) c.close();
  for (const s of servers) await s.close();
  if (engine?.ok) await engine.shutdown();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describeEngine('real mode for classroom learners', () => {
  let server: RunningServer;
  let instructor: ClassClient;
  let ada: { client: ClassClient; id: string; key: string };

  beforeAll(async () => {
    server = await start({ classroom: { learnerLimits: { builds: 1 } } });
    instructor = await instructorOf(server.port, server.classroom!.instructorToken);
    ada = await joinAs(server.port, server.classroom!.code, 'ada');
  });

  it('says in /api/status that learners may switch real mode on', async () => {
    const status = (await (await fetch(`${server.url}api/status`)).json()) as { realMode: boolean; learners: boolean };
    expect(status).toMatchObject({ realMode: true, learners: true });
  });

  it('opens a session for a joined learner with its id and key, runs a container, and marks the learner on the dashboard', async () => {
    const conn = await asLearner(server.port, { id: ada.id, key: ada.key });
    const r = await dockerOn(conn, ['run', '--rm', 'busybox:latest', 'echo', 'hi']);
    expect(r, r.err.join('\n')).toMatchObject({ code: 0, out: ['hi'] });
    await expect.poll(() => foldRoster(instructor.messages).get(ada.id)?.real).toBe(true);
    conn.close();
    await expect.poll(() => foldRoster(instructor.messages).get(ada.id)?.real ?? false).toBe(false);
  });

  it('refuses a wrong key, an unknown id, both credentials and neither, with 1008 and a reason', async () => {
    const wrong = await hello(server.port, { t: 'hello', learner: { id: ada.id, key: newToken() } });
    expect(wrong.code).toBe(1008);
    expect(refusal(wrong)).toMatch(/learner id or key is wrong/);
    const unknown = await hello(server.port, { t: 'hello', learner: { id: 'no-such-learner', key: ada.key } });
    expect(unknown.code).toBe(1008);
    expect(refusal(unknown)).toMatch(/learner id or key is wrong/);
    const both = await hello(server.port, { t: 'hello', token, learner: { id: ada.id, key: ada.key } });
    expect([both.code, refusal(both)]).toEqual([1008, expect.stringMatching(/either the token or the learner/)]);
    const neither = await hello(server.port, { t: 'hello' });
    expect([neither.code, refusal(neither)]).toEqual([1008, expect.stringMatching(/either the token or the learner/)]);
    // the instructor's token and the join code are not a learner's key
    const instructorKey = await hello(server.port, { t: 'hello', learner: { id: ada.id, key: server.classroom!.instructorToken } });
    expect(instructorKey.code).toBe(1008);
    expect(server.sessions()).toBe(0);
  });

  it('still opens the launch-token session on a classroom server', async () => {
    const conn = await connectTo(server.port, token);
    open.push(conn);
    const r = await dockerOn(conn, ['run', '--rm', 'busybox:latest', 'echo', 'instructor']);
    expect(r).toMatchObject({ code: 0, out: ['instructor'] });
    conn.close();
  });

  it('runs one command at a time for a learner, and says so', async () => {
    const conn = await asLearner(server.port, { id: ada.id, key: ada.key });
    const slow = dockerOn(conn, ['run', '--rm', 'busybox:latest', 'sleep', '1']);
    const second = await dockerOn(conn, ['run', '--rm', 'busybox:latest', 'echo', 'too soon']);
    expect(second.code).toBe(1);
    expect(second.err.join('\n')).toMatch(/a learner runs at most 1 command at a time/);
    expect((await slow).code).toBe(0);
    conn.close();
  });

  it('counts a learner’s builds for the class, across sessions', async () => {
    const ctx = [contextFile('Dockerfile', 'FROM busybox:latest\nCMD ["echo", "built"]\n')];
    const first = await asLearner(server.port, { id: ada.id, key: ada.key });
    const b1 = await dockerOn(first, ['build', '-t', 'quota-app', '.'], { context: ctx });
    expect(b1.code, b1.err.join('\n')).toBe(0);
    first.close();
    const again = await asLearner(server.port, { id: ada.id, key: ada.key });
    const b2 = await dockerOn(again, ['build', '-t', 'quota-app', '.'], { context: ctx });
    expect(b2.code).toBe(1);
    expect(b2.err.join('\n')).toMatch(/used the 1 builds a learner may run in this class/);
    // a second learner has its own quota
    const bob = await joinAs(server.port, server.classroom!.code, 'bob');
    const bobs = await asLearner(server.port, { id: bob.id, key: bob.key });
    expect((await dockerOn(bobs, ['build', '-t', 'quota-bob', '.'], { context: ctx })).code).toBe(0);
    again.close();
    bobs.close();
  });

  it('replaces a learner’s session when the same learner opens another', async () => {
    const first = await asLearner(server.port, { id: ada.id, key: ada.key });
    const gone = new Promise<string>((r) => first.onClose(r));
    const second = await asLearner(server.port, { id: ada.id, key: ada.key });
    expect(await gone).toMatch(/another tab/);
    expect((await dockerOn(second, ['run', '--rm', 'busybox:latest', 'echo', 'still here'])).out).toEqual(['still here']);
    second.close();
  });

  it('closes learners’ sessions when the class ends, and refuses new ones', async () => {
    const conn = await asLearner(server.port, { id: ada.id, key: ada.key });
    const gone = new Promise<string>((r) => conn.onClose(r));
    instructor.send({ t: 'end' });
    expect(await gone).toMatch(/class has ended/);
    const after = await hello(server.port, { t: 'hello', learner: { id: ada.id, key: ada.key } });
    expect([after.code, refusal(after)]).toEqual([1008, expect.stringMatching(/class has ended/)]);
  });
});

describeEngine('a class whose instructor keeps learners on the simulator', () => {
  it('does not offer the switch and refuses a learner’s hello, while the launch token still works', async () => {
    const server = await start({ classroom: { learnerDocker: false } });
    const status = (await (await fetch(`${server.url}api/status`)).json()) as { realMode: boolean; learners: boolean };
    expect(status).toMatchObject({ realMode: true, learners: false });
    const bea = await joinAs(server.port, server.classroom!.code, 'bea');
    const r = await hello(server.port, { t: 'hello', learner: { id: bea.id, key: bea.key } });
    expect([r.code, refusal(r)]).toEqual([1008, expect.stringMatching(/has not opened real Docker to learners/)]);
    const conn = await connectTo(server.port, token);
    open.push(conn);
    expect(conn.welcome.session).toBeTruthy();
  });
});

describeEngine('a learner on a server without a classroom', () => {
  it('is refused, and the launch token still works', async () => {
    const server = await start({ classroom: false });
    const r = await hello(server.port, { t: 'hello', learner: { id: 'someone', key: newToken() } });
    expect([r.code, refusal(r)]).toEqual([1008, expect.stringMatching(/needs a classroom/)]);
    const conn = await connectTo(server.port, token);
    open.push(conn);
    expect(conn.welcome.session).toBeTruthy();
    conn.close();
  });
});

describeEngine('the engine’s fair queue', () => {
  let server: RunningServer;
  beforeAll(async () => {
    // one slot; learners may queue three commands each here, so the order is the queue's alone
    server = await start({ realSlots: 1, classroom: { dataDir: '', learnerLimits: { concurrent: 3 } } as never });
  });

  it('runs learner B’s one command before learner A’s third', async () => {
    const a = await joinAs(server.port, server.classroom!.code, 'a');
    const b = await joinAs(server.port, server.classroom!.code, 'b');
    const connA = await asLearner(server.port, { id: a.id, key: a.key });
    const connB = await asLearner(server.port, { id: b.id, key: b.key });
    const finished: string[] = [];
    const run = async (conn: RemoteConnection, name: string, argv: string[]) => {
      const r = await dockerOn(conn, argv);
      finished.push(name);
      return r;
    };
    const sleep = ['run', '--rm', 'busybox:latest', 'sleep', '2'];
    const a1 = run(connA, 'a1', sleep);
    const a2 = run(connA, 'a2', sleep);
    const a3 = run(connA, 'a3', sleep);
    await new Promise((r) => setTimeout(r, 300));
    const b1 = run(connB, 'b1', ['run', '--rm', 'busybox:latest', 'echo', 'b']);
    const [ra1, ra2, ra3, rb1] = await Promise.all([a1, a2, a3, b1]);
    for (const r of [ra1, ra2, ra3, rb1]) expect(r.code, r.err.join('\n')).toBe(0);
    expect(finished.indexOf('b1')).toBeLessThan(finished.indexOf('a3'));
    // B had no slot yet: it went before A's queued ones
    expect(finished.indexOf('b1')).toBeLessThan(finished.indexOf('a2'));
    expect(ra1.err).toEqual([]);
    expect(ra2.err).toEqual(['layerlab: waiting for the engine (0 ahead)']);
    expect(ra3.err).toEqual(['layerlab: waiting for the engine (1 ahead)']);
    expect(rb1.err).toEqual(['layerlab: waiting for the engine (0 ahead)']);
    connA.close();
    connB.close();
  });

  it('takes a cancelled command out of the queue, and the launch-token session queues too', async () => {
    const a = await joinAs(server.port, server.classroom!.code, 'c');
    const conn = await asLearner(server.port, { id: a.id, key: a.key });
    const solo = await connectTo(server.port, token);
    open.push(solo);
    const busy = dockerOn(conn, ['run', '--rm', 'busybox:latest', 'sleep', '2']);
    await new Promise((r) => setTimeout(r, 300));
    const ctl = new AbortController();
    const err: string[] = [];
    const cancelled = solo.docker(['run', '--rm', 'busybox:latest', 'echo', 'never'], {}, { out: (_s, t) => err.push(t), tty: () => undefined }, ctl.signal).done;
    await expect.poll(() => err).toEqual(['layerlab: waiting for the engine (0 ahead)']);
    ctl.abort();
    expect(await cancelled).toBe(130);
    expect(err).toEqual(['layerlab: waiting for the engine (0 ahead)']);
    expect((await busy).code).toBe(0);
    // the slot is free again: the next command does not wait
    const next = await dockerOn(solo, ['run', '--rm', 'busybox:latest', 'echo', 'next']);
    expect(next).toMatchObject({ code: 0, out: ['next'], err: [] });
    conn.close();
    solo.close();
  });
});
