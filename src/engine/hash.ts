/** Content digests for layers, configs and cache keys (sha256, pure JS). */
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** UTF-8 bytes of a string. */
export function utf8(s: string): Uint8Array {
  return encoder.encode(s);
}

/** Decodes UTF-8 bytes (invalid sequences become U+FFFD, as a terminal shows them). */
export function fromUtf8(b: Uint8Array): string {
  return decoder.decode(b);
}

/** sha256 of bytes or a UTF-8 string, as 64 lowercase hex digits. */
export function sha256Hex(data: Uint8Array | string): string {
  return bytesToHex(nobleSha256(typeof data === 'string' ? utf8(data) : data));
}

/** sha256 with the `sha256:` prefix Docker prints. */
export function digestOf(data: Uint8Array | string): string {
  return 'sha256:' + sha256Hex(data);
}

/** The 12-hex short form Docker prints for an ID or digest (`sha256:` dropped). */
export function shortId(id: string): string {
  const colon = id.indexOf(':');
  const hex = colon >= 0 ? id.slice(colon + 1) : id;
  return hex.length > 12 ? hex.slice(0, 12) : hex;
}
