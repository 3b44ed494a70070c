/**
 * Alpine's package database in its real format: /lib/apk/db/installed records
 * (`P:` name, `V:` version, `I:` installed size, `D:` dependencies, `F:`/`R:`
 * directories and files) and /etc/apk/world.
 */
import type { Fs } from '../fs/types.js';
import { renderApkWorld } from '../catalog/package-db.js';
import { readText, writeText } from './common.js';

export const INSTALLED = '/lib/apk/db/installed';
export const WORLD = '/etc/apk/world';

/** A package as the installed database records it. */
export interface ApkRecord {
  name: string;
  version: string;
  installedSize: number;
  archiveSize: number;
  depends?: string[];
  /** Virtual packages (`--virtual .build-deps`) have no files and a date version. */
  virtual?: boolean;
}

/** One installed-db record: header fields, then F: directory / R: file lines. */
export function renderApkRecord(p: ApkRecord, files: string[]): string {
  const lines = [`P:${p.name}`, `V:${p.version}`, `A:${p.virtual ? 'noarch' : 'x86_64'}`, `S:${p.archiveSize}`, `I:${p.installedSize}`];
  if (!p.virtual) lines.push(`o:${p.name}`);
  if (p.depends?.length) lines.push(`D:${p.depends.join(' ')}`);
  let dir = '';
  for (const f of [...files].sort()) {
    const i = f.lastIndexOf('/');
    const d = f.slice(1, i);
    if (d !== dir) lines.push(`F:${(dir = d)}`);
    lines.push(`R:${f.slice(i + 1)}`);
  }
  return lines.join('\n') + '\n\n';
}

/** Installed packages with the files each owns. */
export function readInstalled(fs: Fs): Map<string, { rec: ApkRecord; files: string[] }> {
  const out = new Map<string, { rec: ApkRecord; files: string[] }>();
  for (const block of (readText(fs, INSTALLED) ?? '').split(/\n\n+/)) {
    const rec: ApkRecord = { name: '', version: '', installedSize: 0, archiveSize: 0 };
    const files: string[] = [];
    let dir = '';
    for (const line of block.split('\n')) {
      const [k, v] = [line.slice(0, 1), line.slice(2)];
      if (line[1] !== ':') continue;
      if (k === 'P') rec.name = v;
      else if (k === 'V') rec.version = v;
      else if (k === 'I') rec.installedSize = Number(v);
      else if (k === 'S') rec.archiveSize = Number(v);
      else if (k === 'D') rec.depends = v.split(' ').filter(Boolean);
      else if (k === 'A' && v === 'noarch') rec.virtual = true;
      else if (k === 'F') dir = v;
      else if (k === 'R') files.push(`/${dir}/${v}`);
    }
    if (rec.name) out.set(rec.name, { rec, files });
  }
  return out;
}

/** Rewrites the installed database. */
export function writeInstalled(fs: Fs, pkgs: Map<string, { rec: ApkRecord; files: string[] }>, mtime: number): void {
  const text = [...pkgs.values()].map((p) => renderApkRecord(p.rec, p.files)).join('');
  writeText(fs, INSTALLED, text, 0o644, mtime);
}

/** The names in /etc/apk/world. */
export function readWorld(fs: Fs): string[] {
  return (readText(fs, WORLD) ?? '').split(/\s+/).filter(Boolean);
}

/** Rewrites /etc/apk/world (sorted, one name a line, as apk keeps it). */
export function writeWorld(fs: Fs, names: Iterable<string>, mtime: number): void {
  writeText(fs, WORLD, renderApkWorld([...names]), 0o644, mtime);
}
