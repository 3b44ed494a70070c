/**
 * `npm install`/`ci`/`run`/`cache clean`: node_modules laid out as npm hoists
 * it, with each package's measured size, package-lock.json written, tarballs
 * kept in ~/.npm/_cacache. Node code (scripts, postinstall) is not run.
 */
import { base64ToBytes } from '../fs/layer.js';
import { dirname, normalize } from '../fs/path.js';
import { unmodelledText } from '../shell/exec.js';
import { shellIO } from '../shell/process.js';
import type { Command, CommandIO } from '../shell/types.js';
import npmJson from './catalog/npm.json';
import { ARCHIVE_MTIME, forceSymlink, homeDir, readText, removeIfExists, writeBlob, writePayload, writeText } from './common.js';
import { satisfies } from './semver.js';

interface NpmVersion {
  size: number;
  files: number;
  tarball: number;
  integrity: string;
  deps?: Record<string, string>;
  optionalDeps?: Record<string, string>;
  bin?: Record<string, string>;
  main: string;
  license?: string;
}

const CATALOG = npmJson.packages as unknown as Record<string, { latest?: string; versions: Record<string, NpmVersion> }>;

/** A placed package: its node_modules path, version and whether only dev dependencies need it. */
interface Placed {
  path: string;
  name: string;
  version: string;
  dev: boolean;
}

function npmError(io: CommandIO, lines: string[]): void {
  const stamp = new Date(io.now() * 1000).toISOString().replace(/:/g, '_').replace('.', '_');
  io.stderr(lines.map((l) => `npm error ${l}`.trimEnd() + '\n').join('') + `npm error A complete log of this run can be found in: ${homeDir(io)}/.npm/_logs/${stamp}-debug-0.log\n`);
}

/** The catalog version a range selects (highest match), else the catalog's latest with a warning. */
function pickVersion(io: CommandIO, name: string, range: string): string | undefined {
  const entry = CATALOG[name];
  if (!entry) return undefined;
  const versions = Object.keys(entry.versions);
  const ok = versions.filter((v) => satisfies(v, range)).sort((a, b) => (a < b ? 1 : -1));
  if (ok.length) return ok[0];
  const latest = entry.latest ?? versions[0]!;
  io.stderr(`npm warn layerlab: ${name}@${range} is not in the simulator's catalog; installing ${name}@${latest}\n`);
  return latest;
}

/** Places roots and their dependencies as npm's hoisting does: top level when free, else nested. */
function layout(io: CommandIO, roots: [string, string, boolean][]): Placed[] | string {
  const placed = new Map<string, Placed>();
  const queue: { parent: string; name: string; version: string }[] = [];
  for (const [name, range] of roots) {
    const version = pickVersion(io, name, range);
    if (!version) return name;
    queue.push({ parent: '', name, version });
  }
  while (queue.length) {
    const { parent, name, version } = queue.shift()!;
    // walk up from the parent: reuse a visible copy, else take the highest free slot
    let dir = parent;
    let target: string | undefined;
    for (;;) {
      const p = (dir ? dir + '/' : '') + 'node_modules/' + name;
      const got = placed.get(p);
      if (got) {
        if (got.version === version) {
          target = undefined;
          break;
        }
        target ??= (parent ? parent + '/' : '') + 'node_modules/' + name;
        break;
      }
      target = p;
      if (!dir) break;
      const i = dir.lastIndexOf('/node_modules/');
      dir = i >= 0 ? dir.slice(0, i) : '';
    }
    if (!target || placed.has(target)) continue;
    placed.set(target, { path: target, name, version, dev: false });
    const v = CATALOG[name]!.versions[version]!;
    for (const [d, dv] of Object.entries({ ...v.deps, ...v.optionalDeps })) if (CATALOG[d]?.versions[dv]) queue.push({ parent: target, name: d, version: dv });
  }
  const list = [...placed.values()].sort((a, b) => (a.path < b.path ? -1 : 1));
  markDev(list, roots.filter((r) => !r[2]).map((r) => r[0]));
  return list;
}

