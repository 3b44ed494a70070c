/**
 * A layer: an immutable set of changes (the content of one layer tarball).
 * Its diff ID is the sha256 of a canonical serialization, so equal changes give
 * equal IDs and any change to a byte, a mode, an owner or a time gives a new one.
 */
import { sha256Hex } from '../hash.js';
import type { Entry } from './types.js';

/** The diff ID Docker gives an empty layer tarball (1024 zero bytes). */
export const EMPTY_LAYER_DIFF_ID = 'sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef';

export class Layer {
  readonly entries: ReadonlyMap<string, Entry>;
  /** Paths that hide what lies under them in lower layers (whiteouts, opaque dirs, non-directories). */
  readonly blockers: ReadonlyMap<string, 'whiteout' | 'opaque' | 'nondir'>;
  private _diffId?: string;
  private _size?: number;
  private _children?: Map<string, string[]>;

  constructor(entries: Iterable<[string, Entry]>) {
    const sorted = [...entries].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    this.entries = new Map(sorted);
    const blockers = new Map<string, 'whiteout' | 'opaque' | 'nondir'>();
    for (const [p, e] of sorted) {
      if (e.type === 'whiteout') blockers.set(p, 'whiteout');
      else if (e.type === 'dir') {
        if (e.opaque) blockers.set(p, 'opaque');
      } else blockers.set(p, 'nondir');
    }
    this.blockers = blockers;
  }

  /** True when the layer has no entries (its tarball is the empty tar). */
  get isEmpty(): boolean {
    return this.entries.size === 0;
  }

  /** The layer's diff ID: sha256 of the canonical serialization of its entries. */
  get diffId(): string {
    if (this._diffId === undefined) {
      if (this.isEmpty) this._diffId = EMPTY_LAYER_DIFF_ID;
      else this._diffId = 'sha256:' + sha256Hex(this.serialize());
    }
    return this._diffId;
  }

  /**
   * Bytes the layer occupies, as the daemon counts them: file and symlink sizes,
   * each hardlinked file once, directories and whiteouts 0.
   */
  get size(): number {
    if (this._size === undefined) {
      let n = 0;
      for (const e of this.entries.values()) {
        if (e.type === 'file') n += e.size;
        else if (e.type === 'symlink') n += e.target.length;
      }
      this._size = n;
    }
    return this._size;
  }

  /** The direct children named in this layer for a directory path. */
  children(dir: string): readonly string[] {
    if (!this._children) {
      const idx = new Map<string, string[]>();
      for (const p of this.entries.keys()) {
        if (p === '/') continue;
        const i = p.lastIndexOf('/');
        const parent = i <= 0 ? '/' : p.slice(0, i);
        let list = idx.get(parent);
        if (!list) idx.set(parent, (list = []));
        list.push(p.slice(i + 1));
      }
      this._children = idx;
    }
    return this._children.get(dir) ?? [];
  }

  /** One line per entry, sorted by path: what the diff ID is computed from. */
  serialize(): string {
    const lines: string[] = [];
    for (const [p, e] of this.entries) {
      switch (e.type) {
        case 'whiteout':
          lines.push(`${p}\0w`);
          break;
        case 'file':
          lines.push(`${p}\0f\0${e.mode}\0${e.uid}\0${e.gid}\0${e.mtime}\0${e.size}\0${e.digest}`);
          break;
        case 'dir':
          lines.push(`${p}\0d\0${e.mode}\0${e.uid}\0${e.gid}\0${e.mtime}\0${e.opaque ? 1 : 0}`);
          break;
        case 'symlink':
        case 'hardlink':
          lines.push(`${p}\0${e.type === 'symlink' ? 's' : 'h'}\0${e.mode}\0${e.uid}\0${e.gid}\0${e.mtime}\0${e.target}`);
          break;
      }
    }
    return lines.join('\n');
  }

  /** A JSON-safe form of the layer (file bytes as base64). */
  toJSON(): SerializedLayer {
    return [...this.entries].map(([p, e]) => {
      if (e.type === 'file' && e.data) return [p, { ...e, data: bytesToBase64(e.data) }];
      return [p, e as SerializedEntry];
    });
  }

  /** Restores a layer from `toJSON()` output. */
  static fromJSON(json: SerializedLayer): Layer {
    return new Layer(
      json.map(([p, e]) => {
        if (e.type === 'file' && typeof e.data === 'string') return [p, { ...e, data: base64ToBytes(e.data) } as Entry];
        return [p, e as Entry] as [string, Entry];
      }),
    );
  }
}

type SerializedEntry = Omit<Entry, 'data'> & { type: Entry['type']; data?: string };
export type SerializedLayer = [string, SerializedEntry][];

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Base64 without DOM or Node APIs, so snapshots work in both. */
export function bytesToBase64(b: Uint8Array): string {
  let out = '';
  for (let i = 0; i < b.length; i += 3) {
    const n = (b[i]! << 16) | ((b[i + 1] ?? 0) << 8) | (b[i + 2] ?? 0);
    out += B64[(n >> 18) & 63]! + B64[(n >> 12) & 63]!;
    out += i + 1 < b.length ? B64[(n >> 6) & 63]! : '=';
    out += i + 2 < b.length ? B64[n & 63]! : '=';
  }
  return out;
}

/** Decodes `bytesToBase64` output. */
export function base64ToBytes(s: string): Uint8Array {
  const clean = s.replace(/=+$/, '');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let o = 0;
  for (let i = 0; i < clean.length; i += 4) {
    const n =
      (B64.indexOf(clean[i]!) << 18) |
      (B64.indexOf(clean[i + 1] ?? 'A') << 12) |
      (B64.indexOf(clean[i + 2] ?? 'A') << 6) |
      B64.indexOf(clean[i + 3] ?? 'A');
    if (o < out.length) out[o++] = (n >> 16) & 255;
    if (o < out.length) out[o++] = (n >> 8) & 255;
    if (o < out.length) out[o++] = n & 255;
  }
  return out;
}
