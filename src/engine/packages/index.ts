/**
 * The programs that install software or build it inside a simulated RUN:
 * package managers backed by catalogs of real package data, and deterministic
 * models of compilers and build tools. The shell finds the executable in the
 * image; this module says what running it does.
 */
import type { Command, CommandIO, CommandResolver } from '../shell/types.js';
import { apk } from './apk.js';
import { apt, aptGet } from './apt.js';
import { cc, go } from './build-models.js';
import { dpkg } from './dpkg.js';
import { make, mvn } from './make-mvn.js';
import { npm } from './npm.js';
import { pip, python } from './pip.js';
import { dnf } from './rpm.js';

/** Every modelled program by the name busybox-style dispatch uses (argv[0]'s basename). */
export const packageCommands: Record<string, Command> = {
  'apt-get': aptGet,
  apt,
  dpkg,
  'dpkg-query': dpkg,
  apk,
  pip,
  pip3: pip,
  python,
  python3: python,
  npm,
  yum: dnf,
  dnf,
  microdnf: dnf,
  go,
  gcc: cc,
  cc,
  'g++': cc,
  'c++': cc,
  make,
  mvn,
};

/** Finds the model for a program; versioned names (`pip3.12`, `python3.11`, `gcc-12`) map to their family. */
export const resolvePackageCommand: CommandResolver = (name: string, _path: string, _io: CommandIO) => {
  const direct = packageCommands[name];
  if (direct) return direct;
  const family = name.replace(/-\d+$/, '').replace(/(\d+)\.\d+$/, '$1').replace(/^x86_64-linux-gnu-/, '');
  return packageCommands[family];
};
