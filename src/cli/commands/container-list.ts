/** Listing containers: `docker ps` (filters, formats, sizes) and `docker port`. */
import { networkName } from '../../engine/container/host-config.js';
import { STATUSES } from '../../engine/container/lifecycle.js';
import type { ContainerRecord } from '../../engine/container/types.js';
import type { Engine } from '../../engine/engine.js';
import { DockerError } from '../../engine/errors.js';
import { ago, humanDuration, humanSize } from '../../shared/format/units.js';
import { flagError, type CommandSpec } from '../flags.js';
import { quote } from '../format/go-fmt.js';
import { goStruct } from '../format/go-value.js';
import { ellipsis } from '../format/text.js';
import { goTimeString } from '../format/time.js';
import { printFormatted } from '../output.js';
import type { DockerCommand } from '../types.js';
import { shortId } from '../../engine/hash.js';
import { mustFind, settle } from './container-common.js';

/** The STATUS column: `Created`, `Up 3 seconds`, `Up 5 seconds (Paused)`, `Exited (0) 2 minutes ago`, `Restarting (1) 2 seconds ago`. */
export function statusText(c: ContainerRecord, now: number): string {
  const st = c.state;
  if (st.status === 'running' || st.status === 'paused') return `Up ${humanDuration(now - (st.startedAt ?? now))}${st.status === 'paused' ? ' (Paused)' : ''}`;
  if (st.status === 'exited') return `Exited (${st.exitCode}) ${ago(st.finishedAt ?? now, now)}`;
  if (st.status === 'created') return 'Created';
  if (st.status === 'restarting') return `Restarting (${st.exitCode}) ${ago(st.finishedAt ?? now, now)}`;
  if (st.status === 'removing') return 'Removal In Progress';
  return 'Dead';
}

/** The COMMAND column text: args with spaces in single quotes, as the daemon lists it. */
export function commandText(c: ContainerRecord): string {
  const args = c.args.map((a) => (a.includes(' ') ? `'${a}'` : a));
  return args.length ? `${c.path} ${args.join(' ')}` : c.path;
}

/** One port of a container as the Engine API lists it (`types.Port`). */
export interface ApiPort {
  IP: string;
  PrivatePort: number;
  PublicPort: number;
  Type: string;
}

/** A running container's ports: published bindings, and exposed ports without any. */
export function apiPorts(c: ContainerRecord): ApiPort[] {
  const out: ApiPort[] = [];
  for (const [key, list] of Object.entries(c.ports ?? {})) {
    const [port, proto = 'tcp'] = key.split('/');
    if (list.length === 0) out.push({ IP: '', PrivatePort: Number(port), PublicPort: 0, Type: proto });
    for (const b of list) out.push({ IP: b.HostIp, PrivatePort: Number(port), PublicPort: Number(b.HostPort), Type: proto });
  }
  return out;
}

/** The PORTS column, as the 20.10 CLI's DisplayablePorts groups and prints it (`0.0.0.0:8080->80/tcp, :::8080->80/tcp`). */
export function displayablePorts(ports: ApiPort[]): string {
  const sorted = [...ports].sort((a, b) => a.PrivatePort - b.PrivatePort || (a.IP < b.IP ? -1 : a.IP > b.IP ? 1 : 0) || a.PublicPort - b.PublicPort || (a.Type < b.Type ? -1 : a.Type > b.Type ? 1 : 0));
  const groups = new Map<string, { first: number; last: number }>();
  const order: string[] = [];
  const result: string[] = [];
  const hostMappings: string[] = [];
  const form = (key: string, first: number, last: number) => {
    const slash = key.lastIndexOf('/');
    const ip = slash >= 0 ? key.slice(0, slash) : '';
    const type = slash >= 0 ? key.slice(slash + 1) : key;
    let group = first === last ? String(first) : `${first}-${last}`;
    if (ip) group = `${ip}:${group}->${group}`;
    return `${group}/${type}`;
  };
  for (const p of sorted) {
    let key = p.Type;
    if (p.IP !== '') {
      if (p.PublicPort !== p.PrivatePort) {
        hostMappings.push(`${p.IP}:${p.PublicPort}->${p.PrivatePort}/${p.Type}`);
        continue;
      }
      key = `${p.IP}/${p.Type}`;
    }
    const g = groups.get(key);
    if (!g) {
      groups.set(key, { first: p.PrivatePort, last: p.PrivatePort });
      order.push(key);
      continue;
    }
    if (p.PrivatePort === g.last + 1) {
      g.last = p.PrivatePort;
      continue;
    }
    result.push(form(key, g.first, g.last));
    groups.set(key, { first: p.PrivatePort, last: p.PrivatePort });
  }
  for (const key of order) {
    const g = groups.get(key)!;
    result.push(form(key, g.first, g.last));
  }
  return [...result, ...hostMappings].join(', ');
}

const PS_FILTERS = ['ancestor', 'before', 'expose', 'exited', 'health', 'id', 'isolation', 'is-task', 'label', 'name', 'network', 'publish', 'since', 'status', 'volume'];

