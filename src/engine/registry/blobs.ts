/**
 * What a layer becomes on a registry: a gzip-compressed tarball with its own
 * digest and size, and the image config and manifest documents that name them.
 * Compressed sizes are computed by really compressing the layer's tar where its
 * bytes are known; modelled content (package files known only by size) uses a
 * typical compression ratio for binaries.
 */
import { deflateSync } from 'fflate';
import { Layer } from '../fs/layer.js';
import { sha256Hex, utf8 } from '../hash.js';
import type { ImageConfigDoc } from '../image/types.js';

/** gzip'd binaries and libraries shrink to about this share (busybox: 1,982,256 → 1,065,1xx bytes). */
const BINARY_RATIO = 0.5374;
const GZIP_FRAME = 18;

const compressed = new WeakMap<Layer, number>();

/** The tar stream of a layer with modelled files left empty (their size is added separately). */
function tarBytes(layer: Layer): { tar: Uint8Array; synthetic: number } {
  const parts: Uint8Array[] = [];
  let synthetic = 0;
  for (const [p, e] of layer.entries) {
    const base = p.slice(p.lastIndexOf('/') + 1);
    const name = e.type === 'whiteout' ? `${p.slice(1, p.length - base.length)}.wh.${base}` : p.slice(1) + (e.type === 'dir' ? '/' : '');
    const meta = e.type === 'whiteout' ? { mode: 0, uid: 0, gid: 0, mtime: 0 } : e;
    const size = e.type === 'file' && e.data ? e.data.length : 0;
    const type = e.type === 'dir' ? '5' : e.type === 'symlink' ? '2' : e.type === 'hardlink' ? '1' : '0';
    parts.push(ustarHeader(name, meta.mode, meta.uid, meta.gid, size, Math.floor(meta.mtime), type, e.type === 'symlink' || e.type === 'hardlink' ? e.target : ''));
    if (e.type === 'file') {
      if (e.data) {
        const padded = new Uint8Array(Math.ceil(e.data.length / 512) * 512);
        padded.set(e.data);
        parts.push(padded);
      } else synthetic += e.size;
    }
  }
  parts.push(new Uint8Array(1024));
  const len = parts.reduce((n, x) => n + x.length, 0);
  const tar = new Uint8Array(len);
  let off = 0;
  for (const x of parts) {
    tar.set(x, off);
    off += x.length;
  }
  return { tar, synthetic };
}

function ustarHeader(name: string, mode: number, uid: number, gid: number, size: number, mtime: number, type: string, link: string): Uint8Array {
  const h = new Uint8Array(512);
  const put = (v: string, off: number, max: number) => h.set(utf8(v).subarray(0, max), off);
  const oct = (n: number, width: number) => Math.max(0, n).toString(8).padStart(width - 1, '0') + '\0';
  put(name, 0, 100);
  put(oct(mode & 0o7777, 8), 100, 8);
  put(oct(uid, 8), 108, 8);
  put(oct(gid, 8), 116, 8);
  put(oct(size, 12), 124, 12);
  put(oct(mtime, 12), 136, 12);
  put('        ', 148, 8);
  put(type, 156, 1);
  put(link, 157, 100);
  put('ustar\u000000', 257, 8);
  put(uid === 0 ? 'root' : '', 265, 32);
  put(gid === 0 ? 'root' : '', 297, 32);
  let sum = 0;
  for (const b of h) sum += b;
  put(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8);
  return h;
}

/** Size of the layer's gzip blob as a registry stores it. */
export function compressedSize(layer: Layer): number {
  let n = compressed.get(layer);
  if (n === undefined) {
    const { tar, synthetic } = tarBytes(layer);
    n = GZIP_FRAME + deflateSync(tar, { level: 6 }).length + Math.round(synthetic * BINARY_RATIO);
    compressed.set(layer, n);
  }
  return n;
}

/** Digest of the layer's gzip blob (what `docker pull` prints), distinct from its diff ID. */
export function blobDigest(layer: Layer): string {
  return 'sha256:' + sha256Hex(`gzip\0${layer.diffId}`);
}

/** The image config as the daemon serializes it (Go field order), whose length the manifest records. */
export function configJson(doc: ImageConfigDoc): string {
  const time = (t: number) => new Date(Math.floor(t * 1000)).toISOString().replace(/\.\d{3}Z$/, `.${String(Math.round((t % 1) * 1e9)).padStart(9, '0')}Z`);
  // the daemon (classic builds, commits) writes every config field; BuildKit's exporter omits empty ones
  const config = doc.container ? doc.config : Object.fromEntries(Object.entries(doc.config).filter(([, v]) => v !== null && v !== '' && v !== false));
  const ordered: Record<string, unknown> = { architecture: doc.architecture, config };
  if (doc.container) {
    ordered.container = doc.container;
    ordered.container_config = { ...doc.config, Cmd: ['/bin/sh', '-c', '#(nop) '] };
  }
  ordered.created = time(doc.created);
  if (doc.container) ordered.docker_version = '20.10.24+dfsg1';
  ordered.history = doc.history.map((h) => ({ created: time(h.created), created_by: h.created_by, ...(h.comment ? { comment: h.comment } : {}), ...(h.empty_layer ? { empty_layer: true } : {}) }));
  ordered.os = doc.os;
  ordered.rootfs = doc.rootfs;
  return JSON.stringify(ordered);
}

export interface ManifestLayer {
  digest: string;
  size: number;
  diffId: string;
}

/** A schema 2 manifest, serialized as the Docker daemon does (3-space indent). */
export function manifestJson(config: { digest: string; size: number }, layers: ManifestLayer[]): string {
  const doc = {
    schemaVersion: 2,
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: config.size, digest: config.digest },
    layers: layers.map((l) => ({ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: l.size, digest: l.digest })),
  };
  return JSON.stringify(doc, null, 3);
}
