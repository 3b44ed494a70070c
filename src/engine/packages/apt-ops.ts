/**
 * What apt and dpkg change on disk: index files, package files, the status
 * database, the archive cache and the logs. The CLI in apt.ts decides what to
 * do and prints; this module only writes.
 */
import type { Fs } from '../fs/types.js';
import { basename } from '../fs/path.js';
import type { AptCatalog, DebPackage } from './apt-catalog.js';
import { ARCHIVE_MTIME, ensureDir, forceSymlink, logTime, readText, removeIfExists, removePaths, writeBlob, writePayload, writeText } from './common.js';
import { readFileList, readStatus, writeStatus, type Stanza } from './dpkg-db.js';

const LISTS = '/var/lib/apt/lists';
const ARCHIVES = '/var/cache/apt/archives';
/** pkgcache.bin after an update of bookworm main (estimate: apt's binary cache is about half the plain index). */
const PKGCACHE_BYTES = 27_000_000;

/** apt configuration the docker images ship in /etc/apt/apt.conf.d, which changes what apt leaves behind. */
export interface AptConfig {
  /** docker-gzip-indexes: indexes stay compressed on disk. */
  gzipIndexes: boolean;
  /** docker-clean: no pkgcache.bin, and .debs are deleted after each install. */
  dockerClean: boolean;
}

/** Reads the apt.conf.d settings that matter here. */
export function readAptConfig(fs: Fs): AptConfig {
  const dir = '/etc/apt/apt.conf.d';
  let text = '';
  if (fs.stat(dir)) for (const f of fs.readdir(dir)) text += (readText(fs, `${dir}/${f}`) ?? '') + '\n';
  return {
    gzipIndexes: /Acquire::GzipIndexes\s+"(true|1)"/.test(text),
    dockerClean: fs.stat(`${dir}/docker-clean`) !== null,
  };
}

/** The on-disk name of an index file (compressed ones get apt's .lz4 suffix). */
function listPath(f: { file: string }, cfg: AptConfig): string {
  return `${LISTS}/${f.file}${cfg.gzipIndexes && f.file.endsWith('_Packages') ? '.lz4' : ''}`;
}

/** True when `apt-get update` has fetched this catalog's package indexes. */
export function hasLists(fs: Fs, cat: AptCatalog): boolean {
  if (!fs.stat(LISTS)) return false;
  const names = fs.readdir(LISTS);
  return cat.lists.some((l) => l.file.endsWith('_Packages') && names.some((n) => n.startsWith(l.file)));
}

/** Writes the index files (and the binary cache unless docker-clean disables it). */
export function writeLists(fs: Fs, cat: AptCatalog, cfg: AptConfig, now: number): void {
  ensureDir(fs, `${LISTS}/partial`);
  ensureDir(fs, `${LISTS}/auxfiles`);
  if (!fs.stat(`${LISTS}/lock`)) writeText(fs, `${LISTS}/lock`, '', 0o640, now);
  for (const l of cat.lists) {
    const size = l.file.endsWith('_Packages') ? (cfg.gzipIndexes ? l.compressed : l.uncompressed) : l.uncompressed;
    writeBlob(fs, listPath(l, cfg), size, `apt-list:${cat.codename}:${l.file}`, 0o644, now);
  }
  if (!cfg.dockerClean) {
    writeBlob(fs, '/var/cache/apt/pkgcache.bin', PKGCACHE_BYTES, `apt-pkgcache:${cat.codename}`, 0o644, now);
    writeBlob(fs, '/var/cache/apt/srcpkgcache.bin', PKGCACHE_BYTES, `apt-srcpkgcache:${cat.codename}`, 0o644, now);
  }
}

/** The status stanza dpkg writes for a newly installed package. */
function stanzaFor(p: DebPackage): Stanza {
  const st: Stanza = new Map([['Package', p.name]]);
  if (p.essential) st.set('Essential', 'yes');
  st.set('Status', 'install ok installed');
  st.set('Priority', p.priority);
  st.set('Section', p.section);
  st.set('Installed-Size', String(Math.round(p.installedSize / 1024)));
  st.set('Architecture', p.arch);
  st.set('Version', p.version);
  if (p.preDepends?.length) st.set('Pre-Depends', p.preDepends.join(', ').replace(/\|/g, ' | '));
  if (p.depends?.length) st.set('Depends', p.depends.join(', ').replace(/\|/g, ' | '));
  if (p.recommends?.length) st.set('Recommends', p.recommends.join(', ').replace(/\|/g, ' | '));
  return st;
}

