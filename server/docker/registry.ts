/**
 * `docker push` and `docker pull` on the real engine, only against the session's registry.
 * Output is what the docker CLI prints without a TTY: status lines, never progress bars.
 */
import { pull as pullCommand, push as pushCommand } from '../../src/cli/commands/registry.js';
import { familiarName, parseReference, type Reference } from '../../src/engine/image/reference.js';
import type { TransferTotals } from '../../src/shared/events.js';
import { daemonMessage, jsonLines, parseCommandFlags } from './cli-flags.js';
import { LABEL_BASE, LABEL_SESSION, type CommandIO, type RealCommand, type SessionScope } from './types.js';

/** The simulator's link speed (100 Mbit/s), so real and simulated transfer totals compare. */
const LINK_BYTES_PER_SECOND = 12_500_000;

/** One message of the daemon's JSON progress stream. */
interface ProgressMessage {
  status?: string;
  id?: string;
  progressDetail?: { current?: number; total?: number };
  aux?: { Tag?: string; Digest?: string; Size?: number };
  error?: string;
  errorDetail?: { message?: string };
}

/** The line the CLI prints for a message without a TTY, or null (progress bars are dropped there). */
export function plainLine(m: ProgressMessage): string | null {
  if (m.status === undefined) return null;
  const d = m.progressDetail;
  if (d && ((d.current ?? 0) > 0 || (d.total ?? 0) > 0)) return null;
  return m.id ? `${m.id}: ${m.status}` : m.status;
}

/** `host:port` forms of one address, so `localhost:5000` and `127.0.0.1:5000` are the same registry. */
function sameHost(a: string, b: string): boolean {
  const norm = (h: string) => h.replace(/^localhost(?=:|$)/, '127.0.0.1');
  return norm(a) === norm(b);
}

/** Parses the reference and checks it names the session's registry; prints the refusal otherwise. */
function checkReference(scope: SessionScope, ref: string, io: CommandIO, verb: 'push' | 'pull'): Reference | null {
  let r: Reference;
  try {
    r = parseReference(ref);
  } catch (e) {
    io.stderr(`${(e as Error).message}`);
    return null;
  }
  if (!scope.registry) {
    io.stderr(`layerlab: there is no registry in real mode on this server, so nothing can be ${verb === 'push' ? 'pushed' : 'pulled'}`);
    return null;
  }
  if (!sameHost(r.domain, scope.registry)) {
    io.stderr(`layerlab: real mode can only ${verb} ${verb === 'push' ? 'to' : 'from'} the local registry ${scope.registry} (${r.domain} is not reachable from here); name the image ${scope.registry}/${r.path.replace(/^library\//, '')}`);
    return null;
  }
  return r;
}

/** Registry HTTP: the manifest a tag or digest names, for compressed layer sizes and digests. */
async function fetchManifest(registry: string, path: string, ref: string): Promise<{ layers: { digest: string; size: number }[] } | null> {
  try {
    const res = await fetch(`http://${registry}/v2/${path}/manifests/${ref}`, { headers: { Accept: 'application/vnd.docker.distribution.manifest.v2+json' }, signal: AbortSignal.timeout(5000) });
    if (!res.ok) return null;
    return (await res.json()) as { layers: { digest: string; size: number }[] };
  } catch {
    return null;
  }
}

function totals(bytesMoved: number, bytesSaved: number): TransferTotals {
  return { bytesMoved, bytesSaved, seconds: bytesMoved / LINK_BYTES_PER_SECOND, linkBytesPerSecond: LINK_BYTES_PER_SECOND };
}

/** Streams a push or pull, printing its lines; returns the last status per layer ID and the error, if any. */
async function follow(io: CommandIO, open: () => Promise<unknown>, print: (line: string) => void, onAux: (aux: NonNullable<ProgressMessage['aux']>) => void): Promise<{ last: Map<string, string> } | number> {
  const last = new Map<string, string>();
  let error: string | undefined;
  try {
    const stream = (await open()) as NodeJS.ReadableStream;
    await jsonLines(stream, (raw) => {
      const m = raw as ProgressMessage;
      if (m.error || m.errorDetail) {
        error = m.errorDetail?.message ?? m.error;
        return;
      }
      if (m.aux) onAux(m.aux);
      if (m.id && m.status) last.set(m.id, m.status);
      const line = plainLine(m);
      if (line !== null) print(line);
    });
  } catch (e) {
    if (io.signal.aborted) return 130;
    io.stderr(`Error response from daemon: ${daemonMessage(e)}`);
    return 1;
  }
  if (error) {
    io.stderr(error);
    return 1;
  }
  return { last };
}

