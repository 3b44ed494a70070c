/**
 * `apk` (apk-tools 2.14, Alpine 3.20): add, del, update, info. Without
 * `--no-cache`, fetched APKINDEX files stay in /var/cache/apk, which is the
 * lesson: they cost a layer ~2.7 MB for nothing.
 */
import type { Command, CommandIO } from '../shell/types.js';
import alpineJson from './catalog/apk-alpine-3.20.json';
import { ARCHIVE_MTIME, ensureDir, removePaths, writeBlob, writePayload, type FileSpec } from './common.js';
import { readInstalled, readWorld, writeInstalled, writeWorld, type ApkRecord } from './apk-db.js';

export interface ApkPackage extends ApkRecord {
  files: FileSpec[];
  rest?: string;
}

export interface ApkCatalog {
  repositories: { url: string; index: string; size: number; packages: number; revision: string }[];
  packages: ReadonlyMap<string, ApkPackage>;
  baseImage: readonly string[];
}

let catalog: ApkCatalog | undefined;

/** The Alpine 3.20 catalog (every Alpine image uses it; other releases are not modelled). */
export function apkCatalog(): ApkCatalog {
  if (catalog) return catalog;
  const packages = new Map<string, ApkPackage>();
  for (const [name, p] of Object.entries(alpineJson.packages)) packages.set(name, { name, ...(p as Omit<ApkPackage, 'name'>) });
  return (catalog = { repositories: alpineJson.repositories, packages, baseImage: alpineJson.baseImage });
}

const CACHE = '/var/cache/apk';

function fetchIndexes(io: CommandIO, cat: ApkCatalog, keep: boolean): void {
  for (const r of cat.repositories) {
    io.stdout(`fetch ${r.url}/x86_64/APKINDEX.tar.gz\n`);
    if (keep) {
      ensureDir(io.fs, CACHE);
      writeBlob(io.fs, `${CACHE}/${r.index}`, r.size, `apkindex:${r.revision}`, 0o644, io.now());
    }
  }
}

function hasIndexes(io: CommandIO, cat: ApkCatalog): boolean {
  return cat.repositories.every((r) => io.fs.stat(`${CACHE}/${r.index}`) !== null);
}

/** Total installed bytes and package count, for apk's closing "OK:" line. */
function summary(io: CommandIO): string {
  const db = readInstalled(io.fs);
  const bytes = [...db.values()].reduce((s, p) => s + p.rec.installedSize, 0);
  return `OK: ${Math.round(bytes / (1024 * 1024))} MiB in ${db.size} packages\n`;
}

function add(io: CommandIO, cat: ApkCatalog, names: string[], noCache: boolean, virtual: string | undefined, update: boolean): number {
  if (noCache || update || !hasIndexes(io, cat)) fetchIndexes(io, cat, !noCache);
  const db = readInstalled(io.fs);
  const missing = names.filter((n) => !cat.packages.has(n.split(/[=<>~]/)[0]!));
  if (missing.length) {
    io.stderr('ERROR: unable to select packages:\n' + missing.map((n) => `  ${n} (no such package):\n    required by: world[${n}]\n`).join(''));
    return 1;
  }
  const order: ApkPackage[] = [];
  const seen = new Set<string>();
  const visit = (n: string) => {
    if (seen.has(n) || db.has(n)) return;
    seen.add(n);
    const p = cat.packages.get(n)!;
    for (const d of p.depends ?? []) visit(d);
    order.push(p);
  };
  for (const n of names) visit(n.split(/[=<>~]/)[0]!);
  const total = order.length + (virtual ? 1 : 0);
  const now = io.now();
  order.forEach((p, i) => {
    io.stdout(`(${i + 1}/${total}) Installing ${p.name} (${p.version})\n`);
    const files = writePayload(io.fs, { id: `apk:${p.name}@${p.version}`, files: p.files, rest: p.rest, size: p.installedSize, mtime: ARCHIVE_MTIME });
    db.set(p.name, { rec: { name: p.name, version: p.version, installedSize: p.installedSize, archiveSize: p.archiveSize, depends: p.depends }, files });
  });
  let world = readWorld(io.fs);
  if (virtual) {
    const d = new Date(now * 1000).toISOString();
    const version = `${d.slice(0, 10).replace(/-/g, '')}.${d.slice(11, 19).replace(/:/g, '')}`;
    io.stdout(`(${total}/${total}) Installing ${virtual} (${version})\n`);
    db.set(virtual, { rec: { name: virtual, version, installedSize: 0, archiveSize: 0, depends: names, virtual: true }, files: [] });
    world = [...world, virtual];
  } else world = [...world, ...names];
  if (order.some((p) => p.name === 'ca-certificates')) io.stdout(`Executing ca-certificates-${cat.packages.get('ca-certificates')!.version}.trigger\n`);
  if (order.length) io.stdout(`Executing busybox-${cat.packages.get('busybox')!.version}.trigger\n`);
  writeInstalled(io.fs, db, now);
  writeWorld(io.fs, world, now);
  io.stdout(summary(io));
  return 0;
}

