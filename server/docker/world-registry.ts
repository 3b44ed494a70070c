/**
 * The registry part of the real WorldView: what the session's registry holds, read with
 * the distribution HTTP API (catalog, tags, manifests, image configs). The registry is
 * shared, so only repositories the session's images name are shown. Manifests and configs
 * are addressed by digest and never change, so each is fetched once.
 */
import type { ManifestView, RegistryView, RepositoryView } from '../../src/shared/world.js';
import type { ImageSummary } from './image-scope.js';

const MANIFEST_V2 = 'application/vnd.docker.distribution.manifest.v2+json';
const manifests = new Map<string, ManifestView>();
const TIMEOUT_MS = 3000;

async function get(url: string, init: RequestInit = {}): Promise<Response> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
  if (!res.ok) throw new Error(`${url}: ${res.status}`);
  return res;
}

/** The registry at `host` as the views draw it, limited to the repositories `images` are tagged or pulled in; null when it does not answer. */
export async function registryView(host: string, images: ImageSummary[]): Promise<RegistryView | null> {
  const port = host.slice(host.lastIndexOf(':'));
  const prefixes = [`${host}/`, `localhost${port}/`, `127.0.0.1${port}/`];
  const named = new Map<string, string>(); // repository -> the host spelling the learner used
  for (const img of images) {
    for (const ref of [...(img.RepoTags ?? []), ...(img.RepoDigests ?? [])]) {
      const pre = prefixes.find((p) => ref.startsWith(p));
      if (pre) named.set(ref.slice(pre.length).replace(/[:@].*$/, ''), pre.slice(0, -1));
    }
  }
  const base = `http://${host}/v2`;
  try {
    const catalog = (await (await get(`${base}/_catalog`)).json()) as { repositories?: string[] | null };
    const names = (catalog.repositories ?? []).filter((r) => named.has(r)).sort();
    const repositories: RepositoryView[] = await Promise.all(names.map((name) => repository(base, name)));
    const blobs = new Map<string, number>();
    const used: ManifestView[] = [];
    for (const r of repositories) {
      for (const d of r.manifests) {
        const m = manifests.get(d);
        if (!m || used.includes(m)) continue;
        used.push(m);
        for (const l of m.layers) blobs.set(l.digest, l.size);
      }
    }
    const spelled = [...named.values()][0] ?? host;
    return { host: spelled, repositories, manifests: used, blobs: [...blobs].map(([digest, size]) => ({ digest, size })) };
  } catch {
    return null;
  }
}

async function repository(base: string, name: string): Promise<RepositoryView> {
  const list = (await (await get(`${base}/${name}/tags/list`)).json()) as { tags?: string[] | null };
  const tags: Record<string, string> = {};
  await Promise.all(
    (list.tags ?? []).map(async (t) => {
      const head = await get(`${base}/${name}/manifests/${t}`, { method: 'HEAD', headers: { Accept: MANIFEST_V2 } });
      const digest = head.headers.get('docker-content-digest');
      if (!digest) return;
      tags[t] = digest;
      if (!manifests.has(digest)) manifests.set(digest, await manifest(base, name, digest));
    }),
  );
  const digests = [...new Set(Object.values(tags))];
  const blobs = [...new Set(digests.flatMap((d) => manifests.get(d)?.layers.map((l) => l.digest) ?? []))];
  return { name, tags: Object.fromEntries(Object.entries(tags).sort(([a], [b]) => (a < b ? -1 : 1))), manifests: digests, blobs };
}

async function manifest(base: string, name: string, digest: string): Promise<ManifestView> {
  const m = (await (await get(`${base}/${name}/manifests/${digest}`, { headers: { Accept: MANIFEST_V2 } })).json()) as { config: { digest: string }; layers: { digest: string; size: number }[] };
  const config = (await (await get(`${base}/${name}/blobs/${m.config.digest}`)).json()) as { rootfs?: { diff_ids?: string[] } };
  const diffIds = config.rootfs?.diff_ids ?? [];
  return { digest, configDigest: m.config.digest, layers: m.layers.map((l, i) => ({ digest: l.digest, diffId: diffIds[i] ?? '', size: l.size })) };
}
