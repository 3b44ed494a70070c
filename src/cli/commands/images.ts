/** `docker images`, `docker history`, `docker tag`, `docker rmi`, `docker image prune`. */
import { shortId } from '../../engine/hash.js';
import type { Engine } from '../../engine/engine.js';
import { DockerError } from '../../engine/errors.js';
import { familiarName, normalizeTagged, parseReference } from '../../engine/image/reference.js';
import { removeImage } from '../../engine/image/remove.js';
import { globToRegExp } from '../../engine/build/context.js';
import type { ImageRecord } from '../../engine/image/store.js';
import { goStruct } from '../format/go-value.js';
import { ellipsis } from '../format/text.js';
import { humanSizeWithPrecision, humanSize, ago } from '../../shared/format/units.js';
import { rfc3339 } from '../format/time.js';
import { formatRowLines } from '../format/docker-format.js';
import { printFormatted } from '../output.js';
import type { DockerCommand } from '../types.js';


interface ImageRow {
  repo: string;
  tag: string;
  digest: string;
  img: ImageRecord;
}

/** One row per (repository, tag) or (repository, digest), as the docker CLI lists images. */
function imageRows(engine: Engine, img: ImageRecord): ImageRow[] {
  const rows: ImageRow[] = [];
  const byRepo = new Map<string, { tags: string[]; digests: string[] }>();
  const repoOf = (repo: string) => {
    let r = byRepo.get(repo);
    if (!r) byRepo.set(repo, (r = { tags: [], digests: [] }));
    return r;
  };
  for (const t of engine.store.repoTags(img.id)) {
    const r = parseReference(t);
    repoOf(familiarName(r)).tags.push(r.tag!);
  }
  for (const d of img.repoDigests) {
    const at = d.indexOf('@');
    repoOf(d.slice(0, at)).digests.push(d.slice(at + 1));
  }
  for (const [repo, { tags, digests }] of byRepo) {
    if (tags.length) for (const tag of tags) rows.push({ repo, tag, digest: digests[0] ?? '<none>', img });
    else for (const digest of digests) rows.push({ repo, tag: '<none>', digest, img });
  }
  if (rows.length === 0) rows.push({ repo: '<none>', tag: '<none>', digest: '<none>', img });
  return rows;
}

function matchReference(row: ImageRow, pattern: string): boolean {
  const colon = pattern.lastIndexOf(':');
  const [repoPat, tagPat] = colon > pattern.lastIndexOf('/') ? [pattern.slice(0, colon), pattern.slice(colon + 1)] : [pattern, undefined];
  const glob = (p: string) => {
    try {
      return globToRegExp(p);
    } catch {
      throw new DockerError('Error response from daemon: syntax error in pattern');
    }
  };
  if (!glob(repoPat).test(row.repo)) return false;
  return tagPat === undefined || glob(tagPat).test(row.tag);
}

export const images: DockerCommand = {
  spec: {
    name: 'images',
    usage: '[OPTIONS] [REPOSITORY[:TAG]]',
    description: 'List images',
    aliases: ['image ls', 'image list'],
    args: { max: 1 },
    flags: [
      { name: 'all', short: 'a', type: 'bool', help: 'Show all images (default hides intermediate images)' },
      { name: 'digests', type: 'bool', help: 'Show digests' },
      { name: 'filter', short: 'f', type: 'list', meta: 'filter', help: 'Filter output based on conditions provided' },
      { name: 'format', type: 'string', help: 'Pretty-print images using a Go template' },
      { name: 'no-trunc', type: 'bool', help: "Don't truncate output" },
      { name: 'quiet', short: 'q', type: 'bool', help: 'Only show image IDs' },
    ],
  },
  run(engine, f, io) {
    const now = engine.now();
    const all = f.bool('all');
    const filters = f.list('filter').map((x) => {
      const i = x.indexOf('=');
      if (i < 0) throw new DockerError(`Error response from daemon: invalid filter '${x}'`);
      return [x.slice(0, i), x.slice(i + 1)] as const;
    });
    for (const [k] of filters) if (!['dangling', 'reference', 'label', 'before', 'since'].includes(k)) throw new DockerError(`Error response from daemon: invalid filter '${k}'`);
    const dangling = filters.find(([k]) => k === 'dangling')?.[1];
    const refs = filters.filter(([k]) => k === 'reference').map(([, v]) => v);
    if (f.args[0]) refs.push(f.args[0]);
    let list = [...engine.store.images.values()];
    list = list.filter((img) => {
      const isDangling = engine.store.isDangling(img);
      if (dangling !== undefined) return (dangling === 'true' || dangling === '1') === isDangling && (!isDangling || engine.store.children(img.id).length === 0 || all);
      if (!all && isDangling && engine.store.children(img.id).length > 0) return false;
      return true;
    });
    list.sort((a, b) => b.config.created - a.config.created);
    let rows = list.flatMap((img) => imageRows(engine, img));
    if (refs.length) rows = rows.filter((r) => refs.some((p) => matchReference(r, p)));
    if (f.bool('quiet')) {
      const seen = new Set<string>();
      for (const r of rows) {
        if (seen.has(r.img.id)) continue;
        seen.add(r.img.id);
        io.stdout(f.bool('no-trunc') ? r.img.id : shortId(r.img.id));
      }
      return 0;
    }
    const noTrunc = f.bool('no-trunc');
    const ctx = rows.map((r) =>
      goStruct('*formatter.imageContext', {
        ID: noTrunc ? r.img.id : shortId(r.img.id),
        Repository: r.repo,
        Tag: r.tag,
        Digest: r.digest,
        CreatedSince: r.img.config.created > 0 ? ago(r.img.config.created, now) : 'N/A',
        CreatedAt: rfc3339(r.img.config.created).replace('T', ' ').replace('Z', ' +0000 UTC'),
        Size: humanSizeWithPrecision(engine.store.sizeOf(r.img), 3),
        VirtualSize: humanSizeWithPrecision(engine.store.sizeOf(r.img), 3),
        Containers: 'N/A',
        SharedSize: 'N/A',
        UniqueSize: 'N/A',
      }),
    );
    const headers: Record<string, string> = { ID: 'IMAGE ID', Repository: 'REPOSITORY', Tag: 'TAG', Digest: 'DIGEST', CreatedSince: 'CREATED', CreatedAt: 'CREATED AT', Size: 'SIZE', VirtualSize: 'VIRTUAL SIZE', Containers: 'CONTAINERS', SharedSize: 'SHARED SIZE', UniqueSize: 'UNIQUE SIZE' };
    const def = f.bool('digests') ? 'table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}' : 'table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}';
    printFormatted(io, f.string('format') ?? def, ctx, headers);
    return 0;
  },
};

