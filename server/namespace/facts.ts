/**
 * Reading what a demo saw (the preamble's `key value` lines on fd 3) and what the host
 * sees (its /proc), in the same shapes so the report can put them side by side.
 */
import * as fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

/** What the preamble reported from inside. */
export interface Facts {
  pid: number | null;
  hostname: string | null;
  uid: number | null;
  gid: number | null;
  mounts: number | null;
  root: string | null;
  interfaces: string[];
  limits: Record<string, string>;
  results: Record<string, string>;
}

/** Parses `pid 1`, `iface lo`, `limit FILE VALUE`, `result KEY VALUE`... lines. */
export function parseFacts(lines: string[]): Facts {
  const f: Facts = { pid: null, hostname: null, uid: null, gid: null, mounts: null, root: null, interfaces: [], limits: {}, results: {} };
  const num = (s: string) => (/^\d+$/.test(s) ? Number(s) : null);
  for (const line of lines) {
    const [key = '', ...rest] = line.split(' ');
    const value = rest.join(' ');
    switch (key) {
      case 'pid':
      case 'uid':
      case 'gid':
      case 'mounts':
        f[key] = num(value);
        break;
      case 'hostname':
      case 'root':
        f[key] = value;
        break;
      case 'iface':
        if (value) f.interfaces.push(value);
        break;
      case 'limit':
      case 'result':
        if (rest.length >= 2) (key === 'limit' ? f.limits : f.results)[rest[0]!] = rest.slice(1).join(' ');
        break;
    }
  }
  return f;
}

/** Interface names in a /proc/net/dev listing. */
export function netInterfaces(text: string): string[] {
  return text
    .split('\n')
    .filter((l) => l.includes(':') && !l.includes('|'))
    .map((l) => l.split(':')[0]!.trim());
}

/** How many mounts a mountinfo lists. */
export function mountCount(mountinfo: string): number {
  return mountinfo.split('\n').filter(Boolean).length;
}

/** The root field (the path within its filesystem) of the mount at `/`. */
export function rootMountSource(mountinfo: string): string | null {
  // the last mount at / wins: it is the one on top
  const lines = mountinfo.split('\n').filter((l) => l.split(' ')[4] === '/');
  return lines.length ? lines[lines.length - 1]!.split(' ')[3]! : null;
}

/** Real uid/gid and the PID namespace chain (`NSpid`) of a host process, or null when it is gone. */
export function procStatus(pid: number): { uid: number; gid: number; nspid: number[] } | null {
  try {
    const text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (k: string) => (text.match(new RegExp(`^${k}:\\s*(.*)$`, 'm'))?.[1] ?? '').split(/\s+/).filter(Boolean).map(Number);
    return { uid: field('Uid')[0] ?? -1, gid: field('Gid')[0] ?? -1, nspid: field('NSpid') };
  } catch {
    return null;
  }
}

/** Cuts a byte stream into lines (a partial last line waits for the next chunk or flush). */
export class LineSplitter {
  private rest = '';
  // a UTF-8 character split across two chunks must not turn into two replacement characters
  private readonly decoder = new StringDecoder('utf8');
  constructor(private readonly onLine: (line: string) => void) {}

  /** Feeds a chunk. */
  push(chunk: Buffer | string): void {
    const text = this.rest + (typeof chunk === 'string' ? chunk : this.decoder.write(chunk));
    const lines = text.split('\n');
    this.rest = lines.pop() ?? '';
    for (const l of lines) this.onLine(l);
  }

  /** Emits what is left without a newline. */
  flush(): void {
    this.rest += this.decoder.end();
    if (this.rest) this.onLine(this.rest);
    this.rest = '';
  }
}
