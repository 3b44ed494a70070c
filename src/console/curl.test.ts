import { describe, expect, it } from 'vitest';
import { parseCurl, runCurl, type HttpFetcher } from './curl.js';

async function curl(line: string, fetch: HttpFetcher) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCurl(line.split(' ').slice(1), fetch, { stdout: (t) => out.push(t), stderr: (t) => err.push(t) });
  return { code, out, err };
}

const page: HttpFetcher = async (port, path) => (path === '/missing' ? { status: 404, statusText: 'Not Found', headers: { 'Content-Type': 'text/html' }, body: 'nope\n' } : { status: 200, statusText: 'OK', headers: { 'Content-Type': 'text/plain' }, body: `port ${port} ${path}` });
const refused: HttpFetcher = async (port) => ({ error: `Failed to connect to localhost port ${port} after 0 ms: Connection refused` });

describe('curl in the console', () => {
  it('reads host, port and path the way curl does (scheme optional, default port 80, default path /)', () => {
    expect(parseCurl(['localhost:8080'])).toMatchObject({ port: 8080, path: '/' });
    expect(parseCurl(['http://127.0.0.1:3000/a/b?c=1'])).toMatchObject({ port: 3000, path: '/a/b?c=1' });
    expect(parseCurl(['localhost'])).toMatchObject({ port: 80, path: '/' });
    expect(parseCurl(['-si', 'localhost:1/x'])).toMatchObject({ silent: true, include: true, port: 1, path: '/x' });
  });

  it('answers other hosts, https and bad input with curl’s own messages and codes', () => {
    expect(parseCurl(['example.com'])).toEqual({ error: 'curl: (6) Could not resolve host: example.com', code: 6 });
    expect(parseCurl([])).toMatchObject({ code: 2, error: expect.stringMatching(/^curl: no URL specified!/) });
    expect(parseCurl(['-X', 'POST', 'localhost'])).toMatchObject({ code: 2, error: expect.stringMatching(/^curl: option -X: is unknown/) });
    expect(parseCurl(['https://localhost:8443'])).toMatchObject({ code: 35 });
  });

  it('prints the body, and with -i the status line and headers first', async () => {
    expect(await curl('curl localhost:8080/hi', page)).toEqual({ code: 0, out: ['port 8080 /hi'], err: [] });
    expect((await curl('curl -i localhost:8080', page)).out).toEqual(['HTTP/1.1 200 OK', 'Content-Type: text/plain', '', 'port 8080 /']);
  });

  it('exits 7 on a refused connection (silent with -s), and 22 with -f on an HTTP error', async () => {
    expect(await curl('curl localhost:9', refused)).toEqual({ code: 7, out: [], err: ['curl: (7) Failed to connect to localhost port 9 after 0 ms: Connection refused'] });
    expect(await curl('curl -s localhost:9', refused)).toEqual({ code: 7, out: [], err: [] });
    expect(await curl('curl -sS localhost:9', refused)).toMatchObject({ code: 7, err: [expect.stringMatching(/Connection refused/)] });
    expect(await curl('curl -f localhost:8080/missing', page)).toEqual({ code: 22, out: [], err: ['curl: (22) The requested URL returned error: 404'] });
    expect(await curl('curl localhost:8080/missing', page)).toEqual({ code: 0, out: ['nope'], err: [] });
  });
});
