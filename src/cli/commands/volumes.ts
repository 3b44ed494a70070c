/** `docker volume create|ls|inspect|rm|prune`. */
import { DockerError } from '../../engine/errors.js';
import { createVolume, removeVolume, volumeUsers, type VolumeRecord } from '../../engine/volume/volumes.js';
import type { Engine } from '../../engine/engine.js';
import { marshalIndent } from '../format/go-json.js';
import { goStruct } from '../format/go-value.js';
import { renderInspectTemplate } from '../format/template.js';
import { rfc3339 } from '../format/time.js';
import { humanSize4 } from '../../shared/format/units.js';
import { printFormatted } from '../output.js';
import type { DockerCommand } from '../types.js';

function inspectDoc(v: VolumeRecord): object {
  return goStruct('*volume.Volume', {
    CreatedAt: rfc3339(Math.floor(v.created)),
    Driver: v.driver,
    Labels: Object.keys(v.labels).length ? v.labels : null,
    Mountpoint: `/var/lib/docker/volumes/${v.name}/_data`,
    Name: v.name,
    Options: null,
    Scope: 'local',
  });
}

export const volumeCreate: DockerCommand = {
  spec: { name: 'volume create', usage: '[OPTIONS] [VOLUME]', description: 'Create a volume', args: { max: 1 }, flags: [{ name: 'driver', short: 'd', type: 'string', help: 'Specify volume driver name', default: '"local"' }, { name: 'label', type: 'list', help: 'Set metadata for a volume' }, { name: 'name', type: 'string', help: 'Specify volume name' }, { name: 'opt', short: 'o', type: 'list', meta: 'map', help: 'Set driver specific options' }] },
  run(engine, f, io) {
    const driver = f.string('driver') ?? 'local';
    if (driver !== 'local') throw new DockerError(`Error response from daemon: create ${f.args[0] ?? ''}: error looking up volume plugin ${driver}: plugin "${driver}" not found`);
    const labels: Record<string, string> = {};
    for (const l of f.list('label')) {
      const i = l.indexOf('=');
      labels[i < 0 ? l : l.slice(0, i)] = i < 0 ? '' : l.slice(i + 1);
    }
    io.stdout(createVolume(engine, f.args[0] ?? f.string('name'), { labels }).name);
    return 0;
  },
};

export const volumeLs: DockerCommand = {
  spec: { name: 'volume ls', usage: '[OPTIONS]', description: 'List volumes', aliases: ['volume list'], args: { max: 0 }, flags: [{ name: 'filter', short: 'f', type: 'list', meta: 'filter', help: "Provide filter values (e.g. 'dangling=true')" }, { name: 'format', type: 'string', help: 'Pretty-print volumes using a Go template' }, { name: 'quiet', short: 'q', type: 'bool', help: 'Only display volume names' }] },
  run(engine, f, io) {
    let list = [...engine.volumes.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const flt of f.list('filter')) {
      const i = flt.indexOf('=');
      const [k, v] = i < 0 ? [flt, ''] : [flt.slice(0, i), flt.slice(i + 1)];
      if (k === 'name') list = list.filter((x) => x.name.includes(v));
      else if (k === 'dangling') list = list.filter((x) => (volumeUsers(engine, x.name).length === 0) === (v === 'true' || v === '1'));
      else if (k === 'driver') list = list.filter((x) => x.driver === v);
      else if (k === 'label') list = list.filter((x) => v.split('=')[0]! in x.labels);
      else throw new DockerError(`Error response from daemon: invalid filter '${k}'`);
    }
    if (f.bool('quiet')) {
      for (const v of list) io.stdout(v.name);
      return 0;
    }
    const rows = list.map((v) => goStruct('*formatter.volumeContext', { Driver: v.driver, Name: v.name, Mountpoint: `/var/lib/docker/volumes/${v.name}/_data`, Scope: 'local', Labels: Object.entries(v.labels).map(([k, x]) => `${k}=${x}`).join(','), Links: String(volumeUsers(engine, v.name).length), Size: 'N/A' }));
    printFormatted(io, f.string('format') ?? 'table {{.Driver}}\t{{.Name}}', rows, { Driver: 'DRIVER', Name: 'VOLUME NAME', Mountpoint: 'MOUNTPOINT', Scope: 'SCOPE', Labels: 'LABELS', Links: 'LINKS', Size: 'SIZE' });
    return 0;
  },
};

export const volumeInspect: DockerCommand = {
  spec: { name: 'volume inspect', usage: '[OPTIONS] VOLUME [VOLUME...]', description: 'Display detailed information on one or more volumes', args: { min: 1 }, flags: [{ name: 'format', short: 'f', type: 'string', help: 'Format the output using the given Go template' }] },
  run(engine, f, io) {
    const found = f.args.map((n) => engine.volumes.get(n)).filter((v): v is VolumeRecord => !!v).map(inspectDoc);
    const fmt = f.string('format');
    if (fmt) for (const d of found) io.stdout(renderInspectTemplate(fmt, d));
    else for (const l of (found.length ? marshalIndent(found, '', '    ') : '[]').split('\n')) io.stdout(l);
    const missing = f.args.filter((n) => !engine.volumes.has(n));
    for (const m of missing) io.stderr(`Error: No such volume: ${m}`);
    return missing.length ? 1 : 0;
  },
};

export const volumeRm: DockerCommand = {
  spec: { name: 'volume rm', usage: '[OPTIONS] VOLUME [VOLUME...]', description: 'Remove one or more volumes', aliases: ['volume remove'], args: { min: 1 }, flags: [{ name: 'force', short: 'f', type: 'bool', help: 'Force the removal of one or more volumes' }] },
  run(engine, f, io) {
    let code = 0;
    for (const n of f.args) {
      try {
        removeVolume(engine, n, f.bool('force'));
        io.stdout(n);
      } catch (e) {
        if (!(e instanceof DockerError)) throw e;
        io.stderr(e.message);
        code = 1;
      }
    }
    return code;
  },
};

export const volumePrune: DockerCommand = {
  spec: { name: 'volume prune', usage: '[OPTIONS]', description: 'Remove all unused local volumes', args: { max: 0 }, flags: [{ name: 'filter', type: 'list', meta: 'filter', help: "Provide filter values (e.g. 'label=<label>')" }, { name: 'force', short: 'f', type: 'bool', help: 'Do not prompt for confirmation' }] },
  run(engine: Engine, f, io) {
    if (!f.bool('force')) {
      io.stdout('WARNING! This will remove all local volumes not used by at least one container.');
      io.stdout('Are you sure you want to continue? [y/N] ');
      if (!/^y(es)?$/i.test((io.stdin ?? '').trim())) return 0;
    }
    const gone = [...engine.volumes.values()].filter((v) => volumeUsers(engine, v.name).length === 0);
    let size = 0;
    for (const v of gone) {
      size += v.content.size;
      removeVolume(engine, v.name);
    }
    if (gone.length) {
      io.stdout('Deleted Volumes:');
      for (const v of gone) io.stdout(v.name);
      io.stdout('');
    }
    io.stdout(`Total reclaimed space: ${humanSize4(size)}`);
    return 0;
  },
};
