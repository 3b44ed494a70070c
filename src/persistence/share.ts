import { deflateSync, inflateSync, strFromU8, strToU8 } from 'fflate';

/** Prefix of a share link's URL fragment. */
export const SHARE_PREFIX = '#share=';

/** Longest fragment `encodeShare` produces, in characters (browsers and chat apps cut longer URLs). */
export const SHARE_LIMIT = 32 * 1024;

const SHARE_VERSION = 1;
// A 32 KB fragment can inflate to megabytes; refuse anything past this before parsing.
const MAX_INFLATED_BYTES = 16 * 1024 * 1024;

/** What a share link carries: the workspace files and the command history to replay. */
export interface SharePayload {
  files: Record<string, string>;
  history: string[];
}

/** Thrown for a share link that is too large to make or cannot be read. */
export class ShareError extends Error {
  override name = 'ShareError';
}

/** Encodes a workspace and history as a `#share=...` URL fragment; throws ShareError past SHARE_LIMIT. */
export function encodeShare(payload: SharePayload): string {
  const json = JSON.stringify({ v: SHARE_VERSION, files: payload.files, history: payload.history });
  const fragment = SHARE_PREFIX + toBase64Url(deflateSync(strToU8(json), { level: 9 }));
  if (fragment.length > SHARE_LIMIT) {
    throw new ShareError(
      `This workspace is too large for a share link: ${kb(fragment.length)} KB after compression, the limit is ${kb(SHARE_LIMIT)} KB. Remove large files or use Export instead.`,
    );
  }
  return fragment;
}

/** Decodes a share fragment (or a whole URL containing one); throws ShareError saying what is wrong. */
export function decodeShare(fragment: string): SharePayload {
  const at = fragment.indexOf(SHARE_PREFIX);
  if (at < 0) throw new ShareError('This is not a Layerlab share link (no "#share=" part).');
  const encoded = fragment.slice(at + SHARE_PREFIX.length).trim();
  if (encoded === '') throw new ShareError('This share link is empty.');
  if (!/^[A-Za-z0-9_-]+$/.test(encoded)) {
    throw new ShareError('This share link is corrupt: it contains characters a share link never has. Was it copied completely?');
  }
  let bytes: Uint8Array;
  try {
    bytes = inflateSync(fromBase64Url(encoded));
  } catch {
    throw new ShareError('This share link is corrupt: its data does not decompress. Was it cut off when copied?');
  }
  if (bytes.length > MAX_INFLATED_BYTES) throw new ShareError('This share link is corrupt: it expands to too much data.');
  let doc: unknown;
  try {
    doc = JSON.parse(strFromU8(bytes));
  } catch {
    throw new ShareError('This share link is corrupt: its contents are not valid JSON.');
  }
  return validate(doc);
}

function validate(doc: unknown): SharePayload {
  if (typeof doc !== 'object' || doc === null) throw new ShareError('This share link is corrupt: no workspace inside.');
  const { v, files, history } = doc as Record<string, unknown>;
  if (v !== SHARE_VERSION) {
    throw new ShareError(`This share link was made by a different Layerlab version (format ${String(v)}); this one reads format ${SHARE_VERSION}.`);
  }
  if (typeof files !== 'object' || files === null || Array.isArray(files) || !Object.values(files).every((c) => typeof c === 'string')) {
    throw new ShareError('This share link is corrupt: its files are not path-to-text pairs.');
  }
  if (!Array.isArray(history) || !history.every((l) => typeof l === 'string')) {
    throw new ShareError('This share link is corrupt: its command history is not a list of lines.');
  }
  return { files: files as Record<string, string>, history: history as string[] };
}

const kb = (chars: number) => (chars / 1024).toFixed(1).replace(/\.0$/, '');

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  // Chunks keep String.fromCharCode under the engine's argument limit.
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  const binary = atob(b64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
