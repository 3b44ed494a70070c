import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sha256Hex, utf8 } from '../hash.js';
import { EMPTY_LAYER_DIFF_ID, Layer, base64ToBytes, bytesToBase64 } from './layer.js';
import type { Entry } from './types.js';

const SEED = 20240611;

function file(data: Uint8Array | string, over: Partial<Entry & { type: 'file' }> = {}): Entry {
  const bytes = typeof data === 'string' ? utf8(data) : data;
  return { type: 'file', mode: 0o644, uid: 0, gid: 0, mtime: 1_700_000_000, size: bytes.length, digest: sha256Hex(bytes), data: bytes, ...over };
}

const dir = (over: Partial<Entry & { type: 'dir' }> = {}): Entry => ({ type: 'dir', mode: 0o755, uid: 0, gid: 0, mtime: 1_700_000_000, ...over });
const symlink = (target: string): Entry => ({ type: 'symlink', target, mode: 0o777, uid: 0, gid: 0, mtime: 1_700_000_000 });
const hardlink = (target: string): Entry => ({ type: 'hardlink', target, mode: 0o644, uid: 0, gid: 0, mtime: 1_700_000_000 });
const whiteout: Entry = { type: 'whiteout' };

const sample = (): [string, Entry][] => [
  ['/app', dir()],
  ['/app/main.js', file('console.log(1)\n')],
  ['/app/bin', dir({ mode: 0o700, opaque: true })],
  ['/app/bin/run', symlink('../main.js')],
  ['/app/link', hardlink('/app/main.js')],
  ['/etc/old.conf', whiteout],
  ['/usr/lib/big.so', { type: 'file', mode: 0o755, uid: 0, gid: 0, mtime: 0, size: 40_000_000, digest: sha256Hex('big') }],
];

describe('Layer serialization', () => {
  it('does not depend on the order entries are given in', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(sample(), { minLength: sample().length }), (shuffled) => {
        const a = new Layer(sample());
        const b = new Layer(shuffled);
        expect(b.serialize()).toBe(a.serialize());
        expect(b.diffId).toBe(a.diffId);
        expect([...b.entries.keys()]).toEqual([...a.entries.keys()].sort());
      }),
      { seed: SEED, numRuns: 50 },
    );
  });

  it('writes one line per entry, sorted by path, naming every field', () => {
    const l = new Layer(sample());
    const lines = l.serialize().split('\n');
    expect(lines).toHaveLength(7);
    expect(lines.map((x) => x.split('\0')[0])).toEqual([...lines.map((x) => x.split('\0')[0])].sort());
    expect(lines).toContain('/etc/old.conf\0w');
    expect(lines).toContain(`/app/bin\0d\0${0o700}\x000\x000\x001700000000\x001`);
    expect(lines).toContain(`/app/bin/run\0s\0${0o777}\x000\x000\x001700000000\0../main.js`);
    expect(lines).toContain(`/app/link\0h\0${0o644}\x000\x000\x001700000000\0/app/main.js`);
  });

  it('gives a sha256 diff ID of the serialization', () => {
    const l = new Layer(sample());
    expect(l.diffId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(l.diffId).toBe('sha256:' + createHash('sha256').update(l.serialize()).digest('hex'));
  });

  it('changes the diff ID when any field of any entry changes', () => {
    const base = new Layer(sample());
    const variants: [string, Entry][] = [
      ['/app/main.js', file('console.log(2)\n')],
      ['/app/main.js', file('console.log(1)\n', { mode: 0o755 })],
      ['/app/main.js', file('console.log(1)\n', { uid: 1000 })],
      ['/app/main.js', file('console.log(1)\n', { gid: 1000 })],
      ['/app/main.js', file('console.log(1)\n', { mtime: 1_700_000_001 })],
      ['/app/bin', dir({ mode: 0o700 })],
      ['/app/bin', dir({ mode: 0o755, opaque: true })],
      ['/app/bin/run', symlink('main.js')],
      ['/app/link', hardlink('/app/bin/run')],
      ['/usr/lib/big.so', { type: 'file', mode: 0o755, uid: 0, gid: 0, mtime: 0, size: 40_000_001, digest: sha256Hex('big') }],
      ['/etc/old.conf', dir()],
    ];
    const seen = new Set([base.diffId]);
    for (const [p, e] of variants) {
      const changed = new Layer(sample().map(([q, old]) => [q, q === p ? e : old]));
      expect(seen.has(changed.diffId), `${p} ${JSON.stringify({ ...e, data: undefined })}`).toBe(false);
      seen.add(changed.diffId);
    }
    expect(new Layer(sample().slice(1)).diffId).not.toBe(base.diffId);
  });

  it('gives the same diff ID for equal content however the bytes were produced', () => {
    const a = new Layer([['/f', file(new Uint8Array([104, 105]))]]);
    const b = new Layer([['/f', file('hi')]]);
    expect(a.diffId).toBe(b.diffId);
  });

  it('computes the diff ID once and keeps it', () => {
    const l = new Layer(sample());
    expect(l.diffId).toBe(l.diffId);
    expect(new Layer(sample()).diffId).toBe(l.diffId);
  });
});

