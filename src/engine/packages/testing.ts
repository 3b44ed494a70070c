/**
 * Test support: base-image fixtures in the real on-disk formats and a tiny
 * `a && b` runner, so package commands can be tested without the shell.
 */
import { Layer } from '../fs/layer.js';
import { UnionFs } from '../fs/union.js';
import type { CommandIO } from '../shell/types.js';
import { aptCatalogFor } from './apt-catalog.js';
import { apkCatalog } from './apk.js';
import { renderApkRecord } from './apk-db.js';
import { resolvePackageCommand } from './index.js';
import { writeText } from './common.js';

export const NOW = 1700000000;

/** A root filesystem built by `setup`, frozen into one lower layer. */
export function image(setup: (fs: UnionFs) => void): Layer {
  const fs = new UnionFs([], { now: () => NOW });
  for (const d of ['/etc', '/usr/bin', '/usr/local/bin', '/usr/sbin', '/usr/lib', '/var/lib', '/var/cache', '/var/log', '/tmp', '/root']) fs.mkdir(d, { parents: true });
  setup(fs);
  return fs.diff();
}

/** debian:bookworm or ubuntu:noble as far as apt cares: os-release, apt.conf.d, dpkg status, empty lists. */
export function debianImage(id: 'debian' | 'ubuntu' = 'debian', opts: { dockerClean?: boolean } = {}): Layer {
  const cat = aptCatalogFor(id);
  return image((fs) => {
    writeText(fs, '/etc/os-release', id === 'debian' ? 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_CODENAME=bookworm\n' : 'PRETTY_NAME="Ubuntu 24.04.2 LTS"\nID=ubuntu\nVERSION_CODENAME=noble\nID_LIKE=debian\n');
    if (opts.dockerClean !== false) writeText(fs, '/etc/apt/apt.conf.d/docker-clean', 'DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };\nDir::Cache::pkgcache "";\nDir::Cache::srcpkgcache "";\n');
    writeText(fs, '/etc/apt/apt.conf.d/docker-gzip-indexes', 'Acquire::GzipIndexes "true";\n');
    fs.mkdir('/var/lib/apt/lists/partial', { parents: true });
    fs.mkdir('/var/cache/apt/archives/partial', { parents: true });
    const stanzas = cat.baseImage
      .filter((n) => cat.packages.has(n))
      .map((n) => {
        const p = cat.packages.get(n)!;
        return `Package: ${n}\nStatus: install ok installed\nInstalled-Size: ${Math.round(p.installedSize / 1024)}\nArchitecture: ${p.arch}\nVersion: ${p.version}\n`;
      });
    writeText(fs, '/var/lib/dpkg/status', stanzas.join('\n'));
    fs.mkdir('/var/lib/dpkg/info', { parents: true });
  });
}

/** alpine:3.20 as far as apk cares: os-release, repositories, installed db, world. */
export function alpineImage(): Layer {
  const cat = apkCatalog();
  return image((fs) => {
    writeText(fs, '/etc/os-release', 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.20.6\n');
    writeText(fs, '/etc/apk/repositories', cat.repositories.map((r) => r.url).join('\n') + '\n');
    writeText(fs, '/etc/apk/world', cat.baseImage.join('\n') + '\n');
    writeText(fs, '/lib/apk/db/installed', cat.baseImage.map((n) => renderApkRecord(cat.packages.get(n)!, [])).join(''));
    fs.mkdir('/var/cache/apk', { parents: true });
  });
}

/** A writable container over `base` with a fixed clock. */
export function container(base: Layer, uid = 0): UnionFs {
  return new UnionFs([base], { cred: { uid, gid: uid }, now: () => NOW });
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Splits on `&&` and whitespace (single/double quotes kept together); tests only. */
function split(line: string): string[][] {
  return line.split('&&').map((part) => (part.match(/'[^']*'|"[^"]*"|\S+/g) ?? []).map((w) => w.replace(/^['"]|['"]$/g, '')));
}

/** Runs `a && b && ...` with the package commands and a minimal `rm -rf`/`mkdir -p`/`echo > file`. */
export function run(fs: UnionFs, line: string, opts: Partial<CommandIO> = {}): RunResult {
  const res: RunResult = { code: 0, stdout: '', stderr: '' };
  const io: CommandIO = {
    fs,
    env: { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: '/root' },
    cwd: '/',
    uid: fs.cred.uid,
    gid: fs.cred.gid,
    hostname: 'buildkitsandbox',
    stdin: '',
    stdout: (s) => void (res.stdout += s),
    stderr: (s) => void (res.stderr += s),
    now: () => NOW,
    flavor: 'dash',
    ...opts,
  };
  for (const argv of split(line)) {
    const name = argv[0]!;
    if (name === 'rm') {
      for (const p of argv.slice(1).filter((a) => !a.startsWith('-'))) {
        const dir = p.endsWith('/*') ? p.slice(0, -2) : undefined;
        const targets = dir ? (fs.stat(dir) ? fs.readdir(dir).map((n) => `${dir}/${n}`) : []) : [p];
        for (const t of targets) if (fs.stat(t, false)) fs.remove(t, { recursive: true });
      }
      res.code = 0;
    } else if (name === 'mkdir') {
      for (const p of argv.slice(1).filter((a) => !a.startsWith('-'))) fs.mkdir(p, { parents: true });
    } else {
      const cmd = resolvePackageCommand(name.split('/').pop()!, name, io);
      if (!cmd) throw new Error(`no model for ${name}`);
      res.code = cmd(argv, io);
    }
    if (res.code !== 0) break;
  }
  return res;
}
