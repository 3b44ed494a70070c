/**
 * The one locked template every container the server creates comes from: no capabilities
 * beyond what a lesson names, no new privileges, the default seccomp profile, limits on
 * pids, memory and CPU, no network unless asked, capped logs.
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
  /** Capabilities a lesson names (e.g. CHOWN). */
  capAdd?: string[];
  readOnlyRoot?: boolean;
  /** Named volume binds (`vol:/data`), already checked. */
  binds?: string[];
  /** `127.0.0.1` port bindings, already checked: container port (`80/tcp`) to host port. */
  ports?: Record<string, string>;
}

export const TEMPLATE_LIMITS = { memory: 256 * 1024 * 1024, nanoCpus: 1_000_000_000, pidsLimit: 128, logMaxSize: '1m', logMaxFile: '2' };

/** HostConfig for a container created by the server. */
export function lockedHostConfig(opts: TemplateOptions = {}): Docker.HostConfig {
  const ports = Object.entries(opts.ports ?? {});
  return {
    CapDrop: ['ALL'],
    CapAdd: opts.capAdd?.length ? opts.capAdd : undefined,
    SecurityOpt: ['no-new-privileges'],
    Privileged: false,
    PidsLimit: Math.min(opts.pidsLimit ?? TEMPLATE_LIMITS.pidsLimit, TEMPLATE_LIMITS.pidsLimit),
    Memory: Math.min(opts.memory || TEMPLATE_LIMITS.memory, TEMPLATE_LIMITS.memory),
    MemorySwap: Math.min(opts.memory || TEMPLATE_LIMITS.memory, TEMPLATE_LIMITS.memory),
    NanoCpus: Math.min(opts.nanoCpus || TEMPLATE_LIMITS.nanoCpus, TEMPLATE_LIMITS.nanoCpus),
    NetworkMode: opts.network ?? 'none',
    ReadonlyRootfs: opts.readOnlyRoot === true,
    Tmpfs: opts.readOnlyRoot ? { '/tmp': 'rw,noexec,nosuid,size=16m' } : undefined,
    Binds: opts.binds?.length ? opts.binds : undefined,
    PortBindings: ports.length ? Object.fromEntries(ports.map(([c, h]) => [c, [{ HostIp: '127.0.0.1', HostPort: h }]])) : undefined,
    LogConfig: { Type: 'json-file', Config: { 'max-size': TEMPLATE_LIMITS.logMaxSize, 'max-file': TEMPLATE_LIMITS.logMaxFile } },
  };
}
