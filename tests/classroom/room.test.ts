/**
 * The classroom on a real companion server with real WebSocket clients: 100 learners join,
 * work through real lessons, drop and come back at random (seeded, so a failure replays);
 * the dashboard ends up right, no learner ever sees another's data, and a restart keeps the
 * class. Then the door: wrong codes, tokens and keys, early, malformed and oversized
 * messages, foreign origins, and the report's bearer token.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLASSROOM_MARKER, CLASSROOM_REPORT_PATH, type LessonProgress, type RosterEntry } from '../../src/shared/classroom-protocol.js';
import { startServer, type RunningServer } from '../../server/app.js';
import { loadCatalog } from '../../server/classroom/catalog.js';
import { ClassClient, foldRoster, instructorOf, joinAs } from './client.js';

const LESSONS = path.resolve(import.meta.dirname, '../../lessons');
const catalog = loadCatalog(LESSONS);
const LEARNER_TYPES = new Set(['joined', 'hint', 'push-start', 'hold', 'cast', 'ended', 'pong', 'error']);

/** mulberry32: a small seeded PRNG, so a failing run can be replayed with its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const dirs: string[] = [];
function dataDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'layerlab-classroom-'));
  dirs.push(d);
  return path.join(d, 'data');
}
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function start(dir: string, extra: { now?: () => number; tickMs?: number; maxLearners?: number; compactAfter?: number; distDir?: string } = {}): Promise<RunningServer> {
  return startServer({
    port: 0,
    listen: '127.0.0.1',
    distDir: extra.distDir ?? null,
    token: 'real-mode-token-not-used',
    real: null,
    classroom: { dataDir: dir, ...(extra.compactAfter ? { compactAfter: extra.compactAfter } : {}), hub: { joinTimeout: 800, flushMs: 10, ...(extra.now ? { now: extra.now } : {}), ...(extra.tickMs ? { tickMs: extra.tickMs } : {}), ...(extra.maxLearners ? { maxLearners: extra.maxLearners } : {}) } },
  });
}

/** A simulated learner: what its browser holds and whether it is connected. */
interface Sim {
  nickname: string;
  id: string;
  key: string;
  client: ClassClient | null;
  /** Every socket it ever had (their `raw` is everything it received). */
  clients: ClassClient[];
  lessons: Record<string, LessonProgress>;
  current: string | null;
  /** What the server was last told (work done offline and never synced is not in it). */
  told: { lessons: Record<string, LessonProgress>; current: string | null };
  clock: number;
}

async function settle(instructor: ClassClient, expected: () => Map<string, Partial<RosterEntry>>): Promise<void> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const got = pick(foldRoster(instructor.messages), expected());
    if (JSON.stringify(got) === JSON.stringify(Object.fromEntries(expected())) || Date.now() > deadline) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The roster's fields the expectation names, by learner id. */
function pick(roster: Map<string, RosterEntry>, expected: Map<string, Partial<RosterEntry>>): Record<string, Partial<RosterEntry>> {
  const out: Record<string, Partial<RosterEntry>> = {};
  for (const [id, want] of expected) {
    const e = roster.get(id);
    if (!e) continue;
    out[id] = Object.fromEntries(Object.keys(want).map((k) => [k, e[k as keyof RosterEntry]]));
  }
  return out;
}

