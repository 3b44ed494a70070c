import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import type { WorkspaceAccess } from '../../backends/backend.js';
import { SimBackend } from '../../backends/sim.js';
import { runUpload, type Picked } from './transfer.js';

const text = (s: string) => new TextEncoder().encode(s);

/** The simulator's real workspace; `files` lists what the test added (the starter files left out). */
function memoryWorkspace(): WorkspaceAccess & { readonly files: Map<string, Uint8Array>; backend: SimBackend } {
  const backend = new SimBackend();
  const ws = backend.workspace;
  const starter = new Set(ws.list().map((e) => e.path));
  return Object.defineProperties(Object.create(ws) as WorkspaceAccess & { files: Map<string, Uint8Array>; backend: SimBackend }, {
    backend: { value: backend },
    files: { get: () => new Map(ws.list().filter((e) => e.type === 'file' && !starter.has(e.path)).map((e) => [e.path, ws.readBytes(e.path)!])) },
  });
}

const pick = (relativePath: string, content: string): Picked => ({ relativePath, size: content.length, read: async () => text(content) });

describe('runUpload', () => {
  it('writes accepted files and reports skipped ones in one message', async () => {
    const ws = memoryWorkspace();
    const out = await runUpload(ws, '/workspace/app', [pick('server.js', 'x'), pick('../up.txt', 'y')]);
    expect([...ws.files.keys()]).toEqual(['/workspace/app/server.js']);
    expect(out).toMatchObject({ written: ['/workspace/app/server.js'], failed: false });
    expect(out.message).toBe('Uploaded 1 file to app/. Skipped ../up.txt: its path uses “..” to leave the folder it is uploaded to.');
  });

  it('unpacks a picked zip when asked, and keeps it as a file otherwise', async () => {
    const zip = zipSync({ 'a.txt': text('a'), 'b/c.txt': text('c') });
    const asZip: Picked = { relativePath: 'bundle.zip', size: zip.length, read: async () => zip };
    const ws = memoryWorkspace();
    const out = await runUpload(ws, '/workspace', [asZip], { unpackZips: true });
    expect([...ws.files.keys()].sort()).toEqual(['/workspace/bundle/a.txt', '/workspace/bundle/b/c.txt']);
    expect(out.message).toBe('Unpacked bundle.zip. Uploaded 2 files to the workspace.');
    const kept = memoryWorkspace();
    await runUpload(kept, '/workspace', [asZip]);
    expect([...kept.files.keys()]).toEqual(['/workspace/bundle.zip']);
  });

  it('turns a broken zip and an unreadable file into messages, never an exception', async () => {
    const ws = memoryWorkspace();
    const broken: Picked = { relativePath: 'bad.zip', size: 4, read: async () => text('nope') };
    const unreadable: Picked = { relativePath: 'gone.txt', size: 1, read: () => Promise.reject(new Error('NotFoundError')) };
    const out = await runUpload(ws, '/workspace', [broken, unreadable], { unpackZips: true });
    expect(out.failed).toBe(true);
    expect(out.written).toEqual([]);
    expect(out.message).toMatch(/^Skipped 2 files — bad\.zip: bad\.zip could not be unpacked: it is not a zip file, or it is damaged .*; gone\.txt: it could not be read \(NotFoundError\)\.$/);
  });
});

describe('runUpload and undo', () => {
  it('writes an upload of many files as one undo step', async () => {
    const ws = memoryWorkspace();
    await runUpload(ws, '/workspace/app', [pick('a.txt', 'a'), pick('b/c.txt', 'c'), pick('d.txt', 'd')]);
    expect(ws.files.size).toBe(3);
    expect(ws.backend.undo()).toBe(true);
    expect(ws.files.size).toBe(0);
    expect(ws.backend.canUndo).toBe(false);
  });
});

