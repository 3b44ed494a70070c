/**
 * Container vs VM: what each namespace hides and what each cgroup limits, for one
 * container, from `HostFacts`. Pure data preparation (no DOM, no d3). In real mode the
 * companion server sends the host in the WorldView (`world.host`: the engine's info, this
 * machine's interfaces and daemons); in simulated mode the host side the simulator does not
 * model is an example, marked illustrative.
 */
import type { ContainerView, WorldView } from '../../../shared/world.js';
import { FOOTPRINT_FIGURES, kindLabel, START_FIGURES, type Figure } from './figures.js';

export interface InterfaceFact {
  name: string;
  address: string;
}

export interface ProcessFact {
  /** PID in the namespace it is listed from. */
  pid: number;
  /** PID on the host (the same as `pid` for host processes). */
  hostPid: number;
  uid: number;
  argv: string[];
}

/** One container as the isolation view needs it. */
export interface ContainerFacts {
  id: string;
  name: string;
  image: string;
  running: boolean;
  /** uts namespace: its own hostname. */
  hostname: string;
  networkMode: string;
  /** pid namespace: its processes, PID 1 first, with their host PIDs. */
  processes: ProcessFact[];
  /** net namespace: what `ip addr` shows inside. */
  interfaces: InterfaceFact[];
  /** cgroup limits (null: unlimited). */
  cgroup: { memory: number | null; cpus: number | null; pids: number | null };
}

/** What the view shows; the server sends the same shape in real mode. */
export interface HostFacts {
  mode: 'simulated' | 'real';
  host: {
    hostname: string;
    kernel: string;
    cpus: number;
    memory: number;
    /** Processes `ps` lists on the host besides the containers'. */
    processes: ProcessFact[];
    interfaces: InterfaceFact[];
    /** true when the host side is an example (the simulator does not model the host's own processes or NICs). */
    illustrative: boolean;
  };
  containers: ContainerFacts[];
}

/** The simulator's host: 4 CPUs and 8 GiB, as engine/container/host-config.ts SIMULATED_HOST says. */
export const SIMULATED_HOST = { cpus: 4, memory: 8 * 1024 ** 3 };

/** Facts about one container from its WorldView entry (missing runtime: nothing running, no limits). */
export function containerFacts(c: ContainerView): ContainerFacts {
  const r = c.runtime;
  const running = c.status === 'running' || c.status === 'paused';
  const procs = running && Array.isArray(r?.processes) ? r.processes.filter((p) => p && Number.isFinite(p.pid)) : [];
  const net = r?.networkMode ?? 'default';
  const interfaces: InterfaceFact[] = net === 'host' ? [] : [{ name: 'lo', address: '127.0.0.1' }];
  if (r?.ipAddress && net !== 'none' && net !== 'host') interfaces.push({ name: 'eth0', address: r.ipAddress });
  return {
    id: String(c.id ?? ''),
    name: String(c.name ?? ''),
    image: String(c.image ?? ''),
    running,
    hostname: r?.hostname ?? String(c.id ?? '').slice(0, 12),
    networkMode: net,
    processes: procs.map((p) => ({ pid: p.pid, hostPid: p.hostPid, uid: p.uid ?? 0, argv: Array.isArray(p.argv) ? [...p.argv] : [] })),
    interfaces,
    cgroup: {
      memory: r && r.memory > 0 ? r.memory : null,
      cpus: r && r.nanoCpus > 0 ? r.nanoCpus / 1e9 : null,
      pids: r && r.pidsLimit !== null && r.pidsLimit > 0 ? r.pidsLimit : null,
    },
  };
}

