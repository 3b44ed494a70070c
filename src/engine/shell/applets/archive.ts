/**
 * tar (create, list, extract; plain or gzip) and gzip/gunzip/zcat. Archives are
 * read with the engine's tar reader, the one ADD uses, so both agree on formats.
 */
import { gunzipSync, gzipSync } from 'fflate';
import { fromUtf8, utf8 } from '../../hash.js';
import { readTar } from '../../fs/tar.js';
import { dirname, normalize } from '../../fs/path.js';
import type { Command, CommandIO } from '../types.js';
import { abs, errText, readBytes } from '../files.js';
import { groupName, userName } from '../../fs/accounts.js';
import { modeString, parseArgs, strftime } from './util.js';

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, '0') + '\0';
}

/** One ustar header block (names over 100 bytes use the 155-byte prefix). */
function header(name: string, o: { mode: number; uid: number; gid: number; size: number; mtime: number; type: string; link?: string; uname: string; gname: string }): Uint8Array {
  const h = new Uint8Array(512);
  const put = (s: string, off: number, len: number) => h.set(utf8(s).subarray(0, len), off);
  let prefix = '';
  let base = name;
  if (utf8(name).length > 100) {
    const cut = name.lastIndexOf('/', 155);
    prefix = name.slice(0, cut);
    base = name.slice(cut + 1);
  }
  put(base, 0, 100);
  put(octal(o.mode & 0o7777, 8), 100, 8);
  put(octal(o.uid, 8), 108, 8);
  put(octal(o.gid, 8), 116, 8);
  put(octal(o.size, 12), 124, 12);
  put(octal(o.mtime, 12), 136, 12);
  put('        ', 148, 8);
  put(o.type, 156, 1);
  put(o.link ?? '', 157, 100);
  put('ustar\x0000', 257, 8);
  put(o.uname, 265, 32);
  put(o.gname, 297, 32);
  put(prefix, 345, 155);
  const sum = h.reduce((a, b) => a + b, 0);
  put(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8);
  return h;
}

