/**
 * User and group lookups in an image's /etc/passwd and /etc/group, as runc
 * and the builders resolve `USER` and `--chown` values.
 */
import { DockerError } from '../errors.js';
import { fromUtf8 } from '../hash.js';
import type { Fs } from './types.js';

export interface ResolvedUser {
  uid: number;
  gid: number;
  name?: string;
  home: string;
  /** Supplementary groups the user belongs to (for `id`). */
  groups: number[];
}

function readLines(fs: Fs, path: string): string[][] {
  try {
    return fromUtf8(fs.readFile(path))
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => l.split(':'));
  } catch {
    return [];
  }
}

/**
 * Resolves `user[:group]` against the filesystem. Numeric IDs need no entry;
 * names do, and fail with runc's message when missing.
 */
export function resolveUser(fs: Fs, spec: string): ResolvedUser {
  const [u = '', g] = spec.split(':');
  const passwd = readLines(fs, '/etc/passwd');
  const groups = readLines(fs, '/etc/group');
  let uid: number;
  let gid = 0;
  let name: string | undefined;
  let home = '/';
  if (u === '' || /^\d+$/.test(u)) {
    uid = u === '' ? 0 : Number(u);
    const ent = passwd.find((p) => Number(p[2]) === uid);
    if (ent) {
      gid = Number(ent[3]);
      name = ent[0];
      home = ent[5] || '/';
    } else if (uid === 0) home = '/root';
  } else {
    const ent = passwd.find((p) => p[0] === u);
    if (!ent) throw new DockerError(`unable to find user ${u}: no matching entries in passwd file`, 125, { kind: 'user' });
    uid = Number(ent[2]);
    gid = Number(ent[3]);
    name = u;
    home = ent[5] || '/';
  }
  let extra: number[] = [];
  if (g !== undefined && g !== '') {
    if (/^\d+$/.test(g)) gid = Number(g);
    else {
      const ent = groups.find((x) => x[0] === g);
      if (!ent) throw new DockerError(`unable to find group ${g}: no matching entries in group file`, 125, { kind: 'user' });
      gid = Number(ent[2]);
    }
  } else if (name) {
    extra = groups.filter((x) => (x[3] ?? '').split(',').includes(name!)).map((x) => Number(x[2]));
  }
  return { uid, gid, name, home, groups: [gid, ...extra.filter((x) => x !== gid)] };
}

/** The uid:gid a `--chown` value names (names looked up in the image). */
export function resolveChown(fs: Fs, spec: string): { uid: number; gid: number } {
  const [u = '', g] = spec.split(':');
  const passwd = readLines(fs, '/etc/passwd');
  const groups = readLines(fs, '/etc/group');
  const lookUid = (x: string) => {
    if (/^\d+$/.test(x)) return Number(x);
    const ent = passwd.find((p) => p[0] === x);
    if (!ent) throw new DockerError(`unable to convert uid/gid chown string to host mapping: can't find uid for user ${x}: no such user: ${x}`);
    return Number(ent[2]);
  };
  const lookGid = (x: string) => {
    if (/^\d+$/.test(x)) return Number(x);
    const ent = groups.find((p) => p[0] === x);
    if (!ent) throw new DockerError(`unable to convert uid/gid chown string to host mapping: can't find gid for group ${x}: no such group: ${x}`);
    return Number(ent[2]);
  };
  const uid = lookUid(u);
  const gid = g !== undefined && g !== '' ? lookGid(g) : /^\d+$/.test(u) ? uid : Number(passwd.find((p) => p[0] === u)?.[3] ?? uid);
  return { uid, gid };
}
