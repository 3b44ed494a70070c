/**
 * A small static file server for the built app, mounted under a sub-path (the way a
 * static host such as GitHub Pages serves a project). The e2e suite serves `dist/`
 * with it, so every browser test also proves the build works from a sub-path.
 */
import * as http from 'node:http';
import { serveFile } from '../../server/static.js';

export interface StaticServer {
  /** The app's URL, ending with the sub-path and a slash. */
  url: string;
  close(): Promise<void>;
}

/** Serves `dir` at `http://127.0.0.1:PORT${base}`; `base` starts and ends with `/`. */
export function serveStatic(dir: string, base: string, headers: Record<string, string> = {}): Promise<StaticServer> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (!url.pathname.startsWith(base)) {
      res.writeHead(404).end('not under ' + base);
      return;
    }
    serveFile(dir, url.pathname.slice(base.length), res, headers);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      resolve({ url: `http://127.0.0.1:${port}${base}`, close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}