function createTar(io: CommandIO, base: string, names: string[], verbose: boolean): Uint8Array | string {
  const blocks: Uint8Array[] = [];
  const add = (name: string, path: string): string | null => {
    const st = io.fs.stat(path, false);
    if (!st) return `tar: ${name}: No such file or directory`;
    const common = { mode: st.mode, uid: st.uid, gid: st.gid, mtime: st.mtime, uname: userName(io.fs, st.uid) ?? '', gname: groupName(io.fs, st.gid) ?? '' };
    if (verbose) io.stderr(name + (st.type === 'dir' ? '/' : '') + '\n');
    if (st.type === 'dir') {
      blocks.push(header(name.replace(/\/*$/, '/'), { ...common, size: 0, type: '5' }));
      for (const n of io.fs.readdir(path)) {
        const err = add(`${name.replace(/\/*$/, '')}/${n}`, normalize(n, path));
        if (err) return err;
      }
    } else if (st.type === 'symlink') blocks.push(header(name, { ...common, size: 0, type: '2', link: st.target }));
    else {
      const data = readBytes(io, path);
      blocks.push(header(name, { ...common, size: data.length, type: '0' }));
      const padded = new Uint8Array(Math.ceil(data.length / 512) * 512);
      padded.set(data);
      blocks.push(padded);
    }
    return null;
  };
  for (const n of names) {
    const err = add(n.replace(/^\/+/, '') || '.', normalize(n, base));
    if (err) return err;
  }
  blocks.push(new Uint8Array(1024));
  const out = new Uint8Array(blocks.reduce((a, b) => a + b.length, 0));
  let off = 0;
  for (const b of blocks) {
    out.set(b, off);
    off += b.length;
  }
  return out;
}

const tar: Command = (argv, io) => {
  // `tar xzf file` bundles its first options without a dash
  const args = argv[1] && !argv[1].startsWith('-') ? [argv[0]!, '-' + argv[1], ...argv.slice(2)] : argv;
  const a = parseArgs(args, 'cxtvzjJOpmoah', 'fCX', io, { create: 'c', extract: 'x', list: 't', verbose: 'v', gzip: 'z', file: 'f', directory: 'C', 'no-same-owner': 'o', 'strip-components': 'S', exclude: 'e' });
  if (!a) return 1;
  const strip = Number(args.find((x) => x.startsWith('--strip-components='))?.split('=')[1] ?? 0);
  if (a.opts.has('j') || a.opts.has('J')) {
    io.stderr(`tar: ${a.opts.has('j') ? 'bzip2' : 'xz'} compression is not modelled in the simulator\n`);
    return 1;
  }
  const file = a.opts.get('f');
  const base = a.opts.has('C') ? abs(io, String(a.opts.get('C'))) : io.cwd;
  const verbose = a.opts.has('v');
  if (a.opts.has('c')) {
    if (a.args.length === 0) {
      io.stderr('tar: empty archive\n');
      return 1;
    }
    const r = createTar(io, base, a.args, verbose);
    if (typeof r === 'string') {
      io.stderr(r + '\n');
      return 1;
    }
    const data = a.opts.has('z') ? gzipSync(r, { mtime: 0 }) : r;
    if (typeof file !== 'string' || file === '-') io.stdout(fromUtf8(data));
    else io.fs.writeFile(abs(io, file), data);
    return 0;
  }
  if (!a.opts.has('x') && !a.opts.has('t')) {
    io.stderr('tar: need exactly one of -c, -x or -t\n');
    return 1;
  }
  let entries;
  try {
    const raw = typeof file !== 'string' || file === '-' ? utf8(io.stdin) : readBytes(io, file);
    entries = readTar(raw);
  } catch (e) {
    io.stderr(`tar: can't open '${file}': ${e instanceof Error && 'code' in e ? errText(e) : 'invalid tar magic'}\n`);
    return 1;
  }
  const wanted = a.args;
  let st = 0;
  for (const e of entries) {
    const parts = e.path.split('/');
    if (parts.length <= strip) continue;
    const name = parts.slice(strip).join('/');
    if (wanted.length > 0 && !wanted.some((w) => name === w || name.startsWith(w.replace(/\/$/, '') + '/'))) continue;
    const shown = name + (e.type === 'dir' ? '/' : '');
    if (a.opts.has('t')) {
      io.stdout(verbose ? `${modeString({ type: e.type === 'hardlink' ? 'file' : e.type, mode: e.mode })} ${e.uid}/${e.gid} ${String(e.data.length).padStart(9)} ${strftime('%Y-%m-%d %H:%M:%S', e.mtime)} ${shown}${e.type === 'symlink' ? ' -> ' + e.linkname : ''}\n` : shown + '\n');
      continue;
    }
    if (verbose) io.stdout(shown + '\n');
    if (a.opts.has('O')) {
      if (e.type === 'file') io.stdout(fromUtf8(e.data));
      continue;
    }
    const dest = normalize(name, base);
    const owner = io.uid === 0 && !a.opts.has('o') ? { uid: e.uid, gid: e.gid } : {};
    try {
      io.fs.mkdir(dirname(dest), { parents: true });
      const existing = io.fs.stat(dest, false);
      if (e.type === 'dir') {
        if (!existing) io.fs.mkdir(dest, { mode: e.mode, ...owner, mtime: e.mtime });
        continue;
      }
      if (existing && existing.type !== 'dir') io.fs.remove(dest);
      if (e.type === 'symlink') io.fs.symlink(e.linkname, dest, owner);
      else if (e.type === 'hardlink') io.fs.link(normalize(e.linkname.split('/').slice(strip).join('/'), base), dest);
      else io.fs.writeFile(dest, e.data, { mode: e.mode, mtime: e.mtime, ...owner });
    } catch (err) {
      io.stderr(`tar: can't create '${name}': ${errText(err)}\n`);
      st = 1;
    }
  }
  return st;
};

/** gzip, gunzip and zcat: `-d` decompresses, `-c` writes to stdout, `-k` keeps the input. */
const gzipLike = (name: 'gzip' | 'gunzip' | 'zcat'): Command => (argv, io) => {
  const a = parseArgs(argv, 'dckfnq123456789', '', io);
  if (!a) return 1;
  const decompress = name !== 'gzip' || a.opts.has('d');
  const toStdout = name === 'zcat' || a.opts.has('c') || a.args.length === 0;
  let st = 0;
  for (const f of a.args.length ? a.args : ['-']) {
    try {
      const input = f === '-' ? utf8(io.stdin) : readBytes(io, f);
      if (decompress && f !== '-' && !f.endsWith('.gz') && !f.endsWith('.tgz')) {
        io.stderr(`${name}: ${f}: unknown suffix - ignored\n`);
        st = 1;
        continue;
      }
      const out = decompress ? gunzipSync(input) : gzipSync(input, { mtime: 0 });
      if (toStdout) io.stdout(fromUtf8(out));
      else {
        const target = decompress ? abs(io, f.replace(/\.t?gz$/, f.endsWith('.tgz') ? '.tar' : '')) : abs(io, f) + '.gz';
        io.fs.writeFile(target, out);
        if (!a.opts.has('k')) io.fs.remove(abs(io, f));
      }
    } catch (e) {
      io.stderr(e instanceof Error && 'code' in e ? `${name}: can't open '${f}': ${errText(e)}\n` : `${name}: invalid magic\n`);
      st = 1;
    }
  }
  return st;
};

export const ARCHIVE_APPLETS: Record<string, Command> = { tar, gzip: gzipLike('gzip'), gunzip: gzipLike('gunzip'), zcat: gzipLike('zcat') };
