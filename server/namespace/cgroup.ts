/**
 * The cgroup of one namespace demo: memory, pids and cpu limits the kernel enforces on
 * every process the demo starts. cgroup v1 (one hierarchy per controller) and v2 (one
 * unified hierarchy) are both found by reading /proc/self/mountinfo, not by guessing paths.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Limits one demo runs under. */
export interface CgroupLimits {
  memoryBytes: number;
  pids: number;
  /** Percent of one CPU (CFS quota over a 100 ms period). */
  cpuPercent: number;
}

/** Where this host keeps cgroups, as found by `detectCgroups`. */
export type CgroupLayout =
  | { version: 1; parents: { memory: string; pids: string; cpu: string } }
  | { version: 2; mount: string; parent: string };

const CONTROLLERS = ['memory', 'pids', 'cpu'] as const;
/** The folder, below the server's own cgroup, that holds one cgroup per running demo. */
const PARENT_NAME = 'layerlab-ns';

/** Finds cgroup v2 (unified, with memory, pids and cpu) or v1 (those three mounted), or says what is missing. */
export function detectCgroups(): { ok: true; layout: CgroupLayout } | { ok: false; reason: string } {
  let mountinfo: string, self: string;
  try {
    mountinfo = fs.readFileSync('/proc/self/mountinfo', 'utf8');
    self = fs.readFileSync('/proc/self/cgroup', 'utf8');
  } catch (e) {
    return { ok: false, reason: `cannot read /proc/self/mountinfo or /proc/self/cgroup: ${(e as Error).message}` };
  }
  return layoutFrom(mountinfo, self, (f) => readOr(f, null));
}

/** The layout from /proc/self/mountinfo and /proc/self/cgroup texts; `read` gives a file's text or null. */
export function layoutFrom(mountinfo: string, self: string, read: (file: string) => string | null): { ok: true; layout: CgroupLayout } | { ok: false; reason: string } {
  const mounts = mountinfo.split('\n').filter(Boolean).map(parseMountinfoLine);
  const own = parseProcCgroup(self);

  // a v2 mount only counts when its controllers are really there: hybrid hosts mount an empty one at /sys/fs/cgroup/unified
  for (const m of mounts.filter((m) => m.fstype === 'cgroup2')) {
    const controllers = (read(path.join(m.mountPoint, 'cgroup.controllers')) ?? '').split(/\s+/);
    if (CONTROLLERS.every((c) => controllers.includes(c))) {
      // v2 forbids controllers in a cgroup that holds processes (the server's own), so the demos hang off the root
      return { ok: true, layout: { version: 2, mount: m.mountPoint, parent: path.join(m.mountPoint, PARENT_NAME) } };
    }
  }
  const parents: Partial<Record<(typeof CONTROLLERS)[number], string>> = {};
  for (const c of CONTROLLERS) {
    const m = mounts.find((m) => m.fstype === 'cgroup' && m.superOptions.split(',').includes(c));
    if (!m) continue;
    // below the server's own cgroup, so whatever limits the server has also bound the demos
    const ownPath = own.get(c) ?? '/';
    const rel = m.root !== '/' && ownPath.startsWith(m.root) ? ownPath.slice(m.root.length) : ownPath;
    const base = read(path.join(m.mountPoint, rel, 'cgroup.procs')) !== null ? path.join(m.mountPoint, rel) : m.mountPoint;
    parents[c] = path.join(base, PARENT_NAME);
  }
  const missing = CONTROLLERS.filter((c) => !parents[c]);
  if (missing.length === 0) return { ok: true, layout: { version: 1, parents: parents as { memory: string; pids: string; cpu: string } } };
  if (missing.length === CONTROLLERS.length) return { ok: false, reason: 'no cgroup v2 hierarchy with the memory, pids and cpu controllers and no cgroup v1 mounts of them in /proc/self/mountinfo' };
  return { ok: false, reason: `cgroup v1 controllers not mounted: ${missing.join(', ')}` };
}

