import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extract, pack, type Header } from 'tar-stream';
import type { ContextEntry } from '../../src/shared/protocol.js';
import { checkContext, contextFromTar, packContext, type ContextLimits } from './context.js';

/** In names of hostile entries: if anything wrote them, the scan of os.tmpdir() finds them. */
const MARK = `llmark${process.pid}x${Math.floor(Math.random() * 1e9)}`;
const b64 = (s: string) => Buffer.from(s).toString('base64');
const file = (path: string, data = 'x', extra: Partial<ContextEntry> = {}): ContextEntry => ({ path, type: 'file', mode: 0o644, mtime: 1_700_000_000, data: b64(data), ...extra });
const dir = (path: string): ContextEntry => ({ path, type: 'dir', mode: 0o755, mtime: 1_700_000_000 });

/** A tar in memory, with whatever headers a hostile uploader might write. */
async function tarOf(items: { header: Partial<Header> & { name: string }; body?: Buffer }[]): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  p.on('data', (c) => chunks.push(c as Buffer));
  const done = new Promise<void>((r) => p.on('end', () => r()));
  for (const { header, body } of items) p.entry({ mtime: new Date(0), mode: 0o644, ...header } as Header, body ?? Buffer.alloc(0));
  p.finalize();
  await done;
  return Buffer.concat(chunks);
}

const HOSTILE_ENTRIES: [string, unknown, string][] = [
  ['not a list', { path: 'a' }, 'must be a list'],
  ['a string', 'Dockerfile', 'must be a list'],
  ['null entry', [null], 'is not an object'],
  ['array entry', [['a']], 'is not an object'],
  ['no path', [{ type: 'file', mode: 0o644, mtime: 0 }], 'has no path'],
  ['numeric path', [{ path: 1, type: 'file', mode: 0o644, mtime: 0 }], 'has no path'],
  ['empty path', [file('')], 'is empty'],
  ['traversal', [file(`../${MARK}`)], 'climbs out'],
  ['deep traversal', [file(`a/../../${MARK}`)], 'climbs out'],
  ['trailing ..', [file('a/..')], 'climbs out'],
  ['absolute', [file(`/tmp/${MARK}`)], 'is absolute'],
  ['absolute root', [dir('/')], 'is absolute'],
  ['dot segment', [file('./Dockerfile')], '. segment'],
  ['backslash traversal', [file(`..\\..\\${MARK}`)], 'backslash'],
  ['backslash', [file('a\\b')], 'backslash'],
  ['NUL', [file(`a\u0000${MARK}`)], 'control character'],
  ['newline', [file('a\nb')], 'control character'],
  ['escape sequence', [file('a\u001b[2Jb')], 'control character'],
  ['DEL', [file('a\u007fb')], 'control character'],
  ['empty segment', [file('a//b')], 'empty segment'],
  ['trailing slash', [file('a/')], 'empty segment'],
  ['very long path', [file('a/'.repeat(3000) + 'b')], 'longer than 4096'],
  ['very long name', [file('n'.repeat(300))], 'longer than 255'],
  ['symlink entry', [{ path: 'l', type: 'symlink', mode: 0o777, mtime: 0, linkname: '/' }], 'unknown field'],
  ['symlink type', [{ path: 'l', type: 'symlink', mode: 0o777, mtime: 0 }], 'only files and folders'],
  ['hardlink type', [{ path: 'l', type: 'link', mode: 0o644, mtime: 0 }], 'only files and folders'],
  ['device type', [{ path: 'sda', type: 'block-device', mode: 0o660, mtime: 0 }], 'only files and folders'],
  ['char device type', [{ path: 'null', type: 'character-device', mode: 0o666, mtime: 0 }], 'only files and folders'],
  ['fifo type', [{ path: 'p', type: 'fifo', mode: 0o644, mtime: 0 }], 'only files and folders'],
  ['no type', [{ path: 'p', mode: 0o644, mtime: 0 }], 'only files and folders'],
  ['negative mode', [file('a', 'x', { mode: -1 })], 'invalid mode'],
  ['fractional mode', [file('a', 'x', { mode: 0.5 })], 'invalid mode'],
  ['huge mode', [file('a', 'x', { mode: 2 ** 40 })], 'invalid mode'],
  ['string mode', [{ ...file('a'), mode: '0644' }], 'invalid mode'],
  ['NaN mtime', [file('a', 'x', { mtime: NaN })], 'invalid mtime'],
  ['negative mtime', [file('a', 'x', { mtime: -5 })], 'invalid mtime'],
  ['duplicate', [file('Dockerfile'), file('Dockerfile', 'y')], 'appears twice'],
  ['duplicate file and dir', [file('a'), dir('a')], 'appears twice'],
  ['file under file', [file('a'), file('a/b')], 'which is a file'],
  ['dir under file', [dir('a/b/c'), file('a/b')], 'which is a file'],
  ['bad base64', [{ ...file('a'), data: '!!!!' }], 'not base64'],
  ['base64 with spaces', [{ ...file('a'), data: 'aGVs bG8=' }], 'not base64'],
  ['truncated base64', [{ ...file('a'), data: 'aGVsbG8' }], 'not base64'],
  ['numeric data', [{ ...file('a'), data: 42 }], 'not base64'],
  ['folder with data', [{ ...dir('d'), data: b64('x') }], 'has data'],
  ['too many entries', Array.from({ length: 5001 }, (_, i) => file(`f${i}`)), 'at most 5000'],
  ['too many bytes', [file('big', 'x'.repeat(3 * 1024 * 1024)), ...Array.from({ length: 11 }, (_, i) => file(`b${i}`, 'y'.repeat(3 * 1024 * 1024)))], 'more than 33554432 bytes'],
];

