/**
 * The WebSocket door of the companion server, attacked: foreign, null and missing Origins,
 * look-alike origins, wrong Host headers (DNS rebinding), missing, wrong and near-miss
 * tokens, messages before hello. None may get a session; the one correct handshake must.
 */
import Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ServerMessage } from '../../src/shared/protocol.js';
import { startServer, type RunningServer } from '../../server/app.js';
import { newToken } from '../../server/guard.js';

let server: RunningServer;
const token = newToken();

beforeAll(async () => {
  server = await startServer({
    port: 0,
    listen: '127.0.0.1',
    distDir: null,
    token,
    helloTimeout: 1500,
    real: {
      engine: { version: 'test', host: 'test', builders: ['classic'] },
      baseImages: async () => [],
      // the door is under test, not the engine: no command is ever run here
      deps: { docker: new Docker(), instanceId: 'handshake', registry: null, commands: new Map(), check: () => ({ ok: false, message: 'refused', exitCode: 1 }), world: async () => ({ images: [], containers: [], volumes: [], registries: [] }) as never, reap: async () => undefined },
    },
  });
});
afterAll(() => server.close());

interface Attempt {
  name: string;
  host?: string;
  origin?: string;
  /** The first messages sent after the socket opens (raw strings). */
  send?: (string | Buffer)[];
}

