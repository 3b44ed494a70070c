import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pack, type Header } from 'tar-stream';
import { afterEach, describe, expect, it } from 'vitest';
import { entryPath, extractRootfs } from './rootfs.js';

async function tarOf(entries: (Partial<Header> & { name: string; body?: string })[]): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  p.on('data', (c) => void chunks.push(c as Buffer));
  const done = new Promise<void>((r) => p.on('end', () => r()));
  for (const { body, ...h } of entries) p.entry({ mode: 0o644, uid: 0, gid: 0, ...h } as Header, body ?? '');
  p.finalize();
  await done;
  return Buffer.concat(chunks);
}

const dirs: string[] = [];
function fresh(): string {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'layerlab-ns-test-'));
  dirs.push(base);
  fs.mkdirSync(path.join(base, 'root'));
  return path.join(base, 'root');
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const asRoot = process.getuid?.() === 0;

describe('entryPath', () => {
  it('keeps relative names and refuses absolute ones and ..', () => {
    expect(entryPath('./bin/sh')).toEqual(['bin', 'sh']);
    expect(entryPath('./')).toEqual([]);
    expect(entryPath('/etc/passwd')).toBeNull();
    expect(entryPath('a/../../x')).toBeNull();
    expect(entryPath('..')).toBeNull();
  });
});

describe.skipIf(!asRoot)(asRoot ? 'extractRootfs' : 'extractRootfs (skipped: not root, and it chowns files to the shifted uid range)', () => {
  it('unpacks files, dirs, symlinks and hard links owned by the shifted ids, without setuid bits', async () => {
    const dir = fresh();
    const tar = await tarOf([
      { name: 'bin/', type: 'directory', mode: 0o755 },
      { name: 'bin/busybox', body: 'ELF', mode: 0o4755 },
      { name: 'bin/sh', type: 'symlink', linkname: 'busybox' },
      { name: 'bin/ash', type: 'link', linkname: 'bin/busybox' },
      { name: 'etc/passwd', body: 'root:x:0:0', uid: 0 },
      { name: 'home/nobody', type: 'directory', uid: 65534, gid: 65534, mode: 0o700 },
      { name: 'abs-link', type: 'symlink', linkname: '/etc/shadow' },
    ]);
    await extractRootfs(tar, dir);
    expect(fs.readFileSync(path.join(dir, 'bin/busybox'), 'utf8')).toBe('ELF');
    expect(fs.statSync(path.join(dir, 'bin/busybox')).mode & 0o7777).toBe(0o755);
    expect(fs.readlinkSync(path.join(dir, 'bin/sh'))).toBe('busybox');
    expect(fs.statSync(path.join(dir, 'bin/ash')).ino).toBe(fs.statSync(path.join(dir, 'bin/busybox')).ino);
    expect(fs.statSync(path.join(dir, 'etc/passwd')).uid).toBe(100000);
    expect(fs.statSync(path.join(dir, 'home/nobody')).uid).toBe(165534);
    // stored, not followed: it points at the host's file only if someone resolves it on the host
    expect(fs.readlinkSync(path.join(dir, 'abs-link'))).toBe('/etc/shadow');
  });

  it.each([
    ['an absolute path', [{ name: '/tmp/layerlab-evil', body: 'x' }], /leaves the root directory/],
    ['a .. path', [{ name: '../evil', body: 'x' }], /leaves the root directory/],
    ['a file through an unpacked symlink', [{ name: 'etc', type: 'symlink', linkname: '/tmp' }, { name: 'etc/evil', body: 'x' }], /parent directory is a symlink/],
    ['a directory over a symlink pointing outside', [{ name: 'link', type: 'symlink', linkname: '/tmp/layerlab-evil' }, { name: 'link/', type: 'directory' }], /directory over a non-directory/],
    ['a hard link to outside', [{ name: 'x', type: 'link', linkname: '../../etc/passwd' }], /hard link to outside/],
    ['a hard link through a symlink', [{ name: 'l', type: 'symlink', linkname: '/etc' }, { name: 'x', type: 'link', linkname: 'l/passwd' }], /not a regular file/],
    ['a device', [{ name: 'dev/sda', type: 'block-device', devmajor: 8, devminor: 0 }], /no devices/],
    ['a fifo', [{ name: 'fifo', type: 'fifo' }], /no devices, fifos/],
  ] as const)('refuses %s and writes nothing outside', async (_what, entries, why) => {
    const dir = fresh();
    await expect(extractRootfs(await tarOf(entries as never), dir)).rejects.toThrow(why);
    expect(fs.existsSync('/tmp/layerlab-evil')).toBe(false);
    expect(fs.existsSync('/tmp/evil')).toBe(false);
  });

  it('replaces a symlink by a regular file instead of writing through it', async () => {
    const dir = fresh();
    const outside = path.join(path.dirname(dir), 'outside');
    fs.writeFileSync(outside, 'host file');
    await extractRootfs(await tarOf([{ name: 'f', type: 'symlink', linkname: outside }, { name: 'f', body: 'image file' }]), dir);
    expect(fs.readFileSync(outside, 'utf8')).toBe('host file');
    expect(fs.lstatSync(path.join(dir, 'f')).isFile()).toBe(true);
  });
});
