/**
 * User and group lookups in an image's /etc/passwd and /etc/group, as runc
 * and the builders resolve `USER` and `--chown` values.
 */
import { DockerError } from '../errors.js';
import { groupEntries, passwdEntries } from './accounts.js';
import type { Fs } from './types.js';

export interface ResolvedUser {
  uid: number;
  gid: number;
  name?: string;
  home: string;
  /** Supplementary groups the user belongs to (for `id`). */
  groups: number[];
}

/**
 * Resolves `user[:group]` against the filesystem. Numeric IDs need no entry;
 * names do, and fail with runc's message when missing.
 */
export function resolveUser(fs: Fs, spec: string): ResolvedUser {
  const [u = '', g] = spec.split(':');
  const passwd = passwdEntries(fs);
  const groups = groupEntries(fs);
  let uid: number;
  let gid = 0;
  let name: string | undefined;
  let home = '/';
  if (u === '' || /^\d+$/.test(u)) {
    uid = u === '' ? 0 : Number(u);
    const ent = passwd.find((p) => p.uid === uid);
    if (ent) {
      gid = ent.gid;
      name = ent.name;
      home = ent.home || '/';
    } else if (uid === 0) home = '/root';
  } else {
    const ent = passwd.find((p) => p.name === u);
    if (!ent) throw new DockerError(`unable to find user ${u}: no matching entries in passwd file`, 125, { kind: 'user' });
    uid = ent.uid;
    gid = ent.gid;
    name = u;
    home = ent.home || '/';
  }
  let extra: number[] = [];
  if (g !== undefined && g !== '') {
    if (/^\d+$/.test(g)) gid = Number(g);
    else {
      const ent = groups.find((x) => x.name === g);
      if (!ent) throw new DockerError(`unable to find group ${g}: no matching entries in group file`, 125, { kind: 'user' });
      gid = ent.gid;
    }
  } else if (name) {
    extra = groups.filter((x) => x.members.includes(name!)).map((x) => x.gid);
  }
  return { uid, gid, name, home, groups: [gid, ...extra.filter((x) => x !== gid)] };
}

/** The uid:gid a `--chown` value names (names looked up in the image). */
export function resolveChown(fs: Fs, spec: string): { uid: number; gid: number } {
  const [u = '', g] = spec.split(':');
  const passwd = passwdEntries(fs);
  const groups = groupEntries(fs);
  const lookUid = (x: string) => {
    if (/^\d+$/.test(x)) return Number(x);
    const ent = passwd.find((p) => p.name === x);
    if (!ent) throw new DockerError(`unable to convert uid/gid chown string to host mapping: can't find uid for user ${x}: no such user: ${x}`);
    return ent.uid;
  };
  const lookGid = (x: string) => {
    if (/^\d+$/.test(x)) return Number(x);
    const ent = groups.find((p) => p.name === x);
    if (!ent) throw new DockerError(`unable to convert uid/gid chown string to host mapping: can't find gid for group ${x}: no such group: ${x}`);
    return ent.gid;
  };
  const uid = lookUid(u);
  const gid = g !== undefined && g !== '' ? lookGid(g) : /^\d+$/.test(u) ? uid : (passwd.find((p) => p.name === u)?.gid ?? uid);
  return { uid, gid };
}