/** HostFacts from the WorldView: containers (running first) and the real host when the server sent it, else an example host. */
export function hostFactsFromWorld(world: WorldView | undefined): HostFacts {
  const list = Array.isArray(world?.containers) ? world.containers.filter((c) => c && typeof c === 'object') : [];
  const containers = list.map(containerFacts).sort((a, b) => Number(b.running) - Number(a.running));
  const real = world?.host;
  if (real && typeof real === 'object') {
    return {
      mode: 'real',
      host: { hostname: real.hostname, kernel: real.kernel, cpus: real.cpus, memory: real.memory, processes: real.processes ?? [], interfaces: real.interfaces ?? [], illustrative: false },
      containers,
    };
  }
  return {
    mode: 'simulated',
    host: {
      hostname: 'layerlab-host',
      kernel: 'Linux 6.8 (the one kernel every container shares)',
      cpus: SIMULATED_HOST.cpus,
      memory: SIMULATED_HOST.memory,
      processes: [
        { pid: 1, hostPid: 1, uid: 0, argv: ['/sbin/init'] },
        { pid: 512, hostPid: 512, uid: 0, argv: ['/usr/bin/containerd'] },
        { pid: 640, hostPid: 640, uid: 0, argv: ['/usr/bin/dockerd', '-H', 'fd://'] },
        { pid: 733, hostPid: 733, uid: 0, argv: ['sshd: /usr/sbin/sshd'] },
        { pid: 1204, hostPid: 1204, uid: 1000, argv: ['-bash'] },
      ],
      interfaces: [
        { name: 'lo', address: '127.0.0.1' },
        { name: 'eth0', address: '192.168.1.20' },
        { name: 'docker0', address: '172.17.0.1' },
      ],
      illustrative: true,
    },
    containers,
  };
}

export type NamespaceId = 'pid' | 'net' | 'mnt' | 'uts' | 'ipc' | 'user';

export interface NamespaceInfo {
  id: NamespaceId;
  /** What it isolates, in a few words. */
  isolates: string;
  /** Docker's default for `docker run`. */
  dockerDefault: boolean;
  note?: string;
}

export const NAMESPACES: readonly NamespaceInfo[] = [
  { id: 'pid', isolates: 'process IDs', dockerDefault: true },
  { id: 'net', isolates: 'network interfaces, addresses, ports', dockerDefault: true },
  { id: 'mnt', isolates: 'the filesystem tree (mounts)', dockerDefault: true },
  { id: 'uts', isolates: 'hostname', dockerDefault: true },
  { id: 'ipc', isolates: 'shared memory and message queues', dockerDefault: true },
  { id: 'user', isolates: 'user and group IDs', dockerDefault: false, note: 'Docker does not turn user namespaces on by default (dockerd --userns-remap does).' },
];

export interface NamespaceView {
  id: NamespaceId;
  on: boolean;
  /** What a process inside sees, one line each (command output style). */
  lines: string[];
  /** One sentence: what it hides (on) or what leaks (off). */
  says: string;
}

const cmd = (argv: string[]) => (argv.length ? argv.join(' ') : '?');

/** What a process in container `c` sees through namespace `id` when it is on or off. */
export function namespaceView(id: NamespaceId, on: boolean, facts: HostFacts, c: ContainerFacts | undefined): NamespaceView {
  const h = facts.host;
  const name = c?.name ?? 'the container';
  const procs = c?.processes ?? [];
  switch (id) {
    case 'pid': {
      if (on) {
        const lines = procs.length ? procs.map((p) => `PID ${p.pid}  ${cmd(p.argv)}`) : ['(no process: the container is not running)'];
        return { id, on, lines, says: `ps inside ${name} lists only its own processes; its main process is PID 1.` };
      }
      const lines = [...h.processes.map((p) => `PID ${p.hostPid}  ${cmd(p.argv)}`), ...procs.map((p) => `PID ${p.hostPid}  ${cmd(p.argv)}`)];
      const p1 = procs[0];
      return { id, on, lines, says: p1 ? `Without it, ps shows every host process, and ${name}'s PID 1 is PID ${p1.hostPid} on the host.` : 'Without it, ps shows every process on the host.' };
    }
    case 'net': {
      if (on) {
        const lines = (c?.interfaces.length ? c.interfaces : [{ name: 'lo', address: '127.0.0.1' }]).map((i) => `${i.name}  ${i.address}`);
        return { id, on, lines, says: c?.interfaces.some((i) => i.name === 'eth0') ? `${name} has its own lo and eth0 on the bridge; its ports are its own.` : `${name} has its own loopback; it gets eth0 on the bridge while it runs.` };
      }
      return { id, on, lines: h.interfaces.map((i) => `${i.name}  ${i.address}`), says: "Without it, the process uses the host's interfaces and ports (like --network host)." };
    }
    case 'mnt':
      return on
        ? { id, on, lines: [`/  = ${c?.image ?? 'the image'}'s layers + a writable layer`, '/proc, /sys, /dev: its own mounts'], says: "It sees the image's root filesystem, not the host's." }
        : { id, on, lines: ['/  = the host\'s root filesystem', '/home, /etc, /var/lib/docker: the host\'s files'], says: "Without it, the process sees and can change the host's files." };
    case 'uts':
      return on
        ? { id, on, lines: [`hostname: ${c?.hostname ?? 'short container ID'}`], says: 'It has its own hostname (the short container ID unless --hostname).' }
        : { id, on, lines: [`hostname: ${h.hostname}`], says: "Without it, it shares the host's hostname (and could change it)." };
    case 'ipc':
      return on
        ? { id, on, lines: ['ipcs: no shared memory segments, no message queues'], says: 'Its System V IPC and POSIX message queues are its own.' }
        : { id, on, lines: ['ipcs: the host\'s shared memory segments and queues'], says: "Without it, it can attach to other processes' shared memory." };
    case 'user':
      return on
        ? { id, on, lines: ['uid 0 (root) inside', '= uid 100000 on the host (unprivileged)'], says: 'Root inside is mapped to an unprivileged user outside.' }
        : { id, on, lines: ['uid 0 (root) inside', '= uid 0 on the host'], says: "Docker's default: root inside is root on the host kernel (other layers - capabilities, seccomp - still restrict it)." };
  }
}

