/**
 * `docker images|history|tag|rmi|inspect` on the real engine, scoped to a session: a session
 * sees its own images (labelled with its session), the seeded bases, and the untagged
 * ancestors of those (classic builds leave unlabelled intermediates). Everything else
 * answers as a missing image would. Output goes through the simulator's CLI formatting so
 * both modes print the same text.
 */
import type Docker from 'dockerode';
import { images as imagesCmd, history as historyCmd, tag as tagCmd, rmi as rmiCmd } from '../../src/cli/commands/images.js';
import { inspect as inspectCmd, imageInspectCmd } from '../../src/cli/commands/inspect.js';
import { Flags, HelpRequest, parseFlags, usageText, type CommandSpec } from '../../src/cli/flags.js';
import { ellipsis } from '../../src/cli/format/text.js';
import { goStruct } from '../../src/cli/format/go-value.js';
import { indentJson } from '../../src/cli/format/go-json.js';
import { renderInspectTemplate, TemplateError } from '../../src/cli/format/template.js';
import { rfc3339 } from '../../src/cli/format/time.js';
import { formatRowLines } from '../../src/cli/format/docker-format.js';
import { DockerError } from '../../src/engine/errors.js';
import { shortId } from '../../src/engine/hash.js';
import { normalizeTagged, parseReference } from '../../src/engine/image/reference.js';
import { ago, humanSizeWithPrecision } from '../../src/shared/format/units.js';
import { SEED_IMAGES } from './seed.js';
import { LABEL_BASE, LABEL_SESSION, type CommandIO, type RealCommand, type SessionScope } from './types.js';

/** An Engine API error: the daemon's status code and message. */
export class EngineError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

const STATUS = { 200: true, 201: true, 204: true, 304: 'not modified', 400: 'bad parameter', 404: 'not found', 409: 'conflict', 500: 'server error' };

/** One Engine API request; `raw` answers the body text (inspect prints the daemon's bytes), `'stream'` the response stream. */
export function engineRequest<T = unknown>(docker: Docker, method: string, path: string, query: Record<string, unknown> = {}, raw: boolean | 'stream' = false): Promise<T> {
  return new Promise((resolve, reject) => {
    docker.modem.dial({ path: `${path}?`, method, options: query, statusCodes: STATUS, isStream: !!raw } as never, (err: unknown, res: unknown) => {
      if (err) {
        const e = err as { statusCode?: number; json?: { message?: string } | string; message: string };
        const msg = typeof e.json === 'object' && e.json?.message ? e.json.message : e.message;
        reject(new EngineError(e.statusCode ?? 500, msg));
        return;
      }
      if (!raw || raw === 'stream') return resolve(res as T);
      const chunks: Buffer[] = [];
      const stream = res as NodeJS.ReadableStream;
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8').trim() as T));
      stream.on('error', reject);
    });
  });
}

/** A user-typed name as a URL path segment (names keep their `/`, `:` and `@`). */
export function pathName(name: string): string {
  return encodeURIComponent(name).replace(/%2F/g, '/').replace(/%3A/g, ':').replace(/%40/g, '@');
}

/**
 * Runs a handler body with the docker CLI's flag parsing and error printing: usage errors,
 * `--help`, and DockerErrors become what the CLI prints and its exit code.
 */
export async function runCli(spec: CommandSpec, argv: string[], io: CommandIO, body: (f: Flags) => Promise<number>): Promise<number> {
  try {
    return await body(new Flags(parseFlags(spec, argv)));
  } catch (e) {
    if (e instanceof HelpRequest) {
      for (const l of usageText(e.spec)) io.stdout(l);
      return 0;
    }
    if (e instanceof DockerError) {
      for (const l of e.message.split('\n')) io.stderr(l);
      return e.exitCode;
    }
    if (e instanceof TemplateError) {
      io.stderr(e.message);
      return 1;
    }
    if (e instanceof EngineError) {
      io.stderr(`Error response from daemon: ${e.message}`);
      return 1;
    }
    throw e;
  }
}

/** The image summary the Engine API lists (GET /images/json). */
export interface ImageSummary {
  Id: string;
  ParentId: string;
  RepoTags: string[] | null;
  RepoDigests: string[] | null;
  Created: number;
  Size: number;
  Labels: Record<string, string> | null;
}