/** One demo's cgroup: created with its limits, joined by the wrapper, killed and removed afterwards. */
export class RunCgroup {
  private constructor(
    readonly layout: CgroupLayout,
    /** One directory per hierarchy (three on v1, one on v2). */
    readonly dirs: { controller: string; dir: string }[],
    /** What was written, file → value, for the report. */
    readonly applied: Record<string, string>,
  ) {}

  /** Makes the cgroup(s) for run `id` and writes the limits. */
  static create(layout: CgroupLayout, id: string, limits: CgroupLimits): RunCgroup {
    if (!/^[a-z0-9-]+$/.test(id)) throw new Error(`bad cgroup name ${id}`);
    const applied: Record<string, string> = {};
    const write = (dir: string, file: string, value: string) => {
      fs.writeFileSync(path.join(dir, file), value);
      applied[file] = value;
    };
    const quota = String(Math.round(limits.cpuPercent * 1000));
    if (layout.version === 2) {
      ensureV2Parent(layout);
      const dir = path.join(layout.parent, id);
      fs.mkdirSync(dir);
      const cg = new RunCgroup(layout, [{ controller: 'unified', dir }], applied);
      try {
        write(dir, 'memory.max', String(limits.memoryBytes));
        // no swap: the memory demo must end in an OOM kill, not in a slow crawl
        if (fs.existsSync(path.join(dir, 'memory.swap.max'))) write(dir, 'memory.swap.max', '0');
        write(dir, 'pids.max', String(limits.pids));
        write(dir, 'cpu.max', `${quota} 100000`);
      } catch (e) {
        cg.removeSync();
        throw e;
      }
      return cg;
    }
    const dirs = CONTROLLERS.map((c) => ({ controller: c, dir: path.join(layout.parents[c], id) }));
    for (const d of dirs) fs.mkdirSync(d.dir, { recursive: true });
    const cg = new RunCgroup(layout, dirs, applied);
    try {
      const [mem, pids, cpu] = dirs.map((d) => d.dir) as [string, string, string];
      write(mem, 'memory.limit_in_bytes', String(limits.memoryBytes));
      // memsw must be at least the memory limit, so it comes second; without it swap would absorb the hog
      if (fs.existsSync(path.join(mem, 'memory.memsw.limit_in_bytes'))) write(mem, 'memory.memsw.limit_in_bytes', String(limits.memoryBytes));
      write(pids, 'pids.max', String(limits.pids));
      write(cpu, 'cpu.cfs_period_us', '100000');
      write(cpu, 'cpu.cfs_quota_us', quota);
    } catch (e) {
      cg.removeSync();
      throw e;
    }
    return cg;
  }

  /** The cgroup.procs files the wrapper writes its PID to before it execs unshare. */
  get procsFiles(): string[] {
    return this.dirs.map((d) => path.join(d.dir, 'cgroup.procs'));
  }

  /** Host directory → name under the container's /sys/fs/cgroup ('.' for v2's single directory). */
  get binds(): [string, string][] {
    return this.dirs.map((d) => [d.dir, this.layout.version === 2 ? '.' : d.controller]);
  }

  /** Every PID in the cgroup, from the host's point of view. */
  pids(): number[] {
    const all = new Set<number>();
    for (const f of this.procsFiles) {
      for (const l of readOr(f, '').split('\n')) if (l.trim()) all.add(Number(l));
    }
    return [...all];
  }

  /** What the kernel counted: OOM kills and forks refused at pids.max. */
  counters(): { oomKills: number; pidsMaxHits: number } {
    const d = (c: string) => this.dirs.find((x) => x.controller === c || x.controller === 'unified')!.dir;
    const memFile = this.layout.version === 2 ? 'memory.events' : 'memory.oom_control';
    return {
      oomKills: keyed(readOr(path.join(d('memory'), memFile), ''), 'oom_kill'),
      pidsMaxHits: keyed(readOr(path.join(d('pids'), 'pids.events'), ''), 'max'),
    };
  }