/** Bytes in binary units for cgroup limits (256MiB, 1.5GiB), as docker stats shows them. */
export function formatLimit(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${Number(v.toFixed(2))}${units[i]}`;
}

export interface CgroupRow {
  id: 'memory' | 'cpu' | 'pids';
  limit: string;
  /** The flag that sets it. */
  flag: string;
  says: string;
}

/** The three cgroup controllers and what they cap for `c`. */
export function cgroupRows(facts: HostFacts, c: ContainerFacts | undefined): CgroupRow[] {
  const g = c?.cgroup ?? { memory: null, cpus: null, pids: null };
  return [
    {
      id: 'memory',
      flag: '--memory',
      limit: g.memory ? formatLimit(g.memory) : `unlimited (the host's ${formatLimit(facts.host.memory)})`,
      says: g.memory ? 'Past the limit the kernel OOM-kills a process in the container.' : 'It can use all the host memory.',
    },
    {
      id: 'cpu',
      flag: '--cpus',
      limit: g.cpus ? `${g.cpus} CPU${g.cpus === 1 ? '' : 's'}` : `unlimited (the host's ${facts.host.cpus} CPUs)`,
      says: g.cpus ? 'Past its share it is throttled, not killed.' : 'It can use every CPU.',
    },
    {
      id: 'pids',
      flag: '--pids-limit',
      limit: g.pids ? `${g.pids} processes` : 'unlimited',
      says: g.pids ? 'Past the limit fork() fails: a fork bomb stays inside.' : 'A fork bomb can exhaust the host.',
    },
  ];
}

/** The kernel-exploit what-if, one sentence per side. */
export const EXPLOIT = {
  vm: 'A guest-kernel exploit gives the attacker that VM only: its kernel is its own, and the hypervisor is the boundary to the other VMs and the host.',
  container: 'A kernel exploit in one container runs in the host kernel every container shares: it can reach the host and all the containers.',
  note: 'Namespaces and cgroups are kernel features, so they fall with the kernel. Hypervisor escapes exist too, but the hypervisor is a much smaller surface than a whole kernel.',
};

