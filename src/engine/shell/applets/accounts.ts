/**
 * Account tools that Dockerfiles use before `USER`: busybox addgroup/adduser
 * (Alpine), shadow-utils groupadd/useradd (Debian, RHEL) and Debian's
 * `adduser --long-options`. They edit /etc/passwd, /etc/group and /etc/shadow
 * in the layer, and create the home directory when the real tool would.
 */
import { fromUtf8 } from '../../hash.js';
import type { Command, CommandIO } from '../types.js';
import { parseArgs } from './util.js';

interface Db {
  passwd: string[][];
  group: string[][];
  shadow: string[][] | null;
}

function readTable(io: CommandIO, path: string): string[][] | null {
  try {
    return fromUtf8(io.fs.readFile(path))
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => l.split(':'));
  } catch {
    return null;
  }
}

function load(io: CommandIO): Db {
  return { passwd: readTable(io, '/etc/passwd') ?? [], group: readTable(io, '/etc/group') ?? [], shadow: readTable(io, '/etc/shadow') };
}

function save(io: CommandIO, db: Db): void {
  const text = (t: string[][]) => t.map((f) => f.join(':') + '\n').join('');
  io.fs.writeFile('/etc/passwd', text(db.passwd));
  io.fs.writeFile('/etc/group', text(db.group));
  if (db.shadow) io.fs.writeFile('/etc/shadow', text(db.shadow));
}

/** The first id in [lo, hi] that no entry uses (from the top for shadow-utils system accounts). */
function freeId(used: string[][], col: number, lo: number, hi: number, descending = false): number {
  const taken = new Set(used.map((f) => Number(f[col])));
  for (let i = 0; i <= hi - lo; i++) {
    const id = descending ? hi - i : lo + i;
    if (!taken.has(id)) return id;
  }
  return hi;
}

function addMember(db: Db, group: string, user: string): boolean {
  const g = db.group.find((f) => f[0] === group);
  if (!g) return false;
  const members = (g[3] ?? '').split(',').filter(Boolean);
  if (!members.includes(user)) members.push(user);
  g[3] = members.join(',');
  while (g.length < 4) g.push('');
  return true;
}

function makeHome(io: CommandIO, home: string, uid: number, gid: number): void {
  if (io.fs.stat(home)) return;
  io.fs.mkdir(home, { parents: true, mode: 0o755 });
  io.fs.chown(home, uid, gid);
  for (const n of io.fs.stat('/etc/skel')?.type === 'dir' ? io.fs.readdir('/etc/skel') : []) {
    const src = `/etc/skel/${n}`;
    if (io.fs.stat(src)?.type === 'file') io.fs.writeFile(`${home}/${n}`, io.fs.readFile(src), { uid, gid });
  }
}

/** Runs an edit as root only, as the tools refuse otherwise; returns the exit status. */
function asRoot(io: CommandIO, name: string, shadowStyle: boolean, fn: (db: Db) => number): number {
  if (io.uid !== 0) {
    io.stderr(shadowStyle ? `${name}: Permission denied.\n${name}: cannot lock /etc/passwd; try again later.\n` : `${name}: permission denied (are you root?)\n`);
    return 1;
  }
  const db = load(io);
  const st = fn(db);
  if (st === 0) save(io, db);
  return st;
}

const days = (io: CommandIO) => String(Math.floor(io.now() / 86400));

const addgroup: Command = (argv, io) => {
  const a = parseArgs(argv, 'S', 'g', io);
  if (!a) return 1;
  return asRoot(io, 'addgroup', false, (db) => {
    if (a.args.length === 2) {
      const [user, group] = a.args as [string, string];
      if (!db.passwd.some((f) => f[0] === user)) return (io.stderr(`addgroup: unknown user ${user}\n`), 1);
      if (!addMember(db, group, user)) return (io.stderr(`addgroup: unknown group ${group}\n`), 1);
      return 0;
    }
    const name = a.args[0];
    if (!name) return (io.stderr('addgroup: missing operand\n'), 1);
    if (db.group.some((f) => f[0] === name)) return (io.stderr(`addgroup: group '${name}' in use\n`), 1);
    const gid = a.opts.has('g') ? Number(a.opts.get('g')) : a.opts.has('S') ? freeId(db.group, 2, 100, 999) : freeId(db.group, 2, 1000, 64999);
    if (db.group.some((f) => Number(f[2]) === gid)) return (io.stderr(`addgroup: gid '${gid}' in use\n`), 1);
    db.group.push([name, 'x', String(gid), '']);
    return 0;
  });
};

