/**
 * `docker inspect`, `docker image inspect` and `docker container inspect` on the real
 * engine: the daemon's own JSON bytes, indented as the CLI does, or `-f` templates run
 * over typed values built from them. Only the session's objects are found.
 */
import { containerInspectCmd } from '../../src/cli/commands/container-inspect.js';
import { inspect as inspectCmd, imageInspectCmd } from '../../src/cli/commands/inspect.js';
import type { Flags } from '../../src/cli/flags.js';
import { goStruct } from '../../src/cli/format/go-value.js';
import { indentJson } from '../../src/cli/format/go-json.js';
import { renderInspectTemplate, TemplateError } from '../../src/cli/format/template.js';
import { DockerError } from '../../src/engine/errors.js';
import { EngineError, engineRequest, pathName, runCli } from './engine-api.js';
import { findImage } from './image-scope.js';
import { LABEL_SESSION, type CommandIO, type RealCommand, type SessionScope } from './types.js';

type Kind = 'container' | 'image' | 'volume';

/** Struct-valued fields of the inspect documents: templates see them as Go structs (declaration order), the rest as maps. */
const STRUCTS: Record<Kind, Record<string, string>> = {
  image: { Config: '*container.Config', ContainerConfig: '*container.Config', GraphDriver: 'types.GraphDriverData', RootFS: 'types.RootFS', Metadata: 'types.ImageMetadata' },
  container: { State: '*types.ContainerState', HostConfig: '*container.HostConfig', GraphDriver: 'types.GraphDriverData', Config: '*container.Config', NetworkSettings: '*types.NetworkSettings' },
  volume: {},
};
const TOP: Record<Kind, string> = { image: 'types.ImageInspect', container: 'types.ContainerJSON', volume: '*volume.Volume' };

/** The typed value `-f` templates run over, built from the daemon's JSON. */
export function typedInspect(kind: Kind, doc: Record<string, unknown>): object {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc)) out[k] = STRUCTS[kind][k] && v && typeof v === 'object' ? goStruct(STRUCTS[kind][k]!, { ...(v as object) }) : v;
  return goStruct(TOP[kind], out);
}

/** Prints inspect results as docker does: the daemon's JSON in a 4-space indented array, or one template line per object. */
export function printInspect(io: CommandIO, found: { kind: Kind; raw: string }[], format: string | undefined): void {
  if (!format) {
    const json = found.length ? indentJson(`[${found.map((x) => x.raw).join(',')}]`, '', '    ') : '[]';
    for (const l of json.split('\n')) io.stdout(l);
    return;
  }
  for (const x of found) {
    const raw = JSON.parse(x.raw) as Record<string, unknown>;
    try {
      io.stdout(renderInspectTemplate(format, typedInspect(x.kind, raw), raw));
    } catch (e) {
      if (e instanceof TemplateError) throw new DockerError(e.message, 1);
      throw e;
    }
  }
}

/** The raw inspect JSON of a session's object, or null when it is missing or not the session's. */
async function rawInspect(scope: SessionScope, kind: Kind, ref: string, size: boolean): Promise<string | null> {
  if (kind === 'image') {
    const img = await findImage(scope, ref);
    return img ? engineRequest<string>(scope.docker, 'GET', `/images/${img.Id}/json`, {}, true) : null;
  }
  const path = kind === 'container' ? `/containers/${pathName(ref)}/json` : `/volumes/${pathName(ref)}`;
  let raw: string;
  try {
    raw = await engineRequest<string>(scope.docker, 'GET', path, kind === 'container' && size ? { size: true } : {}, true);
  } catch (e) {
    if (e instanceof EngineError && (e.statusCode === 404 || e.statusCode === 400)) return null;
    throw e;
  }
  const doc = JSON.parse(raw) as { Config?: { Labels?: Record<string, string> }; Labels?: Record<string, string> };
  const labels = kind === 'container' ? doc.Config?.Labels : doc.Labels;
  return labels?.[LABEL_SESSION] === scope.sessionId ? raw : null;
}

/** Shared by `inspect` and `image inspect`: look each name up among `kinds`, in docker's order. */
async function inspectMany(scope: SessionScope, f: Flags, io: CommandIO, kinds: Kind[], missing: string): Promise<number> {
  const results = await Promise.all(
    f.args.map(async (ref) => {
      for (const kind of kinds) {
        const raw = await rawInspect(scope, kind, ref, f.bool('size'));
        if (raw) return { kind, raw };
      }
      return ref;
    }),
  );
  const found = results.filter((r): r is { kind: Kind; raw: string } => typeof r !== 'string');
  const format = f.string('format');
  if (found.length || !format) printInspect(io, found, format);
  const gone = results.filter((r): r is string => typeof r === 'string');
  for (const m of gone) io.stderr(`Error: No such ${missing}: ${m}`);
  return gone.length ? 1 : 0;
}

/** `docker inspect`: containers, then images, then volumes, as the CLI tries them (`--type` narrows). */
export const inspect: RealCommand = (scope, argv, io) =>
  runCli(inspectCmd.spec, argv, io, async (f) => {
    const type = f.string('type');
    if (type && !['container', 'image', 'volume'].includes(type)) throw new DockerError(`"${type}" is not a valid value for --type`);
    const kinds: Kind[] = type ? [type as Kind] : ['container', 'image', 'volume'];
    return inspectMany(scope, f, io, kinds, type ?? 'object');
  });

/** `docker image inspect`. */
export const imageInspect: RealCommand = (scope, argv, io) => runCli(imageInspectCmd.spec, argv, io, (f) => inspectMany(scope, f, io, ['image'], 'image'));

/** `docker container inspect`. */
export const containerInspect: RealCommand = (scope, argv, io) => runCli(containerInspectCmd.spec, argv, io, (f) => inspectMany(scope, f, io, ['container'], 'container'));
