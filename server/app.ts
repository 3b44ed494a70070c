/**
 * The companion server's HTTP and WebSocket front: serves the built app, answers
 * `/api/status` (is real mode on, and if not, why), and accepts `/ws` sessions only from
 * its own origin with the launch token (see guard.ts) or, in classroom mode, a learner's id
 * and key. Every session's engine commands share one fair queue (fair-queue.ts).
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { CLASSROOM_MARKER, CLASSROOM_REPORT_PATH, CLASSROOM_WS_PATH, MAX_CLASSROOM_MESSAGE_BYTES, type StuckRule } from '../src/shared/classroom-protocol.js';
import { MAX_CLIENT_MESSAGE_BYTES, type EngineInfo, type ServerMessage } from '../src/shared/protocol.js';
import { openClassroom, type ClassroomOptions, type Restored } from './classroom/index.js';
import type { Learner } from './classroom/room.js';
import { FairQueue } from './fair-queue.js';
import { allowlistFor, hostAllowed, originAllowed, RateLimit, tokenMatches, type Allowlist } from './guard.js';
import { parseClientMessage } from './protocol-schema.js';
import { LEARNER_LIMITS, Session, type SessionDeps, type SessionLimits } from './session.js';
import { APP_HEADERS, serveFile } from './static.js';

/** Tells the page it was served by the companion server (a static host has no /api/status to ask). */
export const SERVER_MARKER = '<meta name="layerlab-server" content="1">';

export interface ServerOptions {
  /** 0 picks a free port. */
  port: number;
  /** `127.0.0.1` unless started with `--lan` (`0.0.0.0`). */
  listen: string;
  lan?: boolean;
  /** The built app (`dist/`), or null to serve only the API. */
  distDir: string | null;
  token: string;
  /** Real mode: the engine and how sessions use it; null when there is no engine. */
  real: { deps: SessionDeps; engine: EngineInfo; baseImages: () => Promise<string[]> } | null;
  /** Why real mode is off (shown by the app) when `real` is null. */
  offReason?: string;
  /** Sessions at once. */
  maxSessions?: number;
  /** Engine commands running at once across every real-mode session (`--real-slots`, default 4); the rest wait in a fair queue. */
  realSlots?: number;
  /** Milliseconds a client has to send `hello`. */
  helloTimeout?: number;
  /** Classroom mode (`--classroom`): learners join on CLASSROOM_WS_PATH; state is kept in `dataDir`. */
  classroom?: {
    dataDir: string;
    stuckRule?: StuckRule;
    lessonsDir?: string;
    /** A learner's real-mode quota (default LEARNER_LIMITS: 1 command at a time, 30 builds per class; `--learner-builds`). */
    learnerLimits?: Partial<SessionLimits>;
    /** false (`--no-learner-docker`): learners stay on the simulator; the switch is not offered and their hello is refused. */
    learnerDocker?: boolean;
  } & Pick<ClassroomOptions, 'compactAfter' | 'hub'>;
}

/** The real-mode slots of a server started without `--real-slots`. */
export const DEFAULT_REAL_SLOTS = 4;

export interface RunningServer {
  /** `http://127.0.0.1:PORT/` */
  url: string;
  /** The URL to open: the app with the token in its fragment (never sent over the network by the browser). */
  openUrl: string;
  port: number;
  allow: Allowlist;
  sessions(): number;
  /** Set in classroom mode. */
  classroom?: {
    code: string;
    /** The dashboard's token (not the join code, not the real-mode token). */
    instructorToken: string;
    /** What learners open: the app with the join code in its fragment (a LAN address with `--lan`). */
    joinUrl: string;
    /** What the instructor opens: the app with the dashboard token in its fragment. */
    dashboardUrl: string;
    /** Learners restored from the data folder (0 for a new class). */
    restored: number;
    /** The details of what was restored. */
    restoredFrom: Restored;
  };
  close(): Promise<void>;
}