/** `docker push NAME[:TAG]` to the session's registry. */
export const push: RealCommand = async (scope, argv, io) => {
  const f = parseCommandFlags(pushCommand.spec, argv, io);
  if (typeof f === 'number') return f;
  const r = checkReference(scope, f.args[0]!, io, 'push');
  if (!r) return 1;
  const repository = familiarName(r);
  const print = f.bool('quiet') ? () => {} : (l: string) => io.stdout(l);
  // an image of another session is as absent as a missing one
  const local = await inspectOwned(scope, r.tag ? `${repository}:${r.tag}` : repository);
  if (r.tag && !local) {
    print(`The push refers to repository [${repository}]`);
    io.stderr(`An image does not exist locally with the tag: ${repository}`);
    return 1;
  }
  const pushed: { tag: string; digest: string }[] = [];
  const outcome = await follow(io, () => scope.docker.getImage(repository).push({ ...(r.tag ? { tag: r.tag } : {}), authconfig: {}, abortSignal: io.signal } as Record<string, unknown>), print, (aux) => {
    if (aux.Tag && aux.Digest) pushed.push({ tag: aux.Tag, digest: aux.Digest });
  });
  if (typeof outcome === 'number') return outcome;
  for (const { tag, digest } of pushed) {
    const img = local ?? (await inspectOwned(scope, `${repository}:${tag}`));
    const diffIds = img?.RootFS?.Layers ?? [];
    const manifest = await fetchManifest(scope.registry!, r.path, digest);
    let moved = 0;
    let saved = 0;
    // an image can hold the same layer twice (two RUNs that change nothing alike): docker pushes it once
    const seen = new Set<string>();
    diffIds.forEach((diffId, i) => {
      if (seen.has(diffId)) return;
      seen.add(diffId);
      const status = outcome.last.get(diffId.replace(/^sha256:/, '').slice(0, 12)) ?? '';
      const size = manifest?.layers[i]?.size ?? 0;
      const mounted = /^Mounted from (.+)$/.exec(status);
      const kind = mounted ? 'Mounted from' : status === 'Pushed' ? 'Pushed' : 'Layer already exists';
      if (kind === 'Pushed') moved += size;
      else saved += size;
      io.event({ type: 'push.layer', repository, diffId, status: kind, ...(mounted ? { from: mounted[1] } : {}), size });
    });
    io.event({ type: 'push.done', repository, tag, digest, transfer: totals(moved, saved) });
  }
  return 0;
};

/** `docker pull NAME[:TAG|@DIGEST]` from the session's registry. */
export const pull: RealCommand = async (scope, argv, io) => {
  const f = parseCommandFlags(pullCommand.spec, argv, io);
  if (typeof f === 'number') return f;
  const r = checkReference(scope, f.args[0]!, io, 'pull');
  if (!r) return 1;
  const repository = familiarName(r);
  const reference = r.digest ? `${repository}@${r.digest}` : `${repository}:${r.tag ?? 'latest'}`;
  const quiet = f.bool('quiet');
  let digest = '';
  let downloaded = false;
  const outcome = await follow(io, () => scope.docker.pull(reference, { authconfig: {}, abortSignal: io.signal } as Record<string, unknown>), (l) => {
    const d = /^Digest: (sha256:[0-9a-f]{64})$/.exec(l);
    if (d) digest = d[1]!;
    if (l.startsWith('Status: Downloaded newer image')) downloaded = true;
    if (!quiet) io.stdout(l);
  }, () => {});
  if (typeof outcome === 'number') return outcome;
  // the CLI names what it pulled last, also with -q
  io.stdout(reference);
  const manifest = await fetchManifest(scope.registry!, r.path, r.digest ?? digest);
  let moved = 0;
  let saved = 0;
  for (const l of manifest?.layers ?? []) {
    const status = outcome.last.get(l.digest.replace(/^sha256:/, '').slice(0, 12));
    if (status !== 'Pull complete' && status !== 'Already exists') continue;
    if (status === 'Pull complete') moved += l.size;
    else saved += l.size;
    io.event({ type: 'pull.layer', repository, digest: l.digest, status, size: l.size });
  }
  const img = (await scope.docker.getImage(reference).inspect()) as { Id: string };
  if (downloaded) io.event({ type: 'image.pulled', imageId: img.Id, reference });
  io.event({ type: 'pull.done', reference, digest, imageId: img.Id, transfer: totals(moved, saved) });
  return 0;
};

/** Inspects an image the session may use (its own or a seeded base), else null. */
async function inspectOwned(scope: SessionScope, ref: string): Promise<{ Id: string; RootFS?: { Layers?: string[] }; Config?: { Labels?: Record<string, string> | null } } | null> {
  try {
    const img = (await scope.docker.getImage(ref).inspect()) as { Id: string; RootFS?: { Layers?: string[] }; Config?: { Labels?: Record<string, string> | null } };
    const labels = img.Config?.Labels ?? {};
    // images built FROM a base inherit its base label: the session label decides first
    const session = labels[LABEL_SESSION];
    return session === scope.sessionId || (session === undefined && labels[LABEL_BASE] !== undefined) ? img : null;
  } catch {
    return null;
  }
}
