import { describe, expect, it } from 'vitest';
import { SimBackend } from './sim.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  const requests: unknown[] = [];
  return { out, err, requests, io: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t), request: (r: unknown) => requests.push(r) } };
}

describe('SimBackend', () => {
  it('builds the hello example and runs it, printing its output', async () => {
    const b = new SimBackend();
    const c = capture();
    expect(await b.run('cd hello && docker build -t hello .', c.io)).toBe(0);
    const r = capture();
    expect(await b.run('docker run --rm hello', r.io)).toBe(0);
    expect(r.out).toContain('Hello from Layerlab!');
  });

  it('builds the node app from the starter workspace', async () => {
    const b = new SimBackend();
    const c = capture();
    const code = await b.run('cd app && docker build -t app .', c.io);
    expect(c.err.join('\n')).not.toMatch(/internal error/);
    expect(code).toBe(0);
    expect([...b.engine.store.tags.keys()]).toContain('app:latest');
    const r = capture();
    await b.run('docker run --rm app', r.io);
    expect(r.err.join('\n')).not.toMatch(/internal error/);
  });

  it('labels itself Simulated', () => {
    expect(new SimBackend().label).toBe('Simulated');
  });

  it('undo after a build removes the image and redo brings it back', async () => {
    const b = new SimBackend();
    await b.run('docker build -t hi hello', capture().io);
    expect(b.engine.store.tags.has('hi:latest')).toBe(true);
    expect(b.undo()).toBe(true);
    expect(b.engine.store.tags.has('hi:latest')).toBe(false);
    expect(b.redo()).toBe(true);
    expect(b.engine.store.tags.has('hi:latest')).toBe(true);
  });

  it('undo through the console restores a removed file', async () => {
    const b = new SimBackend();
    await b.run('rm hello/hello.txt', capture().io);
    expect(b.workspace.read('/workspace/hello/hello.txt')).toBeNull();
    expect(await b.run('undo', capture().io)).toBe(0);
    expect(b.workspace.read('/workspace/hello/hello.txt')).toBe('Hello from Layerlab!\n');
  });

  it('does not record read-only commands as undo steps', async () => {
    const b = new SimBackend();
    await b.run('ls && pwd && docker images', capture().io);
    expect(b.canUndo).toBe(false);
  });

  it('round-trips the whole backend through snapshot and restore', async () => {
    const b = new SimBackend();
    await b.run('docker build -t hi hello && echo note > notes.txt && cd hello', capture().io);
    const snap = JSON.parse(JSON.stringify(b.snapshot()));
    const fresh = new SimBackend();
    fresh.restore(snap);
    expect(fresh.ws.cwd).toBe('/workspace/hello');
    expect(fresh.workspace.read('/workspace/notes.txt')).toBe('note\n');
    expect(fresh.engine.store.tags.has('hi:latest')).toBe(true);
    expect(JSON.stringify(fresh.snapshot())).toBe(JSON.stringify(snap));
  });

  it('expands variables and passes prefix assignments to docker', async () => {
    const b = new SimBackend();
    const c = capture();
    await b.run('NAME=world; echo "hi $NAME" ${HOME} $PWD', c.io);
    expect(c.out).toEqual(['hi world /workspace /workspace']);
    const d = capture();
    expect(await b.run("echo '$NAME'", d.io)).toBe(0);
    expect(d.out).toEqual(['$NAME']);
  });

  it('skips the rest of an && sequence after a failure', async () => {
    const b = new SimBackend();
    const c = capture();
    expect(await b.run('cd nowhere && echo reached', c.io)).toBe(1);
    expect(c.out).toEqual([]);
    expect(c.err).toEqual(['bash: cd: nowhere: No such file or directory']);
    const d = capture();
    await b.run('cd nowhere; echo reached', d.io);
    expect(d.out).toEqual(['reached']);
  });

  it('prints a bash error for an unclosed quote', async () => {
    const c = capture();
    expect(await new SimBackend().run("echo 'oops", c.io)).toBe(2);
    expect(c.err[0]).toMatch(/unexpected EOF while looking for matching `'/);
  });

  it('stops a sequence when the signal is aborted', async () => {
    const b = new SimBackend();
    const ctl = new AbortController();
    const c = capture();
    const io = { ...c.io, stdout: (t: string) => { c.out.push(t); ctl.abort(); } };
    expect(await b.run('echo one && echo two', io, ctl.signal)).toBe(130);
    expect(c.out).toEqual(['one']);
  });

  it('passes edit and clear requests to the UI', async () => {
    const b = new SimBackend();
    const c = capture();
    await b.run('edit app/Dockerfile; clear', c.io);
    expect(c.requests).toEqual([{ edit: '/workspace/app/Dockerfile' }, { clear: true }]);
  });

  it('reset asks first, then restores the starter world', async () => {
    const b = new SimBackend();
    await b.run('docker build -t hi hello && rm -r app', capture().io);
    const ask = capture();
    await b.run('reset', ask.io);
    expect(ask.out).toEqual(["This clears every image, container and file change. Type 'reset --yes' to confirm."]);
    expect(b.engine.store.tags.has('hi:latest')).toBe(true);
    await b.run('reset --yes', capture().io);
    expect(b.engine.store.tags.has('hi:latest')).toBe(false);
    expect(b.workspace.read('/workspace/app/Dockerfile')).toContain('node:20-alpine');
  });

  it('uses the classic builder when the settings say so', async () => {
    const b = new SimBackend({ settings: { builder: 'classic' } });
    const c = capture();
    await b.run('docker build -t hi hello', c.io);
    expect(c.out.join('\n')).toMatch(/Step 1\/3/);
  });

  it('emits workspace.changed when the editor writes a file', () => {
    const b = new SimBackend();
    const seen: string[] = [];
    b.onEvent((e) => seen.push(e.type));
    b.workspace.write('/workspace/app/app.js', 'console.log(1)\n');
    expect(seen).toContain('workspace.changed');
    expect(b.workspace.list('/workspace/app').map((e) => e.path)).toContain('/workspace/app/app.js');
  });
});

describe('pull and push on a terminal', () => {
  function tty() {
    const t = { columns: 80, text: '', write: (s: string) => (t.text += s) };
    return t;
  }

  it('draws the layers in place, then applies the pull and its events', async () => {
    const b = new SimBackend();
    const seen: string[] = [];
    b.onEvent((e) => seen.push(e.type));
    const t = tty();
    const plain: string[] = [];
    const code = await b.run('docker pull alpine:3.19', { stdout: (l) => plain.push(l), stderr: (l) => plain.push(l), tty: t });
    expect(code).toBe(0);
    expect(t.text).toMatch(/: Downloading +[\d.]+[kM]B\/[\d.]+[kM]B/);
    expect(t.text).toContain('Pull complete');
    expect(plain).toContain('Status: Downloaded newer image for alpine:3.19');
    expect(seen).toContain('pull.done');
    expect(b.engine.store.find('alpine:3.19')).toBeTruthy();
  });

  it('Ctrl-C part-way leaves no image, no events and exit code 130; undo has nothing to take back', async () => {
    const b = new SimBackend();
    const seen: string[] = [];
    b.onEvent((e) => seen.push(e.type));
    const ac = new AbortController();
    const t = tty();
    const running = b.run('docker pull node:20', { stdout: () => {}, stderr: () => {}, tty: t }, ac.signal);
    await new Promise((r) => setTimeout(r, 250));
    ac.abort();
    expect(await running).toBe(130);
    expect(t.text).toContain('Downloading');
    expect(t.text).not.toContain('Status: Downloaded');
    expect(seen.filter((e) => e.startsWith('pull'))).toEqual([]);
    expect(b.engine.store.find('node:20')).toBeFalsy();
    expect(b.canUndo).toBe(false);
  });

  it('prints the plain lines at once without a terminal (the runner and tests see docker non-TTY output)', async () => {
    const b = new SimBackend();
    const plain: string[] = [];
    await b.run('docker pull alpine:3.19', { stdout: (l) => plain.push(l), stderr: (l) => plain.push(l) });
    expect(plain.some((l) => l.endsWith(': Pulling fs layer'))).toBe(true);
  });
});

describe('command substitution', () => {
  const collect = () => {
    const lines: string[] = [];
    return { lines, out: { stdout: (l: string) => lines.push(l), stderr: (l: string) => lines.push(`ERR ${l}`) } };
  };

  it('runs $(...) and splits its output into words, as bash does', async () => {
    const b = new SimBackend();
    await b.run('docker create --name one oracle-base:local true', collect().out);
    await b.run('docker create --name two oracle-base:local true', collect().out);
    const c = collect();
    expect(await b.run('docker rm $(docker ps -aq)', c.out)).toBe(0);
    expect(c.lines).toHaveLength(2);
    expect(b.world().containers).toEqual([]);
  });

  it('keeps quoted output as one word, nests, and runs in a subshell (cd does not leak)', async () => {
    const b = new SimBackend();
    const c = collect();
    await b.run('echo "[$(cd hello && pwd)]" $(echo $(echo deep))', c.out);
    expect(c.lines).toEqual(['[/workspace/hello] deep']);
    expect(b.workspace.cwd).toBe('/workspace');
  });

  it('gives a digest to docker run (the registry lesson pins by digest)', async () => {
    const b = new SimBackend();
    await b.run('cd hello && docker build -t localhost:5000/h:1 . && docker push localhost:5000/h:1', collect().out);
    const c = collect();
    const code = await b.run("docker run --name pinned $(docker inspect -f '{{index .RepoDigests 0}}' localhost:5000/h:1)", c.out);
    expect(c.lines).toEqual(['Hello from Layerlab!']);
    expect(code).toBe(0);
    expect(b.world().containers[0]!.image).toMatch(/^localhost:5000\/h@sha256:[0-9a-f]{64}$/);
  });

  it('an unclosed $( is a bash syntax error, not a crash', async () => {
    const b = new SimBackend();
    const c = collect();
    expect(await b.run('echo $(echo hi', c.out)).toBe(2);
    expect(c.lines).toEqual(["ERR bash: unexpected EOF while looking for matching `)'"]);
  });
});