/** The whole text alternative, in the order the view shows things. */
export function isolationText(facts: HostFacts, c: ContainerFacts | undefined, on: Record<NamespaceId, boolean>, exploit: boolean): string[] {
  const out: string[] = [];
  out.push(
    `${facts.mode === 'real' ? 'Real' : 'Simulated'} host ${facts.host.hostname}: ${facts.host.kernel}, ${facts.host.cpus} CPUs, ${formatLimit(facts.host.memory)}.` +
      (facts.host.illustrative ? ' Its own processes and interfaces are an example.' : ''),
  );
  out.push('A VM host runs a hypervisor on the hardware; each VM has its own guest kernel and OS. A container host runs one kernel; containers are processes isolated by namespaces and limited by cgroups.');
  out.push(c ? `Container ${c.name} (${c.image}), ${c.running ? 'running' : 'not running'}.` : 'No container yet: run one (docker run -d ...) to see its own values.');
  for (const ns of NAMESPACES) {
    const v = namespaceView(ns.id, on[ns.id], facts, c);
    out.push(`${ns.id} namespace ${v.on ? 'on' : 'off'}: ${v.says} Sees: ${v.lines.join('; ')}.`);
  }
  for (const r of cgroupRows(facts, c)) out.push(`${r.id} cgroup (${r.flag}): ${r.limit}. ${r.says}`);
  out.push('Start race:', ...START_FIGURES.map(figureText));
  out.push('Footprint on disk:', ...FOOTPRINT_FIGURES.map(figureText));
  if (exploit) out.push(`Kernel exploit what-if. VM: ${EXPLOIT.vm} Container: ${EXPLOIT.container} ${EXPLOIT.note}`);
  return out;
}

/** Docker's defaults: every namespace on but user. */
export function defaultNamespaces(): Record<NamespaceId, boolean> {
  return Object.fromEntries(NAMESPACES.map((n) => [n.id, n.dockerDefault])) as Record<NamespaceId, boolean>;
}

/** One figure as a sentence with its kind and source. */
export function figureText(f: Figure): string {
  return `${f.side === 'vm' ? 'VM' : 'Container'}: ${f.label}: ${f.text} (${kindLabel(f.kind)}). Source: ${f.source}.`;
}

/** Figures in race order (fastest first), with the order each finishes in. */
export function raceOrder(figures: readonly Figure[]): (Figure & { place: number })[] {
  return [...figures].filter((f) => Number.isFinite(f.value) && f.value > 0).sort((a, b) => a.value - b.value).map((f, i) => ({ ...f, place: i + 1 }));
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown, d = ''): string => (typeof v === 'string' ? v : d);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const procs = (v: unknown): ProcessFact[] =>
  list(v)
    .filter(isObj)
    .map((p) => ({ pid: num(p['pid']) ?? 0, hostPid: num(p['hostPid']) ?? num(p['pid']) ?? 0, uid: num(p['uid']) ?? 0, argv: list(p['argv']).map((a) => str(a)) }))
    .filter((p) => p.pid > 0);
const ifaces = (v: unknown): InterfaceFact[] => list(v).filter(isObj).map((i) => ({ name: str(i['name'], '?'), address: str(i['address']) }));

/** HostFacts as a server sends them (real mode), checked field by field; undefined when it is not HostFacts at all. */
export function parseHostFacts(json: unknown): HostFacts | undefined {
  if (!isObj(json) || !isObj(json['host'])) return undefined;
  const h = json['host'];
  return {
    mode: json['mode'] === 'simulated' ? 'simulated' : 'real',
    host: {
      hostname: str(h['hostname'], '?'),
      kernel: str(h['kernel'], 'Linux'),
      cpus: num(h['cpus']) ?? 0,
      memory: num(h['memory']) ?? 0,
      processes: procs(h['processes']),
      interfaces: ifaces(h['interfaces']),
      illustrative: h['illustrative'] === true,
    },
    containers: list(json['containers'])
      .filter(isObj)
      .map((c) => {
        const g = isObj(c['cgroup']) ? c['cgroup'] : {};
        const pos = (v: unknown) => (num(v) ?? 0) > 0 ? (v as number) : null;
        return {
          id: str(c['id']),
          name: str(c['name'], '?'),
          image: str(c['image'], '?'),
          running: c['running'] === true,
          hostname: str(c['hostname'], '?'),
          networkMode: str(c['networkMode'], 'default'),
          processes: procs(c['processes']),
          interfaces: ifaces(c['interfaces']),
          cgroup: { memory: pos(g['memory']), cpus: pos(g['cpus']), pids: pos(g['pids']) },
        };
      }),
  };
}
