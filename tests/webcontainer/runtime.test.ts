/**
 * The live runtime end to end, on real Node processes (node-host.ts): WebContainer's own
 * runtime needs the internet, so these tests run the same runtime on the test machine's
 * Node instead. Every answer here comes from a process that really ran.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SimBackend } from '../../src/backends/sim.js';
import { nodeHost, type NodeHost } from './node-host.js';

const SERVER = `const http = require('http');
const server = http.createServer((req, res) => res.end('Welcome to the shop! ' + req.url));
server.listen(3000, () => console.log('shop listening on port ' + server.address().port));
`;
const GRACEFUL = `${SERVER}process.on('SIGTERM', () => { console.log('shutting down'); server.close(() => process.exit(0)); });
`;
const DOCKERFILE = 'FROM node:20-alpine\nWORKDIR /app\nCOPY . .\nEXPOSE 3000\nCMD ["node", "server.js"]\n';

let hosts: NodeHost[] = [];
let backends: SimBackend[] = [];

afterEach(() => {
  for (const b of backends) b.live?.dispose();
  for (const h of hosts) h.close();
  hosts = [];
  backends = [];
});

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t) } };
}

/** A backend whose live runtime runs on real Node, with the shop app in /workspace/shop. */
async function shop(server = SERVER, connect?: () => Promise<NodeHost>) {
  const host = nodeHost();
  hosts.push(host);
  const b = new SimBackend({ live: connect ?? (async () => host) });
  backends.push(b);
  b.workspace.write('/workspace/shop/Dockerfile', DOCKERFILE);
  b.workspace.write('/workspace/shop/server.js', server);
  const c = capture();
  expect(await b.run('cd shop && docker build -q -t shop .', c.io), c.err.join('\n')).toBe(0);
  const run = async (line: string) => {
    const r = capture();
    const code = await b.run(line, r.io);
    return { code, out: r.out, err: r.err };
  };
  return { b, host, run };
}

