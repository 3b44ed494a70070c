/**
 * Reading local tar archives for ADD, which extracts them (uncompressed, gzip):
 * ustar with PAX and GNU long names, regular files, directories, symlinks and
 * hardlinks.
 */
import { gunzipSync } from 'fflate';
import { fromUtf8 } from '../hash.js';

export interface TarEntry {
  path: string;
  type: 'file' | 'dir' | 'symlink' | 'hardlink';
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
  data: Uint8Array;
  linkname: string;
}

/** True when the bytes are a tar archive, possibly gzip-compressed (what ADD auto-extracts). */
export function isArchive(data: Uint8Array): boolean {
  if (data.length >= 2 && data[0] === 0x1f && data[1] === 0x8b) {
    try {
      return isTar(gunzipSync(data));
    } catch {
      return false;
    }
  }
  return isTar(data);
}

function isTar(data: Uint8Array): boolean {
  if (data.length < 512) return false;
  const magic = fromUtf8(data.subarray(257, 262));
  if (magic === 'ustar') return true;
  // a v7 tar has no magic: accept a valid header checksum
  return checksumOk(data.subarray(0, 512));
}

function checksumOk(h: Uint8Array): boolean {
  const stored = parseOctal(h.subarray(148, 156));
  if (Number.isNaN(stored)) return false;
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
  return sum === stored && h[0] !== 0;
}

function parseOctal(b: Uint8Array): number {
  const s = fromUtf8(b).replace(/\0.*$/s, '').trim();
  return s === '' ? 0 : parseInt(s, 8);
}

function str(b: Uint8Array): string {
  const i = b.indexOf(0);
  return fromUtf8(i >= 0 ? b.subarray(0, i) : b);
}

/** Lists the entries of a tar (or tar.gz) archive. */
export function readTar(input: Uint8Array): TarEntry[] {
  const data = input[0] === 0x1f && input[1] === 0x8b ? gunzipSync(input) : input;
  const out: TarEntry[] = [];
  let off = 0;
  let longName: string | undefined;
  let longLink: string | undefined;
  let pax: Record<string, string> = {};
  while (off + 512 <= data.length) {
    const h = data.subarray(off, off + 512);
    if (h.every((x) => x === 0)) break;
    const size = parseOctal(h.subarray(124, 136));
    const type = String.fromCharCode(h[156] || 48);
    const body = data.subarray(off + 512, off + 512 + size);
    off += 512 + Math.ceil(size / 512) * 512;
    if (type === 'L') {
      longName = str(body);
      continue;
    }
    if (type === 'K') {
      longLink = str(body);
      continue;
    }
    if (type === 'x') {
      pax = parsePax(fromUtf8(body));
      continue;
    }
    if (type === 'g') continue;
    const prefix = str(h.subarray(345, 500));
    let path = pax.path ?? longName ?? (prefix ? prefix + '/' : '') + str(h.subarray(0, 100));
    const linkname = pax.linkpath ?? longLink ?? str(h.subarray(157, 257));
    longName = longLink = undefined;
    const kind = type === '5' ? 'dir' : type === '2' ? 'symlink' : type === '1' ? 'hardlink' : type === '0' || type === '7' ? 'file' : undefined;
    const mtime = pax.mtime ? Math.floor(Number(pax.mtime)) : parseOctal(h.subarray(136, 148));
    pax = {};
    if (!kind) continue;
    path = path.replace(/^\.?\/+/, '').replace(/\/+$/, '');
    if (!path || path === '.') continue;
    out.push({
      path,
      type: kind,
      mode: parseOctal(h.subarray(100, 108)) & 0o7777,
      uid: parseOctal(h.subarray(108, 116)),
      gid: parseOctal(h.subarray(116, 124)),
      mtime,
      data: kind === 'file' ? body.slice() : new Uint8Array(),
      linkname,
    });
  }
  return out;
}

function parsePax(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rec of s.split('\n')) {
    const m = /^\d+ ([^=]+)=(.*)$/.exec(rec);
    if (m) out[m[1]!] = m[2]!;
  }
  return out;
}
