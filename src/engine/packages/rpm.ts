/**
 * `dnf` / `yum` / `microdnf` on EL9 images: install -y, remove, makecache,
 * clean all. Repository metadata lands in /var/cache/dnf (the lesson: `dnf
 * clean all` in the same RUN). Installed state is read back from
 * /var/log/dnf.rpm.log, the log dnf really writes; rpmdb.sqlite is modelled by size only.
 */
import type { Command, CommandIO } from '../shell/types.js';
import rpmJson from './catalog/rpm-el9.json';
import { ARCHIVE_MTIME, ensureDir, readText, removePaths, writeBlob, writePayload, writeText, type FileSpec } from './common.js';

interface RpmPackage {
  version: string;
  repo: string;
  installedSize: number;
  archiveSize: number;
  depends?: string[];
  files: FileSpec[];
  rest?: string;
}

const PKGS = rpmJson.packages as unknown as Record<string, RpmPackage>;
const LOG = '/var/log/dnf.rpm.log';
const CACHE = '/var/cache/dnf';

/** dnf's sizes: k/M/G with one decimal under 10. */
function dnfSize(b: number): string {
  const u = ['', 'k', 'M', 'G'];
  let i = 0;
  while (b >= 1024 && i < 3) (b /= 1024), i++;
  return `${b < 10 && i ? b.toFixed(1) : Math.round(b)} ${u[i]}`.trim();
}

function installed(io: CommandIO): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of (readText(io.fs, LOG) ?? '').split('\n')) {
    const m = /(Installed|Erase): ([^\s]+?)-\d[^\s]*\.(x86_64|noarch)/.exec(line);
    if (!m) continue;
    if (m[1] === 'Installed') out.set(m[2]!, []);
    else out.delete(m[2]!);
  }
  return out;
}

function metadata(io: CommandIO, quiet: boolean): void {
  for (const r of rpmJson.repos) {
    if (!quiet) io.stdout(`${r.name.padEnd(48)}${dnfSize(r.size * 4).padStart(5)}B/s | ${dnfSize(r.size).padStart(5)}B     00:01\n`);
    writeBlob(io.fs, `${CACHE}/${r.id}-2d6e3c1b8f4e1a5c/repodata/primary.xml.zst`, r.cache, `dnf-md:${r.id}`, 0o644, io.now());
  }
  writeText(io.fs, `${CACHE}/expired_repos.json`, '[]', 0o644, io.now());
}

