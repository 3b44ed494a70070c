/**
 * Serving the built app's files: content types, the path check that keeps requests inside
 * the folder, and the headers every response carries. The companion server and the e2e
 * suite's sub-path server both use it.
 */
import * as fs from 'node:fs';
import type * as http from 'node:http';
import * as path from 'node:path';
import { ISOLATION_HEADERS } from './isolation-headers.js';

export const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Cross-origin isolation (WebContainer needs SharedArrayBuffer) and the usual hardening.
 * A static host should send the same: see docs/hosting.md.
 */
export const APP_HEADERS: Record<string, string> = {
  ...ISOLATION_HEADERS,
  'cross-origin-resource-policy': 'same-origin',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/** Sends `rel` (a URL path below the app's root, already without the base) from `root`; 404 when absent. */
export function serveFile(root: string, rel: string, res: http.ServerResponse, headers: Record<string, string> = {}): void {
  let name: string;
  try {
    name = decodeURIComponent(rel);
  } catch {
    res.writeHead(400).end();
    return;
  }
  if (name === '' || name.endsWith('/')) name += 'index.html';
  const file = path.resolve(root, name);
  if (!file.startsWith(path.resolve(root) + path.sep) || name.includes('\0')) {
    res.writeHead(403).end();
    return;
  }
  fs.readFile(file, (err, body) => {
    if (err) {
      res.writeHead(404, headers).end();
      return;
    }
    res.writeHead(200, { 'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-cache', ...headers });
    res.end(body);
  });
}
