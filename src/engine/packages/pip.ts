/**
 * `pip` / `pip3` / `python -m pip` and `python -m venv`: installs wheels from
 * the pip catalog into the right site directory, keeps the HTTP cache in
 * ~/.cache/pip unless --no-cache-dir, honours EXTERNALLY-MANAGED (PEP 668).
 * Running Python code is not modelled.
 */
import { sha256Hex } from '../hash.js';
import { dirname, normalize } from '../fs/path.js';
import { unmodelledText } from '../shell/exec.js';
import type { Command, CommandIO } from '../shell/types.js';
import pipJson from './catalog/pip.json';
import { ARCHIVE_MTIME, decimalSize, ensureDir, forceSymlink, homeDir, readText, removeIfExists, writeBlob, writePayload, writeText } from './common.js';
import { envFromBin, which, type PythonEnv } from './python-env.js';

interface Wheel {
  name: string;
  version: string;
  wheel: string;
  wheelSize: number;
  installedSize: number;
  requires?: string[];
  modules: string[];
  scripts?: Record<string, string>;
}

const WHEELS = pipJson.packages as Record<string, Wheel>;
const ROOT_WARNING =
  "WARNING: Running pip as the 'root' user can result in broken permissions and conflicting behaviour with the system package manager, possibly rendering your system unusable. It is recommended to use a virtual environment instead: https://pip.pypa.io/warnings/venv. Use the --root-user-action option if you know what you are doing and want to suppress this warning.\n";

/** PEP 503 normalized name: what the catalog is keyed by. */
const norm = (n: string) => n.toLowerCase().replace(/[-_.]+/g, '-');
const distDir = (w: Wheel) => `${w.name.replace(/-/g, '_')}-${w.version}.dist-info`;

function externallyManaged(env: PythonEnv): string {
  return `error: externally-managed-environment

× This environment is externally managed
╰─> To install Python packages system-wide, try apt install
    python3-xyz, where xyz is the package name you are trying to
    install.
    
    If you wish to install a non-Debian-packaged Python package,
    create a virtual environment using python3 -m venv path/to/venv.
    Then use path/to/venv/bin/python and path/to/venv/bin/pip. Make
    sure you have python3-full installed.
    
    If you wish to install a non-Debian packaged Python application,
    it may be easiest to use pipx install xyz, which will manage a
    virtual environment for you. Make sure you have pipx installed.
    
    See /usr/share/doc/python${env.version}/README.venv for more information.

note: If you believe this is a mistake, please contact your Python installation or OS distribution provider. You can override this, at the risk of breaking your system or your Python installation, by passing --break-system-packages.
hint: See PEP 668 for the detailed specification.
`;
}

/** Installed distributions in a site directory: normalized name -> [display name, version]. */
function installedIn(io: CommandIO, site: string): Map<string, [string, string]> {
  const out = new Map<string, [string, string]>();
  if (!io.fs.stat(site)) return out;
  for (const f of io.fs.readdir(site)) {
    const m = /^(.+)-([^-]+)\.dist-info$/.exec(f);
    if (m) out.set(norm(m[1]!), [m[1]!, m[2]!]);
  }
  return out;
}

