/**
 * The one locked template every container the server creates comes from: no capabilities
 * beyond what a lesson names, no new privileges, the default seccomp profile, limits on
 * pids, memory and CPU, no network unless asked, capped logs. `assertLockedTemplate` reads
 * a created container back from the engine and lists where it differs, so a handler that
 * builds its HostConfig wrongly is caught by what the daemon actually did.
 */
import type Docker from 'dockerode';

/** What a lesson (or the learner's allowed flags) may vary within the template. */
export interface TemplateOptions {
  /** Bytes; capped at the template's maximum. */
  memory?: number;
  /** `--cpus` times 1e9; capped. */
  nanoCpus?: number;
  pidsLimit?: number;
  /** `none` unless a lesson asks for `bridge`. */
  network?: 'none' | 'bridge';
  /** Capabilities a lesson names (e.g. CHOWN); only those in ALLOWED_CAPS. */
  capAdd?: string[];
  readOnlyRoot?: boolean;
  /** Named volume binds (`vol:/data`), already checked. */
  binds?: string[];
  /** `127.0.0.1` port bindings, already checked: container port (`80/tcp`) to host port. */
  ports?: Record<string, string>;
  /** `--add-host NAME:IP` entries (they only change the container's /etc/hosts). */
  extraHosts?: string[];
}

export const TEMPLATE_LIMITS = { memory: 256 * 1024 * 1024, nanoCpus: 1_000_000_000, pidsLimit: 128, logMaxSize: '1m', logMaxFile: '2' };

/** Docker refuses memory limits under 6 MiB. */
const MIN_MEMORY = 6 * 1024 * 1024;

/**
 * Capabilities a lesson may give back after dropping ALL: the file-ownership and
 * user-switching ones a package install or `su` needs, and low ports. None of them reaches
 * past the container's own files and processes.
 */
