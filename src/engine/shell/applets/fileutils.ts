/**
 * File applets that change the tree: mkdir, rmdir, touch, rm, cp, mv, ln.
 * Every change goes through the Fs, so it lands in the layer being built
 * (copy-ups, whiteouts) exactly as overlayfs would record it.
 */
import { sha256Hex } from '../../hash.js';
import { basename, isWithin, normalize } from '../../fs/path.js';
import type { CreateOptions, Stat } from '../../fs/types.js';
import type { Command, CommandIO } from '../types.js';
import { abs, deviceStat, errText, readBytes } from '../files.js';
import { parseMode } from './perms.js';
import { parseArgs } from './util.js';

const UMASK = 0o022;

const mkdir: Command = (argv, io) => {
  const a = parseArgs(argv, 'pv', 'm', io);
  if (!a) return 1;
  if (a.args.length === 0) {
    io.stderr('mkdir: missing operand\n');
    return 1;
  }
  let mode: number | undefined;
  if (a.opts.has('m')) {
    const m = parseMode(String(a.opts.get('m')), 0o777 & ~UMASK, true);
    if (m === null) {
      io.stderr(`mkdir: invalid mode '${a.opts.get('m')}'\n`);
      return 1;
    }
    mode = m;
  }
  let st = 0;
  for (const d of a.args) {
    try {
      const p = abs(io, d);
      const existed = io.fs.stat(p) !== null;
      io.fs.mkdir(p, { parents: a.opts.has('p') });
      // like busybox, -m applies to the directory named, not to parents made by -p
      if (mode !== undefined && !existed) io.fs.chmod(p, mode);
    } catch (e) {
      io.stderr(`mkdir: can't create directory '${d}': ${errText(e)}\n`);
      st = 1;
    }
  }
  return st;
};

const rmdir: Command = (argv, io) => {
  const a = parseArgs(argv, 'pv', '', io, { 'ignore-fail-on-non-empty': 'i' });
  if (!a) return 1;
  let st = 0;
  for (const d of a.args) {
    let cur = d.replace(/\/+$/, '') || '/';
    for (;;) {
      const p = abs(io, cur);
      const s = io.fs.stat(p, false);
      let why = '';
      if (!s) why = 'No such file or directory';
      else if (s.type !== 'dir') why = 'Not a directory';
      else if (io.fs.readdir(p).length > 0) why = 'Directory not empty';
      else {
        try {
          io.fs.remove(p);
        } catch (e) {
          why = errText(e);
        }
      }
      if (why) {
        io.stderr(`rmdir: '${cur}': ${why}\n`);
        st = 1;
        break;
      }
      if (!a.opts.has('p') || !cur.includes('/')) break;
      cur = cur.slice(0, cur.lastIndexOf('/'));
      if (cur === '') break;
    }
  }
  return st;
};

/** Parses `touch -d` dates: epoch `@N`, `YYYY-MM-DD[ HH:MM[:SS]]`, or `-t [[CC]YY]MMDDhhmm[.ss]`. */
function parseTime(s: string, stamp: boolean): number | null {
  if (stamp) {
    const m = /^(\d{2,4})?(\d{2})(\d{2})(\d{2})(\d{2})(?:\.(\d{2}))?$/.exec(s);
    if (!m) return null;
    const y = m[1] ? (m[1].length === 2 ? 2000 + Number(m[1]) : Number(m[1])) : 1970;
    return Date.UTC(y, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0)) / 1000;
  }
  if (/^@\d+$/.test(s)) return Number(s.slice(1));
  const t = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(s) ? s : s.replace(' ', 'T') + 'Z');
  return Number.isNaN(t) ? null : Math.floor(t / 1000);
}

