/**
 * Can this host run the namespace demos? Each missing piece gives one sentence the UI can
 * show, and the final probe runs the real unshare line, so "ok" means it worked once.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { detectCgroups, RunCgroup, type CgroupLayout } from './cgroup.js';
import { ID_BASE, ID_COUNT } from './rootfs.js';
import { HOST_BUSYBOX, idMapShim, unshareArgs } from './scripts.js';

/** What the runner needs from the host, found once. */
export interface NamespaceHost {
  unshare: string;
  cgroups: CgroupLayout;
}

/** Why demos cannot run here. */
export class NamespaceUnsupported extends Error {
  override readonly name = 'NamespaceUnsupported';
}

let found: Promise<NamespaceHost> | null = null;

/** Whether namespace demos can run on this host, or the reason they cannot. */
export async function canRunNamespaces(): Promise<{ ok: true } | { ok: false; reason: string }> {
  try {
    await namespaceHost();
    return { ok: true };
  } catch (e) {
    return { ok: false, reason: (e as Error).message };
  }
}

/** The host's unshare and cgroup layout, checked (and probed) once per process. */
export function namespaceHost(): Promise<NamespaceHost> {
  found ??= check();
  return found;
}

async function check(): Promise<NamespaceHost> {
  const no = (reason: string): never => {
    throw new NamespaceUnsupported(reason);
  };
  if (process.platform !== 'linux') no(`namespaces are a Linux feature and the companion server runs on ${process.platform}`);
  const uid = process.getuid?.();
  if (uid !== 0) no(`the companion server runs as uid ${uid}, not root: creating the cgroup and writing the uid map of a new user namespace needs root`);
  if (!fs.existsSync(HOST_BUSYBOX)) no(`no static busybox at ${HOST_BUSYBOX} (install busybox-static): it runs the pivot_root script`);
  const applets = (await run(HOST_BUSYBOX, ['--list'])).stdout.split('\n');
  const missingApplets = ['sh', 'mount', 'umount', 'pivot_root', 'hostname', 'mkdir', 'rmdir', 'touch'].filter((a) => !applets.includes(a));
  if (missingApplets.length) no(`${HOST_BUSYBOX} lacks the applets ${missingApplets.join(', ')}`);
  const unshare = findOnPath('unshare') ?? no('no unshare on this host (it comes with util-linux)');
  const help = (await run(unshare, ['--help'])).stdout;
  for (const opt of ['--map-users', '--map-groups', '--setuid']) {
    if (!help.includes(opt)) no(`${unshare} has no ${opt} option (util-linux 2.38 or newer has it)`);
  }
  const maxUserNs = readOr('/proc/sys/user/max_user_namespaces', null);
  if (maxUserNs !== null && Number(maxUserNs) === 0) no('user namespaces are disabled: /proc/sys/user/max_user_namespaces is 0');
  const cg = detectCgroups();
  if (!cg.ok) no(cg.reason);
  const cgroups = (cg as { layout: CgroupLayout }).layout;
  try {
    await RunCgroup.create(cgroups, `${process.pid}-probe`, { memoryBytes: 64 << 20, pids: 16, cpuPercent: 50 }).remove();
  } catch (e) {
    no(`cannot make a cgroup with memory, pids and cpu limits (cgroup v${cgroups.version}): ${(e as Error).message}`);
  }
  await probeUserNamespace(unshare).catch((e: Error) => no(e.message));
  return { unshare, cgroups };
}

/** Runs the runner's own unshare line once and checks that root inside is ID_BASE outside. */
async function probeUserNamespace(unshare: string): Promise<void> {
  const bin = await writeIdMapShims();
  try {
    const r = await run(unshare, [...unshareArgs(), HOST_BUSYBOX, 'sh', '-c', 'read m < /proc/self/uid_map; echo $m; echo $$'], { PATH: shimPath(bin) });
    const [map, pid] = r.stdout.trim().split('\n');
    if (r.code !== 0) throw new Error(`unshare with user, pid, mount, uts, net and ipc namespaces failed: ${r.stderr.trim() || `exit ${r.code}`}`);
    if (map?.replace(/\s+/g, ' ') !== `0 ${ID_BASE} ${ID_COUNT}`) throw new Error(`the user namespace did not get the uid map 0 ${ID_BASE} ${ID_COUNT} (saw "${map}")`);
    if (pid !== '1') throw new Error(`the new PID namespace did not make the process PID 1 (saw ${pid})`);
  } finally {
    fs.rmSync(path.dirname(bin), { recursive: true, force: true });
  }
}

/** A fresh root-only directory holding the newuidmap/newgidmap shims unshare calls; returns the bin path. */
export async function writeIdMapShims(under?: string): Promise<string> {
  const base = under ?? fs.mkdtempSync(path.join(os.tmpdir(), `layerlab-ns-${process.pid}-`));
  const bin = path.join(base, 'bin');
  fs.mkdirSync(bin, { mode: 0o700 });
  for (const kind of ['uid', 'gid'] as const) fs.writeFileSync(path.join(bin, `new${kind}map`), idMapShim(kind), { mode: 0o700 });
  return bin;
}

/** PATH for unshare: the shims first, so no setuid helper or /etc/subuid is needed. */
export function shimPath(bin: string): string {
  return `${bin}:/usr/sbin:/usr/bin:/sbin:/bin`;
}

function findOnPath(cmd: string): string | null {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/bin', '/bin', '/usr/sbin', '/sbin'];
  for (const d of dirs.filter((d) => d.startsWith('/'))) {
    const p = path.join(d, cmd);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      // busybox's own unshare lacks --map-users; the help check below catches a symlink to it
      return p;
    } catch {
      // next
    }
  }
  return null;
}

function run(cmd: string, args: string[], env?: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: 10_000, env: env ?? { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' } }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) || (err && code === 1 ? err.message : '') });
    });
  });
}

function readOr(file: string, fallback: string | null): string | null {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    return fallback;
  }
}
