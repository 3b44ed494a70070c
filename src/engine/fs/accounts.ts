/**
 * Users and groups as libc's getpwuid/getgrgid see them: read from the
 * image's own /etc/passwd and /etc/group, so `id`, `ls -l` and `chown app:app`
 * name exactly what the image defines.
 */
import { fromUtf8 } from '../hash.js';
import type { Fs } from './types.js';

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
}

export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

function lines(fs: Fs, path: string): string[][] {
  try {
    return fromUtf8(fs.readFile(path))
      .split('\n')
      .filter((l) => l.trim() !== '' && !l.startsWith('#'))
      .map((l) => l.split(':'));
  } catch {
    return [];
  }
}

/** The entries of /etc/passwd (none when the image has no such file). */
export function passwdEntries(fs: Fs): PasswdEntry[] {
  return lines(fs, '/etc/passwd')
    .filter((f) => f.length >= 4 && /^\d+$/.test(f[2]!) && /^\d+$/.test(f[3]!))
    .map((f) => ({ name: f[0]!, uid: Number(f[2]), gid: Number(f[3]), home: f[5] ?? '/', shell: f[6] ?? '' }));
}

/** The entries of /etc/group. */
export function groupEntries(fs: Fs): GroupEntry[] {
  return lines(fs, '/etc/group')
    .filter((f) => f.length >= 3 && /^\d+$/.test(f[2]!))
    .map((f) => ({ name: f[0]!, gid: Number(f[2]), members: (f[3] ?? '').split(',').filter(Boolean) }));
}

/** The user name of a uid, or undefined when /etc/passwd has none. */
export function userName(fs: Fs, uid: number): string | undefined {
  return passwdEntries(fs).find((p) => p.uid === uid)?.name;
}

/** The group name of a gid, or undefined when /etc/group has none. */
export function groupName(fs: Fs, gid: number): string | undefined {
  return groupEntries(fs).find((g) => g.gid === gid)?.name;
}

/** A user by name or numeric id. */
export function findUser(fs: Fs, nameOrId: string): PasswdEntry | undefined {
  const all = passwdEntries(fs);
  return all.find((p) => p.name === nameOrId) ?? (/^\d+$/.test(nameOrId) ? all.find((p) => p.uid === Number(nameOrId)) : undefined);
}

/** A group by name or numeric id. */
export function findGroup(fs: Fs, nameOrId: string): GroupEntry | undefined {
  const all = groupEntries(fs);
  return all.find((g) => g.name === nameOrId) ?? (/^\d+$/.test(nameOrId) ? all.find((g) => g.gid === Number(nameOrId)) : undefined);
}

/** `~user`: the home directory from /etc/passwd. */
export function homeOf(ctx: { fs: Fs }, user: string): string | undefined {
  return passwdEntries(ctx.fs).find((p) => p.name === user)?.home;
}
