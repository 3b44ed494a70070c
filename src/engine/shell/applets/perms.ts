/**
 * chmod, chown and chgrp. Owners are looked up in the image's /etc/passwd and
 * /etc/group; a non-owner's change fails with EPERM's text, as the kernel says.
 */
import { normalize } from '../../fs/path.js';
import type { Command, CommandIO } from '../types.js';
import { abs, errText } from '../files.js';
import { findGroup, findUser } from '../../fs/accounts.js';
import { parseArgs } from './util.js';

/**
 * Parses an octal or symbolic mode (`755`, `u+x,go-w`, `a=r`, `+X`) against the
 * current mode. Without `ugoa`, `+`/`-`/`=` are masked by the umask (022).
 */
export function parseMode(spec: string, current: number, isDir: boolean): number | null {
  if (/^[0-7]{1,4}$/.test(spec)) return parseInt(spec, 8);
  let mode = current;
  for (const clause of spec.split(',')) {
    const m = /^([ugoa]*)((?:[-+=][rwxXst]*)+)$/.exec(clause);
    if (!m) return null;
    const who = m[1]!;
    let mask = 0;
    if (who === '') mask = 0o7777;
    for (const w of who) mask |= w === 'u' ? 0o4700 : w === 'g' ? 0o2070 : w === 'o' ? 0o1007 : 0o7777;
    const umask = who === '' ? ~0o022 : ~0;
    for (const op of m[2]!.match(/[-+=][rwxXst]*/g)!) {
      let bits = 0;
      for (const p of op.slice(1)) {
        if (p === 'r') bits |= 0o444;
        else if (p === 'w') bits |= 0o222;
        else if (p === 'x') bits |= 0o111;
        else if (p === 'X') bits |= isDir || (mode & 0o111) !== 0 ? 0o111 : 0;
        else if (p === 's') bits |= 0o6000;
        else if (p === 't') bits |= 0o1000;
      }
      bits &= mask;
      if (op[0] === '+') mode |= bits & umask;
      else if (op[0] === '-') mode &= ~(bits & umask);
      else mode = (mode & ~(mask & 0o7777)) | (bits & umask);
    }
  }
  return mode & 0o7777;
}

/** Applies `fn` to each path, recursing into directories with -R (symlinks below are not followed). */
function eachPath(io: CommandIO, name: string, paths: string[], recursive: boolean, fn: (p: string, shown: string) => void): number {
  let st = 0;
  const visit = (p: string, shown: string, top: boolean) => {
    try {
      const s = io.fs.stat(p, top);
      if (!s) throw Object.assign(new Error(), { errno: 'No such file or directory' });
      fn(p, shown);
      if (recursive && s.type === 'dir') for (const n of io.fs.readdir(p)) visit(normalize(n, p), `${shown}/${n}`, false);
    } catch (e) {
      const why = (e as { errno?: string }).errno ?? errText(e);
      io.stderr(`${name}: ${shown}: ${why === 'Permission denied' && io.fs.stat(p) ? 'Operation not permitted' : why}\n`);
      st = 1;
    }
  };
  for (const p of paths) visit(abs(io, p), p, true);
  return st;
}

const chmod: Command = (argv, io) => {
  // a mode like -w looks like an option: take it before parsing flags
  const modeIndex = argv.findIndex((x, i) => i > 0 && !/^-[Rvcf]+$/.test(x));
  const spec = argv[modeIndex];
  const a = parseArgs(argv.filter((_, i) => i !== modeIndex), 'Rvcf', '', io);
  if (!a) return 1;
  if (spec === undefined || a.args.length === 0) {
    io.stderr(`chmod: missing operand\n`);
    return 1;
  }
  if (parseMode(spec, 0, false) === null) {
    io.stderr(`chmod: invalid mode '${spec}'\n`);
    return 1;
  }
  return eachPath(io, 'chmod', a.args, a.opts.has('R'), (p) => {
    const s = io.fs.stat(p)!;
    io.fs.chmod(p, parseMode(spec, s.mode, s.type === 'dir')!);
  });
};

/** Resolves `OWNER[:GROUP]`, `:GROUP` or `OWNER:` (login group) against the image's databases. */
function resolveOwner(io: CommandIO, name: string, spec: string): { uid?: number; gid?: number } | null {
  const [u, g] = spec.includes(':') ? spec.split(/:(.*)/s) : spec.includes('.') && !findUser(io.fs, spec) ? spec.split(/\.(.*)/s) : [spec, undefined];
  const out: { uid?: number; gid?: number } = {};
  if (u) {
    const user = findUser(io.fs, u);
    if (!user && !/^\d+$/.test(u)) {
      io.stderr(`${name}: unknown user ${u}\n`);
      return null;
    }
    out.uid = user && user.name === u ? user.uid : Number(u);
    if (g === '' && user) out.gid = user.gid;
  }
  if (g) {
    const group = findGroup(io.fs, g);
    if (!group && !/^\d+$/.test(g)) {
      io.stderr(`${name}: unknown group ${g}\n`);
      return null;
    }
    out.gid = group && group.name === g ? group.gid : Number(g);
  }
  return out;
}

function chownLike(argv: string[], io: CommandIO, name: string, groupOnly: boolean): number {
  const a = parseArgs(argv, 'RhvcfHLP', '', io, { recursive: 'R' });
  if (!a) return 1;
  if (a.args.length < 2) {
    io.stderr(`${name}: missing operand\n`);
    return 1;
  }
  const ids = resolveOwner(io, name, groupOnly ? ':' + a.args[0] : a.args[0]!);
  if (!ids) return 1;
  return eachPath(io, name, a.args.slice(1), a.opts.has('R'), (p) => {
    const s = io.fs.stat(p, !a.opts.has('h'))!;
    io.fs.chown(p, ids.uid ?? s.uid, ids.gid ?? s.gid, !a.opts.has('h'));
  });
}

const chown: Command = (argv, io) => chownLike(argv, io, 'chown', false);
const chgrp: Command = (argv, io) => chownLike(argv, io, 'chgrp', true);

export const PERM_APPLETS: Record<string, Command> = { chmod, chown, chgrp };