const HOSTILE_TARS: [string, () => Promise<Buffer>, string, Partial<ContextLimits>?][] = [
  ['traversal name', () => tarOf([{ header: { name: `../${MARK}` }, body: Buffer.from('x') }]), 'climbs out'],
  ['deep traversal name', () => tarOf([{ header: { name: `a/../../${MARK}` }, body: Buffer.from('x') }]), 'climbs out'],
  ['absolute name', () => tarOf([{ header: { name: `/tmp/${MARK}` }, body: Buffer.from('x') }]), 'is absolute'],
  ['backslash name', () => tarOf([{ header: { name: `..\\${MARK}` }, body: Buffer.from('x') }]), 'backslash'],
  ['symlink to /', () => tarOf([{ header: { name: 'root', type: 'symlink', linkname: '/' } }]), 'points outside the context'],
  ['symlink climbing', () => tarOf([{ header: { name: 'a/up', type: 'symlink', linkname: `../../${MARK}` } }]), 'points outside the context'],
  ['symlink inside', () => tarOf([{ header: { name: 'a/l', type: 'symlink', linkname: '../b' } }]), 'symbolic link'],
  ['symlink then file through it', () => tarOf([{ header: { name: 'l', type: 'symlink', linkname: '/tmp' } }, { header: { name: `l/${MARK}` }, body: Buffer.from('x') }]), 'points outside'],
  ['hard link', () => tarOf([{ header: { name: 'h', type: 'link', linkname: '/etc/passwd' } }]), 'a hard link'],
  ['char device', () => tarOf([{ header: { name: 'null', type: 'character-device', devmajor: 1, devminor: 3 } }]), 'a device'],
  ['block device', () => tarOf([{ header: { name: 'sda', type: 'block-device', devmajor: 8, devminor: 0 } }]), 'a device'],
  ['fifo', () => tarOf([{ header: { name: 'p', type: 'fifo' } }]), 'a fifo'],
  ['duplicate names', () => tarOf([{ header: { name: 'a' }, body: Buffer.from('1') }, { header: { name: './a' }, body: Buffer.from('2') }]), 'appears twice'],
  ['file under file', () => tarOf([{ header: { name: 'a' }, body: Buffer.from('1') }, { header: { name: 'a/b' }, body: Buffer.from('2') }]), 'which is a file'],
  ['too many entries', () => tarOf(Array.from({ length: 30 }, (_, i) => ({ header: { name: `f${i}` }, body: Buffer.from('x') }))), 'more than 20 entries', { maxEntries: 20 }],
  ['too many bytes', () => tarOf([{ header: { name: 'big' }, body: Buffer.alloc(4096) }]), 'more than 1000 bytes', { maxBytes: 1000 }],
  ['gzip bomb', async () => gzipSync(await tarOf([{ header: { name: 'z' }, body: Buffer.alloc(4 * 1024 * 1024) }])), 'not a readable tar.gz', { maxBytes: 64 * 1024, maxEntries: 20 }],
  ['garbage', async () => Buffer.from('this is not a tar file at all, not even close'.repeat(20)), 'not a readable tar'],
  ['garbage gzip', async () => Buffer.from([0x1f, 0x8b, 1, 2, 3, 4]), 'not a readable tar.gz'],
];