function install(io: CommandIO, names: string[], yes: boolean, tool: string): number {
  const have = installed(io);
  const missing = names.filter((n) => !PKGS[n]);
  if (!io.fs.stat(`${CACHE}/${rpmJson.repos[0]!.id}-2d6e3c1b8f4e1a5c`)) metadata(io, tool === 'microdnf');
  if (missing.length) {
    for (const n of missing) io.stdout(`No match for argument: ${n}\n`);
    io.stderr(`Error: Unable to find a match: ${missing.join(' ')}\n`);
    return 1;
  }
  const order: string[] = [];
  const visit = (n: string) => {
    if (order.includes(n) || have.has(n)) return;
    for (const d of PKGS[n]!.depends ?? []) visit(d);
    order.push(n);
  };
  for (const n of names) {
    if (have.has(n)) io.stdout(`Package ${n}-${PKGS[n]!.version}.x86_64 is already installed.\n`);
    visit(n);
  }
  io.stdout('Dependencies resolved.\n');
  if (!order.length) return io.stdout('Nothing to do.\nComplete!\n'), 0;
  const line = '='.repeat(80) + '\n';
  const row = (n: string) => ` ${n.padEnd(26)} ${'x86_64'.padEnd(7)} ${PKGS[n]!.version.padEnd(28)} ${PKGS[n]!.repo.padEnd(10)} ${dnfSize(PKGS[n]!.archiveSize).padStart(5)}\n`;
  const deps = order.filter((n) => !names.includes(n));
  io.stdout(line + ` ${'Package'.padEnd(26)} ${'Arch'.padEnd(7)} ${'Version'.padEnd(28)} ${'Repository'.padEnd(10)}  Size\n` + line);
  io.stdout('Installing:\n' + order.filter((n) => names.includes(n)).map(row).join(''));
  if (deps.length) io.stdout('Installing dependencies:\n' + deps.map(row).join(''));
  const dl = order.reduce((s, n) => s + PKGS[n]!.archiveSize, 0);
  const disk = order.reduce((s, n) => s + PKGS[n]!.installedSize, 0);
  io.stdout(`\nTransaction Summary\n${line}Install  ${order.length} Package${order.length > 1 ? 's' : ''}\n\nTotal download size: ${dnfSize(dl)}\nInstalled size: ${dnfSize(disk)}\n`);
  if (!yes) return io.stdout('Is this ok [y/N]: Operation aborted.\n'), 1;
  io.stdout('Downloading Packages:\n');
  let log = readText(io.fs, LOG) ?? '';
  const stamp = new Date(io.now() * 1000).toISOString().slice(0, 19) + '+0000';
  for (const [i, n] of order.entries()) {
    const p = PKGS[n]!;
    io.stdout(`  Installing       : ${`${n}-${p.version}.x86_64`.padEnd(52)} ${i + 1}/${order.length}\n`);
    writePayload(io.fs, { id: `rpm:${n}@${p.version}`, files: p.files, rest: p.rest, size: p.installedSize, mtime: ARCHIVE_MTIME });
    log += `${stamp} SUBDEBUG Installed: ${n}-${p.version}.x86_64\n`;
  }
  writeText(io.fs, LOG, log, 0o644, io.now());
  const rpmdb = io.fs.stat('/var/lib/rpm/rpmdb.sqlite')?.size ?? 4_000_000;
  ensureDir(io.fs, '/var/lib/rpm');
  writeBlob(io.fs, '/var/lib/rpm/rpmdb.sqlite', rpmdb + order.length * 90_000, `rpmdb:${log}`, 0o644, io.now());
  io.stdout(`\nInstalled:\n${order.map((n) => `  ${n}-${PKGS[n]!.version}.x86_64`).join('\n')}\n\nComplete!\n`);
  return 0;
}

function remove(io: CommandIO, names: string[]): number {
  const have = installed(io);
  let log = readText(io.fs, LOG) ?? '';
  const stamp = new Date(io.now() * 1000).toISOString().slice(0, 19) + '+0000';
  for (const n of names) {
    if (!have.has(n) || !PKGS[n]) {
      io.stdout(`No match for argument: ${n}\n`);
      continue;
    }
    const p = PKGS[n]!;
    removePaths(io.fs, p.files.map((f) => f[0]));
    log += `${stamp} SUBDEBUG Erase: ${n}-${p.version}.x86_64\n`;
    io.stdout(`  Erasing          : ${n}-${p.version}.x86_64\n`);
  }
  writeText(io.fs, LOG, log, 0o644, io.now());
  io.stdout('Complete!\n');
  return 0;
}

/** `dnf`, `yum` (dnf on EL9) and `microdnf`. */
export const dnf: Command = (argv, io) => {
  const tool = argv[0]!.split('/').pop()!;
  const yes = argv.includes('-y') || argv.includes('--assumeyes');
  const quiet = argv.includes('-q');
  const [op, ...names] = argv.slice(1).filter((a) => !a.startsWith('-'));
  if (io.uid !== 0 && op !== 'list') {
    io.stderr('Error: This command has to be run with superuser privileges (under the root user on most systems).\n');
    return 1;
  }
  switch (op) {
    case 'install':
      return install(io, names, yes || tool === 'microdnf', tool);
    case 'remove':
    case 'erase':
      return remove(io, names);
    case 'makecache':
      metadata(io, quiet);
      io.stdout('Metadata cache created.\n');
      return 0;
    case 'clean': {
      let n = 0;
      for (const root of [CACHE, '/var/cache/yum']) {
        if (!io.fs.stat(root)) continue;
        for (const f of io.fs.readdir(root)) {
          io.fs.remove(`${root}/${f}`, { recursive: true });
          n++;
        }
      }
      io.stdout(`${n} files removed\n`);
      return 0;
    }
    case 'update':
    case 'upgrade':
      metadata(io, quiet);
      io.stdout('Dependencies resolved.\nNothing to do.\nComplete!\n');
      return 0;
    default:
      io.stderr(`No such command: ${op ?? ''}. Please use ${argv[0]} --help\n`);
      return 1;
  }
};
