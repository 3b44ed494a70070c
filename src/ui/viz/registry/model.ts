/**
 * The Registry view's data, pure: every layer known locally or in a registry as one row
 * (a shared layer is one row, stored once per place), local images and registry manifests
 * as columns grouped by where they live, tags as labels on the column they point at, and
 * the last push or pull as one line per layer with what happened to it. No DOM.
 */
import type { EngineEvent, TransferTotals } from '../../../shared/events.js';
import type { WorldView } from '../../../shared/world.js';
import type { TransferRecord } from '../../../state/world.svelte.js';
import { familiarRepository, plural, repositoryOf, secondsText, shortDigest, sizeText, speedText, splitRepository } from '../runtime-common/names.js';

/** One layer, known by its diff ID wherever it is stored. */
export interface LayerRow {
  diffId: string;
  /** Uncompressed bytes locally, else the compressed blob size. */
  size: number;
  short: string;
}

/** A local image or a registry manifest (in one repository): which rows it uses. */
export interface Column {
  key: string;
  /** What the column stands for: `app` or `localhost:5000/app`. */
  title: string;
  /** Tags pointing at it (`v1`, `latest`...), as labels that move when a tag moves. */
  tags: string[];
  /** Image ID or manifest digest. */
  digest: string;
  /** Its layers' diff IDs, base first. */
  layers: string[];
}

/** This machine or one registry. */
export interface Place {
  key: string;
  title: string;
  columns: Column[];
  /** Distinct layers stored there, each once. */
  stored: string[];
  storedBytes: number;
}

export type LayerOutcome = 'uploaded' | 'already there' | 'mounted' | 'downloaded' | 'already present';

/** What one push or pull did with one layer. */
export interface TransferLine {
  key: string;
  index: number;
  of: number;
  image: string;
  diffId?: string;
  size: number;
  outcome: LayerOutcome;
  /** true when bytes went over the link. */
  moved: boolean;
  /** Seconds at the chosen link speed (0 for a reused layer). */
  seconds: number;
  text: string;
}

export interface TransferModel {
  kind: 'push' | 'pull';
  image: string;
  /** The registry's familiar repository (`localhost:5000/app`). */
  repository: string;
  host: string;
  lines: TransferLine[];
  done: boolean;
  bytesMoved: number;
  bytesSaved: number;
  seconds: number;
  summary: string;
}

export interface RegistryModel {
  rows: LayerRow[];
  places: Place[];
  transfer?: TransferModel;
  /** Every push and pull in the event log, added up. */
  running: { transfers: number; bytesMoved: number; bytesSaved: number; seconds: number; secondsSaved: number };
  /** The same facts as sentences, for the text alternative. */
  text: string[];
}

type Ev<T extends EngineEvent['type']> = Extract<EngineEvent, { type: T }>;

const OUTCOME: Record<string, LayerOutcome> = {
  Pushed: 'uploaded',
  'Layer already exists': 'already there',
  'Mounted from': 'mounted',
  'Pull complete': 'downloaded',
  'Already exists': 'already present',
};

