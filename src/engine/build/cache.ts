/**
 * Build cache keys, computed in one place. A step's key covers its parent's
 * key, the instruction after substitution, the build args in scope, the
 * runtime config it runs with, and the checksums of the files it reads. The
 * same descriptors explain a miss: which part differs from what is cached.
 */
import type { MissReason } from '../../shared/events.js';
import { sha256Hex } from '../hash.js';
import { canonicalJson } from '../image/store.js';

/** What a step's cache key is made of, kept to explain misses. */
export interface StepDescriptor {
  /** The instruction as it will run (after substitution; RUN: its argv). */
  text: string;
  /** Build args in scope, by name. */
  args: Record<string, string>;
  /** Files a COPY/ADD reads: path → content digest and mode. */
  files?: Record<string, string>;
  /** One checksum of `files` (what the key uses; the map is kept to explain misses). */
  filesSum?: string;
  /** The runtime config the step runs with (env, user, workdir...), canonical JSON. */
  config?: string;
}

/** The cache key of a step on top of a parent key. */
export function cacheKey(parent: string, d: StepDescriptor): string {
  return 'sha256:' + sha256Hex(`${parent}\n${d.text}\n${canonicalJson(d.args)}\n${d.filesSum ?? ''}\n${d.config ?? ''}`);
}

/** Why `d` missed, given the descriptors cached on the same parent. */
export function explainMiss(d: StepDescriptor, candidates: StepDescriptor[]): MissReason {
  if (candidates.length === 0) return { kind: 'new' };
  const same = candidates.filter((c) => c.text === d.text);
  if (same.length === 0) return { kind: 'instruction-changed', previous: candidates[candidates.length - 1]!.text };
  const c = same[same.length - 1]!;
  const files = diffFiles(c.files, d.files);
  if (files.length > 0) return { kind: 'files-changed', files };
  const args = diffRecords(c.args, d.args);
  if (args.length > 0) return { kind: 'build-arg-changed', args };
  if ((c.config ?? '') !== (d.config ?? '')) return { kind: 'config-changed', fields: configFields(c.config, d.config) };
  return { kind: 'new' };
}

/** Files added, removed or changed between two COPY sources, sorted. */
function diffFiles(a: Record<string, string> | undefined, b: Record<string, string> | undefined): string[] {
  return diffRecords(a ?? {}, b ?? {});
}

/** Keys that were added, removed or changed between two records, sorted. */
function diffRecords(a: Record<string, string>, b: Record<string, string>): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => a[k] !== b[k]).sort();
}

function configFields(a?: string, b?: string): string[] {
  try {
    const x = JSON.parse(a ?? '{}') as Record<string, unknown>;
    const y = JSON.parse(b ?? '{}') as Record<string, unknown>;
    return [...new Set([...Object.keys(x), ...Object.keys(y)])].filter((k) => canonicalJson(x[k]) !== canonicalJson(y[k])).sort();
  } catch {
    return [];
  }
}

/** One BuildKit cache record: a solved step and the layer it produced. */
export interface CacheRecord {
  key: string;
  parent: string;
  desc: StepDescriptor;
  /** The layer the step produced (null: no layer, e.g. `WORKDIR /`). */
  diffId: string | null;
  /** When the step ran; the image history takes its times from here. */
  created: number;
}

/** BuildKit's build cache: survives `docker rmi`, emptied by `docker builder prune`. */
export class BuildCache {
  readonly records = new Map<string, CacheRecord>();

  get(key: string): CacheRecord | undefined {
    return this.records.get(key);
  }

  put(rec: CacheRecord): void {
    this.records.set(rec.key, rec);
  }

  /** Descriptors cached on a parent key, oldest first (for miss explanations). */
  siblings(parent: string): StepDescriptor[] {
    return [...this.records.values()].filter((r) => r.parent === parent).sort((a, b) => a.created - b.created).map((r) => r.desc);
  }

  /** Layers the cache holds, which `docker rmi` must not delete. */
  heldLayers(): Set<string> {
    const s = new Set<string>();
    for (const r of this.records.values()) if (r.diffId) s.add(r.diffId);
    return s;
  }

  /** Empties the cache (`docker builder prune -a`); returns how many records went. */
  clear(): number {
    const n = this.records.size;
    this.records.clear();
    return n;
  }
}