/**
 * True for a seeded base. Images built FROM a base inherit its label, so a base is also
 * one without a session label and without a parent (the seeder imports, builds commit on a parent).
 */
export function isBaseImage(labels: Record<string, string> | null | undefined, parent: string): boolean {
  return labels?.[LABEL_BASE] === '1' && !labels[LABEL_SESSION] && !parent;
}

/** True when an image's own labels put it in the session, or it is a base. */
export function ownImage(scope: SessionScope, labels: Record<string, string> | null | undefined, parent: string): boolean {
  return labels?.[LABEL_SESSION] === scope.sessionId || isBaseImage(labels, parent);
}

/** Every image the session may see (own, bases, and their unlabelled ancestors), by ID. */
export async function visibleImages(scope: SessionScope): Promise<Map<string, ImageSummary>> {
  const all = (await engineRequest<ImageSummary[]>(scope.docker, 'GET', '/images/json', { all: true })) ?? [];
  const byId = new Map(all.map((i) => [i.Id, i]));
  const seen = new Map<string, ImageSummary>();
  for (const img of all) {
    if (!ownImage(scope, img.Labels, img.ParentId)) continue;
    // walk up to the ancestors: intermediates of a classic build carry no labels
    for (let cur: ImageSummary | undefined = img; cur && !seen.has(cur.Id); cur = byId.get(cur.ParentId)) {
      if (cur !== img && cur.Labels?.[LABEL_SESSION] && cur.Labels[LABEL_SESSION] !== scope.sessionId) break;
      seen.set(cur.Id, cur);
    }
  }
  return seen;
}

/** The image inspect document of a reference, or null when the session cannot see it. */
export async function findImage(scope: SessionScope, ref: string): Promise<ImageInspectDoc | null> {
  let doc: ImageInspectDoc;
  try {
    doc = await engineRequest<ImageInspectDoc>(scope.docker, 'GET', `/images/${pathName(ref)}/json`);
  } catch (e) {
    if (e instanceof EngineError && (e.statusCode === 404 || e.statusCode === 400)) return null;
    throw e;
  }
  if (ownImage(scope, doc.Config?.Labels, doc.Parent)) return doc;
  if (doc.Config?.Labels?.[LABEL_SESSION]) return null;
  return (await visibleImages(scope)).has(doc.Id) ? doc : null;
}

/** The fields of GET /images/{name}/json this server reads. */
export interface ImageInspectDoc {
  Id: string;
  RepoTags: string[];
  RepoDigests: string[];
  Parent: string;
  Created: string;
  Size: number;
  Config: { Labels?: Record<string, string> | null; User?: string; WorkingDir?: string; Entrypoint?: string[] | null; Cmd?: string[] | null; Env?: string[] | null; ExposedPorts?: Record<string, object> | null; Volumes?: Record<string, object> | null } | null;
  RootFS: { Layers?: string[] };
}

/** One row of GET /images/{name}/history (newest first). */
export interface HistoryRow {
  Id: string;
  Created: number;
  CreatedBy: string;
  Size: number;
  Comment: string;
  Tags: string[] | null;
}

function safeNormalize(ref: string): string {
  try {
    return normalizeTagged(ref);
  } catch {
    return ref;
  }
}

/** `repo:tag` → [repo, tag], splitting at the last colon after the last slash. */
function splitTag(ref: string): [string, string] {
  const colon = ref.lastIndexOf(':');
  return colon > ref.lastIndexOf('/') ? [ref.slice(0, colon), ref.slice(colon + 1)] : [ref, '<none>'];
}

/** One row per (repository, tag), or per (repository, digest) for repos without tags, as the CLI lists images. */
function imageRows(img: ImageSummary): { repo: string; tag: string; digest: string }[] {
  const byRepo = new Map<string, { tags: string[]; digests: string[] }>();
  const repoOf = (repo: string) => byRepo.get(repo) ?? byRepo.set(repo, { tags: [], digests: [] }).get(repo)!;
  for (const t of img.RepoTags ?? []) if (t !== '<none>:<none>') repoOf(splitTag(t)[0]).tags.push(splitTag(t)[1]);
  for (const d of img.RepoDigests ?? []) {
    const at = d.indexOf('@');
    if (d !== '<none>@<none>') repoOf(d.slice(0, at)).digests.push(d.slice(at + 1));
  }
  const rows: { repo: string; tag: string; digest: string }[] = [];
  for (const [repo, { tags, digests }] of byRepo) {
    if (tags.length) for (const tag of tags) rows.push({ repo, tag, digest: digests[0] ?? '<none>' });
    else for (const digest of digests) rows.push({ repo, tag: '<none>', digest });
  }
  if (rows.length === 0) rows.push({ repo: '<none>', tag: '<none>', digest: '<none>' });
  return rows;
}

