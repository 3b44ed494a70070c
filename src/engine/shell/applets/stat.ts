/**
 * stat: the default report and `-c FORMAT` with the conversions scripts and
 * lessons use (%a %A %s %n %U %G %u %g %F %h %Y %y %i ...), times in UTC.
 */
import type { Stat } from '../../fs/types.js';
import type { Command, CommandIO } from '../types.js';
import { abs, statPath } from '../files.js';
import { groupName, userName } from '../../fs/accounts.js';
import { blocksOf, pseudoInode } from './ls.js';
import { modeString, parseArgs, strftime } from './util.js';

function fileType(st: Stat): string {
  if (st.type === 'dir') return 'directory';
  if (st.type === 'symlink') return 'symbolic link';
  return st.size === 0 ? 'regular empty file' : 'regular file';
}

function isoTime(t: number): string {
  return strftime('%Y-%m-%d %H:%M:%S', t) + '.000000000 +0000';
}

function format(fmt: string, name: string, st: Stat, io: CommandIO): string {
  return fmt.replace(/%([a-zA-Z%])/g, (m, c: string) => {
    switch (c) {
      case 'a': return (st.mode & 0o7777).toString(8);
      case 'A': return modeString(st);
      case 'b': return String(blocksOf(st) * 2);
      case 'B': return '512';
      case 'd': return '43';
      case 'D': return '2b';
      case 'f': return ((st.type === 'dir' ? 0o40000 : st.type === 'symlink' ? 0o120000 : 0o100000) | st.mode).toString(16);
      case 'F': return fileType(st);
      case 'g': return String(st.gid);
      case 'G': return groupName(io.fs, st.gid) ?? 'UNKNOWN';
      case 'h': return String(st.nlink);
      case 'i': return String(pseudoInode(abs(io, name)));
      case 'n': return name;
      case 'N': return st.type === 'symlink' ? `'${name}' -> '${st.target}'` : `'${name}'`;
      case 'o': return '4096';
      case 's': return String(st.size);
      case 't':
      case 'T': return '0';
      case 'u': return String(st.uid);
      case 'U': return userName(io.fs, st.uid) ?? 'UNKNOWN';
      case 'x':
      case 'y':
      case 'z': return isoTime(st.mtime);
      case 'X':
      case 'Y':
      case 'Z': return String(st.mtime);
      case 'W': return '0';
      case 'w': return '-';
      case 'm': return '/';
      case '%': return '%';
    }
    return m;
  });
}

function report(name: string, st: Stat, io: CommandIO): string {
  const user = userName(io.fs, st.uid) ?? 'UNKNOWN';
  const group = groupName(io.fs, st.gid) ?? 'UNKNOWN';
  const shown = st.type === 'symlink' ? `'${name}' -> '${st.target}'` : name;
  return (
    `  File: ${shown}\n` +
    `  Size: ${String(st.size).padEnd(10)}\tBlocks: ${String(blocksOf(st) * 2).padEnd(10)} IO Block: 4096   ${fileType(st)}\n` +
    `Device: 2bh/43d\tInode: ${String(pseudoInode(abs(io, name))).padEnd(11)} Links: ${st.nlink}\n` +
    `Access: (${(st.mode & 0o7777).toString(8).padStart(4, '0')}/${modeString(st)})  Uid: (${String(st.uid).padStart(5)}/${user.padStart(8)})   Gid: (${String(st.gid).padStart(5)}/${group.padStart(8)})\n` +
    `Access: ${isoTime(st.mtime)}\nModify: ${isoTime(st.mtime)}\nChange: ${isoTime(st.mtime)}\n`
  );
}

const stat: Command = (argv, io) => {
  const a = parseArgs(argv, 'Ltf', 'c', io, { format: 'c', dereference: 'L' });
  if (!a) return 1;
  if (a.args.length === 0) {
    io.stderr('stat: missing operand\n');
    return 1;
  }
  let status = 0;
  for (const f of a.args) {
    const st = statPath(io, f, a.opts.has('L'));
    if (!st) {
      io.stderr(`stat: can't stat '${f}': No such file or directory\n`);
      status = 1;
      continue;
    }
    io.stdout(a.opts.has('c') ? format(String(a.opts.get('c')), f, st, io) + '\n' : report(f, st, io));
  }
  return status;
};

export const STAT_APPLETS: Record<string, Command> = { stat };
