/**
 * dpkg's and apt's state files in their real formats: /var/lib/dpkg/status,
 * /var/lib/dpkg/info/<pkg>.list and /var/lib/apt/extended_states.
 */
import type { Fs } from '../fs/types.js';
import { readText, writeText } from './common.js';

export const STATUS = '/var/lib/dpkg/status';
export const EXTENDED_STATES = '/var/lib/apt/extended_states';

/** One stanza: field name -> value, in file order. */
export type Stanza = Map<string, string>;

/** Parses deb822 text (status, extended_states) into stanzas; continuation lines stay attached. */
export function parseStanzas(text: string): Stanza[] {
  const out: Stanza[] = [];
  for (const block of text.split(/\n\s*\n/)) {
    const st: Stanza = new Map();
    let last = '';
    for (const line of block.split('\n')) {
      if (/^[ \t]/.test(line) && last) st.set(last, st.get(last) + '\n' + line);
      else {
        const i = line.indexOf(':');
        if (i > 0) st.set((last = line.slice(0, i)), line.slice(i + 1).trim());
      }
    }
    if (st.size) out.push(st);
  }
  return out;
}

/** Renders stanzas back, blank-line separated, as dpkg writes them. */
export function renderStanzas(stanzas: Stanza[]): string {
  return stanzas.map((st) => [...st].map(([k, v]) => `${k}: ${v}`).join('\n') + '\n').join('\n');
}

/** The installed packages of the status file, by name. */
export function readStatus(fs: Fs): Map<string, Stanza> {
  const res = new Map<string, Stanza>();
  for (const st of parseStanzas(readText(fs, STATUS) ?? '')) {
    const name = st.get('Package');
    if (name && /\binstalled$/.test(st.get('Status') ?? '') && !/^deinstall|^purge/.test(st.get('Status') ?? '')) res.set(name, st);
  }
  return res;
}

/** Rewrites the status file with `stanzas` (sorted by name, as dpkg keeps it). */
export function writeStatus(fs: Fs, stanzas: Iterable<Stanza>, mtime: number): void {
  const sorted = [...stanzas].sort((a, b) => (a.get('Package')! < b.get('Package')! ? -1 : 1));
  writeText(fs, STATUS, renderStanzas(sorted), 0o644, mtime);
}

/** Names apt marked as automatically installed. */
export function readAutoInstalled(fs: Fs): Set<string> {
  const res = new Set<string>();
  for (const st of parseStanzas(readText(fs, EXTENDED_STATES) ?? '')) {
    if (st.get('Auto-Installed') === '1') res.add(st.get('Package')!);
  }
  return res;
}

/** Rewrites extended_states with the automatically installed names. */
export function writeAutoInstalled(fs: Fs, auto: Set<string>, arch: (n: string) => string, mtime: number): void {
  const stanzas = [...auto].sort().map((n) => new Map([['Package', n], ['Architecture', arch(n)], ['Auto-Installed', '1']]));
  writeText(fs, EXTENDED_STATES, renderStanzas(stanzas), 0o644, mtime);
}

/** Paths listed in /var/lib/dpkg/info/<pkg>.list (tries the `:amd64` name too). */
export function readFileList(fs: Fs, name: string): string[] {
  const text = readText(fs, `/var/lib/dpkg/info/${name}.list`) ?? readText(fs, `/var/lib/dpkg/info/${name}:amd64.list`) ?? '';
  return text.split('\n').filter((l) => l && l !== '/.');
}

/** Counts what dpkg reports as "files and directories currently installed". */
export function countInstalledPaths(fs: Fs): number {
  let n = 0;
  const dir = '/var/lib/dpkg/info';
  if (!fs.stat(dir)) return 0;
  for (const f of fs.readdir(dir)) if (f.endsWith('.list')) n += (readText(fs, `${dir}/${f}`) ?? '').split('\n').filter(Boolean).length;
  return n;
}
