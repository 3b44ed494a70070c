/**
 * `apt-get` and `apt` over the simulated filesystem: update, install, remove,
 * purge, autoremove, clean, upgrade. The package indexes are "reachable" (a
 * modelling choice: the simulator has no network, the catalog stands in for
 * the mirror), but only after `apt-get update` wrote them, as in a real image.
 */
import type { Command, CommandIO } from '../shell/types.js';
import { aptCatalogFor, type AptCatalog, type DebPackage } from './apt-catalog.js';
import { archiveBase, cleanCache, hasLists, installDebs, logAction, readAptConfig, removeDebs, writeLists } from './apt-ops.js';
import { aptSize, osRelease, wrapList } from './common.js';
import { countInstalledPaths, readAutoInstalled, readStatus, writeAutoInstalled } from './dpkg-db.js';

interface AptOptions {
  yes: boolean;
  recommends: boolean;
  autoRemove: boolean;
  purge: boolean;
  quiet: number;
  args: string[];
}

const HEADER = 'Reading package lists...\nBuilding dependency tree...\nReading state information...\n';
const APT_WARNING = '\nWARNING: apt does not have a stable CLI interface. Use with caution in scripts.\n\n';

const IGNORED = /^--(no-install-suggests|fix-missing|fix-broken|allow-[a-z-]+|no-upgrade|only-upgrade|reinstall|force-yes|show-progress|download-only|no-download|verbose-versions)$|^-[fmV]$/;

function parse(argv: string[]): AptOptions | string {
  const o: AptOptions = { yes: false, recommends: true, autoRemove: false, purge: false, quiet: 0, args: [] };
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    if (/^-[yq]+$/.test(a)) {
      o.yes ||= a.includes('y');
      o.quiet += a.split('q').length - 1;
    } else if (a === '--yes' || a === '--assume-yes') o.yes = true;
    else if (a === '--quiet') o.quiet++;
    else if (a === '--no-install-recommends') o.recommends = false;
    else if (a === '--install-recommends') o.recommends = true;
    else if (a === '--auto-remove' || a === '--autoremove') o.autoRemove = true;
    else if (a === '--purge') o.purge = true;
    else if (a === '-o' || a === '-c' || a === '-t') i++;
    else if (a.startsWith('-o') || a.startsWith('--option') || a.startsWith('--target-release')) continue;
    else if (a.startsWith('-') && !IGNORED.test(a)) return `E: Command line option '${a.replace(/^-+/, '')}' [from ${a}] is not understood in combination with the other options.`;
    else if (!a.startsWith('-')) o.args.push(a);
  }
  return o;
}

/** Picks, for each dependency group, the installed or chosen alternative, else the first the catalog has. */
function pick(group: string, cat: AptCatalog, have: (n: string) => boolean): string | undefined {
  const alts = group.split('|');
  return alts.find(have) ?? alts.find((a) => cat.packages.has(a));
}

/** New packages to install, dependencies first; recommends only when wanted. */
function plan(cat: AptCatalog, installed: Set<string>, roots: string[], recommends: boolean): DebPackage[] {
  const order: DebPackage[] = [];
  const seen = new Set<string>();
  const have = (n: string) => installed.has(n) || seen.has(n);
  const visit = (name: string) => {
    if (have(name)) return;
    const p = cat.packages.get(name);
    if (!p) return;
    seen.add(name);
    const groups = [...(p.preDepends ?? []), ...(p.depends ?? []), ...(recommends ? (p.recommends ?? []) : [])];
    for (const g of groups) {
      const dep = pick(g, cat, have);
      if (dep) visit(dep);
    }
    order.push(p);
  };
  for (const r of [...roots].sort()) visit(r);
  return order;
}