const busyboxAdduser: Command = (argv, io) => {
  const a = parseArgs(argv, 'SDH', 'hgsGuk', io);
  if (!a) return 1;
  return asRoot(io, 'adduser', false, (db) => {
    const [name, extra] = a.args;
    if (!name) return (io.stderr('adduser: missing operand\n'), 1);
    if (extra !== undefined) {
      if (!addMember(db, extra, name)) return (io.stderr(`adduser: unknown group ${extra}\n`), 1);
      return 0;
    }
    if (db.passwd.some((f) => f[0] === name)) return (io.stderr(`adduser: user '${name}' in use\n`), 1);
    const system = a.opts.has('S');
    const uid = a.opts.has('u') ? Number(a.opts.get('u')) : system ? freeId(db.passwd, 2, 100, 999) : freeId(db.passwd, 2, 1000, 64999);
    let gid: number;
    if (a.opts.has('G')) {
      const g = db.group.find((f) => f[0] === a.opts.get('G'));
      if (!g) return (io.stderr(`adduser: unknown group ${a.opts.get('G')}\n`), 1);
      gid = Number(g[2]);
    } else if (system) gid = Number(db.group.find((f) => f[0] === 'nogroup')?.[2] ?? 65533);
    else {
      gid = db.group.some((f) => Number(f[2]) === uid) ? freeId(db.group, 2, 1000, 64999) : uid;
      db.group.push([name, 'x', String(gid), '']);
    }
    const home = String(a.opts.get('h') ?? `/home/${name}`);
    const shell = String(a.opts.get('s') ?? (system ? '/sbin/nologin' : '/bin/sh'));
    db.passwd.push([name, 'x', String(uid), String(gid), String(a.opts.get('g') ?? 'Linux User,,,'), home, shell]);
    db.shadow?.push([name, '!', days(io), '0', '99999', '7', '', '', '']);
    if (!a.opts.has('H')) makeHome(io, home, uid, gid);
    return 0;
  });
};

/** Debian's adduser/addgroup (a Perl script) takes long options and talks about what it does. */
const debianAdduser = (kind: 'user' | 'group'): Command => (argv, io) => {
  const opt = (n: string) => argv.indexOf(`--${n}`);
  const val = (n: string) => (opt(n) >= 0 ? argv[opt(n) + 1] : argv.find((x) => x.startsWith(`--${n}=`))?.split('=')[1]);
  const takesValue = new Set(['--gecos', '--home', '--shell', '--uid', '--gid', '--ingroup', '--comment', '--firstuid', '--lastuid']);
  const names = argv.slice(1).filter((x, i, all) => !x.startsWith('--') && !takesValue.has(all[i - 1] ?? ''));
  const name = names[0];
  if (!name) return (io.stderr(`${argv[0]}: Only one or two names allowed.\n`), 1);
  const system = opt('system') >= 0;
  const wantGroup = kind === 'group' || opt('group') >= 0;
  return asRoot(io, argv[0]!.replace(/^.*\//, ''), true, (db) => {
    if (kind === 'user' && names.length === 2) {
      if (!addMember(db, names[1]!, name)) return (io.stderr(`adduser: The group \`${names[1]}' does not exist.\n`), 1);
      io.stdout(`Adding user \`${name}' to group \`${names[1]}' ...\nDone.\n`);
      return 0;
    }
    const table = kind === 'group' ? db.group : db.passwd;
    if (table.some((f) => f[0] === name)) return (io.stderr(`${kind === 'group' ? 'addgroup' : 'adduser'}: The ${kind} \`${name}' already exists.\n`), 1);
    const lo = system ? 100 : 1000;
    const hi = system ? 999 : 59999;
    let gid = val('gid') !== undefined ? Number(val('gid')) : undefined;
    if (kind === 'group' || (!system && !val('ingroup')) || wantGroup) {
      gid ??= freeId(db.group, 2, lo, hi);
      if (!db.group.some((f) => f[0] === name)) {
        db.group.push([name, 'x', String(gid), '']);
        io.stdout(`Adding ${system ? 'system ' : ''}group \`${name}' (GID ${gid}) ...\n`);
      }
      if (kind === 'group') return (io.stdout('Done.\n'), 0);
    } else gid = Number(db.group.find((f) => f[0] === (val('ingroup') ?? 'nogroup'))?.[2] ?? 65534);
    const uid = val('uid') !== undefined ? Number(val('uid')) : freeId(db.passwd, 2, lo, hi);
    const home = val('home') ?? (system ? '/nonexistent' : `/home/${name}`);
    const shell = val('shell') ?? (system ? '/usr/sbin/nologin' : '/bin/bash');
    db.passwd.push([name, 'x', String(uid), String(gid), val('gecos') ?? val('comment') ?? ',,,', home, shell]);
    db.shadow?.push([name, opt('disabled-password') >= 0 || system ? '!' : '*', days(io), '0', '99999', '7', '', '', '']);
    io.stdout(`Adding ${system ? 'system ' : ''}user \`${name}' (${uid}) with group \`${db.group.find((f) => Number(f[2]) === gid)?.[0] ?? gid}' ...\n`);
    if (!system && opt('no-create-home') < 0) {
      io.stdout(`Creating home directory \`${home}' ...\nCopying files from \`/etc/skel' ...\n`);
      makeHome(io, home, uid, gid);
    }
    return 0;
  });
};

