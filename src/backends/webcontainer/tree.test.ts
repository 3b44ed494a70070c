import { describe, expect, it } from 'vitest';
import { dockerSession } from '../../cli/commands/container-testing.js';
import { openContainer } from '../../engine/container/rootfs.js';
import { fromUtf8 } from '../../engine/hash.js';
import { containerTree, type FileSystemTree } from './tree.js';

/** Builds `dockerfile` on node:20-alpine, runs `run` (flags, image, command) to completion, and returns the session and its container. */
function container(dockerfile: string, run: string, files: Record<string, string | Uint8Array> = {}) {
  const s = dockerSession();
  s.ws.write('/w/ctx/Dockerfile', 'FROM node:20-alpine\n' + dockerfile + '\n');
  for (const [name, content] of Object.entries(files)) s.ws.write(`/w/ctx/${name}`, content);
  const b = s.docker('build -q -t app ctx');
  expect(b.code, b.err.join('\n')).toBe(0);
  const r = s.docker(`run --name app1 ${run}`);
  expect(r.code, r.err.join('\n')).toBe(0);
  const c = s.engine.findContainer('app1')!;
  return { s, c, view: openContainer(s.engine, c) };
}

const text = (tree: FileSystemTree, ...path: string[]): string | undefined => {
  let node: FileSystemTree[string] | undefined = { directory: tree };
  for (const name of path) node = node && 'directory' in node ? node.directory[name] : undefined;
  return node && 'file' in node && 'contents' in node.file ? (typeof node.file.contents === 'string' ? node.file.contents : fromUtf8(node.file.contents)) : undefined;
};

const APP = { 'package.json': '{"name":"app"}', 'server.js': 'console.log("up")\n', 'old.js': 'gone\n' };

describe('the container’s file tree for WebContainer', () => {
  it('leaves out a file a later layer deleted (whiteout)', () => {
    const { view } = container('WORKDIR /app\nCOPY . .\nRUN rm old.js', 'app true', APP);
    const { tree } = containerTree(view.fs, '/app');
    expect(Object.keys(tree).sort()).toEqual(['Dockerfile', 'package.json', 'server.js']);
    expect(text(tree, 'server.js')).toBe('console.log("up")\n');
  });

  it('hides what lower layers had under an opaque directory', () => {
    const { s, view } = container('WORKDIR /app\nRUN mkdir static && echo a > static/a.txt\nRUN rm -rf static && mkdir static && echo b > static/b.txt', 'app true');
    // the re-created directory is opaque in the last layer, as overlayfs makes it
    const layers = s.engine.store.layersOf(s.engine.store.find('app')!);
    expect(layers.some((l) => { const e = l.entries.get('/app/static'); return e?.type === 'dir' && e.opaque === true; })).toBe(true);
    const { tree } = containerTree(view.fs, '/app');
    expect(tree.static).toEqual({ directory: { 'b.txt': { file: { contents: expect.any(Uint8Array) } } } });
    expect(text(tree, 'static', 'b.txt')).toBe('b\n');
  });

  it('puts the container’s writable layer on top: its writes and deletions win', () => {
    const { c, view } = container('WORKDIR /app\nCOPY . .', 'app sh -c "echo later > server.js && echo new > new.txt && rm package.json"', APP);
    expect(c.upper.isEmpty).toBe(false);
    const { tree } = containerTree(view.fs, '/app');
    expect(text(tree, 'server.js')).toBe('later\n');
    expect(text(tree, 'new.txt')).toBe('new\n');
    expect(tree['package.json']).toBeUndefined();
  });

  it('keeps symlinks as links with their own target', () => {
    const { view } = container('WORKDIR /app\nCOPY . .\nRUN ln -s server.js main.js && ln -s /etc/hostname host', 'app true', APP);
    const { tree } = containerTree(view.fs, '/app');
    expect(tree['main.js']).toEqual({ file: { symlink: 'server.js' } });
    expect(tree.host).toEqual({ file: { symlink: '/etc/hostname' } });
  });

  it('carries binary content byte for byte', () => {
    const bytes = new Uint8Array([0, 1, 2, 0xff, 0xfe, 0x80, 10]);
    const { view } = container('WORKDIR /app\nCOPY logo.bin .', 'app true', { 'logo.bin': bytes });
    expect(containerTree(view.fs, '/app').tree['logo.bin']).toEqual({ file: { contents: bytes } });
  });

  it('lists modelled (synthetic) files instead of mounting made-up bytes', () => {
    const { view } = container('', 'app true');
    const { tree, synthetic } = containerTree(view.fs, '/usr/local/bin');
    expect(synthetic).toContain('/usr/local/bin/node');
    expect(tree.node).toBeUndefined();
    expect(tree.npm).toEqual({ file: { symlink: expect.stringContaining('npm-cli.js') } });
  });

  it('shows volumes mounted in the container', () => {
    const { view } = container('WORKDIR /app\nCOPY . .', '-v data:/app/data app sh -c "echo kept > data/x.txt"', APP);
    expect(text(containerTree(view.fs, '/app').tree, 'data', 'x.txt')).toBe('kept\n');
  });

  it('skips kernel views from the root and any directory it is told to skip', () => {
    const { view } = container('WORKDIR /app\nCOPY . .', 'app true', APP);
    const all = containerTree(view.fs, '/');
    expect(all.tree.proc).toBeUndefined();
    expect(all.tree.sys).toBeUndefined();
    expect(all.skipped).toEqual(expect.arrayContaining(['/proc', '/sys', '/dev']));
    expect(text(all.tree, 'etc', 'hostname')).toMatch(/^[0-9a-f]{12}\n$/);
    const some = containerTree(view.fs, '/', ['/usr', '/proc', '/sys', '/dev', '/lib']);
    expect(some.tree.usr).toBeUndefined();
    expect(text(some.tree, 'app', 'server.js')).toBe('console.log("up")\n');
  });

  it('gives an empty tree for a root that is not a directory', () => {
    const { view } = container('', 'app true');
    expect(containerTree(view.fs, '/nowhere')).toEqual({ tree: {}, synthetic: [], skipped: [] });
  });
});