/** `docker images` / `docker image ls`. */
export const images: RealCommand = (scope, argv, io) =>
  runCli(imagesCmd.spec, argv, io, async (f) => {
    const filters: Record<string, string[]> = {};
    for (const x of f.list('filter')) {
      const i = x.indexOf('=');
      if (i < 0) throw new DockerError(`Error response from daemon: invalid filter '${x}'`);
      (filters[x.slice(0, i)] ??= []).push(x.slice(i + 1));
    }
    if (f.args[0]) (filters.reference ??= []).push(f.args[0]);
    const [list, visible] = await Promise.all([engineRequest<ImageSummary[]>(scope.docker, 'GET', '/images/json', { all: f.bool('all'), filters: JSON.stringify(filters) }), visibleImages(scope)]);
    const shown = (list ?? []).filter((i) => visible.has(i.Id)).sort((a, b) => b.Created - a.Created);
    const noTrunc = f.bool('no-trunc');
    if (f.bool('quiet')) {
      for (const i of shown) io.stdout(noTrunc ? i.Id : shortId(i.Id));
      return 0;
    }
    const now = Date.now() / 1000;
    const ctx = shown.flatMap((img) =>
      imageRows(img).map((r) =>
        goStruct('*formatter.imageContext', {
          ID: noTrunc ? img.Id : shortId(img.Id),
          Repository: r.repo,
          Tag: r.tag,
          Digest: r.digest,
          CreatedSince: img.Created > 0 ? ago(img.Created, now) : 'N/A',
          CreatedAt: rfc3339(img.Created).replace('T', ' ').replace('Z', ' +0000 UTC'),
          Size: humanSizeWithPrecision(img.Size, 3),
          VirtualSize: humanSizeWithPrecision(img.Size, 3),
          Containers: 'N/A',
          SharedSize: 'N/A',
          UniqueSize: 'N/A',
        }),
      ),
    );
    const headers = { ID: 'IMAGE ID', Repository: 'REPOSITORY', Tag: 'TAG', Digest: 'DIGEST', CreatedSince: 'CREATED', CreatedAt: 'CREATED AT', Size: 'SIZE', VirtualSize: 'VIRTUAL SIZE', Containers: 'CONTAINERS', SharedSize: 'SHARED SIZE', UniqueSize: 'UNIQUE SIZE' };
    const def = f.bool('digests') ? 'table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}' : 'table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}';
    for (const l of formatRowLines(f.string('format') ?? def, ctx, headers)) io.stdout(l);
    return 0;
  });

/** `docker history`. */
export const history: RealCommand = (scope, argv, io) =>
  runCli(historyCmd.spec, argv, io, async (f) => {
    const ref = f.args[0]!;
    const img = await findImage(scope, ref);
    if (!img) throw new DockerError(`Error response from daemon: No such image: ${safeNormalize(ref)}`);
    const rows = await engineRequest<HistoryRow[]>(scope.docker, 'GET', `/images/${img.Id}/history`);
    const noTrunc = f.bool('no-trunc');
    const human = !f.has('human') || f.bool('human');
    const id = (h: HistoryRow) => (h.Id === '<missing>' || noTrunc ? h.Id : shortId(h.Id));
    if (f.bool('quiet')) {
      for (const h of rows) io.stdout(id(h));
      return 0;
    }
    const now = Date.now() / 1000;
    const ctx = rows.map((h) =>
      goStruct('*formatter.historyContext', {
        ID: id(h),
        CreatedSince: h.Created <= 0 ? 'N/A' : human ? ago(h.Created, now) : rfc3339(h.Created),
        CreatedAt: rfc3339(h.Created),
        CreatedBy: noTrunc ? h.CreatedBy : ellipsis(h.CreatedBy.replace(/\t/g, ' '), 45),
        Size: human ? humanSizeWithPrecision(h.Size, 3) : String(h.Size),
        Comment: h.Comment,
      }),
    );
    const headers = { ID: 'IMAGE', CreatedSince: 'CREATED', CreatedAt: 'CREATED AT', CreatedBy: 'CREATED BY', Size: 'SIZE', Comment: 'COMMENT' };
    for (const l of formatRowLines(f.string('format') ?? 'table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}', ctx, headers)) io.stdout(l);
    return 0;
  });