/** A package is dev-only when no production root reaches it through Node's resolution. */
function markDev(placed: Placed[], prodRoots: string[]): void {
  const byPath = new Map(placed.map((p) => [p.path, p]));
  const find = (from: string, dep: string): Placed | undefined => {
    for (let dir = from; ; ) {
      const hit = byPath.get(`${dir ? dir + '/' : ''}node_modules/${dep}`);
      if (hit || !dir) return hit;
      const i = dir.lastIndexOf('/node_modules/');
      dir = i >= 0 ? dir.slice(0, i) : '';
    }
  };
  for (const p of placed) p.dev = true;
  const visit = (p: Placed | undefined) => {
    if (!p || !p.dev) return;
    p.dev = false;
    const v = CATALOG[p.name]?.versions[p.version];
    for (const d of Object.keys({ ...v?.deps, ...v?.optionalDeps })) visit(find(p.path, d));
  };
  for (const r of prodRoots) visit(byPath.get(`node_modules/${r}`));
}

function writeModules(io: CommandIO, root: string, pkgs: Placed[], cache: boolean): void {
  for (const p of pkgs) {
    const v = CATALOG[p.name]?.versions[p.version];
    const dir = `${root}/${p.path}`;
    const size = v?.size ?? 50_000;
    const pj = JSON.stringify({ name: p.name, version: p.version, main: v?.main ?? 'index.js', ...(v?.deps ? { dependencies: v.deps } : {}), ...(v?.bin ? { bin: v.bin } : {}), license: v?.license }, null, 2) + '\n';
    writeText(io.fs, `${dir}/package.json`, pj, 0o644, ARCHIVE_MTIME);
    const main = normalize(v?.main ?? 'index.js', dir);
    writePayload(io.fs, { id: `npm:${p.name}@${p.version}`, files: [[main.endsWith('.js') || main.endsWith('.cjs') || main.endsWith('.mjs') ? main : main + '/index.js', Math.max(0, size - pj.length)]], size: size - pj.length, mtime: ARCHIVE_MTIME });
    for (const [bin, target] of Object.entries(v?.bin ?? {})) {
      const binDir = `${dirname(dir)}/.bin`;
      const t = normalize(target, dir);
      if (!io.fs.stat(t)) writeBlob(io.fs, t, 1500, `npm-bin:${p.name}:${target}`, 0o755, ARCHIVE_MTIME);
      else io.fs.chmod(t, 0o755);
      forceSymlink(io.fs, `../${p.name}/${target.replace(/^\.\//, '')}`, `${binDir}/${bin.split('/').pop()}`, io.now());
    }
    if (cache && v?.integrity) {
      const hex = base64ToHex(v.integrity.replace(/^sha512-/, ''));
      writeBlob(io.fs, `${homeDir(io)}/.npm/_cacache/content-v2/sha512/${hex.slice(0, 2)}/${hex.slice(2, 4)}/${hex.slice(4)}`, v.tarball, `npm-tgz:${p.name}@${p.version}`, 0o644, io.now());
    }
  }
}

