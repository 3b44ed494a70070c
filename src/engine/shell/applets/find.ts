/**
 * find: a directory is printed before its entries, entries in readdir order,
 * as busybox does. Tests and actions are combined with ! -a -o and ( ).
 */
import { normalize } from '../../fs/path.js';
import type { Stat } from '../../fs/types.js';
import type { Command } from '../types.js';
import { abs, errText, readDir } from '../files.js';
import { matchPattern } from '../glob.js';
import { shellIO } from '../process.js';
import { findGroup, findUser } from '../../fs/accounts.js';
import { blocksOf } from './ls.js';

interface Visit {
  shown: string;
  path: string;
  st: Stat;
  depth: number;
}

type Expr = { k: 'and' | 'or'; a: Expr; b: Expr } | { k: 'not'; e: Expr } | { k: 'test'; fn: (v: Visit) => boolean };

class FindError extends Error {}

function sizeTest(spec: string): (st: Stat) => boolean {
  const m = /^([+-]?)(\d+)([ckMGbw]?)$/.exec(spec);
  if (!m) throw new FindError(`invalid argument '${spec}' to '-size'`);
  const unit = { '': 512, b: 512, c: 1, w: 2, k: 1024, M: 1 << 20, G: 1 << 30 }[m[3]!]!;
  const n = Number(m[2]);
  return (st) => {
    const units = Math.ceil(st.size / unit);
    return m[1] === '+' ? units > n : m[1] === '-' ? units < n : units === n;
  };
}

function permTest(spec: string): (st: Stat) => boolean {
  const mode = spec.replace(/^[-/]/, '');
  if (!/^[0-7]+$/.test(mode)) throw new FindError(`invalid mode '${spec}'`);
  const bits = parseInt(mode, 8);
  if (spec[0] === '-') return (st) => (st.mode & bits) === bits;
  if (spec[0] === '/') return (st) => bits === 0 || (st.mode & bits) !== 0;
  return (st) => (st.mode & 0o7777) === bits;
}

