/**
 * Applets about the process and the machine: id, whoami, hostname, ps, uname,
 * date, env, sleep, nproc, df, du, and the network tools, which fail as they
 * do in a container without network (`docker build --network=none`).
 */
import { normalize } from '../../fs/path.js';
import type { Command, CommandIO } from '../types.js';
import { abs, canExecute } from '../files.js';
import { shellIO } from '../process.js';
import { findUser, groupEntries, groupName, userName } from '../../fs/accounts.js';
import { blocksOf } from './ls.js';
import { dateString, humanSize, parseArgs, strftime } from './util.js';

/** The kernel the simulated containers report. */
export const KERNEL = { release: '6.1.0-layerlab', version: '#1 SMP PREEMPT_DYNAMIC', machine: 'x86_64' };

function groupsOf(io: CommandIO, uid: number, gid: number, explicit?: number[]): number[] {
  if (explicit && explicit.length > 0) return [...new Set([gid, ...explicit])];
  const name = userName(io.fs, uid);
  const extra = name ? groupEntries(io.fs).filter((g) => g.members.includes(name)).map((g) => g.gid) : [];
  return [...new Set([gid, ...extra])];
}

const id: Command = (argv, io) => {
  const a = parseArgs(argv, 'ugGnr', '', io);
  if (!a) return 1;
  let uid = io.uid;
  let gid = io.gid;
  let groups = io.groups;
  if (a.args[0] !== undefined) {
    const u = findUser(io.fs, a.args[0]);
    if (!u) {
      io.stderr(`id: unknown user ${a.args[0]}\n`);
      return 1;
    }
    uid = u.uid;
    gid = u.gid;
    groups = undefined;
  }
  const all = groupsOf(io, uid, gid, groups);
  const n = a.opts.has('n');
  if (a.opts.has('u') || a.opts.has('g')) {
    const v = a.opts.has('u') ? uid : gid;
    const name = a.opts.has('u') ? userName(io.fs, v) : groupName(io.fs, v);
    if (n && name === undefined) {
      io.stderr(`id: unknown ID ${v}\n`);
      return 1;
    }
    io.stdout((n ? name : String(v)) + '\n');
    return 0;
  }
  if (a.opts.has('G')) {
    io.stdout(all.map((g) => (n ? (groupName(io.fs, g) ?? String(g)) : String(g))).join(' ') + '\n');
    return 0;
  }
  const fmt = (v: number, name: string | undefined) => (name !== undefined ? `${v}(${name})` : String(v));
  io.stdout(`uid=${fmt(uid, userName(io.fs, uid))} gid=${fmt(gid, groupName(io.fs, gid))} groups=${all.map((g) => fmt(g, groupName(io.fs, g))).join(',')}\n`);
  return 0;
};

const whoami: Command = (_argv, io) => {
  const name = userName(io.fs, io.uid);
  if (name === undefined) {
    io.stderr(`whoami: unknown uid ${io.uid}\n`);
    return 1;
  }
  io.stdout(name + '\n');
  return 0;
};

const hostname: Command = (argv, io) => {
  const a = parseArgs(argv, 'sifdF', '', io);
  if (!a) return 1;
  if (a.args.length > 0) {
    io.stderr('hostname: sethostname: Operation not permitted\n');
    return 1;
  }
  if (a.opts.has('i')) io.stdout('172.17.0.2\n');
  else if (a.opts.has('d')) io.stdout('\n');
  else io.stdout((a.opts.has('s') ? io.hostname.split('.')[0]! : io.hostname) + '\n');
  return 0;
};

const ps: Command = (_argv, io) => {
  const procs = shellIO(io)?.machine.procs ?? [{ pid: 1, uid: io.uid, argv: ['ps'] }];
  let out = 'PID   USER     TIME  COMMAND\n';
  for (const p of procs) out += `${String(p.pid).padStart(5)} ${(userName(io.fs, p.uid) ?? String(p.uid)).slice(0, 8).padEnd(8)} ${'0:00'.padStart(5)} ${p.argv.join(' ')}\n`;
  io.stdout(out);
  return 0;
};

