/**
 * Build contexts from the browser: checked entry by entry, then packed into a tar in memory
 * (nothing is written to disk). Only regular files and folders travel: no links, devices or
 * fifos, no path that climbs out of the context, nothing the daemon would read as an
 * instruction to touch the host.
 */
import { gunzipSync } from 'node:zlib';
import { extract } from 'tar-stream';
import type { ContextEntry } from '../../src/shared/protocol.js';
import { tarBuffer } from '../tar.js';

/** How much a build context may hold. */
export interface ContextLimits {
  /** Files and folders together. */
  maxEntries: number;
  /** Decoded file bytes together. */
  maxBytes: number;
}

export const CONTEXT_LIMITS: ContextLimits = { maxEntries: 5000, maxBytes: 32 * 1024 * 1024 };

export type ContextCheck = { ok: true; entries: ContextEntry[] } | { ok: false; errors: string[] };

/** A list of every problem would itself be a way to make the server work: the first few say enough. */
const MAX_ERRORS = 20;
const MAX_PATH = 4096;
const MAX_SEGMENT = 255;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const KEYS = new Set(['path', 'type', 'mode', 'mtime', 'data']);

/** Why a context path is unsafe, or null when it is a plain relative path. */
export function contextPathProblem(path: string): string | null {
  if (path === '') return 'is empty';
  if (path.length > MAX_PATH) return `is longer than ${MAX_PATH} characters`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(path)) return 'contains a control character';
  if (path.includes('\\')) return 'contains a backslash';
  if (path.startsWith('/')) return 'is absolute';
  const segments = path.split('/');
  if (segments.includes('..')) return 'climbs out of the context (..)';
  if (segments.includes('.')) return 'has a . segment';
  if (segments.includes('')) return 'has an empty segment';
  if (segments.some((s) => Buffer.byteLength(s) > MAX_SEGMENT)) return `has a name longer than ${MAX_SEGMENT} bytes`;
  return null;
}

/** Checks build-context entries from the wire; returns clean copies (mode masked to 0o777) or every reason they are refused. */
export function checkContext(entries: unknown, limits: Partial<ContextLimits> = {}): ContextCheck {
  const { maxEntries, maxBytes } = { ...CONTEXT_LIMITS, ...limits };
  if (!Array.isArray(entries)) return { ok: false, errors: ['the build context must be a list of entries'] };
  if (entries.length > maxEntries) return { ok: false, errors: [`the build context has ${entries.length} entries; real mode takes at most ${maxEntries}`] };
  const errors: string[] = [];
  const out: ContextEntry[] = [];
  const types = new Map<string, 'file' | 'dir'>();
  let bytes = 0;
  for (let i = 0; i < entries.length && errors.length < MAX_ERRORS; i++) {
    const e: unknown = entries[i];
    const where = `context entry ${i}`;
    if (typeof e !== 'object' || e === null || Array.isArray(e)) {
      errors.push(`${where} is not an object`);
      continue;
    }
    const r = e as Record<string, unknown>;
    const extra = Object.keys(r).find((k) => !KEYS.has(k));
    if (extra !== undefined) {
      errors.push(`${where} has an unknown field ${JSON.stringify(extra).slice(0, 40)}`);
      continue;
    }
    if (typeof r.path !== 'string') {
      errors.push(`${where} has no path`);
      continue;
    }
    const name = JSON.stringify(r.path.slice(0, 100));
    const bad = contextPathProblem(r.path);
    if (bad) {
      errors.push(`context path ${name} ${bad}`);
      continue;
    }
    if (r.type !== 'file' && r.type !== 'dir') {
      errors.push(`context path ${name} is a ${typeof r.type === 'string' ? r.type.slice(0, 20) : 'thing'}: only files and folders are sent`);
      continue;
    }
    if (typeof r.mode !== 'number' || !Number.isInteger(r.mode) || r.mode < 0 || r.mode > 0o177777) {
      errors.push(`context path ${name} has an invalid mode`);
      continue;
    }
    if (typeof r.mtime !== 'number' || !Number.isFinite(r.mtime) || r.mtime < 0 || r.mtime > 8_589_934_591) {
      errors.push(`context path ${name} has an invalid mtime`);
      continue;
    }
    if (types.has(r.path)) {
      errors.push(`context path ${name} appears twice`);
      continue;
    }
    let data: string | undefined;
    if (r.type === 'file') {
      data = r.data === undefined ? '' : (r.data as string);
      if (typeof data !== 'string' || !BASE64.test(data)) {
        errors.push(`context file ${name} has data that is not base64`);
        continue;
      }
      bytes += (data.length / 4) * 3 - (data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0);
      if (bytes > maxBytes) return { ok: false, errors: [...errors, `the build context holds more than ${maxBytes} bytes; real mode takes at most ${maxBytes}`] };
    } else if (r.data !== undefined) {
      errors.push(`context folder ${name} has data`);
      continue;
    }
    types.set(r.path, r.type);
    // setuid, setgid and sticky bits have no place in a lesson's files; COPY would keep them
    out.push({ path: r.path, type: r.type, mode: r.mode & 0o777, mtime: r.mtime, ...(r.type === 'file' ? { data } : {}) });
  }
  // a file used as a folder: the daemon would resolve the child through whatever the file becomes
  for (const e of out) {
    if (errors.length >= MAX_ERRORS) break;
    const parts = e.path.split('/');
    for (let k = 1; k < parts.length; k++) {
      const parent = parts.slice(0, k).join('/');
      if (types.get(parent) === 'file') {
        errors.push(`context path ${JSON.stringify(e.path.slice(0, 100))} is inside ${JSON.stringify(parent.slice(0, 100))}, which is a file`);
        break;
      }
    }
  }
  return errors.length ? { ok: false, errors } : { ok: true, entries: out };
}