/** The .deb's name in the archive cache (`curl_7.88.1-10+deb12u8_amd64.deb`, epoch colon escaped). */
export function debName(p: DebPackage): string {
  return `${p.name}_${p.version.replace(':', '%3a')}_${p.arch}.deb`;
}

/**
 * Unpacks and configures packages in order: files, alternatives, the .list
 * file, the status entry; the archives stay in the cache unless docker-clean.
 */
export function installDebs(fs: Fs, pkgs: DebPackage[], cfg: AptConfig, now: number): void {
  const status = readStatus(fs);
  ensureDir(fs, `${ARCHIVES}/partial`);
  for (const p of pkgs) {
    if (!cfg.dockerClean) writeBlob(fs, `${ARCHIVES}/${debName(p)}`, p.archiveSize, `deb:${p.filename}`, 0o644, now);
    const written = writePayload(fs, { id: `apt:${p.name}@${p.version}`, files: p.files, rest: p.rest, size: p.installedSize, mtime: ARCHIVE_MTIME });
    for (const [link, name, target] of p.alternatives ?? []) {
      forceSymlink(fs, target, `/etc/alternatives/${name}`, now);
      if (!fs.stat(link, false)) forceSymlink(fs, `/etc/alternatives/${name}`, link, now);
    }
    writeText(fs, `/var/lib/dpkg/info/${p.name}.list`, ['/.', ...written].join('\n') + '\n', 0o644, now);
    status.set(p.name, stanzaFor(p));
  }
  writeStatus(fs, status.values(), now);
  if (!fs.stat(`${ARCHIVES}/lock`)) writeText(fs, `${ARCHIVES}/lock`, '', 0o640, now);
}

/** Removes packages' files and status entries (`purge` also drops their /var/lib/dpkg/info files). */
export function removeDebs(fs: Fs, names: string[], purge: boolean, now: number): void {
  const status = readStatus(fs);
  for (const n of names) {
    removePaths(fs, readFileList(fs, n));
    removeIfExists(fs, `/var/lib/dpkg/info/${n}.list`);
    removeIfExists(fs, `/var/lib/dpkg/info/${n}:amd64.list`);
    if (purge) for (const ext of ['md5sums', 'conffiles', 'postinst', 'prerm', 'postrm', 'preinst']) removeIfExists(fs, `/var/lib/dpkg/info/${n}.${ext}`);
    status.delete(n);
  }
  writeStatus(fs, status.values(), now);
}

/** `apt-get clean`: the cached archives and binary caches go, the directories stay. */
export function cleanCache(fs: Fs): void {
  if (fs.stat(ARCHIVES)) for (const f of fs.readdir(ARCHIVES)) if (f.endsWith('.deb')) fs.remove(`${ARCHIVES}/${f}`);
  removeIfExists(fs, '/var/cache/apt/pkgcache.bin');
  removeIfExists(fs, '/var/cache/apt/srcpkgcache.bin');
}

/** Appends the apt history and dpkg log entries a real install leaves in /var/log. */
export function logAction(fs: Fs, cmdline: string, action: 'Install' | 'Remove' | 'Purge', pkgs: { name: string; version: string; arch: string }[], now: number): void {
  const when = logTime(now);
  const list = pkgs.map((p) => `${p.name}:${p.arch} (${p.version})`).join(', ');
  const history = `\nStart-Date: ${when.replace(' ', '  ')}\nCommandline: ${cmdline}\n${action}: ${list}\nEnd-Date: ${when.replace(' ', '  ')}\n`;
  writeText(fs, '/var/log/apt/history.log', (readText(fs, '/var/log/apt/history.log') ?? '') + history, 0o644, now);
  const verb = action === 'Install' ? 'install' : action === 'Purge' ? 'purge' : 'remove';
  const dpkg = pkgs.map((p) => `${when} ${verb} ${p.name}:${p.arch} ${action === 'Install' ? '<none> ' + p.version : p.version + ' <none>'}\n`).join('');
  writeText(fs, '/var/log/dpkg.log', (readText(fs, '/var/log/dpkg.log') ?? '') + dpkg, 0o644, now);
}

/** Name of the archive a Get: line and "Preparing to unpack" mention. */
export function archiveBase(p: DebPackage): string {
  return basename(p.filename);
}