const uname: Command = (argv, io) => {
  const a = parseArgs(argv, 'asnrvmpio', '', io, { all: 'a' });
  if (!a) return 1;
  const fields: [string, string][] = [
    ['s', 'Linux'], ['n', io.hostname], ['r', KERNEL.release], ['v', KERNEL.version], ['m', KERNEL.machine], ['o', 'GNU/Linux'],
  ];
  const want = a.opts.has('a') ? fields.map(([k]) => k) : [...a.opts.keys()].map((k) => (k === 'p' || k === 'i' ? 'm' : k));
  const out = fields.filter(([k]) => want.includes(k)).map(([, v]) => v);
  io.stdout((out.length ? out : ['Linux']).join(' ') + '\n');
  return 0;
};

const date: Command = (argv, io) => {
  const a = parseArgs(argv, 'uRI', 'dr', io, { utc: 'u', date: 'd' });
  if (!a) return 1;
  let t = io.now();
  if (a.opts.has('d')) {
    const s = String(a.opts.get('d'));
    const v = /^@-?\d+$/.test(s) ? Number(s.slice(1)) : Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(s) ? s : s.replace(' ', 'T') + 'Z') / 1000;
    if (Number.isNaN(v)) {
      io.stderr(`date: invalid date '${s}'\n`);
      return 1;
    }
    t = Math.floor(v);
  }
  const fmt = a.args.find((x) => x.startsWith('+'));
  if (fmt) io.stdout(strftime(fmt.slice(1), t) + '\n');
  else if (a.opts.has('I')) io.stdout(strftime('%F', t) + '\n');
  else if (a.opts.has('R')) io.stdout(strftime('%a, %d %b %Y %H:%M:%S +0000', t) + '\n');
  else io.stdout(dateString(t) + '\n');
  return 0;
};

const env: Command = (argv, io) => {
  let vars: Record<string, string> = { ...io.env };
  let i = 1;
  for (; i < argv.length; i++) {
    const x = argv[i]!;
    if (x === '-i' || x === '-') vars = {};
    else if (x === '-u') delete vars[argv[++i] ?? ''];
    else if (x === '--') {
      i++;
      break;
    } else break;
  }
  for (; i < argv.length && /^[^=]+=/.test(argv[i]!); i++) {
    const eq = argv[i]!.indexOf('=');
    vars[argv[i]!.slice(0, eq)] = argv[i]!.slice(eq + 1);
  }
  if (i >= argv.length) {
    io.stdout(Object.entries(vars).map(([k, v]) => `${k}=${v}\n`).join(''));
    return 0;
  }
  return runChild(io, 'env', argv.slice(i), vars);
};

/** Runs a program for env/nohup/nice/timeout/time, with busybox's message when it cannot start. */
function runChild(io: CommandIO, name: string, argv: string[], vars?: Record<string, string>): number {
  const sio = shellIO(io);
  if (!sio) return 127;
  const r = sio.spawn(argv, vars ? { env: vars } : {});
  if (r.notFound || r.notExecutable) io.stderr(`${name}: can't execute '${argv[0]}': ${r.notFound ? 'No such file or directory' : 'Permission denied'}\n`);
  return r.code;
}

const printenv: Command = (argv, io) => {
  if (argv.length < 2) {
    io.stdout(Object.entries(io.env).map(([k, v]) => `${k}=${v}\n`).join(''));
    return 0;
  }
  let st = 0;
  for (const n of argv.slice(1)) {
    if (io.env[n] === undefined) st = 1;
    else io.stdout(io.env[n] + '\n');
  }
  return st;
};

const sleep: Command = (argv, io) => {
  if (argv.length < 2) {
    io.stderr('sleep: missing operand\n');
    return 1;
  }
  for (const x of argv.slice(1)) {
    if (!/^(\d+\.?\d*|\.\d+)[smhd]?$/.test(x) && x !== 'infinity') {
      io.stderr(`sleep: invalid number '${x}'\n`);
      return 1;
    }
  }
  return 0;
};

const df: Command = (argv, io) => {
  const h = argv.includes('-h');
  const rows: [string, number, number, string][] = [
    ['overlay', 61255652, 20398000, '/'],
    ['tmpfs', 65536, 0, '/dev'],
    ['shm', 65536, 0, '/dev/shm'],
  ];
  let out = h ? 'Filesystem                Size      Used Available Use% Mounted on\n' : 'Filesystem           1K-blocks      Used Available Use% Mounted on\n';
  for (const [fs, total, used, mnt] of rows) {
    const avail = total - used;
    const pct = `${Math.ceil((used * 100) / total)}%`;
    out += h
      ? `${fs.padEnd(20)} ${humanSize(total * 1024).padStart(9)} ${humanSize(used * 1024).padStart(9)} ${humanSize(avail * 1024).padStart(9)} ${pct.padStart(4)} ${mnt}\n`
      : `${fs.padEnd(20)} ${String(total).padStart(9)} ${String(used).padStart(9)} ${String(avail).padStart(9)} ${pct.padStart(4)} ${mnt}\n`;
  }
  io.stdout(out);
  return 0;
};

