/**
 * A simulated HTTP request to a published port (`curl localhost:8080` on the
 * host): answered by what the container serves. Web servers the images
 * declare serve their document root from the container's filesystem; other
 * programs can serve a body a lesson declares in the image label
 * `layerlab.http.body`; anything else refuses the connection, like a port
 * nobody listens on.
 */
import type { Engine } from '../engine.js';
import { fromUtf8 } from '../hash.js';
import { openContainer } from './rootfs.js';
import type { ContainerRecord } from './types.js';

export type HttpResult = { status: number; statusText: string; headers: Record<string, string>; body: string } | { error: string };

/** Document roots of the web servers the catalog's images run. */
const DOC_ROOTS: Record<string, string> = {
  nginx: '/usr/share/nginx/html',
  httpd: '/usr/local/apache2/htdocs',
};

/** The running container that published `hostPort`, and the container port it maps to. */
function findListener(engine: Engine, hostPort: number): { c: ContainerRecord; containerPort: string } | undefined {
  for (const c of engine.containers.values()) {
    if (c.state.status !== 'running') continue;
    for (const [port, bindings] of Object.entries(c.ports ?? {})) {
      if (bindings.some((b) => Number(b.HostPort) === hostPort)) return { c, containerPort: port };
    }
  }
  return undefined;
}

/** Answers `GET http://localhost:PORT/PATH` as the simulated host would. */
export function httpGet(engine: Engine, hostPort: number, path = '/'): HttpResult {
  const hit = findListener(engine, hostPort);
  if (!hit) return { error: `Failed to connect to localhost port ${hostPort} after 0 ms: Connection refused` };
  const { c } = hit;
  const declared = c.config.Labels?.['layerlab.http.body'];
  if (declared !== undefined) return ok(declared, 'text/plain');
  const prog = c.path.split('/').pop() ?? '';
  const root = DOC_ROOTS[prog] ?? (c.args.some((a) => a === 'nginx') ? DOC_ROOTS.nginx : undefined);
  if (!root) return { error: `Failed to connect to localhost port ${hostPort} after 0 ms: Connection refused` };
  const fs = openContainer(engine, c).fs;
  const rel = path.split('?')[0]!.replace(/\/+$/, '');
  const file = `${root}${rel || ''}${rel === '' || fs.stat(`${root}${rel}`)?.type === 'dir' ? '/index.html' : ''}`;
  try {
    return ok(fromUtf8(fs.readFile(file)), file.endsWith('.html') ? 'text/html' : 'application/octet-stream');
  } catch {
    return { status: 404, statusText: 'Not Found', headers: { Server: 'nginx/1.27.3', 'Content-Type': 'text/html' }, body: '<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx/1.27.3</center>\r\n</body>\r\n</html>\r\n' };
  }
}

function ok(body: string, type: string): HttpResult {
  return { status: 200, statusText: 'OK', headers: { 'Content-Type': type, 'Content-Length': String(new TextEncoder().encode(body).length) }, body };
}