/** Reads requirement lines from -r files (comments, options and blank lines skipped). */
function readRequirements(io: CommandIO, file: string): string[] | string {
  const text = readText(io.fs, normalize(file, io.cwd));
  if (text === undefined) return `ERROR: Could not open requirements file: [Errno 2] No such file or directory: '${file}'\n`;
  return text
    .split('\n')
    .map((l) => l.replace(/\s+#.*$/, '').trim())
    .filter((l) => l && !l.startsWith('#') && !l.startsWith('-'));
}

function writeWheel(io: CommandIO, env: PythonEnv, w: Wheel): void {
  const now = ARCHIVE_MTIME;
  const info = `${env.site}/${distDir(w)}`;
  const texts: [string, string, number][] = [
    [`${info}/INSTALLER`, 'pip\n', 0o644],
    [`${info}/METADATA`, `Metadata-Version: 2.1\nName: ${w.name}\nVersion: ${w.version}\n${(w.requires ?? []).map((r) => `Requires-Dist: ${WHEELS[r]?.name ?? r}\n`).join('')}`, 0o644],
    [`${info}/WHEEL`, `Wheel-Version: 1.0\nGenerator: layerlab\nRoot-Is-Purelib: ${w.wheel.includes('none-any')}\nTag: ${w.wheel.split('-').slice(2).join('-').replace('.whl', '')}\n`, 0o644],
  ];
  for (const [script, entry] of Object.entries(w.scripts ?? {})) {
    const [mod, fn] = entry.split(':');
    texts.push([`${env.bin}/${script}`, `#!${env.executable}\n# -*- coding: utf-8 -*-\nimport re\nimport sys\nfrom ${mod} import ${fn}\nif __name__ == '__main__':\n    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])\n    sys.exit(${fn}())\n`, 0o755]);
  }
  const record = [...texts.map((t) => t[0]), ...w.modules.map((m) => `${env.site}/${m}`)].map((p) => `${p.slice(env.site.length + 1)},,\n`).join('') + `${distDir(w)}/RECORD,,\n`;
  texts.push([`${info}/RECORD`, record, 0o644]);
  let used = 0;
  for (const [p, t, mode] of texts) {
    writeText(io.fs, p, t, mode, now);
    used += t.length;
  }
  const files = w.modules.map((m): [string, number] => [m.endsWith('.py') ? `${env.site}/${m}` : `${env.site}/${m}/__init__.py`, 0]);
  const first = w.modules[0]!;
  writePayload(io.fs, { id: `pip:${norm(w.name)}@${w.version}`, files, rest: first.endsWith('.py') ? env.site : `${env.site}/${first}`, size: w.installedSize - used, mtime: now });
}

function install(io: CommandIO, env: PythonEnv, args: string[]): number {
  let cache = true;
  let breakSystem = false;
  let noDeps = false;
  let quiet = false;
  const specs: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--no-cache-dir') cache = false;
    else if (a === '--break-system-packages') breakSystem = true;
    else if (a === '--no-deps') noDeps = true;
    else if (a === '-q' || a === '--quiet') quiet = true;
    else if (a === '-r' || a === '--requirement') {
      const req = readRequirements(io, args[++i] ?? '');
      if (typeof req === 'string') return io.stderr(req), 1;
      specs.push(...req);
    } else if (a.startsWith('-')) continue;
    else specs.push(a);
  }
  if (!env.venv && !breakSystem && io.fs.stat(`${env.stdlib}/EXTERNALLY-MANAGED`)) {
    io.stderr(externallyManaged(env));
    return 1;
  }
  const out = (s: string) => !quiet && io.stdout(s);
  const have = installedIn(io, env.site);
  // pip downloads in the order it collected, installs dependencies first
  const collected: Wheel[] = [];
  const todo: Wheel[] = [];
  const seen = new Set<string>();
  const visit = (spec: string, from?: string): string | undefined => {
    const m = /^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?\s*(?:(==|>=|<=|~=|!=|>|<)\s*([^,;\s]+))?/.exec(spec.trim());
    const name = norm(m?.[1] ?? spec);
    if (seen.has(name)) return undefined;
    seen.add(name);
    const w = WHEELS[name];
    const pinned = m?.[3] === '==' ? m[4] : undefined;
    if (!w || (pinned && pinned !== w.version)) {
      return `ERROR: Could not find a version that satisfies the requirement ${spec.trim()} (from versions: ${w ? w.version : 'none'})\nERROR: No matching distribution found for ${spec.trim()}\n`;
    }
    const got = have.get(name);
    if (got) {
      out(`Requirement already satisfied: ${got[0]} in ${env.site} (${got[1]})${from ? ` (from ${from})` : ''}\n`);
      return undefined;
    }
    out(`Collecting ${spec.trim()}${from ? ` (from ${from})` : ''}\n`);
    collected.push(w);
    out(`  Downloading ${w.wheel}.metadata (${decimalSize(Math.min(4000, Math.round(w.wheelSize / 20) + 1500))})\n`);
    if (!noDeps) for (const r of w.requires ?? []) {
      const err = visit(r, w.name);
      if (err) return err;
    }
    todo.push(w);
    return undefined;
  };
  for (const s of specs) {
    const err = visit(s);
    if (err) return io.stderr(err), 1;
  }
  for (const w of collected) {
    out(`Downloading ${w.wheel} (${decimalSize(w.wheelSize)})\n`);
    if (cache) {
      const h = sha256Hex(`https://files.pythonhosted.org/packages/${w.wheel}`).slice(0, 56);
      writeBlob(io.fs, `${homeDir(io)}/.cache/pip/http-v2/${h[0]}/${h[1]}/${h[2]}/${h[3]}/${h[4]}/${h}.body`, w.wheelSize, `pip-cache:${w.wheel}`, 0o600, io.now());
    }
  }
  if (!todo.length) return 0;
  ensureDir(io.fs, env.site);
  out(`Installing collected packages: ${todo.map((w) => w.name).join(', ')}\n`);
  for (const w of todo) writeWheel(io, env, w);
  out(`Successfully installed ${todo.map((w) => `${w.name}-${w.version}`).sort().join(' ')}\n`);
  if (io.uid === 0 && !env.venv) io.stderr(ROOT_WARNING);
  return 0;
}

function uninstall(io: CommandIO, env: PythonEnv, names: string[]): number {
  const have = installedIn(io, env.site);
  for (const n of names.filter((a) => !a.startsWith('-'))) {
    const got = have.get(norm(n));
    const w = WHEELS[norm(n)];
    if (!got || !w) {
      io.stderr(`WARNING: Skipping ${n} as it is not installed.\n`);
      continue;
    }
    io.stdout(`Found existing installation: ${got[0]} ${got[1]}\nUninstalling ${got[0]}-${got[1]}:\n`);
    removeIfExists(io.fs, `${env.site}/${got[0]}-${got[1]}.dist-info`);
    for (const m of w.modules) removeIfExists(io.fs, `${env.site}/${m}`);
    for (const s of Object.keys(w.scripts ?? {})) removeIfExists(io.fs, `${env.bin}/${s}`);
    io.stdout(`  Successfully uninstalled ${got[0]}-${got[1]}\n`);
  }
  return 0;
}

/** Runs pip for the environment its executable (or `python -m pip`'s interpreter) belongs to. */
function runPip(args: string[], io: CommandIO, binDir: string): number {
  const user = args.includes('--user');
  const env = envFromBin(io, binDir, user);
  if (!env) {
    io.stderr('layerlab: pip: no Python interpreter found in the image\n');
    return 127;
  }
  const [op, ...rest] = args.filter((a) => a !== '--user' && a !== '--root-user-action=ignore' && a !== '--disable-pip-version-check');
  switch (op) {
    case 'install':
      return install(io, env, rest);
    case 'uninstall':
      return uninstall(io, env, rest);
    case 'freeze':
    case 'list': {
      const rows = [...installedIn(io, env.site).values()].sort((a, b) => a[0].toLowerCase().localeCompare(b[0].toLowerCase()));
      if (op === 'freeze') io.stdout(rows.map(([n, v]) => `${n}==${v}\n`).join(''));
      else {
        const w = Math.max(7, ...rows.map((r) => r[0].length));
        const v = Math.max(7, ...rows.map((r) => r[1].length));
        io.stdout(`${'Package'.padEnd(w)} ${'Version'.padEnd(v)}\n${'-'.repeat(w)} ${'-'.repeat(v)}\n` + rows.map(([n, ver]) => `${n.padEnd(w)} ${ver}\n`).join(''));
      }
      return 0;
    }
    case '--version':
    case '-V':
      io.stdout(`pip 24.0 from ${env.site.replace(/site-packages$|dist-packages$/, 'site-packages')}/pip (python ${env.version})\n`);
      return 0;
    case 'cache':
      if (rest[0] === 'purge') removeIfExists(io.fs, `${homeDir(io)}/.cache/pip`);
      return 0;
    default:
      io.stderr(`ERROR: unknown command "${op ?? ''}"\n`);
      return 1;
  }
}

/** `pip`, `pip3`, `pip3.12`: the environment comes from where the executable is. */
export const pip: Command = (argv, io) => {
  const self = which(io, argv[0]!) ?? `/usr/local/bin/${argv[0]}`;
  return runPip(argv.slice(1), io, dirname(self));
};

function venv(io: CommandIO, pythonPath: string, dir: string): number {
  const base = envFromBin(io, dirname(pythonPath));
  if (!base) return 127;
  const root = normalize(dir, io.cwd);
  const debianPython = base.executable.startsWith('/usr/bin/') && io.fs.stat('/var/lib/dpkg/status');
  // Debian moves ensurepip into python3.X-venv; without it venv creation fails
  if (debianPython && !io.fs.stat(`${base.stdlib}/ensurepip`)) {
    io.stdout(`The virtual environment was not created successfully because ensurepip is not\navailable.  On Debian/Ubuntu systems, you need to install the python3-venv\npackage using the following command.\n\n    apt install python${base.version}-venv\n\nYou may need to use sudo with that command.  After installing the python3-venv\npackage, recreate your virtual environment.\n\nFailing command: ${root}/bin/python${base.version}\n\n`);
    return 1;
  }
  const now = io.now();
  writeText(io.fs, `${root}/pyvenv.cfg`, `home = ${dirname(base.executable)}\ninclude-system-site-packages = false\nversion = ${base.version}.0\nexecutable = ${base.executable}\ncommand = ${base.executable} -m venv ${root}\n`, 0o644, now);
  forceSymlink(io.fs, base.executable, `${root}/bin/python`, now);
  forceSymlink(io.fs, 'python', `${root}/bin/python3`, now);
  forceSymlink(io.fs, 'python', `${root}/bin/python${base.version}`, now);
  forceSymlink(io.fs, 'lib', `${root}/lib64`, now);
  ensureDir(io.fs, `${root}/include`);
  writeText(io.fs, `${root}/bin/activate`, `# This file must be used with "source bin/activate" *from bash*\nVIRTUAL_ENV="${root}"\nexport VIRTUAL_ENV\n_OLD_VIRTUAL_PATH="$PATH"\nPATH="$VIRTUAL_ENV/bin:$PATH"\nexport PATH\n`, 0o644, now);
  const env = envFromBin(io, `${root}/bin`)!;
  writeWheel(io, env, { ...WHEELS.pip!, scripts: { pip: 'pip._internal.cli.main:main', pip3: 'pip._internal.cli.main:main', [`pip${base.version}`]: 'pip._internal.cli.main:main' } });
  return 0;
}

/** `python`/`python3`: `-m pip`, `-m venv`, `--version`; anything else would run Python code, which is not modelled. */
export const python: Command = (argv, io) => {
  const self = which(io, argv[0]!) ?? argv[0]!;
  const [a1, a2, ...rest] = argv.slice(1);
  if (a1 === '-m' && a2 === 'pip') return runPip(rest, io, dirname(self));
  if (a1 === '-m' && a2 === 'venv') return venv(io, self, rest.filter((a) => !a.startsWith('-'))[0] ?? 'venv');
  if (a1 === '--version' || a1 === '-V') {
    const env = envFromBin(io, dirname(self));
    io.stdout(`Python ${env?.version ?? '3'}.0\n`);
    return 0;
  }
  io.stderr(`${unmodelledText(argv[0]!)}: of Python, only -m pip and -m venv are modelled\n`);
  return 1;
};