function regexMatch(pattern: string, text: string): boolean {
  try {
    return new RegExp(pattern).test(text);
  } catch {
    // the daemon skips a value that is not a valid regexp
    return false;
  }
}

function imageChain(engine: Engine, id: string): Set<string> {
  const out = new Set<string>();
  for (let cur: string | undefined = id; cur && !out.has(cur); cur = engine.store.images.get(cur)?.parent) out.add(cur);
  return out;
}

function portMatches(spec: string, ports: number[], proto: string[]): boolean {
  const [range, p = 'tcp'] = spec.split('/');
  const [lo, hi = lo] = (range ?? '').split('-').map(Number);
  return ports.some((x, i) => x >= lo! && x <= hi! && proto[i] === p);
}

/**
 * A predicate for `--filter` values: values of one key are alternatives, keys
 * must all match. Throws the daemon's errors for unknown keys and bad values.
 */
export function containerFilter(engine: Engine, filters: string[], allowed = PS_FILTERS): (c: ContainerRecord) => boolean {
  const byKey = new Map<string, string[]>();
  for (const flt of filters) {
    const i = flt.indexOf('=');
    if (i < 0) throw new DockerError(`invalid argument "${flt}" for "-f, --filter" flag: bad format of filter (expected name=value)`, 125);
    const k = flt.slice(0, i).toLowerCase();
    const v = flt.slice(i + 1);
    if (!allowed.includes(k)) throw new DockerError(`Error response from daemon: Invalid filter '${k}'`);
    if (k === 'status' && !(STATUSES as string[]).includes(v)) throw new DockerError(`Error response from daemon: Invalid filter 'status=${v}'`);
    if (k === 'exited' && !/^[+-]?\d+$/.test(v)) throw new DockerError(`Error response from daemon: strconv.Atoi: parsing ${quote(v)}: invalid syntax`);
    if (k === 'until' && !/^\d+(\.\d+)?$|^(\d+(\.\d+)?[smh])+$/.test(v)) throw new DockerError(`Error response from daemon: failed to parse value as time or duration: "${v}"`);
    byKey.set(k, [...(byKey.get(k) ?? []), v]);
  }
  const now = engine.now();
  const ref = (v: string) => mustFind(engine, v);
  for (const k of ['before', 'since']) for (const v of byKey.get(k) ?? []) ref(v);
  const tests: Record<string, (c: ContainerRecord, v: string) => boolean> = {
    name: (c, v) => regexMatch(v, '/' + c.name),
    id: (c, v) => regexMatch(v, c.id),
    status: (c, v) => c.state.status === v,
    exited: (c, v) => c.state.status === 'exited' && c.state.exitCode === Number(v),
    label: (c, v) => {
      const i = v.indexOf('=');
      const labels = c.config.Labels ?? {};
      return i < 0 ? v in labels : labels[v.slice(0, i)] === v.slice(i + 1);
    },
    'label!': (c, v) => !tests.label!(c, v),
    ancestor: (c, v) => {
      const img = engine.store.find(v);
      return !!img && imageChain(engine, c.imageId).has(img.id);
    },
    before: (c, v) => c.created < ref(v).created,
    since: (c, v) => c.created > ref(v).created,
    volume: (c, v) => c.mounts.some((m) => m.name === v || m.destination === v || m.source === v),
    network: (c, v) => networkName(c.host?.networkMode ?? 'default') === v,
    expose: (c, v) => {
      const keys = Object.keys(c.config.ExposedPorts ?? {});
      return portMatches(v.includes('/') ? v : `${v}/tcp`, keys.map((k) => Number.parseInt(k, 10)), keys.map((k) => k.split('/')[1] ?? 'tcp'));
    },
    publish: (c, v) => {
      const ports = apiPorts(c).filter((p) => p.PublicPort > 0);
      return portMatches(v.includes('/') ? v : `${v}/tcp`, ports.map((p) => p.PublicPort), ports.map((p) => p.Type));
    },
    until: (c, v) => {
      const m = /^(\d+(?:\.\d+)?)$/.exec(v);
      if (m) return c.created < Number(m[1]);
      let secs = 0;
      for (const [, n, u] of v.matchAll(/(\d+(?:\.\d+)?)([smh])/g)) secs += Number(n) * ({ s: 1, m: 60, h: 3600 }[u as 's' | 'm' | 'h']);
      return c.created < now - secs;
    },
    health: (_c, v) => v === 'none',
    isolation: () => true,
    'is-task': (_c, v) => v === 'false',
  };
  return (c) => [...byKey].every(([k, vs]) => vs.some((v) => tests[k]!(c, v)));
}

function mountNames(c: ContainerRecord, noTrunc: boolean): string {
  return c.mounts.map((m) => (m.type === 'bind' ? m.source : (m.name ?? ''))).map((n) => (noTrunc ? n : ellipsis(n, 15))).join(',');
}

