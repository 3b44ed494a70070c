import { describe, expect, it } from 'vitest';
import { SimBackend } from '../backends/sim.js';

async function sh(b: SimBackend, line: string) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await b.run(line, { stdout: (t) => out.push(t), stderr: (t) => err.push(t) });
  return { code, out, err };
}

describe('workspace commands', () => {
  it('writes with echo > and reads back with cat', async () => {
    const b = new SimBackend();
    expect(await sh(b, 'echo x > f && cat f')).toEqual({ code: 0, out: ['x'], err: [] });
  });

  it('appends with >> and honours echo -n', async () => {
    const b = new SimBackend();
    await sh(b, 'echo -n a > f; echo b >> f; echo c >>f');
    expect(b.workspace.read('/workspace/f')).toBe('ab\nc\n');
  });

  it('redirects docker output into a file', async () => {
    const b = new SimBackend();
    await sh(b, 'docker images > images.txt');
    expect(b.workspace.read('/workspace/images.txt')).toMatch(/^REPOSITORY/);
  });

  it('lists a folder, hiding dotfiles unless -a', async () => {
    const b = new SimBackend();
    expect((await sh(b, 'ls app')).out).toEqual(['app.js  Dockerfile  package.json']);
    expect((await sh(b, 'ls -a app')).out).toEqual(['.  ..  app.js  Dockerfile  .dockerignore  package.json']);
  });

  it('prints ls -l lines with mode, size and name', async () => {
    const r = await sh(new SimBackend(), 'ls -l hello');
    expect(r.out[0]).toMatch(/^total \d+$/);
    expect(r.out[1]).toMatch(/^-rw-r--r-- 1 learner learner +\d+ \w{3} +\d+ \d\d:\d\d Dockerfile$/);
  });

  it('reports a missing path to ls like GNU ls, exit 2', async () => {
    expect(await sh(new SimBackend(), 'ls nope')).toEqual({ code: 2, out: [], err: ["ls: cannot access 'nope': No such file or directory"] });
  });

  it('cd - goes back and prints the directory', async () => {
    const b = new SimBackend();
    await sh(b, 'cd app');
    expect((await sh(b, 'pwd')).out).toEqual(['/workspace/app']);
    expect((await sh(b, 'cd -')).out).toEqual(['/workspace']);
    await sh(b, 'cd');
    expect(b.ws.cwd).toBe('/workspace');
  });

  it('refuses cd into a file', async () => {
    expect((await sh(new SimBackend(), 'cd app/app.js')).err).toEqual(['bash: cd: app/app.js: Not a directory']);
  });

  it('cat reports missing files and folders', async () => {
    const r = await sh(new SimBackend(), 'cat nope app');
    expect(r.code).toBe(1);
    expect(r.err).toEqual(['cat: nope: No such file or directory', 'cat: app: Is a directory']);
  });

  it('mkdir needs -p for missing parents and complains about existing ones', async () => {
    const b = new SimBackend();
    expect((await sh(b, 'mkdir a/b')).err).toEqual(["mkdir: cannot create directory 'a/b': No such file or directory"]);
    expect((await sh(b, 'mkdir -p a/b')).code).toBe(0);
    expect((await sh(b, 'mkdir a')).err).toEqual(["mkdir: cannot create directory 'a': File exists"]);
  });

  it('rm needs -r for folders and -f silences missing files', async () => {
    const b = new SimBackend();
    expect((await sh(b, 'rm app')).err).toEqual(["rm: cannot remove 'app': Is a directory"]);
    expect(await sh(b, 'rm -f nope')).toEqual({ code: 0, out: [], err: [] });
    expect((await sh(b, 'rm -rf app')).code).toBe(0);
    expect(b.workspace.read('/workspace/app/Dockerfile')).toBeNull();
  });

  it('touch creates an empty file', async () => {
    const b = new SimBackend();
    await sh(b, 'touch new.txt');
    expect(b.workspace.read('/workspace/new.txt')).toBe('');
  });

  it('history numbers the lines typed', async () => {
    const b = new SimBackend();
    await sh(b, 'pwd');
    expect((await sh(b, 'history')).out).toEqual(['    1  pwd', '    2  history']);
  });

  it('help lists docker and workspace commands', async () => {
    const out = (await sh(new SimBackend(), 'help')).out.join('\n');
    expect(out).toMatch(/docker build/);
    expect(out).toMatch(/edit FILE/);
  });

  it('an unknown command is not found, exit 127', async () => {
    expect(await sh(new SimBackend(), 'foo bar')).toEqual({ code: 127, out: [], err: ['bash: foo: command not found'] });
  });

  it('undo with nothing to undo fails', async () => {
    expect((await sh(new SimBackend(), 'undo')).err).toEqual(['undo: nothing to undo']);
  });
});