/** Installed packages that depend on a removed one, transitively (apt removes them too). */
function dependents(cat: AptCatalog, installed: Set<string>, removing: Set<string>): Set<string> {
  let changed = true;
  while (changed) {
    changed = false;
    for (const n of installed) {
      if (removing.has(n)) continue;
      const p = cat.packages.get(n);
      const broken = [...(p?.preDepends ?? []), ...(p?.depends ?? [])].some((g) => g.split('|').every((a) => removing.has(a) || !installed.has(a)) && g.split('|').some((a) => removing.has(a)));
      if (broken) {
        removing.add(n);
        changed = true;
      }
    }
  }
  return removing;
}

/** Auto-installed packages nothing manually installed still needs. */
function orphans(cat: AptCatalog, installed: Set<string>, auto: Set<string>): string[] {
  const needed = new Set<string>();
  const visit = (n: string) => {
    if (needed.has(n) || !installed.has(n)) return;
    needed.add(n);
    const p = cat.packages.get(n);
    for (const g of [...(p?.preDepends ?? []), ...(p?.depends ?? []), ...(p?.recommends ?? [])]) {
      const d = g.split('|').find((a) => installed.has(a));
      if (d) visit(d);
    }
  };
  for (const n of installed) if (!auto.has(n)) visit(n);
  return [...installed].filter((n) => auto.has(n) && !needed.has(n)).sort();
}

function lockError(io: CommandIO, update: boolean): number {
  if (update) io.stderr('E: Could not open lock file /var/lib/apt/lists/lock - open (13: Permission denied)\nE: Unable to lock directory /var/lib/apt/lists/\n');
  else io.stderr('E: Could not open lock file /var/lib/dpkg/lock-frontend - open (13: Permission denied)\nE: Unable to acquire the dpkg frontend lock (/var/lib/dpkg/lock-frontend), are you root?\n');
  return 100;
}

function update(io: CommandIO, cat: AptCatalog, apt: boolean): number {
  const cfg = readAptConfig(io.fs);
  let fetched = 0;
  cat.lists.forEach((l, i) => {
    io.stdout(`Get:${i + 1} ${l.label} [${aptSize(l.download)}]\n`);
    fetched += l.download;
  });
  io.stdout(`Fetched ${aptSize(fetched)} in 2s (${aptSize(Math.round(fetched / 2))}/s)\nReading package lists...\n`);
  if (apt) io.stdout('Building dependency tree...\nReading state information...\nAll packages are up to date.\n');
  writeLists(io.fs, cat, cfg, io.now());
  return 0;
}