const du: Command = (argv, io) => {
  const a = parseArgs(argv, 'sahkmcxL', 'd', io, { summarize: 's', 'human-readable': 'h' });
  if (!a) return 1;
  const maxDepth = a.opts.has('s') ? 0 : a.opts.has('d') ? Number(a.opts.get('d')) : Infinity;
  const show = (kb: number) => (a.opts.has('h') ? humanSize(kb * 1024) : a.opts.has('m') ? String(Math.ceil(kb / 1024)) : String(kb));
  let out = '';
  let st = 0;
  let grand = 0;
  const walk = (p: string, shown: string, depth: number): number => {
    const s = io.fs.stat(p, depth === 0 && a.opts.has('L'));
    if (!s) return 0;
    let total = blocksOf(s);
    if (s.type === 'dir') {
      for (const n of io.fs.readdir(p)) total += walk(normalize(n, p), shown.endsWith('/') ? shown + n : `${shown}/${n}`, depth + 1);
      if (depth <= maxDepth) out += `${show(total)}\t${shown}\n`;
    } else if (depth === 0 || (a.opts.has('a') && depth <= maxDepth)) out += `${show(total)}\t${shown}\n`;
    return total;
  };
  for (const f of a.args.length ? a.args : ['.']) {
    if (!io.fs.stat(abs(io, f))) {
      io.stderr(`du: ${f}: No such file or directory\n`);
      st = 1;
      continue;
    }
    grand += walk(abs(io, f), f, 0);
  }
  if (a.opts.has('c')) out += `${show(grand)}\ttotal\n`;
  io.stdout(out);
  return st;
};

