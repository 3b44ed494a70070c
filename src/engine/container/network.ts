/**
 * A container's place on the simulated network while it runs: its address on
 * the default bridge and the host ports it publishes. Ports are allocated
 * when a container starts and released when it stops, as the daemon does;
 * an unspecified host port takes the lowest free port of the ephemeral range.
 */
import type { Engine } from '../engine.js';
import { DockerError } from '../errors.js';
import { NETWORKS, networkName } from './host-config.js';
import type { ContainerRecord, PortBinding } from './types.js';

/** The first port of Linux's ephemeral range, where Docker's allocator starts. */
const EPHEMERAL_START = 32768;
const EPHEMERAL_END = 60999;

/** Whether a container holds its network resources (ports, address). */
export function isUp(c: ContainerRecord): boolean {
  return c.state.status === 'running' || c.state.status === 'paused';
}

interface Bound {
  ip: string;
  port: number;
  proto: string;
}

function overlaps(a: string, b: string): boolean {
  if (a === b) return true;
  const v6 = (ip: string) => ip.includes(':');
  if (v6(a) !== v6(b)) return false;
  return a === '0.0.0.0' || b === '0.0.0.0' || a === '::' || b === '::';
}

function boundPorts(engine: Engine, except: ContainerRecord): Bound[] {
  const out: Bound[] = [];
  for (const c of engine.containers.values()) {
    if (c === except || !isUp(c) || !c.ports) continue;
    for (const [key, list] of Object.entries(c.ports)) {
      const proto = key.split('/')[1] ?? 'tcp';
      for (const b of list) out.push({ ip: b.HostIp, port: Number(b.HostPort), proto });
    }
  }
  return out;
}

function sortPortKeys(keys: string[]): string[] {
  return [...keys].sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10) || a.localeCompare(b));
}

/** Checks the network mode exists (`network foo not found` otherwise, at start as the daemon reports it). */
export function checkNetwork(c: ContainerRecord): void {
  const mode = c.host?.networkMode ?? 'default';
  if (mode !== 'default' && !NETWORKS.includes(mode)) throw new DockerError(`Error response from daemon: network ${mode} not found`, 125, { kind: 'network' });
}

/**
 * Allocates the container's published ports and its bridge address; throws
 * the daemon's "port is already allocated" error and changes nothing when a
 * host port is taken.
 */
export function connect(engine: Engine, c: ContainerRecord): void {
  const net = networkName(c.host?.networkMode ?? 'default');
  const used = boundPorts(engine, c);
  const ports: Record<string, PortBinding[]> = {};
  if (net === 'bridge') {
    const taken = (ips: string[], port: number, proto: string) => used.some((u) => u.port === port && u.proto === proto && ips.some((ip) => overlaps(ip, u.ip)));
    for (const key of sortPortKeys(Object.keys(c.host?.portBindings ?? {}))) {
      const proto = key.split('/')[1] ?? 'tcp';
      for (const req of c.host!.portBindings[key]!) {
        const ips = req.HostIp ? [req.HostIp] : ['0.0.0.0', '::'];
        let port: number;
        if (req.HostPort === '' || req.HostPort.includes('-')) {
          const [lo, hi] = req.HostPort === '' ? [EPHEMERAL_START, EPHEMERAL_END] : req.HostPort.split('-').map(Number) as [number, number];
          let p = lo;
          while (p <= hi && taken(ips, p, proto)) p++;
          if (p > hi) {
            const endpoint = engine.rng.hex(32);
            throw new DockerError(`Error response from daemon: driver failed programming external connectivity on endpoint ${c.name} (${endpoint}): Bind for ${ips[0]}:${hi} failed: port is already allocated`, 125, { kind: 'port-allocated' });
          }
          port = p;
        } else {
          port = Number(req.HostPort);
          if (taken(ips, port, proto)) {
            const endpoint = engine.rng.hex(32);
            throw new DockerError(`Error response from daemon: driver failed programming external connectivity on endpoint ${c.name} (${endpoint}): Bind for ${ips[0]}:${port} failed: port is already allocated`, 125, { kind: 'port-allocated' });
          }
        }
        for (const ip of ips) {
          (ports[key] ??= []).push({ HostIp: ip, HostPort: String(port) });
          used.push({ ip, port, proto });
        }
      }
    }
    for (const key of Object.keys(c.config.ExposedPorts ?? {})) if (!(key in ports)) ports[key] = [];
    const addresses = new Set([...engine.containers.values()].filter((x) => x !== c && isUp(x) && x.ipAddress).map((x) => x.ipAddress));
    let n = 2;
    while (addresses.has(`172.17.0.${n}`)) n++;
    c.ipAddress = `172.17.0.${n}`;
  } else c.ipAddress = undefined;
  c.ports = ports;
}

/** Releases ports and the address when the container stops. */
export function disconnect(c: ContainerRecord): void {
  c.ports = undefined;
  c.ipAddress = undefined;
}