function install(io: CommandIO, cat: AptCatalog, o: AptOptions, cmdline: string): number {
  io.stdout(HEADER);
  const status = readStatus(io.fs);
  const installed = new Set(status.keys());
  const lists = hasLists(io.fs, cat);
  const roots: string[] = [];
  for (const arg of o.args) {
    const [name, version] = arg.split('=') as [string, string | undefined];
    const p = lists ? cat.packages.get(name) : undefined;
    if (!p) {
      io.stderr(`E: Unable to locate package ${name}\n`);
      return 100;
    }
    if (version !== undefined && version !== p.version) {
      io.stderr(`E: Version '${version}' for '${name}' was not found\n`);
      return 100;
    }
    if (installed.has(name)) io.stdout(`${name} is already the newest version (${status.get(name)!.get('Version')}).\n`);
    else roots.push(name);
  }
  const pkgs = plan(cat, installed, roots, o.recommends);
  const chosen = new Set(pkgs.map((p) => p.name));
  const extra = pkgs.filter((p) => !roots.includes(p.name)).map((p) => p.name).sort();
  if (extra.length) io.stdout('The following additional packages will be installed:\n' + wrapList(extra));
  const suggests = new Set<string>();
  const recs = new Set<string>();
  for (const p of pkgs) {
    for (const g of p.suggests ?? []) if (!g.split('|').some((a) => chosen.has(a) || installed.has(a))) suggests.add(g.split('|')[0]!);
    if (!o.recommends) for (const g of p.recommends ?? []) if (!g.split('|').some((a) => chosen.has(a) || installed.has(a))) recs.add(g.split('|')[0]!);
  }
  if (suggests.size) io.stdout('Suggested packages:\n' + wrapList([...suggests].sort()));
  if (recs.size) io.stdout('Recommended packages:\n' + wrapList([...recs].sort()));
  if (pkgs.length) io.stdout('The following NEW packages will be installed:\n' + wrapList([...chosen].sort()));
  io.stdout(`0 upgraded, ${pkgs.length} newly installed, 0 to remove and 0 not upgraded.\n`);
  if (!pkgs.length) return 0;
  const download = pkgs.reduce((s, p) => s + p.archiveSize, 0);
  const disk = pkgs.reduce((s, p) => s + p.installedSize, 0);
  io.stdout(`Need to get ${aptSize(download)} of archives.\nAfter this operation, ${aptSize(disk)} of additional disk space will be used.\n`);
  if (extra.length && !o.yes) {
    // a RUN has no terminal: apt reads EOF at the prompt and gives up
    io.stdout('Do you want to continue? [Y/n] Abort.\n');
    return 1;
  }
  pkgs.forEach((p, i) => io.stdout(`Get:${i + 1} ${cat.mirror(p.suite)} ${p.suite}/main amd64 ${p.name} ${p.arch} ${p.version} [${aptSize(p.archiveSize)}]\n`));
  if (pkgs.some((p) => p.depends?.some((g) => g.startsWith('debconf')))) io.stderr('debconf: delaying package configuration, since apt-utils is not installed\n');
  io.stdout(`Fetched ${aptSize(download)} in 1s (${aptSize(download)}/s)\n`);
  const width = String(pkgs.length - 1).length;
  let count = countInstalledPaths(io.fs);
  pkgs.forEach((p, i) => {
    io.stdout(`Selecting previously unselected package ${p.name}.\n`);
    io.stdout(`(Reading database ... ${count} files and directories currently installed.)\n`);
    io.stdout(`Preparing to unpack .../${pkgs.length > 1 ? String(i).padStart(Math.max(2, width), '0') + '-' : ''}${archiveBase(p)} ...\n`);
    io.stdout(`Unpacking ${p.name} (${p.version}) ...\n`);
    count += p.files.length + 1;
  });
  for (const p of pkgs) io.stdout(`Setting up ${p.name} (${p.version}) ...\n`);
  const libcBin = status.get('libc-bin');
  if (libcBin && pkgs.some((p) => p.section === 'libs' || p.name.startsWith('lib'))) io.stdout(`Processing triggers for libc-bin (${libcBin.get('Version')}) ...\n`);
  const cfg = readAptConfig(io.fs);
  installDebs(io.fs, pkgs, cfg, io.now());
  const auto = readAutoInstalled(io.fs);
  for (const n of extra) auto.add(n);
  for (const n of roots) auto.delete(n);
  writeAutoInstalled(io.fs, auto, (n) => cat.packages.get(n)?.arch ?? 'amd64', io.now());
  logAction(io.fs, cmdline, 'Install', pkgs, io.now());
  return 0;
}