describe('the empty layer', () => {
  it('has the diff ID of an empty tarball (1024 zero bytes), a constant', () => {
    expect(EMPTY_LAYER_DIFF_ID).toBe('sha256:' + createHash('sha256').update(new Uint8Array(1024)).digest('hex'));
    expect(new Layer([]).diffId).toBe(EMPTY_LAYER_DIFF_ID);
    expect(new Layer(new Map()).diffId).toBe(EMPTY_LAYER_DIFF_ID);
  });

  it('is empty, has size 0 and no children', () => {
    const l = new Layer([]);
    expect(l.isEmpty).toBe(true);
    expect(l.size).toBe(0);
    expect(l.children('/')).toEqual([]);
    expect(l.blockers.size).toBe(0);
    expect(Layer.fromJSON(l.toJSON()).diffId).toBe(EMPTY_LAYER_DIFF_ID);
  });

  it('differs from a layer holding only a directory', () => {
    const l = new Layer([['/tmp', dir()]]);
    expect(l.isEmpty).toBe(false);
    expect(l.diffId).not.toBe(EMPTY_LAYER_DIFF_ID);
  });
});

describe('Layer JSON round trip', () => {
  it('restores every entry, bytes included, and the same diff ID', () => {
    const l = new Layer(sample());
    const back = Layer.fromJSON(JSON.parse(JSON.stringify(l.toJSON())));
    expect([...back.entries]).toEqual([...l.entries]);
    expect(back.diffId).toBe(l.diffId);
    expect(back.size).toBe(l.size);
    const data = (back.entries.get('/app/main.js') as Entry & { type: 'file' }).data!;
    expect(data).toBeInstanceOf(Uint8Array);
    expect(new TextDecoder().decode(data)).toBe('console.log(1)\n');
  });

  it('keeps modelled files without bytes as they are', () => {
    const l = new Layer(sample());
    const json = l.toJSON();
    const big = json.find(([p]) => p === '/usr/lib/big.so')![1];
    expect(big).not.toHaveProperty('data');
    expect(Layer.fromJSON(json).entries.get('/usr/lib/big.so')).toEqual(l.entries.get('/usr/lib/big.so'));
  });

  it('stores file bytes as base64 text', () => {
    const json = new Layer([['/f', file(new Uint8Array([0, 255, 1]))]]).toJSON();
    expect(json[0]![1].data).toBe('AP8B');
    expect(typeof JSON.stringify(json)).toBe('string');
  });

  it('round-trips any bytes of any length (padding included)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 70 }), fc.uint8Array({ maxLength: 5 }), (a, b) => {
        const l = new Layer([
          ['/a', file(a)],
          ['/d', dir()],
          ['/d/b', file(b, { mode: 0o600 })],
        ]);
        const back = Layer.fromJSON(JSON.parse(JSON.stringify(l.toJSON())));
        expect([...back.entries]).toEqual([...l.entries]);
        expect(back.serialize()).toBe(l.serialize());
        expect(back.diffId).toBe(l.diffId);
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('the JSON of a restored layer is the JSON it was restored from', () => {
    const json = JSON.stringify(new Layer(sample()).toJSON());
    expect(JSON.stringify(Layer.fromJSON(JSON.parse(json)).toJSON())).toBe(json);
  });
});

describe('base64', () => {
  it('matches the standard encoding and decodes back', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const text = bytesToBase64(bytes);
        expect(text).toBe(Buffer.from(bytes).toString('base64'));
        expect(base64ToBytes(text)).toEqual(bytes);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('encodes the lengths that need padding', () => {
    expect(bytesToBase64(new Uint8Array([]))).toBe('');
    expect(bytesToBase64(utf8('f'))).toBe('Zg==');
    expect(bytesToBase64(utf8('fo'))).toBe('Zm8=');
    expect(bytesToBase64(utf8('foo'))).toBe('Zm9v');
    expect(base64ToBytes('Zg==')).toEqual(utf8('f'));
    expect(base64ToBytes('Zm8=')).toEqual(utf8('fo'));
  });
});

describe('blockers', () => {
  it('marks whiteouts, opaque directories and non-directories; plain directories block nothing', () => {
    const l = new Layer(sample());
    expect(Object.fromEntries(l.blockers)).toEqual({
      '/app/bin': 'opaque',
      '/app/bin/run': 'nondir',
      '/app/link': 'nondir',
      '/app/main.js': 'nondir',
      '/etc/old.conf': 'whiteout',
      '/usr/lib/big.so': 'nondir',
    });
    expect(l.blockers.has('/app')).toBe(false);
  });

  it('treats a directory with opaque: false as a plain directory', () => {
    expect(new Layer([['/d', dir({ opaque: false })]]).blockers.size).toBe(0);
  });
});

describe('size', () => {
  it('counts file sizes and symlink target lengths; directories, whiteouts and hardlinks count 0', () => {
    const l = new Layer(sample());
    expect(l.size).toBe('console.log(1)\n'.length + '../main.js'.length + 40_000_000);
    expect(new Layer([['/d', dir()], ['/w', whiteout], ['/h', hardlink('/d')]]).size).toBe(0);
  });

  it('uses the recorded size of modelled content, not stored bytes', () => {
    expect(new Layer([['/big', { type: 'file', mode: 0o644, uid: 0, gid: 0, mtime: 0, size: 1234, digest: 'x' }]]).size).toBe(1234);
  });
});

describe('children', () => {
  it('lists the names a layer holds directly under a directory, in path order', () => {
    const l = new Layer(sample());
    // only entries of this layer: /etc and /usr are not in it, so they are not children of /
    expect(l.children('/')).toEqual(['app']);
    expect(l.children('/app')).toEqual(['bin', 'link', 'main.js']);
    expect(l.children('/app/bin')).toEqual(['run']);
    expect(l.children('/etc')).toEqual(['old.conf']);
    expect(l.children('/nope')).toEqual([]);
  });

  // a layer that holds '/' (after `chmod 755 /` in a RUN) once listed '' under '/',
  // and a recursive walk (find /) looped until the stack overflowed
  it('never lists an empty name, even for a layer that holds /', () => {
    const l = new Layer([['/', dir()], ['/etc', dir()]]);
    expect(l.children('/')).toEqual(['etc']);
  });
});
