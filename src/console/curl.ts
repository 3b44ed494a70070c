/**
 * `curl` in the console: a GET to a port the host publishes (`curl localhost:8080`),
 * answered by whatever serves it (a live Node process, or the engine's model of a web
 * server). The output, messages and exit codes are curl's own.
 */
import type { HttpResult } from '../engine/container/http.js';
import type { ConsoleOutput } from './commands.js';

/** Answers a GET to localhost:PORT/PATH. */
export type HttpFetcher = (port: number, path: string) => Promise<HttpResult>;

export interface CurlRequest {
  port: number;
  path: string;
  /** -s: no error messages (unless -S). */
  silent: boolean;
  showError: boolean;
  /** -i: print the status line and headers first. */
  include: boolean;
  /** -f: an HTTP error status exits 22 without printing the body. */
  fail: boolean;
}

const LOCAL = new Set(['localhost', '127.0.0.1', '0.0.0.0', '[::1]']);

/** Parses curl's arguments; an error is curl's message and exit code. */
export function parseCurl(args: string[]): CurlRequest | { error: string; code: number } {
  const req: Omit<CurlRequest, 'port' | 'path'> = { silent: false, showError: false, include: false, fail: false };
  let url: string | undefined;
  for (const a of args) {
    if (a === '--silent') req.silent = true;
    else if (a === '--show-error') req.showError = true;
    else if (a === '--include') req.include = true;
    else if (a === '--fail') req.fail = true;
    else if (a === '--location' || a === '-L') continue;
    else if (/^-[sSifL]+$/.test(a)) {
      req.silent ||= a.includes('s');
      req.showError ||= a.includes('S');
      req.include ||= a.includes('i');
      req.fail ||= a.includes('f');
    } else if (a.startsWith('-')) return { error: `curl: option ${a}: is unknown\ncurl: try 'curl --help' or 'curl --manual' for more information`, code: 2 };
    else url = a;
  }
  if (url === undefined) return { error: "curl: no URL specified!\ncurl: try 'curl --help' or 'curl --manual' for more information", code: 2 };
  const m = /^(?:(https?):\/\/)?([^/:?#]+|\[[^\]]*\])(?::(\d+))?([^#]*)/.exec(url);
  if (!m) return { error: `curl: (3) URL using bad/illegal format or missing URL`, code: 3 };
  const [, scheme = 'http', host = '', port, rest = ''] = m;
  if (scheme === 'https') return { error: `curl: (35) OpenSSL SSL_connect: Connection reset by peer in connection to ${host}:${port ?? 443} `, code: 35 };
  if (!LOCAL.has(host.toLowerCase())) return { error: `curl: (6) Could not resolve host: ${host}`, code: 6 };
  const path = rest === '' ? '/' : rest.startsWith('/') ? rest : '/' + rest;
  return { ...req, port: port ? Number(port) : 80, path };
}

/** Runs curl against `fetch` and prints what curl prints; resolves to its exit code. */
export async function runCurl(args: string[], fetch: HttpFetcher, out: ConsoleOutput): Promise<number> {
  const req = parseCurl(args);
  if ('error' in req) {
    for (const l of req.error.split('\n')) out.stderr(l);
    return req.code;
  }
  const res = await fetch(req.port, req.path);
  const quiet = req.silent && !req.showError;
  if ('error' in res) {
    if (!quiet) out.stderr(`curl: (7) ${res.error}`);
    return 7;
  }
  if (req.fail && res.status >= 400) {
    if (!quiet) out.stderr(`curl: (22) The requested URL returned error: ${res.status}`);
    return 22;
  }
  if (req.include) {
    out.stdout(`HTTP/1.1 ${res.status} ${res.statusText}`.trimEnd());
    for (const [k, v] of Object.entries(res.headers)) out.stdout(`${k}: ${v}`);
    out.stdout('');
  }
  const lines = res.body.split('\n');
  if (lines.at(-1) === '') lines.pop();
  for (const l of lines) out.stdout(l.replace(/\r$/, ''));
  return 0;
}