function remove(io: CommandIO, cat: AptCatalog, o: AptOptions, purge: boolean, auto: boolean, cmdline: string): number {
  io.stdout(HEADER);
  const status = readStatus(io.fs);
  const installed = new Set(status.keys());
  const removing = new Set<string>();
  const lists = hasLists(io.fs, cat);
  for (const name of o.args) {
    if (installed.has(name)) removing.add(name);
    else if (lists && cat.packages.has(name)) io.stdout(`Package '${name}' is not installed, so not removed\n`);
    else {
      io.stderr(`E: Unable to locate package ${name}\n`);
      return 100;
    }
  }
  dependents(cat, installed, removing);
  if (auto || o.autoRemove) {
    const left = new Set([...installed].filter((n) => !removing.has(n)));
    for (const n of orphans(cat, left, readAutoInstalled(io.fs))) removing.add(n);
  }
  const names = [...removing].sort();
  if (names.length) io.stdout(`The following packages will be REMOVED:\n` + wrapList(names.map((n) => (purge ? n + '*' : n))));
  io.stdout(`0 upgraded, 0 newly installed, ${names.length} to remove and 0 not upgraded.\n`);
  if (!names.length) return 0;
  const freed = names.reduce((s, n) => s + Number(status.get(n)!.get('Installed-Size') ?? 0) * 1024, 0);
  io.stdout(`After this operation, ${aptSize(freed)} disk space will be freed.\n`);
  if (!o.yes && (names.length > o.args.length || auto)) {
    io.stdout('Do you want to continue? [Y/n] Abort.\n');
    return 1;
  }
  io.stdout(`(Reading database ... ${countInstalledPaths(io.fs)} files and directories currently installed.)\n`);
  for (const n of names) io.stdout(`Removing ${n} (${status.get(n)!.get('Version')}) ...\n`);
  removeDebs(io.fs, names, purge, io.now());
  const autoSet = readAutoInstalled(io.fs);
  for (const n of names) autoSet.delete(n);
  writeAutoInstalled(io.fs, autoSet, (n) => cat.packages.get(n)?.arch ?? 'amd64', io.now());
  const info = names.map((n) => ({ name: n, version: status.get(n)!.get('Version')!, arch: status.get(n)!.get('Architecture') ?? 'amd64' }));
  logAction(io.fs, cmdline, purge ? 'Purge' : 'Remove', info, io.now());
  return 0;
}

/** Runs apt-get (or apt when `apt` is true). */
function runApt(argv: string[], io: CommandIO, apt: boolean): number {
  if (apt) io.stderr(APT_WARNING);
  const o = parse(argv);
  if (typeof o === 'string') {
    io.stderr(o + '\n');
    return 100;
  }
  const [op, ...rest] = o.args;
  o.args = rest;
  // -qq (quiet level 2) leaves only errors; -y is implied by it
  if (o.quiet >= 2) {
    io = { ...io, stdout: () => {} };
    o.yes = true;
  }
  const cat = aptCatalogFor(osRelease(io.fs).ID ?? 'debian');
  const cmdline = argv.join(' ');
  if (!op) {
    io.stdout(`apt ${'2.6.1'} (amd64)\nUsage: ${apt ? 'apt' : 'apt-get'} [options] command\n`);
    return 1;
  }
  const known = ['update', 'install', 'remove', 'purge', 'autoremove', 'auto-remove', 'autopurge', 'clean', 'autoclean', 'upgrade', 'dist-upgrade', 'full-upgrade', 'check'];
  if (!known.includes(op)) {
    io.stderr(`E: Invalid operation ${op}\n`);
    return 100;
  }
  if (io.uid !== 0 && op !== 'check') return lockError(io, op === 'update');
  switch (op) {
    case 'update':
      return update(io, cat, apt);
    case 'install':
      return install(io, cat, o, cmdline);
    case 'remove':
    case 'purge':
      return remove(io, cat, o, op === 'purge' || o.purge, false, cmdline);
    case 'autoremove':
    case 'auto-remove':
    case 'autopurge':
      return remove(io, cat, o, op === 'autopurge' || o.purge, true, cmdline);
    case 'clean':
    case 'autoclean':
      cleanCache(io.fs);
      return 0;
    case 'check':
      io.stdout(HEADER);
      return 0;
    default:
      io.stdout(HEADER + 'Calculating upgrade...\n0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n');
      return 0;
  }
}

/** `apt-get`: the script-stable front end. */
export const aptGet: Command = (argv, io) => runApt(argv, io, false);

/** `apt`: same operations, with the warning apt prints when its output is not a terminal. */
export const apt: Command = (argv, io) => runApt(argv, io, true);