const groupadd: Command = (argv, io) => {
  const a = parseArgs(argv, 'rfo', 'gK', io, { system: 'r', force: 'f', gid: 'g' });
  if (!a) return 2;
  return asRoot(io, 'groupadd', true, (db) => {
    const name = a.args[0];
    if (!name) return (io.stderr('Usage: groupadd [options] GROUP\n'), 2);
    if (db.group.some((f) => f[0] === name)) return a.opts.has('f') ? 0 : (io.stderr(`groupadd: group '${name}' already exists\n`), 9);
    const gid = a.opts.has('g') ? Number(a.opts.get('g')) : a.opts.has('r') ? freeId(db.group, 2, 100, 999, true) : freeId(db.group, 2, 1000, 60000);
    if (db.group.some((f) => Number(f[2]) === gid) && !a.opts.has('o')) return (io.stderr(`groupadd: GID '${gid}' already exists\n`), 4);
    db.group.push([name, 'x', String(gid), '']);
    return 0;
  });
};

const useradd: Command = (argv, io) => {
  const a = parseArgs(argv, 'rmMUNlo', 'udgGscek', io, { system: 'r', 'create-home': 'm', 'no-create-home': 'M', uid: 'u', home: 'd', 'home-dir': 'd', gid: 'g', groups: 'G', shell: 's', comment: 'c', 'user-group': 'U', 'no-user-group': 'N', 'no-log-init': 'l', 'non-unique': 'o' });
  if (!a) return 2;
  return asRoot(io, 'useradd', true, (db) => {
    const name = a.args[0];
    if (!name) return (io.stderr('Usage: useradd [options] LOGIN\n'), 2);
    if (db.passwd.some((f) => f[0] === name)) return (io.stderr(`useradd: user '${name}' already exists\n`), 9);
    const system = a.opts.has('r');
    const uid = a.opts.has('u') ? Number(a.opts.get('u')) : system ? freeId(db.passwd, 2, 100, 999, true) : freeId(db.passwd, 2, 1000, 60000);
    if (db.passwd.some((f) => Number(f[2]) === uid) && !a.opts.has('o')) return (io.stderr(`useradd: UID ${uid} is not unique\n`), 4);
    let gid: number;
    if (a.opts.has('g')) {
      const spec = String(a.opts.get('g'));
      const g = db.group.find((f) => f[0] === spec || f[2] === spec);
      if (!g) return (io.stderr(`useradd: group '${spec}' does not exist\n`), 6);
      gid = Number(g[2]);
    } else if (a.opts.has('N')) gid = 100;
    else {
      if (db.group.some((f) => f[0] === name)) return (io.stderr(`useradd: group ${name} exists - if you want to add this user to that group, use -g.\n`), 9);
      gid = db.group.some((f) => Number(f[2]) === uid) ? freeId(db.group, 2, system ? 100 : 1000, system ? 999 : 60000, system) : uid;
      db.group.push([name, 'x', String(gid), '']);
    }
    for (const g of String(a.opts.get('G') ?? '').split(',').filter(Boolean)) {
      if (!addMember(db, g, name)) return (io.stderr(`useradd: group '${g}' does not exist\n`), 6);
    }
    const home = String(a.opts.get('d') ?? `/home/${name}`);
    db.passwd.push([name, 'x', String(uid), String(gid), String(a.opts.get('c') ?? ''), home, String(a.opts.get('s') ?? '/bin/sh')]);
    db.shadow?.push([name, '!', days(io), '0', '99999', '7', '', '', '']);
    if (a.opts.has('m') && !a.opts.has('M')) makeHome(io, home, uid, gid);
    return 0;
  });
};

/** busybox adduser/addgroup unless the arguments are Debian's long options. */
const either = (bb: Command, deb: Command): Command => (argv, io) => (argv.some((x) => /^--[a-z]/.test(x)) ? deb(argv, io) : bb(argv, io));

export const ACCOUNT_APPLETS: Record<string, Command> = {
  addgroup: either(addgroup, debianAdduser('group')),
  adduser: either(busyboxAdduser, debianAdduser('user')),
  groupadd,
  useradd,
};