describe('a class of 100 learners', () => {
  const SEED = Number(process.env.CLASSROOM_SEED ?? 20261127);
  const rand = prng(SEED);
  const dir = dataDir();
  let server: RunningServer;
  let instructor: ClassClient;
  const sims: Sim[] = [];

  beforeAll(async () => {
    // compacts a few times during the run, so the restart reads a snapshot and a journal
    server = await start(dir, { compactAfter: 400 });
    instructor = await instructorOf(server.port, server.classroom!.instructorToken);
  });
  afterAll(() => server?.close());

  const expectedEntry = (s: Sim): Partial<RosterEntry> => {
    const { lessons, current } = s.told;
    const p = current ? lessons[current] : undefined;
    const done: Record<string, string[]> = {};
    for (const l of catalog.lessons) if (lessons[l.id]?.done.length) done[l.id] = catalog.order(l.id, lessons[l.id]!.done);
    return {
      nickname: s.nickname,
      online: !!s.client,
      lesson: current,
      step: p?.step ?? null,
      failures: p?.failures ?? 0,
      // the default rule: 3 failed checks (no learner is on a step for 10 minutes here)
      stuck: !!p && !p.done.includes(p.step) && p.failures >= 3,
      done,
    };
  };
  const expected = () => new Map(sims.map((s) => [s.id, expectedEntry(s)]));

  async function connect(s: Sim): Promise<void> {
    const { client, id, key } = await joinAs(server.port, server.classroom!.code, s.nickname, s.id ? { id: s.id, key: s.key } : undefined);
    if (s.id) expect(id).toBe(s.id);
    Object.assign(s, { id, key, client });
    s.clients.push(client);
  }
  const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;
  function sync(s: Sim): void {
    s.client!.send({ t: 'sync', current: s.current, lessons: s.lessons });
    s.told = { lessons: clone(s.lessons), current: s.current };
  }

  /** One thing a learner does in its browser: move on, fail a check, or start another lesson. */
  function work(s: Sim): { lesson: string; progress: LessonProgress } {
    const pickLesson = () => catalog.lessons[Math.floor(rand() * 3)]!;
    if (!s.current || rand() < 0.08) {
      const l = pickLesson();
      s.current = l.id;
      s.lessons[l.id] ??= { step: l.steps[0]!, done: [], failures: 0, updatedAt: 0 };
    }
    const lesson = catalog.byId.get(s.current)!;
    const p = s.lessons[s.current]!;
    // every tenth learner struggles (and gets stuck on failed checks)
    if (rand() < (sims.indexOf(s) % 10 === 0 ? 0.85 : 0.3)) p.failures++;
    else {
      if (!p.done.includes(p.step)) p.done.push(p.step);
      const next = lesson.steps[lesson.steps.indexOf(p.step) + 1];
      if (next) Object.assign(p, { step: next, failures: 0 });
    }
    p.updatedAt = ++s.clock;
    return { lesson: s.current, progress: { ...p, done: [...p.done] } };
  }

  it('100 learners join, work, drop and come back: the dashboard ends up right', async () => {
    expect(catalog.lessons.length).toBeGreaterThanOrEqual(3);
    for (let i = 0; i < 100; i++) sims.push({ nickname: `L${String(i).padStart(3, '0')}q`, id: '', key: '', client: null, clients: [], lessons: {}, current: null, told: { lessons: {}, current: null }, clock: 1000 });
    await Promise.all(sims.map((s) => connect(s)));
    // one shared nickname: two learners, two ids
    expect(new Set(sims.map((s) => s.id)).size).toBe(100);

    for (let round = 0; round < 12; round++) {
      for (const s of sims) {
        const r = rand();
        if (s.client && r < 0.1) {
          // drops; keeps working offline for a while
          const c = s.client;
          s.client = null;
          await c.close();
        } else if (!s.client && r < 0.5) {
          await connect(s);
          sync(s);
        }
        const step = work(s);
        if (s.client) {
          s.client.send({ t: 'progress', ...step });
          s.told.lessons[step.lesson] = clone(step.progress);
          s.told.current = step.lesson;
        }
      }
      if (round === 5) instructor.send({ t: 'hint', to: 'all', text: 'halfway there' });
      if (round === 6) for (const s of sims.filter((x) => x.client).slice(0, 5)) instructor.send({ t: 'hint', to: s.id, text: `just for ${s.nickname}` });
    }
    // a few come back at the end and sync what they did offline
    for (const s of sims.filter((x) => !x.client).slice(0, 10)) {
      await connect(s);
      sync(s);
    }
    // and some leave for good
    for (const s of sims.filter((x, i) => x.client && i % 12 === 5)) {
      const c = s.client!;
      s.client = null;
      await c.close();
    }
    await Promise.all(sims.filter((s) => s.client).map((s) => s.client!.roundTrip()));
    await settle(instructor, expected);

    const roster = foldRoster(instructor.messages);
    expect(roster.size).toBe(100);
    expect(pick(roster, expected())).toEqual(Object.fromEntries(expected()));
    // the run covered learners offline at the end, stuck ones, and work done offline then synced
    expect([...roster.values()].filter((e) => !e.online).length).toBeGreaterThan(5);
    expect([...roster.values()].filter((e) => e.stuck).length).toBeGreaterThan(0);
    expect(sims.filter((x) => x.clients.length > 2).length).toBeGreaterThan(10);
    // a fresh dashboard gets the same room in one message
    const second = await instructorOf(server.port, server.classroom!.instructorToken);
    const fresh = foldRoster(second.messages);
    expect([...fresh.values()].map((e) => ({ ...e, lastSeen: 0 }))).toEqual([...roster.values()].map((e) => ({ ...e, lastSeen: 0 })));
    await second.close();
    // the instructor got deltas, not a room per change
    expect(instructor.messages.filter((m) => m.t === 'room')).toHaveLength(1);
  });

  it('no learner ever received another learner id or nickname', () => {
    const received = (s: Sim) => s.clients.flatMap((c) => c.raw);
    for (const s of sims) {
      expect(received(s).length).toBeGreaterThan(0);
      for (const text of received(s)) {
        expect(LEARNER_TYPES.has(JSON.parse(text).t)).toBe(true);
        for (const other of sims) {
          if (other === s) continue;
          expect(text.includes(other.id), `${s.nickname} got ${other.nickname}'s id: ${text}`).toBe(false);
          expect(text.includes(other.nickname), `${s.nickname} got ${other.nickname}'s nickname: ${text}`).toBe(false);
        }
      }
    }
    // and the hints reached only whom they were for
    const targeted = sims.filter((s) => received(s).some((t) => t.includes('just for')));
    expect(targeted).toHaveLength(5);
    for (const s of targeted) expect(received(s).filter((t) => t.includes('just for')).every((t) => t.includes(s.nickname))).toBe(true);
  });

  it('a restart keeps the code, the tokens, the roster and the progress', async () => {
    const before = { ...server.classroom! };
    const roster = foldRoster(instructor.messages);
    await server.close();
    expect(fs.existsSync(path.join(dir, 'snapshot.json'))).toBe(true);
    // as if the machine died in the middle of a write
    fs.appendFileSync(path.join(dir, 'journal.jsonl'), '{"n":999999,"r":{"k":"learner","id":"ghost"');
    server = await start(dir);
    expect(server.classroom!.restoredFrom).toMatchObject({ learners: 100, fromSnapshot: true, skipped: 1 });
    expect(server.classroom!.code).toBe(before.code);
    expect(server.classroom!.instructorToken).toBe(before.instructorToken);
    expect(server.classroom!.restored).toBe(100);
    instructor = await instructorOf(server.port, before.instructorToken);
    const room = instructor.messages.find((m) => m.t === 'room')!;
    expect(room.t === 'room' && room.room.restored).toBe(100);
    const after = foldRoster(instructor.messages);
    const strip = (e: RosterEntry) => ({ ...e, online: false, lastSeen: 0, stuck: false });
    expect([...after.values()].map(strip)).toEqual([...roster.values()].map(strip));
    expect([...after.values()].every((e) => !e.online)).toBe(true);
    // a learner resumes with its key and gets back its own record
    const s = sims.find((x) => Object.keys(x.lessons).length)!;
    const { client, id } = await joinAs(server.port, before.code, s.nickname, { id: s.id, key: s.key });
    expect(id).toBe(s.id);
    const joined = client.messages[0]!;
    expect(joined.t === 'joined' && Object.keys(joined.lessons).sort()).toEqual(Object.keys(s.lessons).sort());
    await instructor.next('learner', (m) => m.learner.id === s.id && m.learner.online);
    await client.close();
    for (const x of sims) x.client?.ws.terminate();
  });
});