/** Starts the server; resolves once it listens. */
export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const sessions = new Set<Session>();
  const queue = new FairQueue(opts.realSlots ?? DEFAULT_REAL_SLOTS);
  /** Each learner's open real-mode session (one at a time: a new one replaces it) and builds used in this class. */
  const learnerSessions = new Map<string, { session: Session; drop: (reason: string) => void }>();
  const learnerBuilds = new Map<string, { used: number }>();
  let allow: Allowlist = allowlistFor(opts.port, { lan: opts.lan });
  let joinUrl = '';
  const classroom = opts.classroom ? openClassroom(opts.classroom, () => joinUrl) : null;
  const server = http.createServer((req, res) => {
    if (!hostAllowed(allow, req.headers.host)) {
      // a DNS-rebinding page reaches us under a foreign name: refuse it
      res.writeHead(421, { 'content-type': 'text/plain' }).end('Misdirected request: this server answers only to its own host names\n');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, APP_HEADERS).end();
      return;
    }
    if (url.pathname === '/api/status') {
      // `learners`: a classroom learner may switch real mode on with its id and key
      const body = JSON.stringify(opts.real ? { realMode: true, engine: opts.real.engine, learners: !!classroom && opts.classroom?.learnerDocker !== false } : { realMode: false, reason: opts.offReason ?? 'no Docker engine' });
      res.writeHead(200, { ...APP_HEADERS, 'content-type': 'application/json', 'cache-control': 'no-store' }).end(body);
      return;
    }
    if (url.pathname === CLASSROOM_REPORT_PATH && classroom) {
      const m = /^Bearer +(\S+)$/i.exec(req.headers.authorization ?? '');
      if (!tokenMatches(classroom.room.token, m?.[1])) {
        res.writeHead(401, { ...APP_HEADERS, 'content-type': 'text/plain', 'www-authenticate': 'Bearer' }).end('The class report needs the instructor token\n');
        return;
      }
      const headers = { ...APP_HEADERS, 'content-type': 'text/csv; charset=utf-8', 'cache-control': 'no-store', 'content-disposition': `attachment; filename="layerlab-class-${classroom.room.code}.csv"` };
      res.writeHead(200, headers).end(req.method === 'HEAD' ? undefined : classroom.report());
      return;
    }
    if (!opts.distDir) {
      res.writeHead(404, APP_HEADERS).end();
      return;
    }
    const rel = url.pathname.slice(1);
    if (rel === '' || rel === 'index.html') {
      // the page learns it came from the companion server (and may ask /api/status) from this tag
      fs.readFile(path.join(opts.distDir, 'index.html'), 'utf8', (err, html) => {
        if (err) return void res.writeHead(404, APP_HEADERS).end();
        res.writeHead(200, { ...APP_HEADERS, 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' }).end(html.replace('</head>', `${SERVER_MARKER}${classroom ? CLASSROOM_MARKER : ''}</head>`));
      });
      return;
    }
    serveFile(opts.distDir, rel, res, APP_HEADERS);
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_MESSAGE_BYTES });
  const classWss = new WebSocketServer({ noServer: true, maxPayload: MAX_CLASSROOM_MESSAGE_BYTES });
  server.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const known = path === '/ws' || (path === CLASSROOM_WS_PATH && classroom);
    if (!known || !hostAllowed(allow, req.headers.host) || !originAllowed(allow, req.headers.origin)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    if (path === '/ws') wss.handleUpgrade(req, socket, head, (ws) => accept(ws));
    else classWss.handleUpgrade(req, socket, head, (ws) => classroom!.hub.accept(ws));
  });

  function accept(ws: WebSocket): void {
    const send = (m: ServerMessage) => {
      // a client that stops reading must not make the server buffer without end
      if (ws.readyState === ws.OPEN && ws.bufferedAmount < 16 * 1024 * 1024) ws.send(JSON.stringify(m));
    };
    const refuse = (message: string) => {
      send({ t: 'error', message, fatal: true });
      ws.close(1008, message.slice(0, 100));
    };
    let session: Session | null = null;
    const limit = new RateLimit(100, 300);
    const timer = setTimeout(() => session || refuse('no hello with the token in time'), opts.helloTimeout ?? 5000);
    ws.on('message', (data, isBinary) => {
      if (isBinary) return refuse('binary messages are not part of the protocol');
      if (!limit.take()) return refuse('too many messages: slow down');
      let msg;
      try {
        msg = parseClientMessage(data.toString());
      } catch (e) {
        return session ? send({ t: 'error', message: (e as Error).message }) : refuse((e as Error).message);
      }
      if (!session) {
        if (msg.t !== 'hello') return refuse('the first message must be hello with the token');
        let learner: Learner | null = null;
        if (msg.learner) {
          if (!classroom) return refuse('real mode for learners needs a classroom, and this server runs none: open the URL the server printed');
          if (opts.classroom?.learnerDocker === false) return refuse('the instructor has not opened real Docker to learners in this class: your commands run in the simulator');
          const who = classroom.learnerFor(msg.learner);
          if ('refused' in who) return refuse(who.refused);
          learner = who.learner;
        } else if (!tokenMatches(opts.token, msg.token)) return refuse('the token is missing or wrong: open the URL the server printed');
        clearTimeout(timer);
        if (!opts.real) return refuse(`real mode is off: ${opts.offReason ?? 'no Docker engine'}`);
        // a learner's new session replaces its old one (a reload, a second tab), so it does not count twice
        const previous = learner ? learnerSessions.get(learner.id) : undefined;
        if (sessions.size - (previous ? 1 : 0) >= (opts.maxSessions ?? 20)) return refuse('this server has as many sessions as it allows; close another tab');
        previous?.drop('real mode was opened for you in another tab or window');
        const deps = { ...opts.real.deps, queue, otherSessions: () => sessions.size - 1 };
        session = learner
          ? new Session(deps, send, { key: `learner:${learner.id}`, limits: { ...LEARNER_LIMITS, ...opts.classroom?.learnerLimits }, builds: learnerBuild(learner.id) })
          : new Session(deps, send);
        session.setSize(msg.cols, msg.rows);
        sessions.add(session);
        const s = session;
        if (learner) {
          const l = learner;
          learnerSessions.set(l.id, { session: s, drop: (reason) => refuse(reason) });
          classroom!.hub.setReal(l, true);
          ws.once('close', () => {
            if (learnerSessions.get(l.id)?.session !== s) return;
            learnerSessions.delete(l.id);
            classroom!.hub.setReal(l, false);
          });
        }
        void opts.real.baseImages().then((baseImages) => {
          send({ t: 'welcome', session: s.id, engine: opts.real!.engine, registry: opts.real!.deps.registry, baseImages });
          void s.sendWorld();
        });
        return;
      }
      session.handle(msg);
    });
    ws.on('close', () => {
      clearTimeout(timer);
      if (session) {
        sessions.delete(session);
        void session.close();
      }
    });
    ws.on('error', () => ws.terminate());
  }

  function learnerBuild(id: string): { used: number } {
    let b = learnerBuilds.get(id);
    if (!b) learnerBuilds.set(id, (b = { used: 0 }));
    return b;
  }

  // the class ended: its learners' real-mode sessions end with it
  classroom?.hub.onEnd(() => {
    for (const { drop } of [...learnerSessions.values()]) drop('the class has ended: real mode is closed');
  });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port, opts.listen, () => resolve());
    });
  } catch (e) {
    classroom?.close();
    throw e;
  }
  const port = (server.address() as AddressInfo).port;
  if (opts.port === 0) allow = allowlistFor(port, { lan: opts.lan });
  const url = `http://127.0.0.1:${port}/`;
  // learners are on other machines: with --lan they need this machine's LAN address
  const lanHost = opts.lan ? [...allow.hosts].find((h) => /^\d+\.\d+\.\d+\.\d+:/.test(h) && !h.startsWith('127.')) : undefined;
  const baseUrl = lanHost ? `http://${lanHost}/` : url;
  if (classroom) joinUrl = `${baseUrl}#join=${classroom.room.code}`;
  return {
    url,
    openUrl: `${url}#token=${opts.token}`,
    port,
    get allow() {
      return allow;
    },
    sessions: () => sessions.size,
    ...(classroom
      ? {
          classroom: {
            code: classroom.room.code,
            instructorToken: classroom.room.token,
            joinUrl,
            dashboardUrl: `${url}#instructor=${classroom.room.token}`,
            restored: classroom.restored.learners,
            restoredFrom: classroom.restored,
          },
        }
      : {}),
    async close() {
      for (const c of wss.clients) c.terminate();
      classroom?.close();
      await Promise.all([...sessions].map((s) => s.close()));
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
