/**
 * A container's filesystem as its processes see it: the image's layers, the
 * init layer the daemon adds (hostname, hosts, resolv.conf, /.dockerenv),
 * the container's own writable layer on top, and mounts over paths: volumes,
 * bind mounts, tmpfs, and a read-only cgroup view that shows the limits
 * (`--memory`, `--cpus`, `--pids-limit`) where cgroup v1 puts them.
 */
import type { Engine } from '../engine.js';
import { Layer } from '../fs/layer.js';
import { MountFs, type Mounted } from '../fs/mount.js';
import { UnionFs } from '../fs/union.js';
import { networkName } from './host-config.js';
import type { ContainerRecord, HostSettings } from './types.js';

/** Where the cgroup v1 hierarchy is mounted in a container (the reference engine runs cgroup v1). */
export const CGROUP_ROOT = '/sys/fs/cgroup';

/** What the kernel reports for "no memory limit" in memory.limit_in_bytes (cgroup v1, 4 KiB pages). */
const NO_MEMORY_LIMIT = '9223372036854771712';

/** A container's filesystem view; `commit` keeps what its processes wrote (writable layer, volumes). */
export interface ContainerView {
  fs: UnionFs | MountFs;
  root: UnionFs;
  commit(): void;
}

/** /etc/hosts as the daemon writes it: bridge containers get a line with their address and hostname. */
export function hostsFile(hostname: string, ip: string | undefined): string {
  const base = '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n';
  return ip ? `${base}${ip}\t${hostname}\n` : base;
}

/** The init layer between image and container: mount points, hostname, hosts, resolv.conf and /.dockerenv. */
function initLayer(image: Layer[], c: ContainerRecord): Layer {
  const fs = new UnionFs(image);
  for (const d of ['/dev', '/proc', '/sys']) if (!fs.stat(d, false)) fs.mkdir(d, { mode: 0o755, mtime: 0 });
  fs.mkdir(CGROUP_ROOT, { parents: true, mode: 0o755, mtime: 0 });
  if (!fs.stat('/etc')) fs.mkdir('/etc', { mode: 0o755, mtime: 0 });
  const hostname = c.config.Hostname;
  const network = networkName(c.host?.networkMode ?? 'default');
  fs.writeFile('/etc/hostname', hostname + '\n', { mtime: 0 });
  fs.writeFile('/etc/hosts', hostsFile(hostname, network === 'bridge' ? (c.ipAddress ?? '172.17.0.2') : undefined), { mtime: 0 });
  fs.writeFile('/etc/resolv.conf', 'nameserver 8.8.8.8\n', { mtime: 0 });
  fs.writeFile('/.dockerenv', '', { mtime: 0, mode: 0o755 });
  return fs.diff();
}

/** The cgroup v1 files that show a container's limits. */
export function cgroupFiles(host: HostSettings | undefined, pids: number): Record<string, string> {
  const memory = host?.memory ?? 0;
  const nano = host?.nanoCpus ?? 0;
  return {
    'memory/memory.limit_in_bytes': memory > 0 ? String(memory) : NO_MEMORY_LIMIT,
    'memory/memory.memsw.limit_in_bytes': memory > 0 ? String(memory * 2) : NO_MEMORY_LIMIT,
    'cpu/cpu.cfs_period_us': '100000',
    'cpu/cpu.cfs_quota_us': nano > 0 ? String(Math.round(nano / 1e4)) : '-1',
    'cpu/cpu.shares': '1024',
    'pids/pids.max': host?.pidsLimit ? String(host.pidsLimit) : 'max',
    'pids/pids.current': String(pids),
  };
}

function cgroupFs(c: ContainerRecord): UnionFs {
  const fs = new UnionFs([]);
  for (const [path, text] of Object.entries(cgroupFiles(c.host, c.processes?.length ?? 1))) {
    const full = '/' + path;
    fs.mkdir(full.slice(0, full.lastIndexOf('/')), { parents: true, mode: 0o555, mtime: 0 });
    fs.writeFile(full, text + '\n', { mtime: 0, mode: 0o644 });
  }
  return fs;
}

/** The tree under `dir` in an image, as a volume's first content. */
function copyTree(fs: UnionFs, dir: string): Layer {
  const out = new UnionFs([]);
  for (const [p, e] of fs.walk(dir)) {
    const rel = p.slice(dir.length) || '/';
    if (rel === '/') continue;
    out.putEntry(rel, e);
  }
  return out.diff();
}

/**
 * Opens a container's filesystem. Mount points and the working directory are
 * created in the writable layer first (as the daemon does, so `docker diff`
 * shows them); then `--read-only` makes the root refuse writes.
 */
export function openContainer(engine: Engine, c: ContainerRecord): ContainerView {
  const img = engine.store.images.get(c.imageId);
  const layers = img ? engine.store.layersOf(img) : [];
  const root = new UnionFs([...layers, initLayer(layers, c)], { now: () => engine.now() }, c.upper);
  const imageFs = new UnionFs(layers);
  const mounted: Mounted[] = [];
  const saves: (() => void)[] = [];
  for (const m of c.mounts) {
    if (!root.stat(m.destination)) root.mkdir(m.destination, { parents: true, mode: 0o755, uid: 0, gid: 0 });
    let fs: UnionFs;
    if (m.type === 'volume') {
      const v = engine.volumes.get(m.name ?? '');
      if (!v) continue;
      if (v.content.isEmpty && imageFs.stat(m.destination)?.type === 'dir') v.content = copyTree(imageFs, m.destination);
      const vfs = new UnionFs([], { now: () => engine.now() }, v.content);
      saves.push(() => {
        v.content = vfs.diff();
      });
      fs = vfs;
    } else if (m.type === 'bind') {
      const host = engine.binds?.read(m.source);
      const bfs = new UnionFs(host ? [host] : [], { now: () => engine.now() });
      if (m.rw) saves.push(() => engine.binds?.write(m.source, bfs.diff()));
      fs = bfs;
    } else fs = new UnionFs([], { now: () => engine.now() });
    mounted.push({ at: m.destination, fs, readOnly: !m.rw });
  }
  const workdir = c.config.WorkingDir;
  if (workdir && !root.stat(workdir)) root.mkdir(workdir, { parents: true, mode: 0o755, uid: 0, gid: 0 });
  mounted.push({ at: CGROUP_ROOT, fs: cgroupFs(c), readOnly: true });
  root.readOnly = c.readOnly ?? false;
  return {
    fs: new MountFs(root, mounted),
    root,
    commit() {
      c.upper = root.diff();
      for (const s of saves) s();
    },
  };
}
