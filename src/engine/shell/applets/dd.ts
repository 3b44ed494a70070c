/**
 * dd: block copies with busybox's two status lines (`N+M records in/out`).
 * Large output from /dev/zero or /dev/urandom is written as modelled content
 * (size + digest), so a 500 MB file costs no memory.
 */
import { fromUtf8, sha256Hex, utf8 } from '../../hash.js';
import type { Command } from '../types.js';
import { abs, errText, readBytes, urandomBytes } from '../files.js';
import { OUTPUT_LIMIT } from '../process.js';

/** Outputs above this size from an endless device become synthetic files. */
export const SYNTHETIC_THRESHOLD = 1 << 20;
/** What `dd if=/dev/zero of=f` without count writes before the "disk" is full. */
const DISK_SPACE = 1 << 30;

const SUFFIX: Record<string, number> = { '': 1, c: 1, w: 2, b: 512, kB: 1000, k: 1024, K: 1024, MB: 1e6, M: 1 << 20, GB: 1e9, G: 1 << 30 };

/** Parses a dd number: `1024`, `1k`, `4M`, `2x512`. */
function ddNumber(s: string): number | null {
  let n = 1;
  for (const part of s.split('x')) {
    const m = /^(\d+)([a-zA-Z]*)$/.exec(part);
    if (!m || SUFFIX[m[2]!] === undefined) return null;
    n *= Number(m[1]) * SUFFIX[m[2]!]!;
  }
  return n;
}

const dd: Command = (argv, io) => {
  const o: Record<string, string> = {};
  for (const arg of argv.slice(1)) {
    const eq = arg.indexOf('=');
    if (eq < 0) {
      io.stderr(`dd: invalid argument '${arg}'\n`);
      return 1;
    }
    o[arg.slice(0, eq)] = arg.slice(eq + 1);
  }
  const num = (k: string, d: number): number | null => (o[k] === undefined ? d : ddNumber(o[k]!));
  const bs = num('bs', 0);
  const ibs = bs || num('ibs', 512);
  const obs = bs || num('obs', 512);
  const count = o.count === undefined ? null : ddNumber(o.count);
  const skip = num('skip', 0);
  const seek = num('seek', 0);
  if (ibs === null || obs === null || skip === null || seek === null || (o.count !== undefined && count === null) || ibs === 0 || obs === 0) {
    io.stderr(`dd: invalid number '${o.bs ?? o.ibs ?? o.obs ?? o.count ?? o.skip ?? o.seek}'\n`);
    return 1;
  }
  const inPath = o.if === undefined ? null : abs(io, o.if);
  const endless = inPath === '/dev/zero' || inPath === '/dev/urandom' || inPath === '/dev/random';
  let total: number;
  let data: Uint8Array | null = null;
  let full = false;
  if (endless) {
    // without count, a file fills the disk; stdout runs into the simulator's output limit
    total = count === null ? (o.of === undefined ? OUTPUT_LIMIT + 1 : DISK_SPACE) : count * ibs;
    full = count === null;
  } else {
    let all: Uint8Array;
    try {
      all = inPath === null ? utf8(io.stdin) : readBytes(io, o.if!);
    } catch (e) {
      io.stderr(`dd: can't open '${o.if}': ${errText(e)}\n`);
      return 1;
    }
    const start = Math.min(all.length, skip * ibs);
    const end = count === null ? all.length : Math.min(all.length, start + count * ibs);
    data = all.subarray(start, end);
    total = data.length;
  }
  const conv = (o.conv ?? '').split(',');
  let status = 0;
  if (o.of === undefined) {
    io.stdout(fromUtf8(data ?? (inPath === '/dev/zero' ? new Uint8Array(total) : urandomBytes(total))));
  } else {
    const path = abs(io, o.of);
    try {
      if (endless && total + seek * obs > SYNTHETIC_THRESHOLD) {
        const kind = inPath === '/dev/zero' ? 'zero' : 'urandom';
        io.fs.writeSynthetic(path, seek * obs + total, sha256Hex(`${kind}:${seek * obs + total}`));
      } else {
        const bytes = data ?? (inPath === '/dev/zero' ? new Uint8Array(total) : urandomBytes(total));
        let out: Uint8Array = bytes;
        if (seek > 0 || conv.includes('notrunc')) {
          let old: Uint8Array = new Uint8Array(0);
          try {
            old = readBytes(io, o.of);
          } catch {
            // a new file: the seeked-over part reads as zeros
          }
          const size = conv.includes('notrunc') ? Math.max(old.length, seek * obs + bytes.length) : seek * obs + bytes.length;
          out = new Uint8Array(size);
          out.set(old.subarray(0, Math.min(old.length, size)));
          out.set(bytes, seek * obs);
        }
        io.fs.writeFile(path, out);
      }
    } catch (e) {
      io.stderr(`dd: can't open '${o.of}': ${errText(e)}\n`);
      return 1;
    }
    if (full) {
      io.stderr(`dd: error writing '${o.of}': No space left on device\n`);
      status = 1;
    }
  }
  if (o.status !== 'none') {
    const rec = (n: number, size: number) => `${Math.floor(n / size)}+${n % size ? 1 : 0}`;
    io.stderr(`${rec(total, ibs)} records in\n${rec(total, obs)} records out\n`);
  }
  return status;
};

export const DD_APPLETS: Record<string, Command> = { dd };
