/** A learner's side for the server tests and benchmarks: the browser's own RemoteConnection over `ws`. */
import WebSocket from 'ws';
import { RemoteConnection, type SocketLike } from '../../src/backends/remote-connection.js';
import type { ContextEntry } from '../../src/shared/protocol.js';

/** Opens a session on a server at `port` with its launch token, from its own origin. */
export function connectTo(port: number, token: string): Promise<RemoteConnection> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, { headers: { origin: `http://127.0.0.1:${port}` } });
  return RemoteConnection.open(ws as unknown as SocketLike, token, { cols: 100, rows: 30 });
}

/** Runs one docker command; resolves with its exit code, output lines and how long it took. */
export async function dockerOn(conn: RemoteConnection, argv: string[], opts: { env?: Record<string, string>; context?: ContextEntry[] } = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const started = Date.now();
  const code = await conn.docker(argv, opts, { out: (s, t) => (s === 'stdout' ? out : err).push(t), tty: () => undefined }).done;
  return { code, out, err, ms: Date.now() - started };
}

/** A context file as the browser sends it. */
export const contextFile = (path: string, text: string): ContextEntry => ({ path, type: 'file', mode: 0o644, mtime: 1_700_000_000, data: Buffer.from(text).toString('base64') });
