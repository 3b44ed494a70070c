/**
 * ls with busybox's long format (`%-10s %4u %-8.8s %-8.8s %9u DATE NAME`).
 * Output is one name per line, as busybox prints when stdout is not a
 * terminal, which is how `docker run` and `RUN` see it.
 */
import { normalize } from '../../fs/path.js';
import type { Stat } from '../../fs/types.js';
import type { Command, CommandIO } from '../types.js';
import { abs, canExecute, errText, readDir, statPath } from '../files.js';
import { groupEntries, passwdEntries } from '../../fs/accounts.js';
import { humanSize, lsDate, modeString, parseArgs, type ParsedArgs } from './util.js';

interface Item {
  name: string;
  path: string;
  st: Stat;
}

/** A stable stand-in for an inode number (layers have none): `ls -i`, `stat %i`. */
export function pseudoInode(path: string): number {
  let h = 2166136261;
  for (let i = 0; i < path.length; i++) h = Math.imul(h ^ path.charCodeAt(i), 16777619);
  return (h >>> 0) % 9_000_000 + 1_000_000;
}

/** 1K blocks a file occupies on a 4K-block filesystem, for `total` and `du`. */
export function blocksOf(st: Stat): number {
  if (st.type === 'dir') return 4;
  if (st.type === 'symlink') return 0;
  return Math.ceil(st.size / 4096) * 4;
}

class Lister {
  private users = new Map<number, string>();
  private groups = new Map<number, string>();
  out = '';
  status = 0;

  constructor(
    private readonly io: CommandIO,
    private readonly a: ParsedArgs,
  ) {
    for (const p of passwdEntries(io.fs)) if (!this.users.has(p.uid)) this.users.set(p.uid, p.name);
    for (const g of groupEntries(io.fs)) if (!this.groups.has(g.gid)) this.groups.set(g.gid, g.name);
  }

  has(o: string): boolean {
    return this.a.opts.has(o);
  }

  sort(items: Item[]): Item[] {
    const byName = (x: Item, y: Item) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0);
    const cmp = this.has('t') ? (x: Item, y: Item) => y.st.mtime - x.st.mtime || byName(x, y) : this.has('S') ? (x: Item, y: Item) => y.st.size - x.st.size || byName(x, y) : byName;
    const sorted = this.has('f') ? items : [...items].sort(cmp);
    return this.has('r') ? sorted.reverse() : sorted;
  }

  suffix(it: Item): string {
    if (this.has('F')) {
      if (it.st.type === 'dir') return '/';
      if (it.st.type === 'symlink') return '@';
      if (canExecute(it.st, { uid: 0, gid: 0 })) return '*';
    } else if (this.has('p') && it.st.type === 'dir') return '/';
    return '';
  }

  line(it: Item): string {
    let s = this.has('i') ? `${String(pseudoInode(it.path)).padStart(8)} ` : '';
    if (!this.has('l') && !this.has('n') && !this.has('g') && !this.has('o')) return s + it.name + this.suffix(it) + '\n';
    const st = it.st;
    s += `${modeString(st).padEnd(10)} ${String(st.nlink).padStart(4)} `;
    const user = this.has('n') ? String(st.uid) : (this.users.get(st.uid) ?? String(st.uid)).slice(0, 8);
    const group = this.has('n') ? String(st.gid) : (this.groups.get(st.gid) ?? String(st.gid)).slice(0, 8);
    if (!this.has('g')) s += user.padEnd(8) + ' ';
    if (!this.has('o')) s += group.padEnd(8) + ' ';
    s += this.has('h') ? humanSize(st.size).padStart(7) + ' ' : String(st.size).padStart(9) + ' ';
    s += lsDate(st.mtime, this.io.now()) + ' ' + it.name + this.suffix(it);
    if (st.type === 'symlink') s += ` -> ${st.target}`;
    return s + '\n';
  }

  long(): boolean {
    return this.has('l') || this.has('n') || this.has('g') || this.has('o');
  }

  listDir(dir: Item, header: boolean, first: boolean): void {
    if (header) this.out += `${first ? '' : '\n'}${dir.name}:\n`;
    let names: string[];
    try {
      names = readDir(this.io, dir.path);
    } catch (e) {
      this.io.stderr(`ls: can't open '${dir.name}': ${errText(e)}\n`);
      this.status = 1;
      return;
    }
    const all = this.has('a');
    const items: Item[] = [];
    if (all) {
      items.push({ name: '.', path: dir.path, st: dir.st });
      const parent = normalize('..', dir.path);
      items.push({ name: '..', path: parent, st: this.io.fs.stat(parent) ?? dir.st });
    }
    for (const n of names) {
      if (n.startsWith('.') && !all && !this.has('A')) continue;
      const p = normalize(n, dir.path);
      const st = this.io.fs.stat(p, this.has('L'));
      if (st) items.push({ name: n, path: p, st });
    }
    const sorted = this.sort(items);
    if (this.long()) this.out += `total ${sorted.reduce((n, it) => n + blocksOf(it.st), 0)}\n`;
    for (const it of sorted) this.out += this.line(it);
    if (this.has('R')) {
      for (const it of sorted) {
        if (it.st.type !== 'dir' || it.name === '.' || it.name === '..') continue;
        const name = dir.name === '/' ? `/${it.name}` : `${dir.name}/${it.name}`;
        this.listDir({ name, path: it.path, st: it.st }, true, false);
      }
    }
  }
}

const ls: Command = (argv, io) => {
  const a = parseArgs(argv, 'laA1RdhnFprtSiLCxgofecu', '', io, { all: 'a', 'almost-all': 'A', recursive: 'R', directory: 'd', 'human-readable': 'h' });
  if (!a) return 1;
  const ls = new Lister(io, a);
  const operands = a.args.length > 0 ? a.args : ['.'];
  const files: Item[] = [];
  const dirs: Item[] = [];
  for (const o of operands) {
    const follow = !a.opts.has('d') && !ls.long() ? true : a.opts.has('L');
    let st = statPath(io, o, follow);
    if (st?.type === 'symlink' && !a.opts.has('d') && !a.opts.has('l')) st = statPath(io, o, true) ?? st;
    if (!st) {
      io.stderr(`ls: ${o}: No such file or directory\n`);
      ls.status = 1;
      continue;
    }
    const it = { name: o, path: abs(io, o), st };
    if (st.type === 'dir' && !a.opts.has('d')) dirs.push(it);
    else files.push(it);
  }
  for (const it of ls.sort(files)) ls.out += ls.line(it);
  const header = operands.length > 1 || a.opts.has('R');
  ls.sort(dirs).forEach((d, i) => ls.listDir(d, header, i === 0 && files.length === 0));
  io.stdout(ls.out);
  return ls.status;
};

export const LS_APPLETS: Record<string, Command> = { ls };
