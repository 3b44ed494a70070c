/**
 * Image references as Docker parses them (distribution/reference): an optional
 * registry host, a repository path, a tag and/or a digest, normalized to the
 * familiar short form Docker prints (`alpine:latest`, `s01/app:v1`,
 * `localhost:5000/s03/app:1`).
 */
import { DockerError } from '../errors.js';

export interface Reference {
  /** Registry host, `docker.io` when none is given. */
  domain: string;
  /** Repository path; `library/` prefixed for official Docker Hub images. */
  path: string;
  tag?: string;
  digest?: string;
}

const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;
const TAG_RE = /^[\w][\w.-]{0,127}$/;
const COMPONENT_RE = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN_RE = /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*(?::[0-9]+)?$/;
const NAME_MAX = 255;

/** Parses a reference; throws Docker's "invalid reference format" errors. */
export function parseReference(ref: string): Reference {
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST_RE.test(digest)) throw new DockerError('invalid reference format');
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG_RE.test(tag)) throw new DockerError('invalid reference format');
  }
  if (!rest) throw new DockerError('invalid reference format');
  let domain = 'docker.io';
  let path = rest;
  const slash = rest.indexOf('/');
  if (slash >= 0) {
    const first = rest.slice(0, slash);
    // a first component that cannot be a host (a_b.c) is read as part of the path, as the grammar's match does
    const hostLike = first.includes('.') || first.includes(':') || first === 'localhost';
    if (hostLike && (DOMAIN_RE.test(first) || !COMPONENT_RE.test(first))) {
      if (!DOMAIN_RE.test(first)) throw new DockerError('invalid reference format');
      domain = first === 'index.docker.io' ? 'docker.io' : first;
      path = rest.slice(slash + 1);
    }
  }
  if (!path.split('/').every((c) => COMPONENT_RE.test(c))) {
    // Docker names the case only when the lowercased name would be valid
    const lowerOk = path.toLowerCase().split('/').every((c) => COMPONENT_RE.test(c));
    throw new DockerError(lowerOk && path !== path.toLowerCase() ? 'invalid reference format: repository name must be lowercase' : 'invalid reference format');
  }
  if ((domain === 'docker.io' ? path : `${domain}/${path}`).length > NAME_MAX) throw new DockerError(`invalid reference format: repository name must not be more than ${NAME_MAX} characters`);
  if (domain === 'docker.io' && !path.includes('/')) path = 'library/' + path;
  return { domain, path, tag, digest };
}

/** The repository as Docker prints it (no `docker.io/`, no `library/`). */
export function familiarName(r: Reference): string {
  if (r.domain !== 'docker.io') return `${r.domain}/${r.path}`;
  // only `library/NAME` (two components) is shortened, as Docker's familiarizeName does
  return r.path.startsWith('library/') && r.path.split('/').length === 2 ? r.path.slice(8) : r.path;
}

/** The fully qualified repository (`docker.io/library/alpine`). */
export function fullName(r: Reference): string {
  return `${r.domain}/${r.path}`;
}

/** `name:tag` with `latest` filled in when neither a tag nor a digest is given. */
export function withDefaultTag(r: Reference): Reference {
  return r.tag || r.digest ? r : { ...r, tag: 'latest' };
}

/** The familiar `repo:tag` or `repo@digest` string. */
export function familiarString(r: Reference): string {
  return familiarName(r) + (r.tag ? `:${r.tag}` : '') + (r.digest ? `@${r.digest}` : '');
}

/** Normalizes a user-typed image name to the `repo:tag` key the store uses. */
export function normalizeTagged(ref: string): string {
  return familiarString(withDefaultTag(parseReference(ref)));
}

/** True when the string looks like an image ID or an ID prefix rather than a name. */
export function looksLikeId(s: string): boolean {
  return /^(sha256:)?[a-f0-9]{1,64}$/.test(s);
}
