/**
 * Small pure helpers the runtime views (registry, containers, lifecycle) share: how a
 * familiar repository name splits into registry host and path, short digests, sizes and
 * link speeds in words. No DOM, no engine.
 */
import { humanSize } from '../../../shared/format/units.js';

/** `localhost:5000/app` -> { host: 'localhost:5000', path: 'app' }; `alpine` -> docker.io, `library/alpine`. */
export function splitRepository(name: string): { host: string; path: string } {
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  // Docker's rule: the first component is a registry when it has a dot or a port, or is localhost
  if (first && (first.includes('.') || first.includes(':') || first === 'localhost')) return { host: first, path: name.slice(slash + 1) };
  return { host: 'docker.io', path: slash < 0 ? `library/${name}` : name };
}

/** The name `docker images` shows for a registry path (`library/alpine` on docker.io is `alpine`). */
export function familiarRepository(host: string, path: string): string {
  if (host !== 'docker.io') return `${host}/${path}`;
  return path.startsWith('library/') && path.split('/').length === 2 ? path.slice(8) : path;
}

/** `repo:tag` or `repo@digest` -> the repository part. */
export function repositoryOf(reference: string): string {
  const at = reference.indexOf('@');
  const rest = at >= 0 ? reference.slice(0, at) : reference;
  const colon = rest.lastIndexOf(':');
  return colon > rest.lastIndexOf('/') ? rest.slice(0, colon) : rest;
}

/** The first 12 hex digits of a digest (`sha256:abc...` -> `abc...`), as docker shows IDs. */
export function shortDigest(digest: string): string {
  const hex = digest.includes(':') ? digest.slice(digest.indexOf(':') + 1) : digest;
  return hex.slice(0, 12);
}

/** Bytes as docker prints them, with a space for reading aloud: `1.2 MB`. */
export function sizeText(bytes: number): string {
  const s = humanSize(Math.max(0, bytes || 0));
  return s.replace(/^([\d.e+]+)(\w+)$/, '$1 $2');
}

/** A link speed in bits per second words: `100 Mbit/s`. */
export function speedText(bytesPerSecond: number): string {
  const bits = bytesPerSecond * 8;
  if (bits >= 1e9) return `${+(bits / 1e9).toPrecision(3)} Gbit/s`;
  if (bits >= 1e6) return `${+(bits / 1e6).toPrecision(3)} Mbit/s`;
  return `${+(bits / 1e3).toPrecision(3)} kbit/s`;
}

/** Seconds in words short enough for a label: `0.4 s`, `12 s`, `3 min 5 s`. */
export function secondsText(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds <= 0) return '0 s';
  if (seconds < 10) return `${+seconds.toFixed(1)} s`;
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds - m * 60);
  return s ? `${m} min ${s} s` : `${m} min`;
}

/** "1 layer", "3 layers". */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