const SEED_REFS = new Set(SEED_IMAGES.map((s) => s.ref));

/** The bases are shared by every session: their own tags and IDs must not move or go. */
function baseConflict(ref: string, id: string): DockerError {
  return new DockerError(`Error response from daemon: conflict: unable to delete ${ref === id ? shortId(id) : `"${ref}"`} (cannot be forced) - it is a shared base image of this classroom`);
}

/** `docker tag`. */
export const tag: RealCommand = (scope, argv, io) =>
  runCli(tagCmd.spec, argv, io, async (f) => {
    const [src, dst] = f.args as [string, string];
    const img = await findImage(scope, src);
    if (!img) throw new DockerError(`Error response from daemon: No such image: ${safeNormalize(src)}`);
    let key: string;
    try {
      key = normalizeTagged(dst);
    } catch (e) {
      throw new DockerError(`Error parsing reference: "${dst}" is not a valid repository/tag: ${(e as Error).message}`);
    }
    const parsed = parseReference(dst);
    if (parsed.digest) throw new DockerError('Error response from daemon: refusing to create a tag with a digest reference');
    if (SEED_REFS.has(key)) throw new DockerError(`Error response from daemon: conflict: "${key}" is a shared base image of this classroom and cannot be re-tagged`);
    const prev = await findImage(scope, key);
    const [repo, t] = splitTag(key);
    await engineRequest(scope.docker, 'POST', `/images/${img.Id}/tag`, { repo, tag: t });
    io.event({ type: 'image.tagged', imageId: img.Id, tag: key, ...(prev && prev.Id !== img.Id ? { previous: prev.Id } : {}) });
    return 0;
  });

/** `docker rmi` / `docker image rm`: the daemon's Untagged/Deleted lines, with events. */
export const rmi: RealCommand = (scope, argv, io) =>
  runCli(rmiCmd.spec, argv, io, async (f) => {
    let code = 0;
    for (const ref of f.args) {
      try {
        const img = await findImage(scope, ref);
        if (!img) throw new DockerError(`Error: No such image: ${ref}`);
        const isBase = isBaseImage(img.Config?.Labels, img.Parent);
        // a learner's extra tag on a base may go; the base's own tag, its ID or digest may not
        if (isBase && (!img.RepoTags.includes(safeNormalize(ref)) || SEED_REFS.has(safeNormalize(ref)))) throw baseConflict(ref, img.Id);
        // image IDs known now, to tell deleted images from the layer chain IDs the daemon also lists
        const known = new Set((await visibleImages(scope)).keys());
        let res: { Untagged?: string; Deleted?: string }[];
        try {
          res = await engineRequest(scope.docker, 'DELETE', `/images/${pathName(ref)}`, { force: f.bool('force'), noprune: f.bool('no-prune') });
        } catch (e) {
          if (e instanceof EngineError && e.statusCode === 404) throw new DockerError(`Error: No such image: ${ref}`);
          throw e;
        }
        for (const r of res ?? []) {
          if (r.Untagged) {
            io.stdout(`Untagged: ${r.Untagged}`);
            io.event({ type: 'image.untagged', imageId: img.Id, tag: r.Untagged });
          }
          if (r.Deleted) {
            io.stdout(`Deleted: ${r.Deleted}`);
            if (known.has(r.Deleted)) io.event({ type: 'image.deleted', imageId: r.Deleted });
          }
        }
      } catch (e) {
        if (e instanceof DockerError) io.stderr(e.message);
        else if (e instanceof EngineError) io.stderr(`Error response from daemon: ${e.message}`);
        else throw e;
        code = 1;
      }
    }
    return code;
  });

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
