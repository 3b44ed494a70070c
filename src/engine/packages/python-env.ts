/**
 * Where Python lives in an image and where pip installs: a venv, the official
 * python image (/usr/local), Debian's or Alpine's system Python (/usr), or the
 * user site (--user). Found the way the real programs find themselves: by path.
 */
import { basename, dirname } from '../fs/path.js';
import type { CommandIO } from '../shell/types.js';
import { lookupCommand } from '../shell/exec.js';
import { homeDir, readText } from './common.js';

export interface PythonEnv {
  /** `3.12` */
  version: string;
  /** The interpreter's real path, as pip's shebangs name it. */
  executable: string;
  /** Where packages go. */
  site: string;
  /** Where console scripts go. */
  bin: string;
  venv?: string;
  /** The stdlib directory (EXTERNALLY-MANAGED lives there). */
  stdlib: string;
}

/** Finds `name` on $PATH in the image, as the shell would. */
export function which(io: CommandIO, name: string): string | undefined {
  const found = lookupCommand(io, name, io.env.PATH);
  return found.kind === 'found' ? found.path : undefined;
}

function versionOf(io: CommandIO, exe: string): string | undefined {
  let real = exe;
  try {
    real = io.fs.realpath(exe);
  } catch {
    return undefined;
  }
  return /python(\d+\.\d+)$/.exec(basename(real))?.[1];
}

/** The environment a program in `binDir` belongs to: a venv when pyvenv.cfg sits above it. */
export function envFromBin(io: CommandIO, binDir: string, user = false): PythonEnv | undefined {
  const root = dirname(binDir);
  const cfg = readText(io.fs, `${root}/pyvenv.cfg`);
  if (cfg) {
    const version = /^version(?:_info)?\s*=\s*(\d+\.\d+)/m.exec(cfg)?.[1] ?? '3';
    const home = /^home\s*=\s*(\S+)/m.exec(cfg)?.[1] ?? '/usr/bin';
    return { version, executable: `${root}/bin/python`, site: `${root}/lib/python${version}/site-packages`, bin: `${root}/bin`, venv: root, stdlib: `${dirname(home)}/lib/python${version}` };
  }
  const exe = which(io, 'python3') ?? which(io, 'python');
  const version = exe && versionOf(io, exe);
  if (!exe || !version) return undefined;
  const real = io.fs.realpath(exe);
  const prefix = dirname(dirname(real));
  const stdlib = `${prefix}/lib/python${version}`;
  if (user) {
    const home = homeDir(io);
    return { version, executable: real, site: `${home}/.local/lib/python${version}/site-packages`, bin: `${home}/.local/bin`, stdlib };
  }
  // Debian's own Python sends pip to /usr/local/.../dist-packages; Alpine and python images use site-packages
  const debian = prefix === '/usr' && io.fs.stat('/usr/lib/python3/dist-packages') !== null;
  const site = debian ? `/usr/local/lib/python${version}/dist-packages` : `${prefix}/lib/python${version}/site-packages`;
  return { version, executable: prefix === '/usr/local' ? `${prefix}/bin/python` : real, site, bin: prefix === '/usr' ? (debian ? '/usr/local/bin' : '/usr/bin') : `${prefix}/bin`, stdlib };
}