export const ALLOWED_CAPS = ['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'SETGID', 'SETUID', 'NET_BIND_SERVICE'] as const;

const VOLUME_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

function cap(name: string): string {
  return name.toUpperCase().replace(/^CAP_/, '');
}

/** A positive limit no larger than the cap; anything else (0, -1 = unlimited, NaN) becomes the cap. */
function clamp(v: number | undefined, max: number, min = 1): number {
  if (v === undefined || !Number.isFinite(v) || v <= 0) return max;
  return Math.max(min, Math.min(Math.floor(v), max));
}

/** HostConfig for a container created by the server; throws when an option asks for something the template never gives. */
export function lockedHostConfig(opts: TemplateOptions = {}): Docker.HostConfig {
  const capAdd = (opts.capAdd ?? []).map(cap);
  const badCap = capAdd.find((c) => !(ALLOWED_CAPS as readonly string[]).includes(c));
  if (badCap) throw new Error(`lockedHostConfig: capability ${badCap} is not allowed (allowed: ${ALLOWED_CAPS.join(', ')})`);
  const network = opts.network ?? 'none';
  if (network !== 'none' && network !== 'bridge') throw new Error(`lockedHostConfig: network ${String(network)} is not allowed (none or bridge)`);
  for (const b of opts.binds ?? []) if (!bindIsVolume(b)) throw new Error(`lockedHostConfig: bind ${b} is not a named volume`);
  const ports = Object.entries(opts.ports ?? {});
  for (const [c, h] of ports) if (!/^\d{1,5}(-\d{1,5})?(\/(tcp|udp|sctp))?$/.test(c) || !/^(\d{1,5}(-\d{1,5})?)?$/.test(h)) throw new Error(`lockedHostConfig: port binding ${c} -> ${h} is malformed`);
  for (const h of opts.extraHosts ?? []) if (!/^[A-Za-z0-9.-]+:[0-9A-Fa-f.:]+$/.test(h)) throw new Error(`lockedHostConfig: extra host ${h} is malformed`);
  const memory = clamp(opts.memory, TEMPLATE_LIMITS.memory, MIN_MEMORY);
  const config: Docker.HostConfig & { CgroupnsMode: 'private' } = {
    CapDrop: ['ALL'],
    CapAdd: capAdd.length ? [...new Set(capAdd)] : undefined,
    SecurityOpt: ['no-new-privileges'],
    Privileged: false,
    PidsLimit: clamp(opts.pidsLimit, TEMPLATE_LIMITS.pidsLimit),
    Memory: memory,
    // equal to Memory: no swap on top
    MemorySwap: memory,
    NanoCpus: clamp(opts.nanoCpus, TEMPLATE_LIMITS.nanoCpus, 10_000_000),
    OomKillDisable: false,
    NetworkMode: network,
    IpcMode: 'private',
    // explicit: on cgroup v1 hosts the engine's default is the host's cgroup namespace
    CgroupnsMode: 'private',
    PublishAllPorts: false,
    ReadonlyRootfs: opts.readOnlyRoot === true,
    Tmpfs: opts.readOnlyRoot ? { '/tmp': 'rw,noexec,nosuid,size=16m' } : undefined,
    Binds: opts.binds?.length ? opts.binds : undefined,
    PortBindings: ports.length ? Object.fromEntries(ports.map(([c, h]) => [c.includes('/') ? c : `${c}/tcp`, [{ HostIp: '127.0.0.1', HostPort: h }]])) : undefined,
    ExtraHosts: opts.extraHosts?.length ? opts.extraHosts : undefined,
    LogConfig: { Type: 'json-file', Config: { 'max-size': TEMPLATE_LIMITS.logMaxSize, 'max-file': TEMPLATE_LIMITS.logMaxFile } },
  };
  return config;
}

/** Options for POST /build (dockerode's buildImage): RUN steps get no network and the template's memory and CPU. */
export function lockedBuildOptions(): { networkmode: 'none'; memory: number; memswap: number; cpuperiod: number; cpuquota: number; shmsize: number; rm: true; forcerm: true } {
  return {
    networkmode: 'none',
    memory: TEMPLATE_LIMITS.memory,
    memswap: TEMPLATE_LIMITS.memory,
    // one CPU: quota equal to the period
    cpuperiod: 100_000,
    cpuquota: Math.round((100_000 * TEMPLATE_LIMITS.nanoCpus) / 1e9),
    shmsize: 64 * 1024 * 1024,
    // intermediate containers go even when a step fails: none outlives the build
    rm: true,
    forcerm: true,
  };
}

function bindIsVolume(bind: string): boolean {
  const [source, target, opts, ...more] = bind.split(':');
  return more.length === 0 && VOLUME_NAME.test(source ?? '') && (target ?? '').startsWith('/') && (opts === undefined || opts.split(',').every((o) => ['ro', 'rw', 'nocopy'].includes(o)));
}

/** `1m`, `512k`, `1048576` in bytes (docker's log size units), NaN when unreadable. */
function logBytes(s: string): number {
  const m = /^(\d+)([kmg]?)b?$/i.exec(s.trim());
  if (!m) return NaN;
  return Number(m[1]) * { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
}

/** Every way a created container (as `inspect` reports it) deviates from the locked template; empty when it matches. */
export function assertLockedTemplate(inspect: Docker.ContainerInspectInfo): string[] {
  const problems: string[] = [];
  // dockerode's types lag the Engine API: read the fields we need from a looser view
  const h = (inspect.HostConfig ?? {}) as Docker.HostConfig & Record<string, unknown>;
  const bad = (m: string) => problems.push(m);
  const list = (v: unknown): string[] => (Array.isArray(v) ? (v as string[]) : []);

  if (h.Privileged) bad('Privileged is true');
  if (!list(h.CapDrop).map(cap).includes('ALL')) bad(`CapDrop is ${JSON.stringify(h.CapDrop ?? null)}, not [ALL]`);
  for (const c of list(h.CapAdd)) if (!(ALLOWED_CAPS as readonly string[]).includes(cap(c))) bad(`CapAdd has ${c}`);
  const secOpts = list(h.SecurityOpt);
  if (!secOpts.some((o) => /^no-new-privileges(?:[:=]true)?$/.test(o))) bad('SecurityOpt lacks no-new-privileges');
  for (const o of secOpts) if (!/^no-new-privileges(?:[:=]true)?$/.test(o)) bad(`SecurityOpt has ${o}${/unconfined/.test(o) ? ' (unconfined)' : ''}`);
  if (inspect.AppArmorProfile === 'unconfined') bad('AppArmorProfile is unconfined');

  const within = (name: string, v: unknown, max: number) => {
    if (typeof v !== 'number' || !(v > 0)) bad(`${name} is not set (${JSON.stringify(v ?? null)})`);
    else if (v > max) bad(`${name} ${v} is above the template's ${max}`);
  };
  within('PidsLimit', h.PidsLimit, TEMPLATE_LIMITS.pidsLimit);
  within('Memory', h.Memory, TEMPLATE_LIMITS.memory);
  within('NanoCpus', h.NanoCpus, TEMPLATE_LIMITS.nanoCpus);
  if (h.MemorySwap !== h.Memory) bad(`MemorySwap ${JSON.stringify(h.MemorySwap ?? null)} differs from Memory (swap on top of the limit)`);
  if (h.OomKillDisable) bad('OomKillDisable is true');
  if (typeof h.OomScoreAdj === 'number' && h.OomScoreAdj < 0) bad(`OomScoreAdj is ${h.OomScoreAdj}`);

  if (h.NetworkMode !== 'none' && h.NetworkMode !== 'bridge') bad(`NetworkMode is ${JSON.stringify(h.NetworkMode ?? null)}`);
  for (const [key, label] of [['PidMode', 'process'], ['IpcMode', 'IPC'], ['UTSMode', 'UTS'], ['UsernsMode', 'user'], ['CgroupnsMode', 'cgroup']] as const) {
    const v = h[key];
    if (v === 'host' || (typeof v === 'string' && v.startsWith('container:'))) bad(`${key} is ${v} (${label} namespace)`);
  }
  if (typeof h.Runtime === 'string' && h.Runtime !== '' && h.Runtime !== 'runc') bad(`Runtime is ${h.Runtime}`);
  if (h.CgroupParent) bad(`CgroupParent is ${String(h.CgroupParent)}`);
  if (h.Sysctls && Object.keys(h.Sysctls).length) bad(`Sysctls are set (${Object.keys(h.Sysctls).join(', ')})`);
  if (list(h.Devices).length) bad('Devices are set');
  if (list(h.DeviceCgroupRules).length) bad('DeviceCgroupRules are set');
  if (list(h.DeviceRequests).length) bad('DeviceRequests are set');
  if (list(h.Ulimits).length) bad('Ulimits are set');
  if (list(h.VolumesFrom).length) bad('VolumesFrom is set');
  if (list(h.Links).length) bad('Links are set');

  for (const b of list(h.Binds)) if (!bindIsVolume(b)) bad(`Binds has ${b}, which is not a named volume`);
  for (const m of (Array.isArray(h.Mounts) ? h.Mounts : []) as { Type?: string; Source?: string; Target?: string }[]) {
    if (m.Type !== 'volume' && m.Type !== 'tmpfs') bad(`Mounts has a ${m.Type ?? 'untyped'} mount at ${m.Target ?? '?'}`);
  }
  // what the engine actually mounted, whatever the HostConfig said
  for (const m of (inspect.Mounts ?? []) as { Type?: string; Source?: string; Destination?: string }[]) {
    if (m.Type !== 'volume' && m.Type !== 'tmpfs') bad(`the container has a ${m.Type ?? 'untyped'} mount of ${m.Source ?? '?'} at ${m.Destination ?? '?'}`);
  }

  if (h.PublishAllPorts) bad('PublishAllPorts is true');
  for (const [port, bindings] of Object.entries((h.PortBindings ?? {}) as Record<string, { HostIp?: string }[] | null>)) {
    for (const b of bindings ?? []) if (b.HostIp !== '127.0.0.1') bad(`port ${port} is published on ${JSON.stringify(b.HostIp ?? '')}, not 127.0.0.1`);
  }

  const log = h.LogConfig as { Type?: string; Config?: Record<string, string> } | undefined;
  if (!log || (log.Type !== 'json-file' && log.Type !== 'local')) bad(`LogConfig type is ${JSON.stringify(log?.Type ?? null)}, not json-file`);
  else {
    const size = logBytes(log.Config?.['max-size'] ?? '');
    const files = Number(log.Config?.['max-file'] ?? NaN);
    if (!(size <= logBytes(TEMPLATE_LIMITS.logMaxSize))) bad(`LogConfig max-size is ${JSON.stringify(log.Config?.['max-size'] ?? null)}, above ${TEMPLATE_LIMITS.logMaxSize}`);
    if (!(files >= 1 && files <= Number(TEMPLATE_LIMITS.logMaxFile))) bad(`LogConfig max-file is ${JSON.stringify(log.Config?.['max-file'] ?? null)}, above ${TEMPLATE_LIMITS.logMaxFile}`);
  }
  return problems;
}
