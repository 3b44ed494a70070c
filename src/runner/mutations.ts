/**
 * The oracle script's `@` lines (../shared/oracle/README.md): file mutations
 * between docker commands, applied to the scenario's folder.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { shake256 } from '@noble/hashes/sha3.js';

function unescape(s: string): string {
  return s.replace(/\\(n|t|s|\\)/g, (_, c: string) => ({ n: '\n', t: '\t', s: ' ', '\\': '\\' })[c]!);
}

function safePath(work: string, rel: string): string {
  const p = path.resolve(work, rel);
  if (p !== work && !p.startsWith(work + path.sep)) throw new Error(`path leaves the scenario folder: ${rel}`);
  return p;
}

/** Applies one `@op ...` line inside `work`. */
export function applyMutation(work: string, line: string): void {
  const sp = line.indexOf(' ');
  const op = sp < 0 ? line : line.slice(0, sp);
  const rest = sp < 0 ? '' : line.slice(sp + 1);
  const split1 = (s: string) => {
    const i = s.indexOf(' ');
    return i < 0 ? [s, ''] : [s.slice(0, i), s.slice(i + 1)];
  };
  switch (op) {
    case '@write':
    case '@append': {
      const [rel, text] = split1(rest);
      const p = safePath(work, rel!);
      fs.mkdirSync(path.dirname(p), { recursive: true });
      (op === '@write' ? fs.writeFileSync : fs.appendFileSync)(p, unescape(text!) + '\n');
      return;
    }
    case '@rm':
      fs.rmSync(safePath(work, rest.trim()), { recursive: true, force: true });
      return;
    case '@touch': {
      const p = safePath(work, rest.trim());
      const old = fs.statSync(p).mtimeMs / 1000;
      const t = Math.max(Date.now() / 1000, old + 2);
      fs.utimesSync(p, t, t);
      return;
    }
    case '@chmod': {
      const [mode, rel] = split1(rest);
      fs.chmodSync(safePath(work, rel!.trim()), parseInt(mode!, 8));
      return;
    }
    case '@mkdir':
      fs.mkdirSync(safePath(work, rest.trim()), { recursive: true });
      return;
    case '@pad': {
      const parts = rest.split(/\s+/);
      const rel = parts[0]!;
      const n = Number(parts[1]);
      const seed = parts[2] ?? rel;
      const p = safePath(work, rel);
      fs.mkdirSync(path.dirname(p), { recursive: true });
      fs.writeFileSync(p, n ? shake256(new TextEncoder().encode(seed), { dkLen: n }) : new Uint8Array());
      return;
    }
    case '@replace': {
      const [rel, spec] = split1(rest);
      const at = spec!.indexOf(' => ');
      if (at < 0) throw new Error(`@replace needs 'OLD => NEW': ${line}`);
      const old = unescape(spec!.slice(0, at));
      const nu = unescape(spec!.slice(at + 4));
      const p = safePath(work, rel!);
      const text = fs.readFileSync(p, 'utf8');
      if (!text.includes(old)) throw new Error(`@replace: ${old} not found in ${rel}`);
      fs.writeFileSync(p, text.replace(old, () => nu));
      return;
    }
    case '@tar': {
      const [out, src] = rest.trim().split(/\s+/);
      fs.writeFileSync(safePath(work, out!), tarOf(safePath(work, src!)));
      return;
    }
    case '@sleep':
      return;
    default:
      throw new Error(`unknown mutation: ${line}`);
  }
}

/** An uncompressed ustar archive of a folder's contents (sorted, root-owned, mtime 1700000000), 10240-byte records. */
function tarOf(dir: string): Uint8Array {
  const chunks: Uint8Array[] = [];
  const walk = (abs: string, rel: string) => {
    const names = fs.readdirSync(abs).sort();
    const dirs = names.filter((n) => fs.lstatSync(path.join(abs, n)).isDirectory());
    const files = names.filter((n) => !dirs.includes(n));
    for (const n of [...dirs, ...files]) {
      const a = path.join(abs, n);
      const r = rel ? `${rel}/${n}` : n;
      const st = fs.lstatSync(a);
      if (st.isDirectory()) {
        chunks.push(header(r, 0, st.mode & 0o7777, '5'));
      } else {
        const data = fs.readFileSync(a);
        chunks.push(header(r, data.length, st.mode & 0o7777, '0'));
        const padded = new Uint8Array(Math.ceil(data.length / 512) * 512);
        padded.set(data);
        chunks.push(padded);
      }
    }
    for (const d of dirs) walk(path.join(abs, d), rel ? `${rel}/${d}` : d);
  };
  walk(dir, '');
  let len = chunks.reduce((n, c) => n + c.length, 0) + 1024;
  len = Math.ceil(len / 10240) * 10240;
  const out = new Uint8Array(len);
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.length;
  }
  return out;
}

function header(name: string, size: number, mode: number, type: string): Uint8Array {
  const h = new Uint8Array(512);
  const put = (s: string, off: number) => h.set(new TextEncoder().encode(s), off);
  const oct = (n: number, width: number) => n.toString(8).padStart(width - 1, '0') + '\0';
  put(name, 0);
  put(oct(mode, 8), 100);
  put(oct(0, 8), 108);
  put(oct(0, 8), 116);
  put(oct(size, 12), 124);
  put(oct(1700000000, 12), 136);
  put('        ', 148);
  put(type, 156);
  put('ustar\x0000', 257);
  put('root', 265);
  put('root', 297);
  let sum = 0;
  for (const b of h) sum += b;
  put(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  return h;
}