const touch: Command = (argv, io) => {
  const a = parseArgs(argv, 'cham', 'drt', io);
  if (!a) return 1;
  let time = io.now();
  if (a.opts.has('r')) {
    const ref = io.fs.stat(abs(io, String(a.opts.get('r'))));
    if (!ref) {
      io.stderr(`touch: ${a.opts.get('r')}: No such file or directory\n`);
      return 1;
    }
    time = ref.mtime;
  } else if (a.opts.has('d') || a.opts.has('t')) {
    const t = parseTime(String(a.opts.get('d') ?? a.opts.get('t')), a.opts.has('t'));
    if (t === null) {
      io.stderr(`touch: invalid date '${a.opts.get('d') ?? a.opts.get('t')}'\n`);
      return 1;
    }
    time = t;
  }
  let st = 0;
  for (const f of a.args) {
    const p = abs(io, f);
    try {
      if (io.fs.stat(p)) io.fs.utimes(p, time);
      else if (!a.opts.has('c')) io.fs.writeFile(p, '', { mtime: time });
    } catch (e) {
      io.stderr(`touch: ${f}: ${errText(e)}\n`);
      st = 1;
    }
  }
  return st;
};

const rm: Command = (argv, io) => {
  const a = parseArgs(argv, 'rRfiv', '', io, { recursive: 'r', force: 'f' });
  if (!a) return 1;
  const recursive = a.opts.has('r') || a.opts.has('R');
  let st = 0;
  for (const f of a.args) {
    if (/(^|\/)\.\.?\/*$/.test(f)) {
      io.stderr(`rm: can't remove '.' or '..'\n`);
      st = 1;
      continue;
    }
    const p = abs(io, f);
    const s = io.fs.stat(p, false);
    if (!s) {
      if (!a.opts.has('f')) {
        io.stderr(`rm: can't remove '${f}': No such file or directory\n`);
        st = 1;
      }
      continue;
    }
    if (s.type === 'dir' && !recursive) {
      io.stderr(`rm: '${f}' is a directory\n`);
      st = 1;
      continue;
    }
    try {
      io.fs.remove(p, { recursive });
    } catch (e) {
      io.stderr(`rm: can't remove '${f}': ${errText(e)}\n`);
      st = 1;
    }
  }
  return st;
};

interface CopyOpts {
  recursive: boolean;
  noDeref: boolean;
  preserve: boolean;
  noClobber: boolean;
}

/** Copies a file's content, keeping modelled (synthetic) content as size + digest. */
function copyContent(io: CommandIO, src: string, dst: string, st: Stat, create: CreateOptions): void {
  const data = readBytes(io, src);
  const synthetic = st.digest !== undefined && (data.length !== st.size || (data.every((b) => b === 0) && data.length > 0 && sha256Hex(data) !== st.digest));
  if (synthetic) io.fs.writeSynthetic(dst, st.size, st.digest!, create);
  else io.fs.writeFile(dst, data, create);
}

function copyTree(io: CommandIO, src: string, dst: string, shown: string, o: CopyOpts): boolean {
  const s = deviceStat(src) ?? io.fs.stat(src, !o.noDeref);
  if (!s) {
    io.stderr(`cp: can't stat '${shown}': No such file or directory\n`);
    return false;
  }
  const d = io.fs.stat(dst, false);
  if (d && src === dst) {
    io.stderr(`cp: '${shown}' and '${dst}' are the same file\n`);
    return false;
  }
  const owner = o.preserve && io.uid === 0 ? { uid: s.uid, gid: s.gid } : {};
  try {
    if (s.type === 'symlink') {
      if (d) io.fs.remove(dst);
      io.fs.symlink(s.target!, dst, owner);
      return true;
    }
    if (s.type === 'dir') {
      if (!o.recursive) {
        io.stderr(`cp: omitting directory '${shown}'\n`);
        return false;
      }
      if (isWithin(dst, src)) {
        io.stderr(`cp: can't copy a directory into itself\n`);
        return false;
      }
      if (!d) io.fs.mkdir(dst, { mode: o.preserve ? s.mode : s.mode & ~UMASK, ...owner });
      let ok = true;
      for (const n of io.fs.readdir(src)) ok = copyTree(io, normalize(n, src), normalize(n, dst), `${shown}/${n}`, o) && ok;
      if (o.preserve) io.fs.utimes(dst, s.mtime);
      return ok;
    }
    if (d && o.noClobber) return true;
    const create: CreateOptions = d && !o.preserve ? {} : { mode: o.preserve ? s.mode : s.mode & ~UMASK, ...owner };
    if (o.preserve) create.mtime = s.mtime;
    if (d?.type === 'symlink') io.fs.remove(dst);
    copyContent(io, src, dst, s, create);
    if (o.preserve && d) io.fs.chmod(dst, s.mode);
    return true;
  } catch (e) {
    const why = errText(e);
    io.stderr(why === 'Permission denied' && io.fs.stat(src) ? `cp: can't create '${dst}': ${why}\n` : `cp: can't open '${shown}': ${why}\n`);
    return false;
  }
}

/** Splits `cp`/`mv`/`ln` operands into sources and a target, appending basenames when the target is a directory. */
function targets(io: CommandIO, name: string, args: string[], noTargetDir = false): [string, string, string][] | null {
  if (args.length < 2) {
    io.stderr(args.length === 0 ? `${name}: missing file operand\n` : `${name}: missing destination file operand after '${args[0]}'\n`);
    return null;
  }
  const dest = args[args.length - 1]!;
  const dp = abs(io, dest);
  const isDir = !noTargetDir && io.fs.stat(dp)?.type === 'dir';
  if (args.length > 2 && !isDir) {
    io.stderr(`${name}: target '${dest}' is not a directory\n`);
    return null;
  }
  return args.slice(0, -1).map((s) => [s, abs(io, s), isDir ? normalize(basename(s.replace(/\/+$/, '') || '/'), dp) : dp]);
}

const cp: Command = (argv, io) => {
  const a = parseArgs(argv, 'rRapdPLfinvHTu', '', io, { recursive: 'R', archive: 'a', force: 'f' });
  if (!a) return 1;
  const archive = a.opts.has('a');
  const o: CopyOpts = {
    recursive: archive || a.opts.has('r') || a.opts.has('R'),
    noDeref: archive || a.opts.has('d') || a.opts.has('P') || ((a.opts.has('r') || a.opts.has('R')) && !a.opts.has('L')),
    preserve: archive || a.opts.has('p'),
    noClobber: a.opts.has('n'),
  };
  const list = targets(io, 'cp', a.args, a.opts.has('T'));
  if (!list) return 1;
  let st = 0;
  for (const [shown, src, dst] of list) if (!copyTree(io, src, dst, shown, o)) st = 1;
  return st;
};

const mv: Command = (argv, io) => {
  const a = parseArgs(argv, 'finvT', '', io, { force: 'f' });
  if (!a) return 1;
  const list = targets(io, 'mv', a.args, a.opts.has('T'));
  if (!list) return 1;
  let st = 0;
  for (const [shown, src, dst] of list) {
    if (a.opts.has('n') && io.fs.stat(dst, false)) continue;
    try {
      io.fs.rename(src, dst);
    } catch (e) {
      io.stderr(`mv: can't rename '${shown}': ${errText(e)}\n`);
      st = 1;
    }
  }
  return st;
};

const ln: Command = (argv, io) => {
  const a = parseArgs(argv, 'sfnvT', 'S', io, { symbolic: 's', force: 'f' });
  if (!a) return 1;
  const args = a.args.length === 1 ? [a.args[0]!, basename(a.args[0]!)] : a.args;
  const noDeref = a.opts.has('n') || a.opts.has('T');
  const list = targets(io, 'ln', args, noDeref && io.fs.stat(abs(io, args[args.length - 1]!), false)?.type === 'symlink');
  if (!list) return 1;
  let st = 0;
  for (const [target, , link] of list) {
    try {
      if (a.opts.has('f') && io.fs.stat(link, false)) io.fs.remove(link);
      if (a.opts.has('s')) io.fs.symlink(target, link);
      else io.fs.link(abs(io, target), link);
    } catch (e) {
      io.stderr(`ln: ${args.length === 2 ? args[1] : link}: ${errText(e)}\n`);
      st = 1;
    }
  }
  return st;
};

export const FILE_APPLETS: Record<string, Command> = { mkdir, rmdir, touch, rm, cp, mv, ln };