async function until<T>(what: string, get: () => T | undefined, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = get();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const urlOf = (b: SimBackend, name: string) => b.live!.views().find((v) => v.name === name)?.ports[0]?.url;

describe('live Node processes in simulated containers', () => {
  it('runs `docker run -d -p 8080:3000` for real: logs, a preview URL and curl get the app’s own answers', async () => {
    const { b, run } = await shop();
    const r = await run('docker run -d --name s1 -p 8080:3000 shop');
    expect(r.code, r.err.join('\n')).toBe(0);
    const view = b.live!.views().find((v) => v.name === 's1')!;
    expect(view).toMatchObject({ mode: 'real', host: 'Node test host', ports: [{ hostPort: 8080, containerPort: 3000 }] });
    const url = await until('the preview URL', () => urlOf(b, 's1'));
    // the app listens on a port of its own on the host, and the preview opens it
    expect(await (await fetch(url + '/hello')).text()).toBe('Welcome to the shop! /hello');
    // the app saw its own port 3000 (server.address() is mapped back), and that went to docker logs
    await until('the log line', async () => (await run('docker logs s1')).out.includes('shop listening on port 3000') || undefined);
    const curl = await run('curl localhost:8080/items?id=7');
    expect(curl).toMatchObject({ code: 0, out: ['Welcome to the shop! /items?id=7'] });
    const head = await run('curl -i http://127.0.0.1:8080/');
    expect(head.out[0]).toBe('HTTP/1.1 200 OK');
    expect(head.out.some((l) => /^content-length: 22$/i.test(l))).toBe(true);
    expect((await run('docker ps')).out.join('\n')).toMatch(/Up .*0\.0\.0\.0:8080->3000\/tcp.*s1/);
  });

  it('`docker stop` of node without a SIGTERM handler ends in 137 (PID 1 ignores it) and the process is gone', async () => {
    const { b, run } = await shop();
    await run('docker run -d --name s1 -p 8080:3000 shop');
    const url = await until('the preview URL', () => urlOf(b, 's1'));
    expect((await run('docker stop s1')).out).toEqual(['s1']);
    expect((await run('docker ps -a')).out.join('\n')).toMatch(/Exited \(137\)/);
    await until('the server to close', async () => fetch(url).then(() => undefined, () => true));
    const curl = await run('curl localhost:8080');
    expect(curl).toMatchObject({ code: 7, err: ['curl: (7) Failed to connect to localhost port 8080 after 0 ms: Connection refused'] });
  });

  it('`docker stop` delivers SIGTERM to an app that handles it, waits, and reports its own exit code', async () => {
    const { b, run } = await shop(GRACEFUL);
    await run('docker run -d --name s1 -p 8080:3000 shop');
    await until('the preview URL', () => urlOf(b, 's1'));
    // the preload reports the handler; give it a tick to be read
    await new Promise((r) => setTimeout(r, 400));
    const stop = await run('docker stop s1');
    expect(stop).toMatchObject({ code: 0, out: ['s1'] });
    expect((await run('docker ps -a')).out.join('\n')).toMatch(/Exited \(0\)/);
    expect((await run('docker logs s1')).out).toEqual(['shop listening on port 3000', 'shutting down']);
  });

  it('`docker restart` waits for an app that handles SIGTERM to exit, then starts it again for real', async () => {
    const { b, run, host } = await shop(GRACEFUL);
    await run('docker run -d --name s1 -p 8080:3000 shop');
    await until('the preview URL', () => urlOf(b, 's1'));
    await new Promise((r) => setTimeout(r, 400));
    expect((await run('docker restart s1')).out).toEqual(['s1']);
    expect(b.engine.findContainer('s1')!.state.status).toBe('running');
    await until('the new process to listen', () => urlOf(b, 's1'));
    expect((await run('curl -s localhost:8080/again')).out).toEqual(['Welcome to the shop! /again']);
    expect(host.spawned.filter((s) => s.args[0] === 'server.js')).toHaveLength(2);
    expect((await run('docker logs s1')).out).toEqual(['shop listening on port 3000', 'shutting down', 'shop listening on port 3000']);
  });

  it('`docker kill -s SIGTERM` and SIGKILL follow the same rules', async () => {
    const { b, run } = await shop(GRACEFUL);
    await run('docker run -d --name graceful -p 8080:3000 shop');
    await until('graceful listening', () => urlOf(b, 'graceful'));
    await new Promise((r) => setTimeout(r, 400));
    await run('docker kill -s SIGTERM graceful');
    await until('graceful to exit', () => b.engine.findContainer('graceful')?.state.status === 'exited' || undefined);
    expect(b.engine.findContainer('graceful')!.state.exitCode).toBe(0);
    await run('docker run -d --name killed -p 8081:3000 shop');
    await until('killed listening', () => urlOf(b, 'killed'));
    await run('docker kill killed');
    expect(b.engine.findContainer('killed')!.state).toMatchObject({ status: 'exited', exitCode: 137 });
  });

  it('streams an attached `docker run` to the console and returns the program’s exit code; --rm removes it', async () => {
    const { b, run } = await shop();
    const r = await run(`docker run --rm --name once shop node -e "console.log('hello from node ' + process.version.slice(0, 1)); console.error('to stderr'); process.exit(3)"`);
    expect(r.code).toBe(3);
    expect(r.out).toEqual(['hello from node v']);
    expect(r.err).toEqual(['to stderr']);
    expect(b.engine.findContainer('once')).toBeUndefined();
  });

  it('gives two containers their own port 3000, each published on its own host port', async () => {
    const { b, run } = await shop();
    await run('docker run -d --name one -p 8080:3000 shop');
    await run('docker run -d --name two -p 8081:3000 -e GREETING=x shop');
    await until('both listening', () => (urlOf(b, 'one') && urlOf(b, 'two')) || undefined);
    expect((await run('curl -s localhost:8080/one')).out).toEqual(['Welcome to the shop! /one']);
    expect((await run('curl -s localhost:8081/two')).out).toEqual(['Welcome to the shop! /two']);
    expect(urlOf(b, 'one')).not.toBe(urlOf(b, 'two'));
  });

  it('a crash is the container’s exit: code 1, the stack trace in docker logs, the restart policy applies', async () => {
    const { b, run, host } = await shop("console.log('starting'); throw new Error('boom');\n");
    await run('docker run -d --name crash --restart on-failure:1 shop');
    await until('the crash', () => b.engine.findContainer('crash')?.state.status !== 'running' || undefined);
    const c = b.engine.findContainer('crash')!;
    expect(c.state).toMatchObject({ status: 'restarting', exitCode: 1 });
    expect(c.logs.map((l) => l.text).join('')).toMatch(/starting[\s\S]*Error: boom/);
    expect(host.spawned.filter((s) => s.command === 'node')).toHaveLength(1);
  });

  it('`docker exec` of node runs beside the app in the same folder and reaches it on the container’s own port', async () => {
    const { b, run } = await shop();
    await run('docker run -d --name s1 -p 8080:3000 shop');
    await until('the preview URL', () => urlOf(b, 's1'));
    const r = await run(`docker exec s1 node -e "fetch('http://localhost:3000/from-exec').then(r => r.text()).then(t => { console.log(require('fs').existsSync('server.js'), t); process.exit(4); })"`);
    expect(r, r.err.join("\n")).toMatchObject({ code: 4, out: ['true Welcome to the shop! /from-exec'] });
    // exec output is the caller's, not the container's log
    expect((await run('docker logs s1')).out).toEqual(['shop listening on port 3000']);
    // a program that is not node runs in the model, as before
    expect((await run('docker exec s1 cat server.js')).out[0]).toBe("const http = require('http');");
  });

  it('`docker logs -f` follows what the app prints until it exits; the log keeps whole lines', async () => {
    const ticker = "let n = 0; process.stdout.write('tick'); const t = setInterval(() => { process.stdout.write(' ' + ++n + '\\n'); if (n === 3) { clearInterval(t); process.exit(0); } }, 150);\n";
    const { b, run } = await shop(ticker);
    await run('docker run -d --name ticker shop');
    const r = await run('docker logs -f ticker');
    expect(r.code).toBe(0);
    expect(r.out).toEqual(['tick 1', ' 2', ' 3']);
    expect(b.engine.findContainer('ticker')!.logs.map((l) => l.text)).toEqual(['tick 1\n', ' 2\n', ' 3\n']);
    expect((await run('docker logs ticker')).out).toEqual(['tick 1', ' 2', ' 3']);
  });

  it('`docker pause` freezes the real process (requests wait) and `unpause` lets it answer again', async () => {
    const { b, run } = await shop();
    await run('docker run -d --name s1 -p 8080:3000 shop');
    const url = await until('the preview URL', () => urlOf(b, 's1'));
    expect((await run('docker pause s1')).code).toBe(0);
    await new Promise((r) => setTimeout(r, 300));
    const frozen = await fetch(url, { signal: AbortSignal.timeout(700) }).then(() => 'answered', () => 'no answer');
    expect(frozen).toBe('no answer');
    expect((await run('docker unpause s1')).code).toBe(0);
    expect(await (await fetch(url + '/thawed')).text()).toBe('Welcome to the shop! /thawed');
  });

  it('undo of the run ends the real process', async () => {
    const { b, run } = await shop();
    await run('docker run -d --name s1 -p 8080:3000 shop');
    const url = await until('the preview URL', () => urlOf(b, 's1'));
    expect(b.undo()).toBe(true);
    expect(b.engine.findContainer('s1')).toBeUndefined();
    await until('the server to close', async () => fetch(url).then(() => undefined, () => true));
  });

  it('runs the container’s filesystem: files the Dockerfile wrote, ENV, -e and WORKDIR reach the process', async () => {
    const { run } = await shop();
    const r = await run(`docker run --rm -e WHO=learner shop node -e "const fs=require('fs'); console.log(process.cwd().endsWith('/app'), fs.readdirSync('.').sort().join(','), process.env.WHO, process.env.NODE_VERSION !== undefined)"`);
    expect(r).toMatchObject({ code: 0, out: ['true Dockerfile,server.js learner true'] });
  });
});

describe('the course’s sample app', () => {
  it('runs the shop lesson’s express app: the modelled node_modules are installed for real first, then curl gets its answer', async () => {
    const lesson = 'lessons/01-images-and-containers/04-build-cache-and-layer-order/start/shop';
    const fs = await import('node:fs');
    const { b, run, host } = await shop(fs.readFileSync(`${lesson}/server.js`, 'utf8'));
    b.workspace.write('/workspace/shop/package.json', fs.readFileSync(`${lesson}/package.json`, 'utf8'));
    b.workspace.write('/workspace/shop/Dockerfile', fs.readFileSync(`${lesson}/Dockerfile`, 'utf8'));
    expect((await run('docker build -q -t shop .')).code).toBe(0);
    expect((await run('docker run -d --name shop -p 8080:3000 shop')).code).toBe(0);
    expect(b.live!.views()[0]).toMatchObject({ mode: 'real', reason: expect.stringMatching(/installed them for real/) });
    await until('the shop to listen', () => urlOf(b, 'shop'), 120_000);
    expect(host.spawned.map((s) => s.command)).toEqual(['npm', 'node']);
    expect(await run('curl localhost:8080')).toMatchObject({ code: 0, out: ['Welcome to the shop!'] });
    expect((await run('docker logs shop')).out).toEqual(['shop listening on port 3000']);
  }, 150_000);
});

describe('the first Node app while the host is still starting', () => {
  /** A connector that settles when `go` is called: with the host, or with an error. */
  function gate(host: NodeHost) {
    let go!: (how: 'up' | Error) => void;
    const ready = new Promise<'up' | Error>((r) => (go = r));
    return { go, connect: async () => { const how = await ready; if (how instanceof Error) throw how; return host; } };
  }

  it('claims a detached run at once (no command waits for the boot) and runs it for real once the host is up', async () => {
    const host = nodeHost();
    hosts.push(host);
    const g = gate(host);
    const { b, run } = await shop(SERVER, g.connect);
    expect((await run('docker run -d --name s1 -p 8080:3000 shop')).code).toBe(0);
    expect(b.live!.views()[0]).toMatchObject({ name: 's1', mode: 'starting' });
    g.go('up');
    await until('the preview URL', () => urlOf(b, 's1'));
    expect(b.live!.views()[0]).toMatchObject({ mode: 'real' });
    expect((await run('curl -s localhost:8080')).out).toEqual(['Welcome to the shop! /']);
  });

  it('runs a claimed container in the model when the host cannot start, and an attached console hears why', async () => {
    const host = nodeHost();
    hosts.push(host);
    const g = gate(host);
    const { b, run } = await shop(SERVER, g.connect);
    setTimeout(() => g.go(new Error('WebContainer did not start within 15 s (is stackblitz.com reachable from here?).')), 500);
    const r = await run('docker run --name once shop node -e "console.log(1)"');
    expect(r.err[0]).toBe('layerlab: starting WebContainer to run this Node app for real…');
    expect(r.err[1]).toBe('layerlab: the process runs simulated: WebContainer did not start within 15 s (is stackblitz.com reachable from here?).');
    // what the model does with `node -e` when nothing runs it for real: the same as without a runtime
    const plain = new SimBackend();
    plain.workspace.write('/workspace/shop/Dockerfile', DOCKERFILE);
    plain.workspace.write('/workspace/shop/server.js', SERVER);
    await plain.run('cd shop && docker build -q -t shop .', capture().io);
    const model = capture();
    const modelCode = await plain.run('docker run --name once shop node -e "console.log(1)"', model.io);
    expect(r.code).toBe(modelCode);
    expect(r.err.slice(2)).toEqual(model.err);
    const modelState = plain.engine.findContainer('once')!.state;
    expect(b.engine.findContainer('once')!.state).toMatchObject({ status: modelState.status, exitCode: modelState.exitCode });
    expect(b.live!.views().map((v) => v.mode)).toEqual(modelState.status === 'running' ? ['simulated'] : []);
    expect(host.spawned).toHaveLength(0);
  });

  it('does not start a container removed while the host was starting', async () => {
    const host = nodeHost();
    hosts.push(host);
    const g = gate(host);
    const { b, run } = await shop(SERVER, g.connect);
    await run('docker run -d --name s1 shop');
    await run('docker rm -f s1');
    g.go('up');
    await until('the host to be up', () => b.live!.status.kind === 'ready' || undefined);
    await new Promise((r) => setTimeout(r, 200));
    expect(host.spawned).toHaveLength(0);
  });
});

describe('a host that ignores the preload', () => {
  it('still previews and curls the app from the host’s own port events (the app then listens on its unmapped port)', async () => {
    const inner = nodeHost();
    hosts.push(inner);
    const net = await import('node:net');
    let portOpen: ((port: number) => void) | undefined;
    // like a runtime without NODE_OPTIONS support: no preload, but it reports ports itself
    const host: NodeHost = {
      ...inner,
      spawn: (command, args, opts) => {
        const env = { ...opts.env };
        delete env.NODE_OPTIONS;
        return inner.spawn(command, args, { ...opts, env });
      },
      onPortOpen: (cb) => (portOpen = cb),
    };
    const server = SERVER.replace(/3000/g, '3217');
    const { b, run } = await shop(server, async () => host);
    const watch = setInterval(() => {
      const s = net.connect(3217, '127.0.0.1', () => (s.destroy(), portOpen?.(3217)));
      s.on('error', () => {});
    }, 100);
    try {
      await run('docker run -d --name s1 -p 8080:3217 shop');
      const url = await until('the preview URL', () => urlOf(b, 's1'));
      expect(url).toBe('http://127.0.0.1:3217');
      expect((await run('curl -s localhost:8080/plain')).out).toEqual(['Welcome to the shop! /plain']);
    } finally {
      clearInterval(watch);
    }
  });
});

describe('falling back to the simulated process', () => {
  it('runs simulated with the reason when the runtime cannot connect, and curl says why nothing answers', async () => {
    const { b, run } = await shop(SERVER, async () => {
      throw new Error('WebContainer needs the internet, and this page is offline.');
    });
    expect((await run('docker run -d --name s1 -p 8080:3000 shop')).code).toBe(0);
    expect(b.live!.status).toEqual({ kind: 'unavailable', reason: 'WebContainer needs the internet, and this page is offline.' });
    expect(b.live!.views()).toEqual([{ containerId: expect.any(String), name: 's1', mode: 'simulated', reason: 'WebContainer needs the internet, and this page is offline.', ports: [{ hostPort: 8080, containerPort: 3000 }] }]);
    expect((await run('docker ps')).out.join('\n')).toMatch(/Up .*s1/);
    const curl = await run('curl localhost:8080');
    expect(curl.code).toBe(7);
    expect(curl.err).toEqual(['layerlab: s1 runs as a simulated process, which serves nothing here: WebContainer needs the internet, and this page is offline.', 'curl: (7) Failed to connect to localhost port 8080 after 0 ms: Connection refused']);
  });

  it('keeps a program that is not node simulated, with the decision’s reason, while node apps run live', async () => {
    const { b, run, host } = await shop();
    await run('docker run -d --name idle shop sleep 600');
    expect(b.live!.views()).toMatchObject([{ name: 'idle', mode: 'simulated', reason: 'The command starts `sleep`, not node or npm, so it runs simulated.' }]);
    expect(host.spawned).toHaveLength(0);
  });

  it('tries again after a passing failure (the page’s server was away when the chunk loaded)', async () => {
    const host = nodeHost();
    hosts.push(host);
    const { TransientError } = await import('../../src/backends/webcontainer/host.js');
    let calls = 0;
    const { b, run } = await shop(SERVER, async () => {
      if (++calls === 1) throw new TransientError('The WebContainer module could not be loaded from this page’s server.');
      return host;
    });
    await run('docker run -d --name first shop');
    await until('the first to fall back', () => b.live!.views().find((v) => v.name === 'first')?.mode === 'simulated' || undefined);
    expect(b.live!.views()[0]!.reason).toBe('The WebContainer module could not be loaded from this page’s server.');
    await run('docker run -d --name second -p 8080:3000 shop');
    await until('the second to listen', () => urlOf(b, 'second'));
    expect(calls).toBe(2);
  });

  it('connects once per page: later runs reuse the host', async () => {
    let connects = 0;
    const host = nodeHost();
    hosts.push(host);
    const { run } = await shop(SERVER, async () => (connects++, host));
    await run('docker run --rm shop node -e "1"');
    await run('docker run --rm shop node -e "2"');
    expect(connects).toBe(1);
  });
});