export const history: DockerCommand = {
  spec: {
    name: 'history',
    usage: '[OPTIONS] IMAGE',
    description: 'Show the history of an image',
    aliases: ['image history'],
    args: { exact: 1 },
    flags: [
      { name: 'format', type: 'string', help: 'Pretty-print images using a Go template' },
      { name: 'human', short: 'H', type: 'bool', help: 'Print sizes and dates in human readable format', default: 'true' },
      { name: 'no-trunc', type: 'bool', help: "Don't truncate output" },
      { name: 'quiet', short: 'q', type: 'bool', help: 'Only show image IDs' },
    ],
  },
  run(engine, f, io) {
    const ref = f.args[0]!;
    const img = engine.store.find(ref);
    if (!img) throw new DockerError(`Error response from daemon: No such image: ${safeNormalize(ref)}`);
    const noTrunc = f.bool('no-trunc');
    const human = !f.has('human') || f.bool('human');
    const now = engine.now();
    const items = historyItems(engine, img);
    printHistory(io, items, { noTrunc, human, quiet: f.bool('quiet'), format: f.string('format'), now });
    return 0;
  },
};

function safeNormalize(ref: string): string {
  try {
    return normalizeTagged(ref);
  } catch {
    return ref;
  }
}


/** History rows newest first, with image IDs along the parent chain (`<missing>` past it). */
export function historyItems(engine: Engine, img: ImageRecord): { id: string; created: number; createdBy: string; size: number; comment: string }[] {
  const diffIds = img.config.rootfs.diff_ids;
  let li = 0;
  const rows = img.config.history.map((h) => {
    let size = 0;
    if (!h.empty_layer) size = engine.store.layers.get(diffIds[li++] ?? '')?.size ?? 0;
    return { id: '<missing>', created: h.created, createdBy: h.created_by, size, comment: h.comment ?? '' };
  });
  rows.reverse();
  let cur: ImageRecord | undefined = img;
  for (const r of rows) {
    if (!cur) break;
    r.id = cur.id;
    cur = cur.parent ? engine.store.images.get(cur.parent) : undefined;
  }
  return rows;
}

export const tag: DockerCommand = {
  spec: { name: 'tag', usage: 'SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]', description: 'Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE', aliases: ['image tag'], args: { exact: 2 }, flags: [] },
  run(engine, f) {
    const [src, dst] = f.args as [string, string];
    const img = engine.store.find(src);
    if (!img) throw new DockerError(`Error response from daemon: No such image: ${safeNormalize(src)}`);
    let key: string;
    try {
      key = normalizeTagged(dst);
    } catch (e) {
      throw new DockerError(`Error parsing reference: "${dst}" is not a valid repository/tag: ${(e as Error).message}`);
    }
    if (parseReference(dst).digest) throw new DockerError('Error response from daemon: refusing to create a tag with a digest reference');
    const prev = engine.store.tag(key, img.id);
    engine.emit({ type: 'image.tagged', imageId: img.id, tag: key, previous: prev });
    return 0;
  },
};