describe('the classroom door', () => {
  let server: RunningServer;
  let code: string;
  let token: string;
  let distDir: string;
  beforeAll(async () => {
    distDir = fs.mkdtempSync(path.join(os.tmpdir(), 'layerlab-dist-'));
    dirs.push(distDir);
    fs.writeFileSync(path.join(distDir, 'index.html'), '<html><head><title>t</title></head><body></body></html>');
    server = await start(dataDir(), { distDir });
    ({ code, instructorToken: token } = server.classroom!);
  });
  afterAll(() => server?.close());

  /** Sends `msgs` on a fresh socket and resolves with how it closed, or 'open' if it stayed open. */
  async function attempt(msgs: (object | string)[], opts: { wait?: number } = {}): Promise<{ code: number; reason: string; errors: string[] } | 'open'> {
    const c = await ClassClient.connect(server.port);
    for (const m of msgs) c.send(m);
    const r = await Promise.race([c.closed, new Promise<'open'>((res) => setTimeout(() => res('open'), opts.wait ?? 1500))]);
    if (r === 'open') {
      c.ws.terminate();
      return 'open';
    }
    return { ...r, errors: c.messages.flatMap((m) => (m.t === 'error' ? [m.message] : [])) };
  }

  it('puts the classroom tag in the page', async () => {
    const html = await (await fetch(server.url)).text();
    expect(html).toContain(CLASSROOM_MARKER);
  });

  it('refuses wrong and missing join codes', async () => {
    const wrong = code === 'AAAAAA' ? 'BBBBBB' : 'AAAAAA';
    for (const msg of [{ t: 'join', code: wrong, nickname: 'x' }, { t: 'join', code: '', nickname: 'x' }, { t: 'join', nickname: 'x' }, { t: 'join', code: code.slice(0, 5), nickname: 'x' }]) {
      const r = await attempt([msg]);
      expect(r !== 'open' && r.code).toBe(1008);
    }
    // the code is not case-sensitive for people typing it
    expect(await attempt([{ t: 'join', code: code.toLowerCase(), nickname: 'x' }])).toBe('open');
  });

  it('refuses wrong and missing instructor tokens, and the join code as a token', async () => {
    for (const msg of [{ t: 'instructor', token: token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A') }, { t: 'instructor', token: '' }, { t: 'instructor' }, { t: 'instructor', token: code }, { t: 'instructor', token: 'real-mode-token-not-used' }]) {
      const r = await attempt([msg]);
      expect(r !== 'open' && r.code).toBe(1008);
    }
  });

  it('refuses a resume with a wrong key, and keeps the learner', async () => {
    const { client, id, key } = await joinAs(server.port, code, 'ann');
    const r = await attempt([{ t: 'join', code, nickname: 'mallory', resume: { id, key: key.slice(0, -2) + 'xx' } }]);
    expect(r !== 'open' && r.errors[0]).toMatch(/belongs to someone else/);
    const again = await joinAs(server.port, code, 'ann', { id, key });
    expect(again.id).toBe(id);
    await Promise.all([client.close(), again.client.close()]);
  });

  it('gives two learners with the same nickname two ids', async () => {
    const a = await joinAs(server.port, code, 'sam');
    const b = await joinAs(server.port, code, 'sam');
    expect(a.id).not.toBe(b.id);
    await Promise.all([a.client.close(), b.client.close()]);
  });

  it('refuses anything before join, and silence', async () => {
    for (const msgs of [[{ t: 'ping' }], [{ t: 'progress', lesson: 'a/b', progress: { step: 'x', done: [], failures: 0, updatedAt: 1 } }], [{ t: 'hint', to: 'all', text: 'hi' }], ['not json'], ['{"t":"join"']]) {
      const r = await attempt(msgs);
      expect(r !== 'open' && r.code).toBe(1008);
    }
    const silent = await attempt([], { wait: 2000 });
    expect(silent !== 'open' && silent.code).toBe(1008);
  });

  it('answers a malformed message after join with an error, and refuses oversized ones and instructor messages', async () => {
    const { client } = await joinAs(server.port, code, 'bob');
    client.send('{"t":"progress"}');
    await client.next('error');
    await client.roundTrip();
    client.send({ t: 'hint', to: 'all', text: 'I am the teacher now' });
    expect((await client.closed).code).toBe(1008);

    const big = { t: 'sync', current: null, lessons: {}, pad: 'x'.repeat(200 * 1024) };
    const r = await attempt([{ t: 'join', code, nickname: 'big' }, big]);
    expect(r !== 'open' && r.code).toBe(1008);
    const huge = await attempt([{ t: 'join', code, nickname: 'huge' }, 'x'.repeat(1024 * 1024 + 10)]);
    expect(huge !== 'open' && huge.code).toBe(1009);
  });

  it('refuses new learners once the class is full, but lets a known one back in', async () => {
    const full = await start(dataDir(), { maxLearners: 2 });
    const { code: c } = full.classroom!;
    const a = await joinAs(full.port, c, 'a');
    await joinAs(full.port, c, 'b');
    const third = await ClassClient.connect(full.port);
    third.send({ t: 'join', code: c, nickname: 'c' });
    expect((await third.next('error')).message).toBe('this class is full');
    await a.client.close();
    expect((await joinAs(full.port, c, 'a', { id: a.id, key: a.key })).id).toBe(a.id);
    await full.close();
  });

  it('rate-limits a learner', async () => {
    const { client } = await joinAs(server.port, code, 'flood');
    for (let i = 0; i < 200; i++) client.send({ t: 'ping' });
    const closed = await client.closed;
    expect(closed.code).toBe(1008);
    expect(client.messages.some((m) => m.t === 'error' && /too many/.test(m.message))).toBe(true);
  });

  it('refuses a foreign, null or missing Origin and a foreign Host', async () => {
    for (const opts of [{ origin: 'http://evil.example' }, { origin: `http://127.0.0.1:${server.port}.evil.example` }, { origin: 'null' }, { origin: null }, { host: 'evil.example' }]) {
      await expect(ClassClient.connect(server.port, opts)).rejects.toThrow(/upgrade 403/);
    }
  });

  it('serves the report only with the instructor token as a bearer token', async () => {
    const url = new URL(CLASSROOM_REPORT_PATH, server.url).href;
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: `Bearer ${token}x` } })).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: `Bearer ${code}` } })).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: 'Basic Zm9vOmJhcg==' } })).status).toBe(401);
    const { client } = await joinAs(server.port, code, 'carla, "the" tester');
    const l = catalog.lessons[0]!;
    client.send({ t: 'progress', lesson: l.id, progress: { step: l.steps[1]!, done: [l.steps[0]!], failures: 2, updatedAt: 5 } });
    await client.roundTrip();
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="layerlab-class-${code}.csv"`);
    const lines = (await res.text()).trim().split('\r\n');
    const header = lines[0]!.split(',');
    expect(header.slice(0, 2)).toEqual(['nickname', 'id']);
    expect(header).toContain(`${l.id}/${l.steps[0]}`);
    expect(header.length).toBe(2 + catalog.lessons.reduce((n, x) => n + x.steps.length, 0) + 6);
    const row = lines.find((x) => x.startsWith('"carla, ""the"" tester"'))!;
    expect(row).toBeDefined();
    const cells = row.replace(/^"[^]*?",/, '').split(',');
    expect(cells[header.indexOf(`${l.id}/${l.steps[0]}`) - 1]).toBe('1');
    expect(cells[header.indexOf(`${l.id}/${l.steps[1]}`) - 1]).toBe('0');
    expect(cells.slice(-6, -3)).toEqual([l.id, l.steps[1], '0.0']);
    expect(cells.slice(-3)).toEqual(['2', '0', '1']);
    await client.close();
  });
});

describe('the instructor at work', () => {
  let server: RunningServer;
  let clock = Date.now();
  beforeAll(async () => {
    server = await start(dataDir(), { now: () => clock, tickMs: 50 });
  });
  afterAll(() => server?.close());

  it('holds the room, casts with the console made safe, replays the cast to a late joiner, flags the stuck and ends the class', async () => {
    const { code, instructorToken } = server.classroom!;
    const teacher = await instructorOf(server.port, instructorToken);
    const early = await joinAs(server.port, code, 'early');
    const l = catalog.lessons[1]!;

    teacher.send({ t: 'hold', hold: { lesson: l.id, step: l.steps[0]! } });
    expect((await early.client.next('hold')).hold).toEqual({ lesson: l.id, step: l.steps[0] });
    expect((await teacher.next('room')).room.hold).toEqual({ lesson: l.id, step: l.steps[0] });
    teacher.send({ t: 'hold', hold: { lesson: l.id, step: 'no-such-step' } });
    expect((await teacher.next('error')).message).toMatch(/no step/);

    teacher.send({ t: 'push-start', lesson: l.id });
    expect((await early.client.next('push-start')).lesson).toBe(l.id);

    teacher.send({ t: 'cast', frame: { kind: 'start', title: 'demo' } });
    teacher.send({ t: 'cast', frame: { kind: 'size', cols: 96, rows: 30 } });
    teacher.send({ t: 'cast', frame: { kind: 'term', data: '$ docker ps\r\n\x1b]52;c;ZXZpbA==\x07\x1b[31mred\x1b[0m\r\n' } });
    const world = { images: [], containers: [], volumes: [], registries: [], linkBytesPerSecond: 1 };
    teacher.send({ t: 'cast', frame: { kind: 'panel', view: 'layers', world } });
    const term = await early.client.next('cast', (m) => m.frame.kind === 'term');
    expect(term.frame).toEqual({ kind: 'term', data: '$ docker ps\r\n\x1b[31mred\x1b[0m\r\n' });
    await early.client.next('cast', (m) => m.frame.kind === 'panel');

    const late = await joinAs(server.port, code, 'late');
    const joined = late.client.messages[0]!;
    expect(joined.t === 'joined' && joined.cast).toBe(true);
    expect(joined.t === 'joined' && joined.hold).toEqual({ lesson: l.id, step: l.steps[0] });
    await late.client.next('cast', (m) => m.frame.kind === 'term', { since: 0 });
    expect(late.client.messages.slice(1, 5).map((m) => (m.t === 'cast' ? m.frame : null))).toEqual([
      { kind: 'start', title: 'demo' },
      { kind: 'size', cols: 96, rows: 30 },
      { kind: 'panel', view: 'layers', world },
      { kind: 'term', data: '$ docker ps\r\n\x1b[31mred\x1b[0m\r\n' },
    ]);
    teacher.send({ t: 'cast', frame: { kind: 'stop' } });
    await late.client.next('cast', (m) => m.frame.kind === 'stop');

    // stuck by time: the tick notices without any message from the learner
    early.client.send({ t: 'progress', lesson: l.id, progress: { step: l.steps[0]!, done: [], failures: 0, updatedAt: 1 } });
    await teacher.next('learner', (m) => m.learner.id === early.id && m.learner.step === l.steps[0]);
    clock += 11 * 60_000;
    await teacher.next('learner', (m) => m.learner.id === early.id && m.learner.stuck);
    teacher.send({ t: 'stuck-rule', rule: { minutes: 30, failures: 3 } });
    const room = await teacher.next('room', (m) => m.room.stuckRule.minutes === 30);
    expect(room.room.learners.find((x) => x.id === early.id)!.stuck).toBe(false);

    teacher.send({ t: 'end' });
    await early.client.next('ended');
    await late.client.next('ended');
    expect((await teacher.next('room', (m) => m.room.ended)).room.ended).toBe(true);
    const refused = await ClassClient.connect(server.port);
    refused.send({ t: 'join', code, nickname: 'too late' });
    expect((await refused.next('error')).message).toBe('this class has ended');
    expect((await refused.closed).code).toBe(1008);
    const res = await fetch(new URL(CLASSROOM_REPORT_PATH, server.url), { headers: { authorization: `Bearer ${instructorToken}` } });
    expect((await res.text()).split('\r\n').filter(Boolean)).toHaveLength(3);
    await teacher.close();
  });
});
