/** `docker inspect` and `docker image inspect`: the Engine API's JSON shapes, and `-f` templates. */
import type { Engine } from '../../engine/engine.js';
import { DockerError } from '../../engine/errors.js';
import type { ImageRecord } from '../../engine/image/store.js';
import { marshalIndent } from '../format/go-json.js';
import { goStruct } from '../format/go-value.js';
import { renderInspectTemplate, TemplateError } from '../format/template.js';
import { rfc3339Nano } from '../format/time.js';
import type { CliIO, DockerCommand } from '../types.js';
import { configStruct, containerInspect } from './container-inspect.js';


/** The image inspect document (`types.ImageInspect`). */
export function imageInspect(engine: Engine, img: ImageRecord): object {
  const size = engine.store.sizeOf(img);
  return goStruct('types.ImageInspect', {
    Id: img.id,
    RepoTags: engine.store.repoTags(img.id),
    RepoDigests: [...img.repoDigests],
    Parent: img.parent ?? '',
    Comment: img.config.history.length === 1 ? (img.config.history[0]!.comment ?? '') : '',
    Created: rfc3339Nano(Math.floor(img.config.created), Math.round((img.config.created % 1) * 1e9)),
    Container: img.config.container ?? '',
    ContainerConfig: configStruct(img.config.config),
    DockerVersion: '20.10.24+dfsg1',
    Author: '',
    Config: configStruct(img.config.config),
    Architecture: img.config.architecture,
    Os: img.config.os,
    Size: size,
    VirtualSize: size,
    GraphDriver: goStruct('types.GraphDriverData', { Data: { MergedDir: '', UpperDir: '', WorkDir: '' }, Name: 'overlay2' }),
    RootFS: goStruct('types.RootFS', { Type: 'layers', Layers: [...img.config.rootfs.diff_ids] }),
    Metadata: goStruct('types.ImageMetadata', { LastTagTime: '0001-01-01T00:00:00Z' }),
  });
}

/** Prints inspect results: JSON array, or one template line per object. */
function printInspect(io: CliIO, objs: object[], format: string | undefined): void {
  if (!format) {
    const json = objs.length === 0 ? '[]' : marshalIndent(objs, '', '    ');
    for (const l of json.split('\n')) io.stdout(l);
    return;
  }
  for (const o of objs) {
    try {
      io.stdout(renderInspectTemplate(format, o));
    } catch (e) {
      if (e instanceof TemplateError) throw new DockerError(e.message, 1);
      throw e;
    }
  }
}

const formatFlag = { name: 'format', short: 'f', type: 'string' as const, help: 'Format the output using the given Go template' };

export const imageInspectCmd: DockerCommand = {
  spec: { name: 'image inspect', usage: '[OPTIONS] IMAGE [IMAGE...]', description: 'Display detailed information on one or more images', args: { min: 1 }, flags: [formatFlag] },
  run(engine, f, io) {
    const found: object[] = [];
    const missing: string[] = [];
    for (const ref of f.args) {
      const img = engine.store.find(ref);
      if (img) found.push(imageInspect(engine, img));
      else missing.push(ref);
    }
    if (found.length || !f.string('format')) printInspect(io, found, f.string('format'));
    for (const m of missing) io.stderr(`Error: No such image: ${m}`);
    return missing.length ? 1 : 0;
  },
};

export const inspect: DockerCommand = {
  spec: {
    name: 'inspect',
    usage: '[OPTIONS] NAME|ID [NAME|ID...]',
    description: 'Return low-level information on Docker objects',
    args: { min: 1 },
    flags: [formatFlag, { name: 'size', short: 's', type: 'bool', help: 'Display total file sizes if the type is container' }, { name: 'type', type: 'string', help: 'Return JSON for specified type' }],
  },
  run(engine, f, io) {
    const type = f.string('type');
    const found: object[] = [];
    const missing: string[] = [];
    for (const ref of f.args) {
      const ctr = type === 'image' ? undefined : engine.findContainer(ref);
      if (ctr) {
        found.push(containerInspect(engine, ctr));
        continue;
      }
      const img = type === 'container' ? undefined : engine.store.find(ref);
      if (img) found.push(imageInspect(engine, img));
      else missing.push(ref);
    }
    if (found.length || !f.string('format')) printInspect(io, found, f.string('format'));
    for (const m of missing) io.stderr(`Error: No such object: ${m}`);
    return missing.length ? 1 : 0;
  },
};
