/**
 * BuildKit's `--progress=plain` output: numbered vertices (`#5 [2/4] RUN ...`),
 * their digests, logs, and a final CACHED / DONE / ERROR line; plus the byte
 * counts of context transfers as BuildKit's fsutil protocol sends them.
 */
import type { ContextEntry } from './context.js';

export interface Vertex {
  name: string;
  digest: string;
  lines: string[];
  status?: 'CACHED' | 'DONE' | 'ERROR';
  error?: string;
}

/** Collects vertices and prints them in BuildKit's plain format. */
export class PlainProgress {
  readonly vertices: Vertex[] = [];

  /** Starts a vertex; its lines print when `print` runs. */
  vertex(name: string, digest: string): Vertex {
    const v: Vertex = { name, digest, lines: [] };
    this.vertices.push(v);
    return v;
  }

  /** Prints every vertex as `#N` blocks, then `trailer` lines (error boxes). */
  print(write: (line: string) => void, trailer: string[] = []): void {
    this.vertices.forEach((v, i) => {
      const n = `#${i + 1}`;
      write(`${n} ${v.name}`);
      write(`${n} ${v.digest}`);
      for (const l of v.lines) write(`${n} ${l}`);
      if (v.status === 'CACHED') write(`${n} CACHED`);
      else if (v.status === 'ERROR') write(`${n} ERROR: ${v.error}`);
      else write(`${n} DONE 0.0s`);
      if (v.status !== 'ERROR') write('');
    });
    for (const l of trailer) write(l);
  }
}

/** BuildKit's byte format (tonistiigi/units, `%.2f`): `59B`, `10.33kB`, `200.13kB`. */
export function progressBytes(n: number): string {
  if (n < 1000) return `${n}B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = n / 1000;
  let u = 0;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v.toFixed(2)}${units[u]}`;
}

function varintLen(n: number): number {
  let len = 1;
  while (n >= 128) {
    n = Math.floor(n / 128);
    len++;
  }
  return len;
}

/** Size of one fsutil STAT packet (path, mode, size, nanosecond mtime). */
function statBytes(path: string, e: ContextEntry): number {
  const name = utf8Length(path);
  if (e.type === 'dir') return 20 + name;
  if (e.type === 'symlink') return 19 + name + 2 + (e.target?.length ?? 0) + (e.size ? 1 + varintLen(e.size) : 0);
  return 17 + name + (e.size ? 1 + varintLen(e.size) : 0);
}

/** fsutil sends file content in DATA packets of at most 32 KiB. */
const CHUNK = 32 * 1024;

/** Size of a file's DATA packets plus its end marker; a packet ID above 0 costs 2 bytes in each. */
function dataBytes(size: number, id: number): number {
  const idCost = id > 0 ? 2 : 0;
  let total = 2 + idCost;
  for (let left = size; left > 0; left -= CHUNK) {
    const n = Math.min(CHUNK, left);
    total += n + 3 + varintLen(n) + idCost;
  }
  return total;
}

/** Walk order of fsutil (lexical per path component): string order with '/' below every other character. */
function walkCompare(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x === 47) return -1;
    if (y === 47) return 1;
    return x - y;
  }
  return a.length - b.length;
}


/** UTF-8 length of a string without encoding it (paths are nearly always ASCII). */
function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c < 0xdc00 ? (i++, 4) : 3;
  }
  return n;
}

/** What the receiver remembers of a file: the stat fields fsutil compares. */
export interface TransferStat {
  mode: number;
  size: number;
  mtime: number;
  digest: string;
}
export type TransferMemory = Map<string, TransferStat>;

const same = (a: TransferStat | undefined, b: ContextEntry) => !!a && a.mode === b.mode && a.size === b.size && a.mtime === b.mtime && a.digest === b.digest;

/**
 * Bytes BuildKit reports for transferring `entries`, given what the receiver
 * already has (`previous`); updates `previous`. Every entry costs a STAT
 * packet; only new or changed files send data.
 */
export function transferBytes(entries: [string, ContextEntry][], previous: TransferMemory): number {
  // contexts arrive sorted by path; walk order differs only around names with characters below '/'
  let ordered = true;
  for (let i = 1; i < entries.length && ordered; i++) ordered = walkCompare(entries[i - 1]![0], entries[i]![0]) <= 0;
  const sorted = ordered ? entries : [...entries].sort((x, y) => walkCompare(x[0], y[0]));
  let total = 2;
  const next: TransferMemory = new Map();
  sorted.forEach(([path, e], id) => {
    total += statBytes(path, e);
    const prev = previous.get(path);
    if (e.type === 'file' && !same(prev, e)) total += dataBytes(e.size, id);
    next.set(path, same(prev, e) ? prev! : { mode: e.mode, size: e.size, mtime: e.mtime, digest: e.digest });
  });
  previous.clear();
  for (const [k, v] of next) previous.set(k, v);
  return total;
}