/** The host part of a URL or `host:port` operand. */
function hostOf(url: string): string {
  return url.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/^[^@/]*@/, '').split(/[/:?#]/)[0] ?? url;
}

const wget: Command = (argv, io) => {
  const url = argv.slice(1).find((x, i, all) => !x.startsWith('-') && !/^-[OoPUTYt]$/.test(all[i - 1] ?? ''));
  if (!url) {
    io.stderr('wget: missing URL\n');
    return 1;
  }
  io.stderr(`wget: bad address '${hostOf(url)}'\n`);
  return 1;
};

const curl: Command = (argv, io) => {
  const url = argv.slice(1).find((x, i, all) => !x.startsWith('-') && !/^-[oHdXAuwreTFm]$|^--(output|header|data|request|user-agent)$/.test(all[i - 1] ?? ''));
  if (!url) {
    io.stderr("curl: try 'curl --help' or 'curl --manual' for more information\n");
    return 2;
  }
  // curl prints its error even with -s when -S is given; with plain -s it is silent
  const silent = argv.some((x) => /^-[a-zA-Z]*s/.test(x) && !x.startsWith('--')) && !argv.some((x) => /^-[a-zA-Z]*S/.test(x));
  if (!silent) io.stderr(`curl: (6) Could not resolve host: ${hostOf(url)}\n`);
  return 6;
};

const nc: Command = (argv, io) => {
  const host = argv.slice(1).find((x) => !x.startsWith('-') && !/^\d+$/.test(x));
  if (argv.includes('-l')) return 0;
  io.stderr(host ? `nc: bad address '${host}'\n` : 'nc: missing hostname\n');
  return 1;
};

const ping: Command = (argv, io) => {
  const host = argv.slice(1).find((x, i, all) => !x.startsWith('-') && !/^-[cWwsi]$/.test(all[i - 1] ?? ''));
  io.stderr(`ping: bad address '${host ?? ''}'\n`);
  return 1;
};

const nproc: Command = (_argv, io) => (io.stdout('4\n'), 0);

const which: Command = (argv, io) => {
  const all = argv.includes('-a');
  let st = 0;
  for (const name of argv.slice(1).filter((x) => x !== '-a')) {
    const hits: string[] = [];
    const dirs = name.includes('/') ? [''] : (io.env.PATH ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin').split(':');
    for (const d of dirs) {
      const p = name.includes('/') ? abs(io, name) : normalize(name, normalize(d || '.', io.cwd));
      const s = io.fs.stat(p);
      if (s && s.type === 'file' && canExecute(s, io)) {
        hits.push(name.includes('/') ? name : `${d.replace(/\/$/, '')}/${name}`);
        if (!all) break;
      }
    }
    if (hits.length === 0) st = 1;
    for (const h of hits) io.stdout(h + '\n');
  }
  return st;
};

const yes: Command = (argv, io) => {
  const line = (argv.length > 1 ? argv.slice(1).join(' ') : 'y') + '\n';
  // the real yes runs until its reader goes away; a pipeline here reads it all, so it stops at 64 KiB
  io.stdout(line.repeat(Math.max(1, Math.floor(65536 / line.length))));
  return 0;
};

const seq: Command = (argv, io) => {
  const a = parseArgs(argv.map((x) => (/^-\d/.test(x) ? `\u0000${x}` : x)), 'w', 's', io);
  if (!a) return 1;
  const nums = a.args.map((x) => x.replace('\u0000', ''));
  if (nums.length === 0 || nums.length > 3 || nums.some((x) => !/^[+-]?(\d+\.?\d*|\.\d+)$/.test(x))) {
    io.stderr(nums.length === 0 ? 'seq: missing operand\n' : `seq: invalid number '${nums.find((x) => !/^[+-]?(\d+\.?\d*|\.\d+)$/.test(x)) ?? nums[3]}'\n`);
    return 1;
  }
  const [first, incr, last] = nums.length === 1 ? ['1', '1', nums[0]!] : nums.length === 2 ? [nums[0]!, '1', nums[1]!] : (nums as [string, string, string]);
  const decimals = Math.max(...[first, incr].map((x) => (x.includes('.') ? x.split('.')[1]!.length : 0)));
  const f = Number(first);
  const inc = Number(incr);
  const l = Number(last);
  if (inc === 0) return 0;
  const out: string[] = [];
  for (let k = 0, v = f; inc > 0 ? v <= l + 1e-9 : v >= l - 1e-9; k++, v = f + k * inc) {
    out.push(v.toFixed(decimals));
    if (out.length > 1_000_000) break;
  }
  const width = a.opts.has('w') ? Math.max(...out.map((x) => x.length)) : 0;
  const sep = a.opts.has('s') ? String(a.opts.get('s')) : '\n';
  if (out.length) io.stdout(out.map((x) => (width ? x.padStart(width, '0') : x)).join(sep) + '\n');
  return 0;
};

const time: Command = (argv, io) => {
  const st = argv.length > 1 ? runChild(io, 'time', argv.slice(1)) : 0;
  io.stderr('real\t0m 0.00s\nuser\t0m 0.00s\nsys\t0m 0.00s\n');
  return st;
};

const wrapper = (name: string, skip: (argv: string[]) => number): Command => (argv, io) => {
  const rest = argv.slice(skip(argv));
  if (rest.length === 0) {
    io.stderr(`${name}: missing operand\n`);
    return 1;
  }
  return runChild(io, name, rest);
};

export const SYS_APPLETS: Record<string, Command> = {
  id,
  whoami,
  hostname,
  ps,
  uname,
  arch: (_a, io) => (io.stdout(KERNEL.machine + '\n'), 0),
  date,
  env,
  printenv,
  sleep,
  usleep: () => 0,
  nproc,
  df,
  du,
  wget,
  curl,
  nc,
  ping,
  which,
  yes,
  seq,
  time,
  kill: () => 0,
  killall: () => 0,
  sync: () => 0,
  tty: (_a, io) => (io.stdout('not a tty\n'), 1),
  clear: (_a, io) => (io.stdout('\x1b[H\x1b[J'), 0),
  logname: (_a, io) => (io.stdout((userName(io.fs, io.uid) ?? String(io.uid)) + '\n'), 0),
  nohup: wrapper('nohup', () => 1),
  nice: wrapper('nice', (argv) => (argv[1] === '-n' ? 3 : /^-\d+$/.test(argv[1] ?? '') ? 2 : 1)),
  timeout: wrapper('timeout', (argv) => argv.findIndex((x, i) => i > 0 && /^\d+(\.\d+)?[smhd]?$/.test(x)) + 1 || argv.length),
};