/** Reads a learner's uploaded tar (or tar.gz) in memory into checked context entries; links, devices, fifos and escaping names are refused. */
export async function contextFromTar(buf: Buffer, limits: Partial<ContextLimits> = {}): Promise<ContextCheck> {
  const lim = { ...CONTEXT_LIMITS, ...limits };
  let tar = buf;
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      // the cap stops a small gzip bomb from becoming gigabytes in memory
      tar = gunzipSync(buf, { maxOutputLength: lim.maxBytes + (lim.maxEntries + 2) * 1024 });
    } catch (e) {
      return { ok: false, errors: [`the upload is not a readable tar.gz (${(e as Error).message})`] };
    }
  }
  const entries: ContextEntry[] = [];
  const errors: string[] = [];
  let bytes = 0;
  let count = 0;
  const ex = extract();
  const done = new Promise<void>((resolve, reject) => {
    ex.on('finish', resolve);
    ex.on('error', reject);
  });
  ex.on('entry', (header, stream, next) => {
    const skip = () => {
      stream.on('end', next);
      stream.resume();
    };
    const raw = header.name;
    // `tar -C dir -cf ctx.tar .` writes ./a and ./ for the root: the same names as a and (nothing)
    const name = raw.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
    const shown = JSON.stringify(raw.slice(0, 100));
    if (errors.length >= MAX_ERRORS) return skip();
    if (name === '' || name === '.') {
      if (header.type !== 'directory') errors.push(`tar entry ${shown} has no name`);
      return skip();
    }
    if (++count > lim.maxEntries) {
      errors.push(`the tar has more than ${lim.maxEntries} entries; real mode takes at most ${lim.maxEntries}`);
      return fail();
    }
    const bad = contextPathProblem(name);
    if (bad) {
      errors.push(`tar entry ${shown} ${bad}`);
      return skip();
    }
    if (header.type === 'symlink') {
      const target = header.linkname ?? '';
      errors.push(escapes(name, target) ? `tar entry ${shown} is a symbolic link that points outside the context (${JSON.stringify(target.slice(0, 100))})` : `tar entry ${shown} is a symbolic link: real mode sends files and folders only`);
      return skip();
    }
    if (header.type !== 'file' && header.type !== 'directory') {
      const what = header.type === 'link' ? 'a hard link' : header.type === 'character-device' || header.type === 'block-device' ? 'a device' : header.type === 'fifo' ? 'a fifo' : `a ${header.type}`;
      errors.push(`tar entry ${shown} is ${what}: real mode sends files and folders only`);
      return skip();
    }
    const mode = header.mode ?? 0o644;
    const mtime = Math.max(0, Math.floor((header.mtime?.getTime() ?? 0) / 1000));
    if (header.type === 'directory') {
      entries.push({ path: name, type: 'dir', mode, mtime });
      return skip();
    }
    bytes += header.size ?? 0;
    if (bytes > lim.maxBytes) {
      errors.push(`the tar holds more than ${lim.maxBytes} bytes; real mode takes at most ${lim.maxBytes}`);
      return fail();
    }
    const chunks: Buffer[] = [];
    stream.on('data', (c) => chunks.push(c as Buffer));
    stream.on('end', () => {
      entries.push({ path: name, type: 'file', mode, mtime, data: Buffer.concat(chunks).toString('base64') });
      next();
    });
  });
  /** Stops reading: what is past the limit is never buffered. */
  function fail(): void {
    ex.destroy();
  }
  ex.end(tar);
  try {
    await Promise.race([done, new Promise<void>((resolve) => ex.on('close', resolve))]);
  } catch (e) {
    if (!errors.length) return { ok: false, errors: [`the upload is not a readable tar (${(e as Error).message})`] };
  }
  if (errors.length) return { ok: false, errors };
  return checkContext(entries, lim);
}

/** Whether a symlink at `name` with this target resolves outside the context folder. */
function escapes(name: string, target: string): boolean {
  if (target.startsWith('/') || target.includes('\\')) return true;
  const at = name.split('/').slice(0, -1);
  for (const seg of target.split('/')) {
    if (seg === '..') {
      if (at.length === 0) return true;
      at.pop();
    } else if (seg !== '.' && seg !== '') at.push(seg);
  }
  return false;
}

/** Packs checked context entries into an uncompressed tar for POST /build. */
export function packContext(entries: ContextEntry[]): Promise<Buffer> {
  return tarBuffer((p) => {
    for (const e of [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
      // masked again here: packContext may be handed entries that never went through checkContext
      const header = { name: e.path, mode: e.mode & 0o777, mtime: new Date(e.mtime * 1000), uid: 0, gid: 0 };
      if (e.type === 'dir') p.entry({ ...header, type: 'directory' });
      else p.entry({ ...header, type: 'file' }, Buffer.from(e.data ?? '', 'base64'));
    }
  });
}