/** Builds the Registry view's model from a snapshot, the last transfer and the event log, at `bytesPerSecond`. */
export function registryModel(
  world: WorldView,
  transfer: TransferRecord | undefined,
  events: readonly { seq: number; event: EngineEvent }[],
  bytesPerSecond: number,
): RegistryModel {
  const speed = bytesPerSecond > 0 && Number.isFinite(bytesPerSecond) ? bytesPerSecond : world.linkBytesPerSecond || 12_500_000;
  const rows = new Map<string, LayerRow>();
  const addRow = (diffId: string, size: number) => {
    if (!rows.has(diffId)) rows.set(diffId, { diffId, size, short: shortDigest(diffId) });
  };

  // this machine: tagged (or dangling) images, newest first as docker images lists them
  const localColumns: Column[] = [];
  const localStored = new Map<string, number>();
  for (const img of world.images ?? []) {
    if (img.tags.length === 0 && !img.dangling) continue;
    const layers = img.layers.filter((l) => !l.empty && l.diffId);
    for (const l of layers) {
      addRow(l.diffId!, l.size);
      localStored.set(l.diffId!, l.size);
    }
    // a row per repository, as docker images lists them; the layers stay stored once
    const byRepo = groupTags(img.tags);
    for (const [repo, tags] of byRepo.length ? byRepo : [['<none>', ['<none>']] as [string, string[]]]) {
      localColumns.push({ key: `local|${img.id}|${repo}`, title: repo, tags, digest: img.id, layers: layers.map((l) => l.diffId!) });
    }
  }
  const places: Place[] = [
    { key: 'local', title: 'This machine', columns: localColumns, stored: [...localStored.keys()], storedBytes: sum([...localStored.values()]) },
  ];

  for (const reg of world.registries ?? []) {
    const manifests = new Map(reg.manifests.map((m) => [m.digest, m]));
    const blobDiff = new Map<string, string>();
    for (const m of reg.manifests) for (const l of m.layers) blobDiff.set(l.digest, l.diffId);
    const columns: Column[] = [];
    for (const repo of reg.repositories) {
      const title = familiarRepository(reg.host, repo.name);
      for (const digest of repo.manifests) {
        const m = manifests.get(digest);
        const layers = (m?.layers ?? []).map((l) => l.diffId);
        for (const l of m?.layers ?? []) addRow(l.diffId, l.size);
        const tags = Object.entries(repo.tags)
          .filter(([, d]) => d === digest)
          .map(([t]) => t)
          .sort();
        columns.push({ key: `${reg.host}|${repo.name}|${digest}`, title, tags, digest, layers });
      }
    }
    const stored = reg.blobs.map((b) => blobDiff.get(b.digest) ?? b.digest);
    for (const b of reg.blobs) if (!blobDiff.has(b.digest)) addRow(b.digest, b.size);
    places.push({ key: reg.host, title: reg.host, columns, stored, storedBytes: sum(reg.blobs.map((b) => b.size)) });
  }

  const t = transfer ? transferModel(world, transfer, speed) : undefined;
  const running = runningTotals(events, speed);
  const model: RegistryModel = { rows: [...rows.values()], places, running, text: [] };
  if (t) model.transfer = t;
  model.text = describe(model, speed);
  return model;
}

function transferModel(world: WorldView, tr: TransferRecord, speed: number): TransferModel {
  const done = tr.done;
  const first = tr.layers[0];
  const repository = done ? (done.type === 'push.done' ? done.repository : repositoryOf(done.reference)) : first ? first.repository : '';
  const image = done ? (done.type === 'push.done' ? `${done.repository}:${done.tag}` : done.reference) : repository;
  const { host, path } = splitRepository(repository);
  // the image's layers base first, to say "layer 2 of 3"
  let order: { diffId: string; digest?: string }[] = [];
  if (tr.kind === 'push') {
    const img = world.images.find((i) => i.tags.includes(image)) ?? (done?.type === 'push.done' ? world.images.find((i) => i.digests.includes(`${done.repository}@${done.digest}`)) : undefined);
    order = img ? img.layers.filter((l) => !l.empty && l.diffId).map((l) => ({ diffId: l.diffId! })) : [];
  } else {
    const reg = world.registries.find((r) => r.host === host);
    const m = reg?.manifests.find((x) => x.digest === done?.digest);
    order = m ? m.layers.map((l) => ({ diffId: l.diffId, digest: l.digest })) : [];
  }
  const n = order.length || tr.layers.length;
  const lines: TransferLine[] = tr.layers.map((e, i) => {
    const outcome = OUTCOME[e.status] ?? 'uploaded';
    const diffId = e.type === 'push.layer' ? e.diffId : order.find((o) => o.digest === e.digest)?.diffId;
    let index = order.findIndex((o) => (e.type === 'push.layer' ? o.diffId === e.diffId : o.digest === e.digest)) + 1;
    // push events come top layer first: without the image, count down
    if (index === 0) index = e.type === 'push.layer' ? n - i : i + 1;
    const moved = outcome === 'uploaded' || outcome === 'downloaded';
    const where =
      outcome === 'uploaded'
        ? `uploaded to ${repository}`
        : outcome === 'already there'
          ? `already in ${repository}`
          : outcome === 'mounted'
            ? `mounted from ${e.type === 'push.layer' && e.from ? familiarRepository(host, e.from) : 'another repository'} into ${repository}`
            : outcome === 'downloaded'
              ? `downloaded from ${repository}`
              : 'already present locally';
    const size = Math.max(0, e.size || 0);
    const line: TransferLine = {
      key: `${e.type}|${e.type === 'push.layer' ? e.diffId : e.digest}|${i}`,
      index,
      of: n,
      image,
      size,
      outcome,
      moved,
      seconds: moved ? size / speed : 0,
      text: `Layer ${index} of ${n} of ${image}, ${sizeText(size)}, ${where}`,
    };
    if (diffId) line.diffId = diffId;
    return line;
  });
  lines.sort((a, b) => a.index - b.index);
  const bytesMoved = done ? done.transfer.bytesMoved : sum(lines.filter((l) => l.moved).map((l) => l.size));
  const bytesSaved = done ? done.transfer.bytesSaved : sum(lines.filter((l) => !l.moved).map((l) => l.size));
  const seconds = bytesMoved / speed;
  const verb = tr.kind === 'push' ? 'Pushed' : 'Pulled';
  const summary = `${done ? verb : tr.kind === 'push' ? 'Pushing' : 'Pulling'} ${image}${path ? '' : ''}: ${sizeText(bytesMoved)} moved, ${sizeText(bytesSaved)} saved, ${secondsText(seconds)} at ${speedText(speed)}`;
  return { kind: tr.kind, image, repository, host, lines, done: !!done, bytesMoved, bytesSaved, seconds, summary };
}

