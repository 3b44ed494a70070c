import { describe, expect, it } from 'vitest';
import { decodeShare, encodeShare } from '../persistence/share.js';
import { replayShare, replayable, sharePayload } from './share-replay.js';
import { SimBackend } from './sim.js';

const quiet = { stdout: () => {}, stderr: () => {} };

describe('share links on a backend', () => {
  it('carries the text files and history, and a fresh world replays them to the same images and files', async () => {
    const a = new SimBackend();
    await a.run('cd hello', quiet);
    a.workspace.write('/workspace/hello/hello.txt', 'shared text\n');
    await a.run('docker build -t hello .', quiet);
    await a.run('echo extra > note.txt', quiet);
    const { payload, skipped } = sharePayload(a);
    expect(skipped).toEqual([]);
    expect(payload.files['hello/note.txt']).toBe('extra\n');
    const decoded = decodeShare(encodeShare(payload));

    const b = new SimBackend();
    const echoed: string[] = [];
    const ran = await replayShare(b, decoded, quiet, (l) => echoed.push(l));
    expect(ran).toEqual(['cd hello', 'docker build -t hello .']);
    expect(echoed).toEqual(ran);
    expect(b.world().images.map((i) => i.tags)).toEqual(a.world().images.map((i) => i.tags));
    expect(b.world().images[0]!.id).toBe(a.world().images[0]!.id);
    const files = (x: SimBackend) => x.workspace.list().filter((e) => e.type === 'file').map((e) => [e.path, x.workspace.read(e.path)]);
    expect(files(b)).toEqual(files(a));
    expect(b.history).toEqual(a.history);
  });

  it('leaves out binary files and names them', () => {
    const a = new SimBackend();
    a.workspace.write('/workspace/app/logo.png', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0xff, 0xfe, 0x00]));
    expect(sharePayload(a).skipped).toEqual(['app/logo.png']);
  });

  it('does not replay file edits, screen commands or undo', () => {
    expect(replayable('docker build -t a .')).toBe(true);
    expect(replayable('cd app')).toBe(true);
    expect(replayable('echo hi > f')).toBe(false);
    expect(replayable('rm -r app')).toBe(false);
    expect(replayable('undo')).toBe(false);
    expect(replayable('docker inspect --format "{{.Id}}" a')).toBe(true);
  });
});