function base64ToHex(b64: string): string {
  return [...base64ToBytes(b64)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

function lockfile(pj: Record<string, unknown>, pkgs: Placed[]): string {
  const packages: Record<string, unknown> = { '': { name: pj.name, version: pj.version, ...(pj.dependencies ? { dependencies: pj.dependencies } : {}), ...(pj.devDependencies ? { devDependencies: pj.devDependencies } : {}) } };
  for (const p of pkgs) {
    const v = CATALOG[p.name]?.versions[p.version];
    packages[p.path] = {
      version: p.version,
      resolved: `https://registry.npmjs.org/${p.name}/-/${p.name.split('/').pop()}-${p.version}.tgz`,
      integrity: v?.integrity,
      ...(p.dev ? { dev: true } : {}),
      license: v?.license,
      ...(v?.deps ? { dependencies: v.deps } : {}),
      ...(v?.bin ? { bin: v.bin } : {}),
    };
  }
  return JSON.stringify({ name: pj.name, version: pj.version, lockfileVersion: 3, requires: true, packages }, null, 2) + '\n';
}

const CI_USAGE = [
  'code EUSAGE',
  '',
  'The `npm ci` command can only install with an existing package-lock.json or',
  'npm-shrinkwrap.json with lockfileVersion >= 1. Run an install with npm@5 or',
  'later to generate a package-lock.json file, then try again.',
  '',
  'Clean install a project',
  '',
  'Usage:',
  'npm ci',
  '',
  'Options:',
  '[--install-strategy <hoisted|nested|shallow|linked>] [--legacy-bundling]',
  '[--global-style] [--omit <dev|optional|peer> [--omit <dev|optional|peer> ...]]',
  '[--include <prod|dev|optional|peer> [--include <prod|dev|optional|peer> ...]]',
  '[--strict-peer-deps] [--foreground-scripts] [--ignore-scripts] [--no-audit]',
  '[--no-bin-links] [--no-fund] [--dry-run]',
  '[-w|--workspace <workspace-name> [-w|--workspace <workspace-name> ...]]',
  '[-ws|--workspaces] [--include-workspace-root] [--install-links]',
  '',
  'aliases: clean-install, ic, install-clean, isntall-clean',
  '',
  'Run "npm help ci" for more info',
];

/** `npm ci`: exactly the lockfile's tree, after checking it matches package.json as npm does. */
function fromLock(io: CommandIO, root: string, pj: Record<string, any>, omitDev: boolean): Placed[] | undefined {
  const text = readText(io.fs, `${root}/npm-shrinkwrap.json`) ?? readText(io.fs, `${root}/package-lock.json`)!;
  let lock: { packages?: Record<string, { version?: string; dev?: boolean }> };
  try {
    lock = JSON.parse(text);
  } catch {
    npmError(io, ['code EJSONPARSE', `path ${root}/package-lock.json`, 'JSON.parse Failed to parse json']);
    return undefined;
  }
  const entries = lock.packages ?? {};
  const wanted = { ...(pj.dependencies ?? {}), ...(pj.devDependencies ?? {}) } as Record<string, string>;
  const missing = Object.entries(wanted).filter(([n, r]) => !entries[`node_modules/${n}`]?.version || !satisfies(entries[`node_modules/${n}`]!.version!, r));
  if (missing.length) {
    npmError(io, [
      'code EUSAGE',
      '',
      '`npm ci` can only install packages when your package.json and package-lock.json or npm-shrinkwrap.json are in sync. Please update your lock file with `npm install` before continuing.',
      '',
      ...missing.map(([n, r]) => (entries[`node_modules/${n}`] ? `Invalid: lock file's ${n}@${entries[`node_modules/${n}`]!.version} does not satisfy ${n}@${r}` : `Missing: ${n}@${r} from lock file`)),
      '',
      ...CI_USAGE.slice(6),
    ]);
    return undefined;
  }
  return Object.entries(entries)
    .filter(([path, e]) => path.includes('node_modules/') && e.version)
    .map(([path, e]) => ({ path, name: path.slice(path.lastIndexOf('node_modules/') + 13), version: e.version!, dev: !!e.dev }));
}

function readPackageJson(io: CommandIO): Record<string, any> | undefined {
  const text = readText(io.fs, `${io.cwd === '/' ? '' : io.cwd}/package.json`);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return {};
  }
}

function install(io: CommandIO, args: string[], ci: boolean): number {
  const omitDev = args.includes('--omit=dev') || args.includes('--production') || args.includes('--only=production') || io.env.NODE_ENV === 'production';
  const saveDev = args.includes('-D') || args.includes('--save-dev');
  const cache = true;
  const names = args.filter((a) => !a.startsWith('-'));
  const root = io.cwd === '/' ? '' : io.cwd;
  let pj = readPackageJson(io);
  if (ci && !readText(io.fs, `${root}/package-lock.json`) && !readText(io.fs, `${root}/npm-shrinkwrap.json`)) return npmError(io, CI_USAGE), 1;
  if (!pj && !names.length) {
    npmError(io, ['code ENOENT', 'syscall open', `path ${root}/package.json`, 'errno -2', `enoent Could not read package.json: Error: ENOENT: no such file or directory, open '${root}/package.json'`, 'enoent This is related to npm not being able to find a file.', 'enoent']);
    return 254;
  }
  pj ??= { name: root.split('/').pop() || 'root', version: '1.0.0' };
  const field = saveDev ? 'devDependencies' : 'dependencies';
  for (const n of names) {
    const at = n.lastIndexOf('@');
    const [name, range] = at > 0 ? [n.slice(0, at), n.slice(at + 1)] : [n, 'latest'];
    const version = pickVersion(io, name, range);
    if (!version) {
      npmError(io, ['code E404', `404 Not Found - GET https://registry.npmjs.org/${name} - Not found`, '404', `404  '${name}@${range}' is not in this registry.`, '404', '404 Note that you can also install from a', '404 tarball, folder, http url, or git url.']);
      return 1;
    }
    pj[field] = { ...(pj[field] ?? {}), [name]: range === 'latest' ? `^${version}` : range };
  }
  const roots: [string, string, boolean][] = [
    ...Object.entries((pj.dependencies ?? {}) as Record<string, string>).map(([n, r]): [string, string, boolean] => [n, r, false]),
    ...Object.entries((pj.devDependencies ?? {}) as Record<string, string>).map(([n, r]): [string, string, boolean] => [n, r, true]),
  ];
  const placed = ci ? fromLock(io, root, pj, omitDev) : layout(io, roots);
  if (placed === undefined) return 1;
  if (typeof placed === 'string') {
    npmError(io, ['code E404', `404 Not Found - GET https://registry.npmjs.org/${placed} - Not found`, '404', `404  '${placed}@*' is not in this registry.`]);
    return 1;
  }
  if (ci) removeIfExists(io.fs, `${root}/node_modules`);
  // the lockfile always covers the whole tree; --omit=dev only keeps dev packages off the disk
  const onDisk = omitDev ? placed.filter((p) => !p.dev) : placed;
  writeModules(io, root, onDisk, cache);
  const lock = lockfile(pj, placed);
  writeText(io.fs, `${root}/node_modules/.package-lock.json`, lock, 0o644, io.now());
  if (!ci) {
    writeText(io.fs, `${root}/package-lock.json`, lock, 0o644, io.now());
    if (names.length) writeText(io.fs, `${root}/package.json`, JSON.stringify(pj, null, 2) + '\n', 0o644, io.now());
  }
  io.stdout(`\nadded ${onDisk.length} packages, and audited ${onDisk.length + 1} packages in 3s\n\nfound 0 vulnerabilities\n`);
  return 0;
}

function runScript(io: CommandIO, script: string | undefined, args: string[]): number {
  const pj = readPackageJson(io) ?? {};
  const scripts = (pj.scripts ?? {}) as Record<string, string>;
  if (!script) {
    io.stdout(Object.entries(scripts).map(([k, v]) => `  ${k}\n    ${v}\n`).join(''));
    return 0;
  }
  const cmd = scripts[script] ?? (script === 'start' ? 'node server.js' : undefined);
  if (!cmd) {
    npmError(io, [`Missing script: "${script}"`, '', 'To see a list of scripts, run:', '  npm run']);
    return 1;
  }
  const line = [cmd, ...args].join(' ');
  io.stdout(`\n> ${pj.name ?? ''}@${pj.version ?? ''} ${script}\n> ${line}\n\n`);
  const sh = shellIO(io);
  if (sh) {
    const root = io.cwd === '/' ? '' : io.cwd;
    // npm puts node_modules/.bin first on PATH; the shell decides what it can model
    return sh.spawn(['/bin/sh', '-c', line], { env: { ...io.env, PATH: `${root}/node_modules/.bin:${io.env.PATH ?? ''}` } }).code;
  }
  io.stderr(`${unmodelledText('node')}: npm run ${script} needs Node.js\n`);
  return 1;
}

/** `npm`: install/i/add, ci, run/start/test, cache clean --force, --version. */
export const npm: Command = (argv, io) => {
  const [op, ...args] = argv.slice(1);
  switch (op) {
    case 'install':
    case 'i':
    case 'add':
      return install(io, args, false);
    case 'ci':
    case 'clean-install':
      return install(io, args, true);
    case 'run':
    case 'run-script':
      return runScript(io, args[0], args.slice(1).filter((a) => a !== '--'));
    case 'start':
    case 'test':
      return runScript(io, op, args);
    case 'cache':
      if (args[0] === 'clean' && !args.includes('--force') && !args.includes('-f')) {
        npmError(io, ['As of npm@5, the npm cache self-heals from corruption issues', 'by treating integrity mismatches as cache misses.  As a result,', 'data extracted from the cache is guaranteed to be valid.  If you', 'want to make sure everything is consistent, use `npm cache verify`', 'instead.  Deleting the cache can only make npm go slower, and is', 'not likely to correct any problems you may be encountering!', '', 'On the other hand, if you\'re debugging an issue with the installer,', 'or race conditions that depend on the timing of writing to an empty', 'cache, you can use `npm install --cache /tmp/empty-cache` to use a', 'temporary cache instead of nuking the actual one.', '', 'If you\'re sure you want to delete the entire cache, rerun this command', 'with --force.']);
        return 1;
      }
      if (args[0] === 'clean') removeIfExists(io.fs, `${homeDir(io)}/.npm/_cacache`);
      return 0;
    case '--version':
    case '-v':
      io.stdout('10.8.2\n');
      return 0;
    default:
      io.stderr(`layerlab: npm ${op ?? ''}: not modelled (install, ci, run, start, test and cache clean are)\n`);
      return 1;
  }
};
