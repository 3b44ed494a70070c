/**
 * Host settings of a container (`--restart`, `-p`, `--memory`, `--cpus`,
 * `--pids-limit`, `--network`): parsed and validated with the docker CLI's
 * and the daemon's rules and messages. Messages from the daemon carry the
 * `Error response from daemon: ` prefix; the CLI's own do not.
 */
import { DockerError } from '../errors.js';
import type { HostSettings, PortBinding, RestartPolicy } from './types.js';

/** The simulated host: what `--cpus` is checked against and what `docker stats` shows as the memory limit. */
export const SIMULATED_HOST = { cpus: 4, memory: 8 * 1024 ** 3 };

/** Docker's minimum for `--memory` (6 MiB). */
const MIN_MEMORY = 6 * 1024 * 1024;

/** Host settings of a container nobody configured (and of the builders' containers). */
export function defaultHostSettings(): HostSettings {
  return { restartPolicy: { Name: 'no', MaximumRetryCount: 0 }, portBindings: {}, memory: 0, nanoCpus: 0, pidsLimit: null, networkMode: 'default' };
}

const daemon = (msg: string) => new DockerError(`Error response from daemon: ${msg}`, 125);

/** `--restart no|always|unless-stopped|on-failure[:N]`, as the CLI parses and the daemon validates it. */
export function parseRestartPolicy(text: string): RestartPolicy {
  if (text === '') return { Name: '', MaximumRetryCount: 0 };
  const parts = text.split(':');
  if (parts.length > 2) throw new DockerError('invalid restart policy format', 125);
  let count = 0;
  if (parts.length === 2) {
    if (!/^[+-]?\d+$/.test(parts[1]!)) throw new DockerError('maximum retry count must be an integer', 125);
    count = Number(parts[1]);
  }
  const name = parts[0]!;
  if (name === 'always' || name === 'unless-stopped' || name === 'no') {
    if (count !== 0) throw daemon(`maximum retry count cannot be used with restart policy '${name}'`);
  } else if (name === 'on-failure') {
    if (count < 0) throw daemon('maximum retry count cannot be negative');
  } else throw daemon(`invalid restart policy '${name}'`);
  return { Name: name, MaximumRetryCount: count };
}

/** Whether a policy ever restarts (`no` and '' never do). */
export function restartsAtAll(p: RestartPolicy): boolean {
  return p.Name !== 'no' && p.Name !== '';
}

const PROTOS = ['tcp', 'udp', 'sctp'];

function parseRange(text: string, what: 'hostPort' | 'containerPort'): [number, number] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text);
  const bad = () => new DockerError(`Invalid ${what}: ${text}`, 125);
  if (!m) throw bad();
  const a = Number(m[1]);
  const b = m[2] === undefined ? a : Number(m[2]);
  if (a > 65535 || b > 65535 || b < a) throw bad();
  return [a, b];
}

/** One `-p` value: `[ip:][hostPort:]containerPort[/proto]` (ranges allowed) -> port keys and requested bindings. */
export function parsePublish(spec: string): { port: string; binding: PortBinding }[] {
  let rest = spec;
  let proto = 'tcp';
  const slash = rest.lastIndexOf('/');
  if (slash >= 0) {
    proto = rest.slice(slash + 1).toLowerCase();
    rest = rest.slice(0, slash);
    if (!PROTOS.includes(proto)) throw new DockerError(`Invalid proto: ${proto}`, 125);
  }
  let ip = '';
  let host = '';
  let ctr: string;
  const v6 = /^\[([0-9a-fA-F:.]+)\]:(.*)$/.exec(rest);
  if (v6) {
    ip = v6[1]!;
    const r = v6[2]!.split(':');
    if (r.length !== 2) throw new DockerError(`Invalid containerPort: ${rest}`, 125);
    [host, ctr] = r as [string, string];
  } else {
    const parts = rest.split(':');
    if (parts.length === 1) ctr = parts[0]!;
    else if (parts.length === 2) [host, ctr] = parts as [string, string];
    else if (parts.length === 3) [ip, host, ctr] = parts as [string, string, string];
    else throw new DockerError(`Invalid containerPort: ${rest}`, 125);
  }
  if (ip && !/^(\d{1,3})(\.\d{1,3}){3}$/.test(ip) && !ip.includes(':')) throw new DockerError(`Invalid ip address: ${ip}`, 125);
  if (ctr === '') throw new DockerError(`No port specified: ${spec}<empty>`, 125);
  const [c0, c1] = parseRange(ctr, 'containerPort');
  let h: [number, number] | undefined;
  if (host !== '') h = parseRange(host, 'hostPort');
  const n = c1 - c0 + 1;
  if (h && h[1] - h[0] + 1 !== n && !(n === 1)) throw new DockerError(`Invalid ranges specified for container and host Ports: ${ctr} and ${host}`, 125);
  const out: { port: string; binding: PortBinding }[] = [];
  for (let i = 0; i < n; i++) {
    let hostPort = '';
    if (h) hostPort = n === 1 ? (h[0] === h[1] ? String(h[0]) : `${h[0]}-${h[1]}`) : String(h[0] + i);
    out.push({ port: `${c0 + i}/${proto}`, binding: { HostIp: ip, HostPort: hostPort } });
  }
  return out;
}

/** The flag values `docker run` hands the daemon for host settings (already parsed from text). */
export interface HostOptions {
  restart?: RestartPolicy;
  publish?: string[];
  memory?: number;
  nanoCpus?: number;
  pidsLimit?: number;
  network?: string;
}

/** Validates the host options as the daemon does and builds the container's host settings. */
export function hostSettings(opts: HostOptions): HostSettings {
  const h = defaultHostSettings();
  if (opts.restart) h.restartPolicy = opts.restart.Name === '' ? { Name: '', MaximumRetryCount: 0 } : opts.restart;
  for (const spec of opts.publish ?? []) {
    for (const { port, binding } of parsePublish(spec)) (h.portBindings[port] ??= []).push(binding);
  }
  const memory = opts.memory ?? 0;
  if (memory > 0 && memory < MIN_MEMORY) throw daemon('Minimum memory limit allowed is 6MB');
  h.memory = memory;
  const nano = opts.nanoCpus ?? 0;
  if (nano < 0 || nano > SIMULATED_HOST.cpus * 1e9) {
    throw daemon(`Range of CPUs is from 0.01 to ${SIMULATED_HOST.cpus}.00, as there are only ${SIMULATED_HOST.cpus} CPUs available`);
  }
  h.nanoCpus = nano;
  h.pidsLimit = opts.pidsLimit !== undefined && opts.pidsLimit > 0 ? opts.pidsLimit : null;
  h.networkMode = opts.network ?? 'default';
  return h;
}

/** Networks a container can join in the simulated engine (the daemon's default ones). */
export const NETWORKS = ['bridge', 'host', 'none'];

/** The network a container's mode attaches it to (`default` is `bridge`). */
export function networkName(mode: string): string {
  return mode === 'default' ? 'bridge' : mode;
}
