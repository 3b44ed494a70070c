/**
 * `docker ps` on the real engine: the daemon lists and filters (only the session's
 * containers, by label), the simulator's formatter prints, so both modes print alike.
 */
import type Docker from 'dockerode';
import { displayablePorts, ps as simPs, type ApiPort } from '../../src/cli/commands/container-list.js';
import { flagError } from '../../src/cli/flags.js';
import { containerHeaders, defaultTableFormats, formatRowLines } from '../../src/cli/format/docker-format.js';
import { quote } from '../../src/cli/format/go-fmt.js';
import { goStruct } from '../../src/cli/format/go-value.js';
import { ellipsis } from '../../src/cli/format/text.js';
import { goTimeString } from '../../src/cli/format/time.js';
import { ago, humanSize } from '../../src/shared/format/units.js';
import { realCommand } from './container-common.js';
import { LABEL_SESSION } from './types.js';

type ListedContainer = Docker.ContainerInfo & { SizeRw?: number; SizeRootFs?: number };

/** The `--filter` values as the Engine API's filters, with the session's label added (label filters must all match). */
function apiFilters(values: string[], sessionId: string): Record<string, string[]> {
  const out: Record<string, string[]> = { label: [`${LABEL_SESSION}=${sessionId}`] };
  for (const v of values) {
    const i = v.indexOf('=');
    if (i < 0) throw flagError(simPs.spec, `invalid argument "${v}" for "-f, --filter" flag: bad format of filter (expected name=value)`);
    const key = v.slice(0, i).toLowerCase();
    (out[key] ??= []).push(v.slice(i + 1));
  }
  return out;
}

/** The docker CLI's ContainerContext for one listed container (cli/command/formatter/container.go). */
function row(c: ListedContainer, trunc: boolean, now: number): object {
  const names = c.Names.map((n) => n.replace(/^\//, ''));
  // truncated output shows the container's own name, not the names links gave it (`other/alias`)
  const name = trunc ? (names.find((n) => !n.includes('/')) ?? names[0] ?? '') : names.join(',');
  const image = trunc && c.Image.startsWith('sha256:') ? c.Image.slice(7, 19) : c.Image;
  const srw = humanSize(c.SizeRw ?? 0);
  const mounts = (c.Mounts ?? []).map((m) => {
    const n = (m as { Name?: string }).Name || m.Source;
    return trunc ? ellipsis(n, 15) : n;
  });
  return goStruct('*formatter.ContainerContext', {
    ID: trunc ? c.Id.slice(0, 12) : c.Id,
    Image: image,
    Command: quote(trunc ? ellipsis(c.Command, 20) : c.Command),
    CreatedAt: goTimeString(c.Created),
    RunningFor: ago(c.Created, now),
    Ports: displayablePorts((c.Ports ?? []).map((p): ApiPort => ({ IP: p.IP ?? '', PrivatePort: p.PrivatePort, PublicPort: p.PublicPort ?? 0, Type: p.Type }))),
    State: c.State,
    Status: c.Status,
    Size: (c.SizeRootFs ?? 0) > 0 ? `${srw} (virtual ${humanSize(c.SizeRootFs!)})` : srw,
    Names: name,
    Labels: Object.entries(c.Labels ?? {}).map(([k, v]) => `${k}=${v}`).sort().join(','),
    Mounts: mounts.join(','),
    LocalVolumes: String((c.Mounts ?? []).filter((m) => m.Driver === 'local').length),
    Networks: Object.keys(c.NetworkSettings?.Networks ?? {}).sort().join(','),
  });
}

/** `docker ps`: the session's containers (running, or all with `-a`), in docker's table or a `--format` template. */
export const ps = realCommand(simPs.spec, async (scope, f, io) => {
  const filters = apiFilters(f.list('filter'), scope.sessionId);
  const format = f.string('format');
  const size = f.bool('size') || (format?.includes('.Size') ?? false);
  const last = f.bool('latest') ? 1 : (f.int('last') ?? -1);
  const list = (await scope.docker.listContainers({ all: f.bool('all'), size, filters, ...(last > 0 ? { limit: last } : {}) })) as ListedContainer[];
  const trunc = !f.bool('no-trunc');
  if (f.bool('quiet') && !format) {
    for (const c of list) io.stdout(trunc ? c.Id.slice(0, 12) : c.Id);
    return 0;
  }
  const now = Date.now() / 1000;
  let shown = format ?? defaultTableFormats.ps;
  if (f.bool('size') && shown.startsWith('table') && !shown.includes('.Size')) shown += '\t{{.Size}}';
  for (const l of formatRowLines(shown, list.map((c) => row(c, trunc, now)), containerHeaders)) io.stdout(l);
  return 0;
});
