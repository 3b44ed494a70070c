import { unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import type { WorkspaceEntry } from '../../backends/backend.js';
import { unzipUpload, zipFolder } from './zip.js';

const text = (s: string) => new TextEncoder().encode(s);

/** A workspace listing and contents, like WorkspaceAccess gives them. */
function fakeWorkspace(files: Record<string, string>, extra: WorkspaceEntry[] = []) {
  const entries: WorkspaceEntry[] = [...extra];
  for (const [path, content] of Object.entries(files)) {
    const parts = path.split('/');
    for (let i = 3; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      if (!entries.some((x) => x.path === dir)) entries.push({ path: dir, type: 'dir', size: 0, mtime: 1_700_000_000 });
    }
    entries.push({ path, type: 'file', size: content.length, mtime: 1_700_000_000 });
  }
  entries.sort((a, b) => (a.path < b.path ? -1 : 1));
  return {
    list: (p = '/workspace') => entries.filter((x) => x.path.startsWith(p + '/')),
    readBytes: (p: string) => (p in files ? text(files[p]) : null),
  };
}

/** The central directory's external attributes per name (fflate's unzip does not expose them). */
function externalAttrs(zip: Uint8Array): Record<string, number> {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const out: Record<string, number> = {};
  for (let i = 0; i < zip.length - 46; i++) {
    if (view.getUint32(i, true) !== 0x02014b50) continue;
    const nameLen = view.getUint16(i + 28, true);
    out[new TextDecoder().decode(zip.subarray(i + 46, i + 46 + nameLen))] = view.getUint32(i + 38, true);
  }
  return out;
}

const ws = fakeWorkspace({
  '/workspace/app/Dockerfile': 'FROM node:20-alpine\n',
  '/workspace/app/run.sh': '#!/bin/sh\necho hi\n',
  '/workspace/app/src/index.js': 'console.log(1)\n',
  '/workspace/notes.txt': 'note\n',
}, [{ path: '/workspace/app/empty', type: 'dir', size: 0, mtime: 0 }, { path: '/workspace/app/link', type: 'symlink', size: 0, mtime: 0 }]);

describe('zipFolder', () => {
  it('zips a folder with names relative to it, empty folders included', () => {
    const z = zipFolder(ws, '/workspace/app');
    const back = unzipSync(z.bytes);
    expect(Object.keys(back).sort()).toEqual(['Dockerfile', 'empty/', 'run.sh', 'src/', 'src/index.js']);
    expect(new TextDecoder().decode(back['src/index.js'])).toBe('console.log(1)\n');
    expect(z).toMatchObject({ files: 3, folders: 2, skipped: ['link'] });
  });

  it('zips the whole workspace from its root', () => {
    const back = unzipSync(zipFolder(ws, '/workspace').bytes);
    expect(Object.keys(back)).toContain('notes.txt');
    expect(Object.keys(back)).toContain('app/src/index.js');
  });

  it('records Unix modes: 0644 files, 0755 scripts and folders', () => {
    const attrs = externalAttrs(zipFolder(ws, '/workspace/app').bytes);
    expect((attrs['Dockerfile'] >>> 16).toString(8)).toBe('100644');
    expect((attrs['run.sh'] >>> 16).toString(8)).toBe('100755');
    expect((attrs['src/'] >>> 16).toString(8)).toBe('40755');
  });

  it('clamps mtimes a zip cannot hold instead of failing', () => {
    // the folder's mtime is 0 (1970): zip dates start in 1980
    expect(() => zipFolder(ws, '/workspace/app')).not.toThrow();
  });
});

describe('unzipUpload', () => {
  it('keeps paths when everything sits in one top folder', () => {
    const zip = zipSync({ 'site/index.html': text('<h1>hi</h1>'), 'site/css/': {}, 'site/css/a.css': text('a{}') });
    const { files, skipped } = unzipUpload('whatever.zip', zip);
    expect(files.map((f) => f.relativePath).sort()).toEqual(['site/css/a.css', 'site/index.html']);
    expect(skipped).toEqual([]);
  });

  it('puts loose files in a folder named after the zip', () => {
    const { files } = unzipUpload('site.zip', zipSync({ 'index.html': text('x'), 'css/a.css': text('y') }));
    expect(files.map((f) => f.relativePath).sort()).toEqual(['site/css/a.css', 'site/index.html']);
    expect(files.find((f) => f.relativePath === 'site/index.html')?.size).toBe(1);
  });

  it('skips entries over the size limit before unpacking them', () => {
    const { files, skipped } = unzipUpload('a.zip', zipSync({ 'big.bin': new Uint8Array(2000), 'small.txt': text('ok') }), { maxFileBytes: 1000, maxTotalBytes: 10_000, maxFiles: 10 });
    expect(files.map((f) => f.relativePath)).toEqual(['a/small.txt']);
    expect(skipped).toEqual([{ name: 'big.bin', reason: 'it is 2kB; files over 1kB are left out' }]);
  });

  it('explains a file that is not a zip', () => {
    expect(() => unzipUpload('notes.zip', text('just text'))).toThrow(/notes\.zip could not be unpacked: it is not a zip file, or it is damaged/);
  });

  it('round-trips a workspace folder', () => {
    const { files } = unzipUpload('app.zip', zipFolder(ws, '/workspace/app').bytes);
    expect(files.map((f) => f.relativePath).sort()).toEqual(['app/Dockerfile', 'app/run.sh', 'app/src/index.js']);
  });
});
