/**
 * Who may talk to the companion server. It drives a root-equivalent daemon, so a web page
 * on another origin (or a DNS-rebinding name for 127.0.0.1) must never reach it:
 * - the Host header must be one of the names the server listens as;
 * - a WebSocket's Origin must equal one of those origins exactly (scheme, host and port;
 *   no suffix or substring matching; a missing or `null` Origin is refused);
 * - the first message must carry the per-launch token (compared in constant time).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import * as os from 'node:os';

/** The names and origins the server answers to. */
export interface Allowlist {
  /** `127.0.0.1:4173`, `localhost:4173`, `[::1]:4173` (and LAN addresses with `--lan`), lower case. */
  hosts: Set<string>;
  /** `http://` + each host. */
  origins: Set<string>;
}

/** The allowlist for a server on `port`; `lan` adds this machine's non-internal IPv4 addresses. */
export function allowlistFor(port: number, opts: { lan?: boolean; extraHosts?: string[] } = {}): Allowlist {
  const names = ['127.0.0.1', 'localhost', '[::1]'];
  if (opts.lan) {
    for (const addrs of Object.values(os.networkInterfaces())) {
      for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) names.push(a.address);
    }
  }
  names.push(...(opts.extraHosts ?? []));
  const hosts = new Set(names.map((n) => `${n.toLowerCase()}:${port}`));
  return { hosts, origins: new Set([...hosts].map((h) => `http://${h}`)) };
}

/** true when the request's Host header names this server exactly. */
export function hostAllowed(allow: Allowlist, host: string | undefined): boolean {
  return typeof host === 'string' && allow.hosts.has(host.toLowerCase());
}

/** true when the Origin header is exactly one of the server's own origins. */
export function originAllowed(allow: Allowlist, origin: string | undefined): boolean {
  // exact string comparison: `http://127.0.0.1:4173.evil.com`, `http://evil.com/?127.0.0.1:4173` and `null` all fail
  return typeof origin === 'string' && allow.origins.has(origin.toLowerCase()) && !/[\s]/.test(origin);
}

/** A fresh random token for one launch (URL-safe, 32 bytes of entropy). */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Compares a presented token with the launch token in constant time. */
export function tokenMatches(expected: string, presented: unknown): boolean {
  if (typeof presented !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(presented);
  // compare against itself when lengths differ, so the time does not depend on where it differs
  return timingSafeEqual(a, b.length === a.length ? b : a) && b.length === a.length;
}

/** A token bucket: `rate` messages a second with bursts of `burst`. */
export class RateLimit {
  private tokens: number;
  private last = Date.now();
  constructor(
    private readonly rate: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
  }

  /** Takes one token; false when the caller is over the limit. */
  take(cost = 1): boolean {
    const now = Date.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
    if (this.tokens < cost) return false;
    this.tokens -= cost;
    return true;
  }
}