const find: Command = (argv, io) => {
  let i = 1;
  let follow = false;
  while (argv[i] === '-L' || argv[i] === '-H' || argv[i] === '-P') follow = argv[i++] === '-L';
  const roots: string[] = [];
  while (i < argv.length && !/^[-!(]/.test(argv[i]!)) roots.push(argv[i++]!);
  if (roots.length === 0) roots.push('.');
  let maxdepth = Infinity;
  let mindepth = 0;
  let hasAction = false;
  let depthFirst = false;
  const toks = argv.slice(i);
  let pos = 0;
  const need = (opt: string): string => {
    const v = toks[pos++];
    if (v === undefined) throw new FindError(`missing argument to '${opt}'`);
    return v;
  };
  const sio = shellIO(io);
  let status = 0;

  function primary(): Expr {
    const t = toks[pos++]!;
    const test = (fn: (v: Visit) => boolean): Expr => ({ k: 'test', fn });
    switch (t) {
      case '(': {
        const e = orExpr();
        if (toks[pos++] !== ')') throw new FindError("expected ')'");
        return e;
      }
      case '!':
      case '-not':
        return { k: 'not', e: primary() };
      case '-name':
      case '-iname': {
        const p = need(t);
        const ci = t === '-iname';
        return test((v) => matchPattern(ci ? p.toLowerCase() : p, (ci ? v.shown.toLowerCase() : v.shown).replace(/\/+$/, '').replace(/^.*\//, '') || '/'));
      }
      case '-path':
      case '-wholename':
      case '-ipath': {
        const p = need(t);
        return test((v) => (t === '-ipath' ? matchPattern(p.toLowerCase(), v.shown.toLowerCase()) : matchPattern(p, v.shown)));
      }
      case '-type': {
        const ty = need(t);
        const want = ty === 'f' ? 'file' : ty === 'd' ? 'dir' : ty === 'l' ? 'symlink' : null;
        if (!want) throw new FindError(`invalid argument '${ty}' to '-type'`);
        return test((v) => v.st.type === want);
      }
      case '-maxdepth':
        maxdepth = Number(need(t));
        return test(() => true);
      case '-mindepth':
        mindepth = Number(need(t));
        return test(() => true);
      case '-depth':
        depthFirst = true;
        return test(() => true);
      case '-xdev':
      case '-mount':
      case '-follow':
      case '-true':
        return test(() => true);
      case '-false':
        return test(() => false);
      case '-empty':
        return test((v) => (v.st.type === 'dir' ? io.fs.readdir(v.path).length === 0 : v.st.type === 'file' && v.st.size === 0));
      case '-size': {
        const f = sizeTest(need(t));
        return test((v) => f(v.st));
      }
      case '-perm': {
        const f = permTest(need(t));
        return test((v) => f(v.st));
      }
      case '-user': {
        const u = need(t);
        const uid = findUser(io.fs, u)?.uid ?? (/^\d+$/.test(u) ? Number(u) : NaN);
        return test((v) => v.st.uid === uid);
      }
      case '-group': {
        const g = need(t);
        const gid = findGroup(io.fs, g)?.gid ?? (/^\d+$/.test(g) ? Number(g) : NaN);
        return test((v) => v.st.gid === gid);
      }
      case '-newer': {
        const ref = io.fs.stat(abs(io, need(t)));
        if (!ref) throw new FindError(`${toks[pos - 1]}: No such file or directory`);
        return test((v) => v.st.mtime > ref.mtime);
      }
      case '-print':
      case '-print0': {
        hasAction = true;
        const end = t === '-print' ? '\n' : '\0';
        return test((v) => (io.stdout(v.shown + end), true));
      }
      case '-ls':
        hasAction = true;
        return test((v) => (io.stdout(`${blocksOf(v.st)} ${v.shown}\n`), true));
      case '-delete':
        hasAction = true;
        depthFirst = true;
        return test((v) => {
          try {
            if (v.depth > 0 || v.shown !== '.') io.fs.remove(v.path);
            return true;
          } catch (e) {
            io.stderr(`find: ${v.shown}: ${errText(e)}\n`);
            status = 1;
            return false;
          }
        });
      case '-exec':
      case '-ok': {
        hasAction = true;
        const cmd: string[] = [];
        while (pos < toks.length && toks[pos] !== ';' && toks[pos] !== '+') cmd.push(toks[pos++]!);
        const term = toks[pos++];
        if (term === undefined || cmd.length === 0) throw new FindError(`missing argument to '${t}'`);
        return test((v) => {
          if (!sio) throw new FindError('-exec is not available here');
          const args = cmd.map((c) => c.split('{}').join(v.shown));
          const r = sio.spawn(args);
          if (r.notFound) {
            io.stderr(`find: ${args[0]}: No such file or directory\n`);
            status = 1;
          }
          return r.code === 0;
        });
      }
      case '-prune':
        return test(() => true);
      case '-a':
      case '-and':
      case '-o':
      case '-or':
      case ')':
      case undefined:
        throw new FindError(t === undefined ? 'missing argument' : `invalid argument '${t}'`);
    }
    throw new FindError(`unrecognized: ${t}`);
  }
  function andExpr(): Expr {
    let e = primary();
    while (pos < toks.length && toks[pos] !== '-o' && toks[pos] !== '-or' && toks[pos] !== ')') {
      if (toks[pos] === '-a' || toks[pos] === '-and') pos++;
      e = { k: 'and', a: e, b: primary() };
    }
    return e;
  }
  function orExpr(): Expr {
    let e = andExpr();
    while (toks[pos] === '-o' || toks[pos] === '-or') {
      pos++;
      e = { k: 'or', a: e, b: andExpr() };
    }
    return e;
  }

  let expr: Expr | null;
  try {
    expr = toks.length > 0 ? orExpr() : null;
    if (pos < toks.length) throw new FindError(`invalid argument '${toks[pos]}'`);
  } catch (e) {
    if (!(e instanceof FindError)) throw e;
    io.stderr(`find: ${e.message}\n`);
    return 1;
  }
  const evalE = (e: Expr, v: Visit): boolean =>
    e.k === 'test' ? e.fn(v) : e.k === 'not' ? !evalE(e.e, v) : e.k === 'and' ? evalE(e.a, v) && evalE(e.b, v) : evalE(e.a, v) || evalE(e.b, v);
  const act = (v: Visit) => {
    if (v.depth < mindepth) return;
    const ok = expr ? evalE(expr, v) : true;
    if (ok && !hasAction) io.stdout(v.shown + '\n');
  };
  const walk = (v: Visit) => {
    if (!depthFirst) act(v);
    if (v.st.type === 'dir' && v.depth < maxdepth) {
      let names: string[] = [];
      try {
        names = readDir(io, v.path);
      } catch (e) {
        io.stderr(`find: ${v.shown}: ${errText(e)}\n`);
        status = 1;
      }
      for (const n of names) {
        const p = normalize(n, v.path);
        const st = io.fs.stat(p, follow);
        if (st) walk({ shown: v.shown.endsWith('/') ? v.shown + n : `${v.shown}/${n}`, path: p, st, depth: v.depth + 1 });
      }
    }
    if (depthFirst) act(v);
  };
  for (const r of roots) {
    const p = abs(io, r);
    const st = io.fs.stat(p, true);
    if (!st) {
      io.stderr(`find: ${r}: No such file or directory\n`);
      status = 1;
      continue;
    }
    walk({ shown: r, path: p, st, depth: 0 });
  }
  return status;
};

export const FIND_APPLETS: Record<string, Command> = { find };