describe('build contexts: hostile input is refused and nothing is written', () => {
  const cwd = process.cwd();
  let scratch = '';
  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'policy-context-'));
    process.chdir(scratch);
  });
  afterAll(() => {
    process.chdir(cwd);
    // the scratch folder must still be empty: a check that wrote something fails here
    const left = readdirSync(scratch);
    rmSync(scratch, { recursive: true, force: true });
    expect(left).toEqual([]);
  });

  it('has a corpus of at least 40 hostile cases', () => {
    expect(HOSTILE_ENTRIES.length + HOSTILE_TARS.length).toBeGreaterThanOrEqual(40);
  });

  it.each(HOSTILE_ENTRIES)('checkContext refuses: %s', (_name, entries, words) => {
    const r = checkContext(entries);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.join('\n')).toContain(words);
  });

  it.each(HOSTILE_TARS)('contextFromTar refuses: %s', async (_name, make, words, limits) => {
    const r = await contextFromTar(await make(), limits);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.join('\n')).toContain(words);
  });

  it('stops at 20 errors however many entries are bad', () => {
    const r = checkContext(Array.from({ length: 1000 }, () => file('../x')));
    expect(r.ok === false && r.errors.length).toBe(20);
  });

  it('left nothing in the working folder or in the temp folder', () => {
    expect(readdirSync(process.cwd())).toEqual([]);
    expect(readdirSync(tmpdir()).filter((n) => n.includes(MARK))).toEqual([]);
    expect(readdirSync(join(scratch, '..')).filter((n) => n.includes(MARK))).toEqual([]);
  });
});

describe('build contexts: ordinary input passes', () => {
  it('keeps files and folders, masks the mode to its permission bits', () => {
    const r = checkContext([dir('src'), file('src/app.js', 'console.log(1)'), file('Dockerfile', 'FROM busybox\n', { mode: 0o104755 }), file('empty', '', { data: undefined })]);
    expect(r).toEqual({
      ok: true,
      entries: [dir('src'), file('src/app.js', 'console.log(1)'), file('Dockerfile', 'FROM busybox\n', { mode: 0o755 }), { ...file('empty', ''), data: '' }],
    });
  });

  it('drops fields it does not know only by refusing them (no silent pass-through)', () => {
    expect(checkContext([{ ...file('a'), uid: 0 }]).ok).toBe(false);
  });

  it('reads a tar the way `tar -C ctx -czf ctx.tgz .` writes it', async () => {
    const tar = await tarOf([
      { header: { name: './', type: 'directory', mode: 0o755 } },
      { header: { name: './src/', type: 'directory', mode: 0o755 } },
      { header: { name: './src/app.js', mode: 0o4755 }, body: Buffer.from('hi') },
      { header: { name: './Dockerfile' }, body: Buffer.from('FROM busybox\n') },
    ]);
    for (const upload of [tar, gzipSync(tar)]) {
      const r = await contextFromTar(upload);
      expect(r).toEqual({
        ok: true,
        entries: [
          { path: 'src', type: 'dir', mode: 0o755, mtime: 0 },
          { path: 'src/app.js', type: 'file', mode: 0o755, mtime: 0, data: b64('hi') },
          { path: 'Dockerfile', type: 'file', mode: 0o644, mtime: 0, data: b64('FROM busybox\n') },
        ],
      });
    }
  });

  it('packs checked entries into a tar that reads back the same', async () => {
    const r = checkContext([dir('src'), file('src/a.txt', 'alpha'), file('Dockerfile', 'FROM busybox\n')]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const tar = await packContext(r.entries);
    const back = await contextFromTar(tar);
    expect(back.ok && back.entries.map((e) => [e.path, e.type, e.data])).toEqual([
      ['Dockerfile', 'file', b64('FROM busybox\n')],
      ['src', 'dir', undefined],
      ['src/a.txt', 'file', b64('alpha')],
    ]);
    const names: string[] = [];
    const ex = extract();
    ex.on('entry', (h, s, next) => {
      names.push(`${h.name} ${h.uid}:${h.gid} ${h.mode?.toString(8)}`);
      s.on('end', next);
      s.resume();
    });
    const done = new Promise<void>((res) => ex.on('finish', () => res()));
    ex.end(tar);
    await done;
    expect(names).toEqual(['Dockerfile 0:0 644', 'src 0:0 755', 'src/a.txt 0:0 644']);
  });
});