export const rmi: DockerCommand = {
  spec: {
    name: 'rmi',
    usage: '[OPTIONS] IMAGE [IMAGE...]',
    description: 'Remove one or more images',
    aliases: ['image rm', 'image remove'],
    args: { min: 1 },
    flags: [
      { name: 'force', short: 'f', type: 'bool', help: 'Force removal of the image' },
      { name: 'no-prune', type: 'bool', help: 'Do not delete untagged parents' },
    ],
  },
  run(engine, f, io) {
    let code = 0;
    for (const ref of f.args) {
      try {
        for (const l of removeImage(engine, ref, { force: f.bool('force'), noPrune: f.bool('no-prune') })) io.stdout(l);
      } catch (e) {
        if (!(e instanceof DockerError)) throw e;
        io.stderr(e.message);
        code = 1;
      }
    }
    return code;
  },
};

export const imagePrune: DockerCommand = {
  spec: {
    name: 'image prune',
    usage: '[OPTIONS]',
    description: 'Remove unused images',
    args: { max: 0 },
    flags: [
      { name: 'all', short: 'a', type: 'bool', help: 'Remove all unused images, not just dangling ones' },
      { name: 'filter', type: 'list', meta: 'filter', help: 'Provide filter values (e.g. \'until=<timestamp>\')' },
      { name: 'force', short: 'f', type: 'bool', help: 'Do not prompt for confirmation' },
    ],
  },
  run(engine, f, io) {
    const all = f.bool('all');
    if (!f.bool('force')) {
      io.stdout(all ? 'WARNING! This will remove all images without at least one container associated to them.' : 'WARNING! This will remove all dangling images.');
      io.stdout('Are you sure you want to continue? [y/N] ');
      if (!/^y(es)?$/i.test((io.stdin ?? '').trim())) return 0;
    }
    const used = new Set([...engine.containers.values()].map((c) => c.imageId));
    const lines: string[] = [];
    let reclaimed = 0;
    const before = new Set(engine.store.layers.keys());
    const sizes = new Map([...engine.store.layers].map(([d, l]) => [d, l.size]));
    for (const img of [...engine.store.images.values()].sort((a, b) => b.config.created - a.config.created)) {
      if (!engine.store.images.has(img.id) || used.has(img.id)) continue;
      const dangling = engine.store.isDangling(img);
      if (!all && (!dangling || engine.store.children(img.id).length > 0)) continue;
      if (all && engine.store.children(img.id).length > 0) continue;
      try {
        const refs = [...engine.store.repoTags(img.id), ...img.repoDigests];
        for (const r of refs) lines.push(...removeImage(engine, r, { force: true }).map(lower));
        if (engine.store.images.has(img.id)) lines.push(...removeImage(engine, img.id, { force: true }).map(lower));
      } catch {
        // an image that cannot go (a child appeared) stays, as with the daemon
      }
    }
    for (const d of before) if (!engine.store.layers.has(d)) reclaimed += sizes.get(d) ?? 0;
    if (lines.length) {
      io.stdout('Deleted Images:');
      for (const l of lines) io.stdout(l);
      io.stdout('');
    }
    io.stdout(`Total reclaimed space: ${humanSize(reclaimed)}`);
    return 0;
  },
};

function lower(l: string): string {
  return l.replace(/^Untagged:/, 'untagged:').replace(/^Deleted:/, 'deleted:');
}



/** One row of `docker history`, newest first, as the simulator and real mode both have it. */
export interface HistoryRowView {
  /** The image ID, or `<missing>` for rows of layers built elsewhere. */
  id: string;
  /** Unix seconds (0 or less: unknown). */
  created: number;
  createdBy: string;
  size: number;
  comment: string;
}

/** Prints `docker history` rows as the docker CLI does: `-q`, `--format`, or the default table. */
export function printHistory(io: { stdout(line: string): void }, rows: readonly HistoryRowView[], opts: { noTrunc: boolean; human: boolean; quiet: boolean; format?: string; now: number }): void {
  const id = (h: HistoryRowView) => (h.id === '<missing>' || opts.noTrunc ? h.id : shortId(h.id));
  if (opts.quiet) {
    for (const h of rows) io.stdout(id(h));
    return;
  }
  const ctx = rows.map((h) =>
    goStruct('*formatter.historyContext', {
      ID: id(h),
      CreatedSince: h.created <= 0 ? 'N/A' : opts.human ? ago(h.created, opts.now) : rfc3339(h.created),
      CreatedAt: rfc3339(h.created),
      CreatedBy: opts.noTrunc ? h.createdBy : ellipsis(h.createdBy.replace(/\t/g, ' '), 45),
      Size: opts.human ? humanSizeWithPrecision(h.size, 3) : String(h.size),
      Comment: h.comment,
    }),
  );
  const headers = { ID: 'IMAGE', CreatedSince: 'CREATED', CreatedAt: 'CREATED AT', CreatedBy: 'CREATED BY', Size: 'SIZE', Comment: 'COMMENT' };
  for (const l of formatRowLines(opts.format ?? 'table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}', ctx, headers)) io.stdout(l);
}