function del(io: CommandIO, names: string[]): number {
  const db = readInstalled(io.fs);
  const world = new Set(readWorld(io.fs));
  for (const n of names) {
    if (!world.has(n)) {
      io.stderr(`WARNING: opening ${n}: No such file or directory\n`);
      continue;
    }
    world.delete(n);
  }
  // everything no longer reachable from world is purged, as apk's solver does
  const keep = new Set<string>();
  const visit = (n: string) => {
    if (keep.has(n) || !db.has(n)) return;
    keep.add(n);
    for (const d of db.get(n)!.rec.depends ?? []) visit(d);
  };
  for (const n of world) visit(n);
  const gone = [...db.keys()].filter((n) => !keep.has(n));
  gone.forEach((n, i) => {
    io.stdout(`(${i + 1}/${gone.length}) Purging ${n} (${db.get(n)!.rec.version})\n`);
    removePaths(io.fs, db.get(n)!.files);
    db.delete(n);
  });
  if (gone.length) io.stdout(`Executing busybox-${apkCatalog().packages.get('busybox')!.version}.trigger\n`);
  writeInstalled(io.fs, db, io.now());
  writeWorld(io.fs, world, io.now());
  io.stdout(summary(io));
  return 0;
}

/** `apk`: add [--no-cache] [--virtual NAME] [-U], del, update, info, cache clean. */
export const apk: Command = (argv, io) => {
  const args = argv.slice(1);
  let noCache = false;
  let update = false;
  let virtual: string | undefined;
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--no-cache') noCache = true;
    else if (a === '-U' || a === '--update-cache') update = true;
    else if (a === '-t' || a === '--virtual') virtual = args[++i];
    else if (a.startsWith('--virtual=')) virtual = a.slice(10);
    else if (a === '-q' || a === '--quiet' || a === '-v' || a === '--no-progress' || a === '--upgrade' || a === '-u') continue;
    else rest.push(a);
  }
  const [op, ...names] = rest;
  const cat = apkCatalog();
  if (op !== 'info' && op !== undefined && io.uid !== 0) {
    io.stderr('ERROR: Unable to lock database: Permission denied\nERROR: Failed to open apk database: Permission denied\n');
    return 99;
  }
  switch (op) {
    case 'add':
      return add(io, cat, names, noCache, virtual, update);
    case 'del':
      return del(io, names);
    case 'update':
      fetchIndexes(io, cat, !noCache);
      for (const r of cat.repositories) io.stdout(`${r.revision} [${r.url}]\n`);
      io.stdout(`OK: ${cat.repositories.reduce((s, r) => s + r.packages, 0)} distinct packages available\n`);
      return 0;
    case 'info': {
      const db = readInstalled(io.fs);
      if (!names.length) for (const n of db.keys()) io.stdout(n + '\n');
      for (const n of names) {
        const p = db.get(n) ?? (cat.packages.has(n) ? { rec: cat.packages.get(n)! } : undefined);
        if (p) io.stdout(`${n}-${p.rec.version} installed size:\n${p.rec.installedSize} B\n\n`);
      }
      return 0;
    }
    case 'cache':
      if (names[0] === 'clean' && io.fs.stat(CACHE)) for (const f of io.fs.readdir(CACHE)) io.fs.remove(`${CACHE}/${f}`, { recursive: true });
      return 0;
    default:
      io.stdout('apk-tools 2.14.4, compiled for x86_64.\n\nusage: apk [<OPTIONS>...] COMMAND [<ARGUMENTS>...]\n');
      return 1;
  }
};

export type { FileSpec };