  /** SIGKILLs everything in the cgroup until it is empty (or `deadlineMs` passes). */
  async killAll(deadlineMs = 5000): Promise<void> {
    const end = Date.now() + deadlineMs;
    for (;;) {
      const pids = this.pids();
      if (pids.length === 0) return;
      if (Date.now() > end) throw new Error(`processes still in the demo cgroup after ${deadlineMs} ms: ${pids.join(' ')}`);
      const killFile = path.join(this.dirs[0]!.dir, 'cgroup.kill');
      if (this.layout.version === 2 && fs.existsSync(killFile)) fs.writeFileSync(killFile, '1');
      else for (const pid of pids) killQuietly(pid);
      await sleep(20);
    }
  }

  /** Kills what is left and removes the cgroup directories (and the shared parent when it is empty). */
  async remove(): Promise<void> {
    await this.killAll();
    const end = Date.now() + 5000;
    for (const d of this.dirs) {
      // a killed task leaves the cgroup a moment after it is gone from cgroup.procs
      for (;;) {
        try {
          fs.rmdirSync(d.dir);
          break;
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          if (code === 'ENOENT') break;
          if (code !== 'EBUSY' || Date.now() > end) throw e;
          await sleep(20);
        }
      }
    }
    this.removeParents();
  }

  private removeSync(): void {
    for (const d of this.dirs) {
      try {
        fs.rmdirSync(d.dir);
      } catch {
        // already gone, or busy: remove() reports that case
      }
    }
    this.removeParents();
  }

  private removeParents(): void {
    for (const d of this.dirs) {
      try {
        fs.rmdirSync(path.dirname(d.dir));
      } catch {
        // another demo is still running there
      }
    }
  }
}

/** Removes run cgroups a crashed server left behind: those named after a PID that is gone, after killing what is in them. */
export function sweepCgroups(layout: CgroupLayout): void {
  const parents = layout.version === 2 ? [layout.parent] : Object.values(layout.parents);
  for (const p of parents) {
    let names: string[] = [];
    try {
      names = fs.readdirSync(p, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    } catch {
      continue;
    }
    for (const n of names) {
      const owner = /^(\d+)-/.exec(n);
      if (!owner || processAlive(Number(owner[1]))) continue;
      for (const l of readOr(path.join(p, n, 'cgroup.procs'), '').split('\n')) if (l.trim()) killQuietly(Number(l));
      try {
        fs.rmdirSync(path.join(p, n));
      } catch {
        // still emptying: the next sweep removes it
      }
    }
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

function ensureV2Parent(layout: Extract<CgroupLayout, { version: 2 }>): void {
  const enable = '+memory +pids +cpu';
  fs.writeFileSync(path.join(layout.mount, 'cgroup.subtree_control'), enable);
  fs.mkdirSync(layout.parent, { recursive: true });
  fs.writeFileSync(path.join(layout.parent, 'cgroup.subtree_control'), enable);
}

interface MountinfoLine {
  root: string;
  mountPoint: string;
  fstype: string;
  superOptions: string;
}

/** `36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue` */
export function parseMountinfoLine(line: string): MountinfoLine {
  const [left = '', right = ''] = line.split(' - ');
  const l = left.split(' ');
  const r = right.split(' ');
  return { root: unescapeMount(l[3] ?? ''), mountPoint: unescapeMount(l[4] ?? ''), fstype: r[0] ?? '', superOptions: r[2] ?? '' };
}

function unescapeMount(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/** controller → path, from `4:memory:/a/b` (v1) lines; `0::/x` (v2) is under the key ''. */
function parseProcCgroup(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n').filter(Boolean)) {
    const [, list = '', p = '/'] = line.split(':');
    for (const c of list.split(',')) out.set(c, p);
  }
  return out;
}

function keyed(text: string, key: string): number {
  const m = text.match(new RegExp(`^${key} (\\d+)$`, 'm'));
  return m ? Number(m[1]) : 0;
}

function readOr<T extends string | null>(file: string, fallback: T): string | T {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
