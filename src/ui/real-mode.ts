/**
 * Real mode in the page: the companion server prints a URL with its launch token in the
 * fragment (`#token=...`, never sent over the network by the browser). The page keeps the
 * token for this tab only, removes it from the address bar, and opens a session on `/ws`.
 * A classroom learner opens it instead with the id and key its class gave it.
 */
import type { RemoteBackend } from '../backends/remote.js';
import type { LearnerCredentials } from '../shared/protocol.js';

const KEY = 'layerlab.token';

/** The launch token from the address or this tab's storage; null when the page was opened without one. */
export function takeToken(): string | null {
  const m = /(?:^#|&)token=([A-Za-z0-9_-]+)/.exec(location.hash);
  if (m) {
    sessionStorage.setItem(KEY, m[1]!);
    // the token must not stay in the address bar (screenshots, share links, history)
    history.replaceState(null, '', location.pathname + location.search);
    return m[1]!;
  }
  return sessionStorage.getItem(KEY);
}

/** Opens a real-mode session with the launch token or a learner's credentials; rejects with the reason (wrong token, no engine, no server). */
export async function openRealMode(credentials: string | LearnerCredentials, size: { cols: number; rows: number }): Promise<RemoteBackend> {
  const [{ RemoteConnection }, { RemoteBackend }] = await Promise.all([import('../backends/remote-connection.js'), import('../backends/remote.js')]);
  const url = new URL('/ws', location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const socket = new WebSocket(url);
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the companion server did not answer in time')), 5000));
  try {
    const conn = await Promise.race([RemoteConnection.open(socket, credentials, size), timeout]);
    return new RemoteBackend(conn);
  } catch (e) {
    socket.close();
    if (typeof credentials === 'string' && /token/.test((e as Error).message)) sessionStorage.removeItem(KEY);
    throw e;
  }
}

/** What the companion server's `/api/status` says; null on a static host or when it does not answer. */
export async function serverStatus(): Promise<{ realMode?: boolean; reason?: string; learners?: boolean } | null> {
  // only the companion server marks its page: a static host would answer 404 (and log it)
  if (!document.querySelector('meta[name="layerlab-server"]')) return null;
  try {
    const r = await fetch(new URL('/api/status', location.href), { cache: 'no-store' });
    if (!r.ok || !(r.headers.get('content-type') ?? '').includes('json')) return null;
    return (await r.json()) as { realMode?: boolean; reason?: string; learners?: boolean };
  } catch {
    return null;
  }
}

/** What the companion server says about real mode when the page has no token; null on a static host. */
export async function realModeHint(): Promise<string | null> {
  const s = await serverStatus();
  // a classroom learner switches real mode on in the class bar: no token to look for
  if (!s || (s.realMode && s.learners)) return null;
  if (s.realMode) return 'A Docker engine is available on this server: open the address the server printed (it carries the access token) to run your commands on it.';
  return s.reason ? `Real mode is off on this server (${s.reason}); everything runs in the simulator.` : null;
}