const psSpec: CommandSpec = {
  name: 'ps',
  usage: '[OPTIONS]',
  description: 'List containers',
  aliases: ['container ls', 'container list'],
  args: { max: 0 },
  flags: [
    { name: 'all', short: 'a', type: 'bool', help: 'Show all containers (default shows just running)' },
    { name: 'filter', short: 'f', type: 'list', meta: 'filter', help: 'Filter output based on conditions provided' },
    { name: 'format', type: 'string', help: 'Pretty-print containers using a Go template' },
    { name: 'last', short: 'n', type: 'int', help: 'Show n last created containers (includes all states)', default: '-1' },
    { name: 'latest', short: 'l', type: 'bool', help: 'Show the latest created container (includes all states)' },
    { name: 'no-trunc', type: 'bool', help: "Don't truncate output" },
    { name: 'quiet', short: 'q', type: 'bool', help: 'Only display container IDs' },
    { name: 'size', short: 's', type: 'bool', help: 'Display total file sizes' },
  ],
};

export const ps: DockerCommand = {
  spec: psSpec,
  run(engine, f, io) {
    settle(engine);
    let matches;
    try {
      matches = containerFilter(engine, f.list('filter'));
    } catch (e) {
      if (e instanceof DockerError && e.exitCode === 125) throw flagError(psSpec, e.message);
      throw e;
    }
    const now = engine.now();
    const last = f.bool('latest') ? 1 : (f.int('last') ?? -1);
    const all = f.bool('all') || last > 0 || f.list('filter').some((x) => x.toLowerCase().startsWith('status='));
    let list = [...engine.containers.values()].sort((a, b) => b.created - a.created);
    list = list.filter((c) => (all || c.state.status === 'running' || c.state.status === 'paused' || c.state.status === 'restarting') && matches(c));
    if (last > 0) list = list.slice(0, last);
    const noTrunc = f.bool('no-trunc');
    if (f.bool('quiet') && !f.string('format')) {
      for (const c of list) io.stdout(noTrunc ? c.id : shortId(c.id));
      return 0;
    }
    const format = f.string('format') ?? 'table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}';
    const wantSize = f.bool('size') || format.includes('Size');
    const imageSizes = new Map<string, number>();
    const sizeText = (c: ContainerRecord) => {
      if (!wantSize) return '';
      if (!imageSizes.has(c.imageId)) {
        const img = engine.store.images.get(c.imageId);
        imageSizes.set(c.imageId, img ? engine.store.sizeOf(img) : 0);
      }
      return `${humanSize(c.upper.size)} (virtual ${humanSize(c.upper.size + imageSizes.get(c.imageId)!)})`;
    };
    const rows = list.map((c) => {
      return goStruct('*formatter.ContainerContext', {
        ID: noTrunc ? c.id : shortId(c.id),
        Image: c.imageRef,
        Command: quote(noTrunc ? commandText(c) : ellipsis(commandText(c), 20)),
        CreatedAt: goTimeString(Math.floor(c.created)),
        RunningFor: ago(c.created, now),
        Ports: displayablePorts(apiPorts(c)),
        State: c.state.status,
        Status: statusText(c, now),
        Size: sizeText(c),
        Names: c.name,
        Labels: Object.entries(c.config.Labels ?? {}).map(([k, v]) => `${k}=${v}`).join(','),
        Mounts: mountNames(c, noTrunc),
        LocalVolumes: String(c.mounts.filter((m) => m.type === 'volume').length),
        Networks: networkName(c.host?.networkMode ?? 'default'),
      });
    });
    const headers = { ID: 'CONTAINER ID', Image: 'IMAGE', Command: 'COMMAND', CreatedAt: 'CREATED AT', RunningFor: 'CREATED', Ports: 'PORTS', State: 'STATE', Status: 'STATUS', Size: 'SIZE', Names: 'NAMES', Labels: 'LABELS', Mounts: 'MOUNTS', LocalVolumes: 'LOCAL VOLUMES', Networks: 'NETWORKS' };
    let shown = f.bool('quiet') ? 'table {{.ID}}' : format;
    if (f.bool('size') && shown.startsWith('table') && !shown.includes('.Size')) shown += '\t{{.Size}}';
    printFormatted(io, shown, rows, headers);
    return 0;
  },
};

export const port: DockerCommand = {
  spec: { name: 'port', usage: 'CONTAINER [PRIVATE_PORT[/PROTO]]', description: 'List port mappings or a specific mapping for the container', aliases: ['container port'], args: { min: 1, max: 2 }, flags: [] },
  run(engine, f, io) {
    settle(engine);
    const [ref, want] = f.args as [string, string?];
    const c = mustFind(engine, ref, (n) => `Error: No such container: ${n}`);
    const ports = c.ports ?? {};
    if (want !== undefined) {
      const key = want.includes('/') ? want : `${want}/tcp`;
      const list = ports[key] ?? [];
      if (list.length === 0) throw new DockerError(`Error: No public port '${key}' published for ${ref}`);
      for (const b of list) io.stdout(`${b.HostIp}:${b.HostPort}`);
      return 0;
    }
    const lines: string[] = [];
    for (const [key, list] of Object.entries(ports)) for (const b of list) lines.push(`${key} -> ${b.HostIp}:${b.HostPort}`);
    for (const l of lines.sort()) io.stdout(l);
    return 0;
  },
};
