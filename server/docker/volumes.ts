/**
 * `docker volume create|ls|inspect|rm` on the real engine, scoped to a session: named
 * volumes carry the session's labels; anonymous ones (made by `run -v /path`) carry none,
 * so they belong to the session whose containers mount them. Other volumes answer as
 * missing ones do.
 */
import { volumeCreate as simCreate, volumeInspect as simInspect, volumeLs as simLs, volumeRm as simRm } from '../../src/cli/commands/volumes.js';
import { formatRowLines } from '../../src/cli/format/docker-format.js';
import { goStruct } from '../../src/cli/format/go-value.js';
import { DockerError } from '../../src/engine/errors.js';
import { EngineError, engineRequest, pathName, printItemError, runCli } from './engine-api.js';
import { printInspect } from './inspect.js';
import { LABEL_SESSION, type RealCommand, type SessionScope } from './types.js';

/** A volume as GET /volumes lists it. */
export interface VolumeInfo {
  Name: string;
  Driver: string;
  Mountpoint: string;
  Labels: Record<string, string> | null;
  Scope: string;
  CreatedAt?: string;
}

interface ContainerMounts {
  Names?: string[];
  Mounts?: { Type: string; Name?: string }[];
}

/** Names of volumes the session's containers (any state) mount, with the container names using each. */
export async function sessionVolumeUsers(scope: SessionScope): Promise<Map<string, string[]>> {
  const list = await engineRequest<ContainerMounts[]>(scope.docker, 'GET', '/containers/json', { all: true, filters: JSON.stringify({ label: [`${LABEL_SESSION}=${scope.sessionId}`] }) });
  const users = new Map<string, string[]>();
  for (const c of list ?? []) {
    for (const m of c.Mounts ?? []) {
      if (m.Type !== 'volume' || !m.Name) continue;
      const name = (c.Names?.[0] ?? '').replace(/^\//, '');
      users.set(m.Name, [...(users.get(m.Name) ?? []), name]);
    }
  }
  return users;
}

/** The session's volumes (labelled, or mounted by its containers), by name, sorted; `filters` go to the daemon. */
export async function sessionVolumes(scope: SessionScope, filters: Record<string, string[]> = {}): Promise<VolumeInfo[]> {
  const [res, users] = await Promise.all([engineRequest<{ Volumes: VolumeInfo[] | null }>(scope.docker, 'GET', '/volumes', { filters: JSON.stringify(filters) }), sessionVolumeUsers(scope)]);
  return (res.Volumes ?? []).filter((v) => v.Labels?.[LABEL_SESSION] === scope.sessionId || users.has(v.Name)).sort((a, b) => (a.Name < b.Name ? -1 : 1));
}

/** The volume if the session may see it, else null (missing or another session's). */
export async function findVolume(scope: SessionScope, name: string): Promise<VolumeInfo | null> {
  let v: VolumeInfo;
  try {
    v = await engineRequest<VolumeInfo>(scope.docker, 'GET', `/volumes/${pathName(name)}`);
  } catch (e) {
    if (e instanceof EngineError && e.statusCode === 404) return null;
    throw e;
  }
  if (v.Labels?.[LABEL_SESSION] === scope.sessionId) return v;
  return (await sessionVolumeUsers(scope)).has(v.Name) ? v : null;
}

const noSuchVolume = (name: string) => new DockerError(`Error response from daemon: get ${name}: no such volume`);

function parseLabels(list: string[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const l of list) {
    const i = l.indexOf('=');
    labels[i < 0 ? l : l.slice(0, i)] = i < 0 ? '' : l.slice(i + 1);
  }
  return labels;
}

/** `docker volume create`: the session's labels go on it (the learner's `--label`s too). */
export const volumeCreate: RealCommand = (scope, argv, io) =>
  runCli(simCreate.spec, argv, io, async (f) => {
    const name = f.args[0] ?? f.string('name') ?? '';
    if (name) {
      // the daemon hands back an existing volume of that name: never another session's
      const existing = await engineRequest<VolumeInfo>(scope.docker, 'GET', `/volumes/${pathName(name)}`).catch(() => null);
      if (existing && existing.Labels?.[LABEL_SESSION] !== scope.sessionId) throw new DockerError(`Error response from daemon: create ${name}: volume name is in use by another session`);
      if (existing) {
        io.stdout(existing.Name);
        return 0;
      }
    }
    const body = { Name: name, Driver: f.string('driver') ?? 'local', Labels: { ...parseLabels(f.list('label')), ...scope.labels }, DriverOpts: parseLabels(f.list('opt')) };
    let v: { name: string };
    try {
      v = (await scope.docker.createVolume(body)) as unknown as { name: string };
    } catch (e) {
      const err = e as { statusCode?: number; json?: { message?: string }; message: string };
      throw new EngineError(err.statusCode ?? 500, err.json?.message ?? err.message);
    }
    io.stdout(v.name);
    io.event({ type: 'volume.created', name: v.name });
    return 0;
  });

/** `docker volume ls`: only the session's volumes; filters are the daemon's. */
export const volumeLs: RealCommand = (scope, argv, io) =>
  runCli(simLs.spec, argv, io, async (f) => {
    const filters: Record<string, string[]> = {};
    for (const x of f.list('filter')) {
      const i = x.indexOf('=');
      (filters[i < 0 ? x : x.slice(0, i)] ??= []).push(i < 0 ? '' : x.slice(i + 1));
    }
    const list = await sessionVolumes(scope, filters);
    if (f.bool('quiet')) {
      for (const v of list) io.stdout(v.Name);
      return 0;
    }
    // `volume ls` has no usage data, so docker prints N/A for links and size
    const rows = list.map((v) =>
      goStruct('*formatter.volumeContext', {
        Driver: v.Driver,
        Name: v.Name,
        Mountpoint: v.Mountpoint,
        Scope: v.Scope,
        Labels: Object.entries(v.Labels ?? {})
          .map(([k, x]) => `${k}=${x}`)
          .join(','),
        Links: 'N/A',
        Size: 'N/A',
      }),
    );
    const headers = { Driver: 'DRIVER', Name: 'VOLUME NAME', Mountpoint: 'MOUNTPOINT', Scope: 'SCOPE', Labels: 'LABELS', Links: 'LINKS', Size: 'SIZE' };
    for (const l of formatRowLines(f.string('format') ?? 'table {{.Driver}}\t{{.Name}}', rows, headers)) io.stdout(l);
    return 0;
  });

/** `docker volume inspect`: the daemon's JSON, or `-f` templates. */
export const volumeInspect: RealCommand = (scope, argv, io) =>
  runCli(simInspect.spec, argv, io, async (f) => {
    const found: { kind: 'volume'; raw: string }[] = [];
    const missing: string[] = [];
    for (const name of f.args) {
      const v = await findVolume(scope, name);
      if (v) found.push({ kind: 'volume', raw: await engineRequest<string>(scope.docker, 'GET', `/volumes/${pathName(v.Name)}`, {}, true) });
      else missing.push(name);
    }
    const format = f.string('format');
    if (found.length || !format) printInspect(io, found, format);
    for (const m of missing) io.stderr(noSuchVolume(m).message);
    return missing.length ? 1 : 0;
  });

/** `docker volume rm`: prints each removed name; in-use and missing errors as the daemon words them. */
export const volumeRm: RealCommand = (scope, argv, io) =>
  runCli(simRm.spec, argv, io, async (f) => {
    let code = 0;
    for (const name of f.args) {
      try {
        if (!(await findVolume(scope, name))) throw noSuchVolume(name);
        await engineRequest(scope.docker, 'DELETE', `/volumes/${pathName(name)}`, { force: f.bool('force') });
        io.stdout(name);
        io.event({ type: 'volume.removed', name });
      } catch (e) {
        printItemError(e, io);
        code = 1;
      }
    }
    return code;
  });
