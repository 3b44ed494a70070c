/**
 * `docker images|history|tag|rmi` on the real engine, scoped to a session (image-scope.ts
 * says which images it sees). Output goes through the simulator's CLI formatting so both
 * modes print the same text. `inspect` lives in inspect.ts and is exported here too.
 */
import { images as imagesCmd, history as historyCmd, printHistory, tag as tagCmd, rmi as rmiCmd } from '../../src/cli/commands/images.js';
import { formatRowLines } from '../../src/cli/format/docker-format.js';
import { goStruct } from '../../src/cli/format/go-value.js';
import { rfc3339 } from '../../src/cli/format/time.js';
import { DockerError } from '../../src/engine/errors.js';
import { shortId } from '../../src/engine/hash.js';
import { normalizeTagged, parseReference } from '../../src/engine/image/reference.js';
import { ago, humanSizeWithPrecision } from '../../src/shared/format/units.js';
import { EngineError, engineRequest, pathName, printItemError, runCli } from './engine-api.js';
import { claimTags, findImage, isBaseImage, safeNormalize, visibleImages, withoutSessionLabels, type HistoryRow, type ImageSummary } from './image-scope.js';
import { SEED_IMAGES } from './seed.js';
import type { RealCommand } from './types.js';

export { containerInspect, imageInspect, inspect } from './inspect.js';
// other handlers (build.ts) read the session's images from here
export { findImage, isBaseImage, ownImage, visibleImages, type HistoryRow, type ImageInspectDoc, type ImageSummary } from './image-scope.js';
export { EngineError, engineRequest } from './engine-api.js';

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
    const rows = withoutSessionLabels(await engineRequest<HistoryRow[]>(scope.docker, 'GET', `/images/${img.Id}/history`));
    const noTrunc = f.bool('no-trunc');
    const human = !f.has('human') || f.bool('human');
    const view = rows.map((h) => ({ id: h.Id, created: h.Created, createdBy: h.CreatedBy, size: h.Size, comment: h.Comment }));
    printHistory(io, view, { noTrunc, human, quiet: f.bool('quiet'), format: f.string('format'), now: Date.now() / 1000 });
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
    await claimTags(scope, [key]);
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
        printItemError(e, io);
        code = 1;
      }
    }
    return code;
  });