/** Resolves with how the attempt ended: `welcome` means it got a session. */
function attempt(a: Attempt): Promise<'welcome' | 'refused-upgrade' | 'closed' | 'timeout'> {
  return new Promise((resolve) => {
    const headers: Record<string, string> = {};
    if (a.host !== undefined) headers.host = a.host;
    if (a.origin !== undefined) headers.origin = a.origin;
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws`, { headers });
    const done = (r: 'welcome' | 'refused-upgrade' | 'closed' | 'timeout') => {
      clearTimeout(t);
      ws.removeAllListeners();
      ws.on('error', () => undefined);
      ws.terminate();
      resolve(r);
    };
    const t = setTimeout(() => done('timeout'), 4000);
    ws.on('unexpected-response', () => done('refused-upgrade'));
    ws.on('error', () => done('closed'));
    ws.on('open', () => {
      for (const m of a.send ?? []) ws.send(m);
    });
    ws.on('message', (data) => {
      const m = JSON.parse(data.toString()) as ServerMessage;
      if (m.t === 'welcome') done('welcome');
    });
    ws.on('close', () => done('closed'));
  });
}

const hello = (tok: unknown) => JSON.stringify({ t: 'hello', token: tok });

function attempts(): Attempt[] {
  const p = server.port;
  const goodHost = `127.0.0.1:${p}`;
  const goodOrigin = `http://127.0.0.1:${p}`;
  // (leading or trailing spaces are not listed: HTTP trims them, so they name the same origin)
  const badOrigins: (string | undefined)[] = [
    undefined,
    'null',
    '',
    'http://evil.example',
    `http://evil.example:${p}`,
    `https://127.0.0.1:${p}`,
    `ws://127.0.0.1:${p}`,
    `http://127.0.0.1:${p + 1}`,
    'http://127.0.0.1',
    `http://127.0.0.1:${p}.evil.example`,
    `http://127.0.0.1.evil.example:${p}`,
    `http://localhost.evil.example:${p}`,
    `http://evil-127.0.0.1:${p}`,
    `http://x127.0.0.1:${p}`,
    `http://127.0.0.1:${p}/`,
    `http://127.0.0.1:${p}@evil.example`,
    `http://evil.example/?http://127.0.0.1:${p}`,
    `http://127.0.0.1:${p}, http://evil.example`,
    'file://',
    'chrome-extension://abcdefghijklmnop',
    `http://0.0.0.0:${p}`,
    `http://127.1:${p}`,
    `http://127.0.0.2:${p}`,
    `http://2130706433:${p}`,
    `http://[::ffff:127.0.0.1]:${p}`,
    `http://127.0.0.1:0${p}`,
  ];
  const badHosts = [`evil.example:${p}`, `127.0.0.1:${p}.evil.example`, 'rebind.attacker.example', `127.0.0.1:${p + 1}`, '127.0.0.1', `localhost.evil.example:${p}`, `127.0.0.1.nip.io:${p}`, `LOCALHOST.evil.example:${p}`];
  const list: Attempt[] = [];
  // every bad Origin, with the right and wrong Host, with the right and a wrong token
  for (const origin of badOrigins) {
    for (const host of [goodHost, badHosts[0]!, badHosts[1]!]) {
      for (const tok of [token, 'wrong']) list.push({ name: `origin ${JSON.stringify(origin)} host ${host} token ${tok === token ? 'right' : 'wrong'}`, origin, host, send: [hello(tok)] });
    }
  }
  // every bad Host with the matching-looking origin and the right token (DNS rebinding)
  for (const host of badHosts) {
    list.push({ name: `host ${JSON.stringify(host)}`, host, origin: goodOrigin, send: [hello(token)] });
    list.push({ name: `host ${JSON.stringify(host)} origin http://${host}`, host, origin: `http://${host}`, send: [hello(token)] });
  }
  // the right door with bad tokens or messages
  const tokens: unknown[] = ['', 'wrong', token.slice(0, -1), token + 'x', token.toUpperCase() === token ? token.toLowerCase() : token.toUpperCase(), ` ${token}`, 42, null, [token], { token }];
  for (const tok of tokens) list.push({ name: `token ${JSON.stringify(tok)?.slice(0, 20)}`, host: goodHost, origin: goodOrigin, send: [hello(tok)] });
  list.push({ name: 'no hello at all', host: goodHost, origin: goodOrigin, send: [] });
  list.push({ name: 'docker before hello', host: goodHost, origin: goodOrigin, send: [JSON.stringify({ t: 'docker', id: 1, argv: ['ps'] }), hello(token)] });
  list.push({ name: 'hello as a binary frame', host: goodHost, origin: goodOrigin, send: [Buffer.from(hello(token))] });
  list.push({ name: 'hello with extra fields', host: goodHost, origin: goodOrigin, send: [JSON.stringify({ t: 'hello', token, admin: true })] });
  list.push({ name: 'not JSON', host: goodHost, origin: goodOrigin, send: ['hello ' + token] });
  list.push({ name: 'token in a cookie-like field', host: goodHost, origin: goodOrigin, send: [JSON.stringify({ t: 'hello', cookie: token })] });
  return list;
}

describe('the companion server WebSocket handshake', () => {
  it('gives a session to the right origin, host and token (the control)', async () => {
    expect(await attempt({ name: 'control', host: `127.0.0.1:${server.port}`, origin: `http://127.0.0.1:${server.port}`, send: [hello(token)] })).toBe('welcome');
    expect(await attempt({ name: 'control localhost', host: `localhost:${server.port}`, origin: `http://localhost:${server.port}`, send: [hello(token)] })).toBe('welcome');
  });

  it('accepts none of at least 160 hostile handshakes', async () => {
    const list = attempts();
    expect(list.length).toBeGreaterThanOrEqual(160);
    const accepted: string[] = [];
    // a few at a time: the server must hold up, and the run stays short
    for (let i = 0; i < list.length; i += 16) {
      const results = await Promise.all(list.slice(i, i + 16).map(async (a) => [a.name, await attempt(a)] as const));
      for (const [name, r] of results) if (r === 'welcome') accepted.push(name);
    }
    expect(accepted).toEqual([]);
    console.log(`hostile handshakes: ${list.length} tried, ${accepted.length} accepted`);
  });

  it('refuses plain HTTP from a foreign Host (DNS rebinding) and answers its own', async () => {
    const get = (host: string) =>
      new Promise<number>((resolve) => {
        import('node:http').then((http) => http.get({ host: '127.0.0.1', port: server.port, path: '/api/status', headers: { host } }, (res) => (res.resume(), resolve(res.statusCode ?? 0))));
      });
    expect(await get(`evil.example:${server.port}`)).toBe(421);
    expect(await get(`127.0.0.1:${server.port}`)).toBe(200);
  });

  it('cuts off a session that floods messages, and only that one', async () => {
    const open = () =>
      new Promise<WebSocket>((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws`, { headers: { origin: `http://127.0.0.1:${server.port}` } });
        ws.on('open', () => ws.send(hello(token)));
        ws.on('message', (d) => (JSON.parse(d.toString()) as ServerMessage).t === 'welcome' && resolve(ws));
      });
    const [flooder, neighbour] = await Promise.all([open(), open()]);
    const closed = new Promise<number>((resolve) => flooder.on('close', (code) => resolve(code)));
    for (let i = 0; i < 600; i++) flooder.send(JSON.stringify({ t: 'cancel', id: 1 }));
    expect(await closed).toBe(1008);
    expect(neighbour.readyState).toBe(WebSocket.OPEN);
    neighbour.close();
  });
});