/** Bytes moved and saved by every finished push and pull in the log, timed at `speed`. */
export function runningTotals(events: readonly { seq: number; event: EngineEvent }[], speed: number): RegistryModel['running'] {
  let transfers = 0;
  let bytesMoved = 0;
  let bytesSaved = 0;
  for (const { event } of events ?? []) {
    if (event.type !== 'push.done' && event.type !== 'pull.done') continue;
    const t: TransferTotals | undefined = (event as Ev<'push.done'> | Ev<'pull.done'>).transfer;
    transfers++;
    bytesMoved += t?.bytesMoved ?? 0;
    bytesSaved += t?.bytesSaved ?? 0;
  }
  return { transfers, bytesMoved, bytesSaved, seconds: bytesMoved / speed, secondsSaved: bytesSaved / speed };
}

/** `[['app', ['latest', 'v1']], ['localhost:5000/app', ['v1']]]` from `repo:tag` references. */
function groupTags(tags: string[]): [string, string[]][] {
  const by = new Map<string, string[]>();
  for (const t of tags) {
    const repo = repositoryOf(t);
    by.set(repo, [...(by.get(repo) ?? []), t.slice(repo.length + 1)]);
  }
  return [...by];
}

function sum(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

function describe(m: RegistryModel, speed: number): string[] {
  const out: string[] = [];
  if (m.transfer) {
    out.push(m.transfer.summary + '.');
    for (const l of m.transfer.lines) out.push(l.text + '.');
  }
  const r = m.running;
  if (r.transfers > 0) {
    out.push(`All ${plural(r.transfers, 'push and pull').replace('push and pulls', 'pushes and pulls')} so far: ${sizeText(r.bytesMoved)} moved, ${sizeText(r.bytesSaved)} saved, ${secondsText(r.seconds)} on the wire at ${speedText(speed)} (${secondsText(r.secondsSaved)} saved).`);
  }
  const index = new Map(m.rows.map((row, i) => [row.diffId, i + 1]));
  for (const p of m.places) {
    if (p.columns.length === 0 && p.key === 'local') {
      out.push('This machine has no images yet.');
      continue;
    }
    out.push(`${p.title}: ${p.key === 'local' ? plural(new Set(p.columns.map((c) => c.digest)).size, 'image') : plural(p.columns.length, 'manifest')}, ${plural(p.stored.length, 'layer')} stored once, ${sizeText(p.storedBytes)}.`);
    for (const c of p.columns.slice(0, 60)) {
      const tags = c.tags.length ? `tags ${c.tags.join(', ')}` : 'untagged';
      out.push(`${p.title === 'This machine' ? '' : 'Repository '}${c.title} (${tags}), ${p.key === 'local' ? 'image' : 'manifest'} ${shortDigest(c.digest)}: ${plural(c.layers.length, 'layer')} (rows ${c.layers.map((d) => index.get(d)).join(', ') || 'none'}).`);
    }
    if (p.columns.length > 60) out.push(`and ${p.columns.length - 60} more.`);
  }
  return out;
}
