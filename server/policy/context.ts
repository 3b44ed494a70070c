/**
 * Build contexts from the browser: checked entry by entry, then packed into a tar in memory
 * (nothing is written to disk). Only regular files and folders travel.
 */
import { pack } from 'tar-stream';
import type { ContextEntry } from '../../src/shared/protocol.js';

/** Packs checked context entries into an uncompressed tar for POST /build. */
export async function packContext(entries: ContextEntry[]): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  p.on('data', (c) => chunks.push(c as Buffer));
  const done = new Promise<void>((resolve, reject) => {
    p.on('end', () => resolve());
    p.on('error', reject);
  });
  for (const e of [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    const header = { name: e.path, mode: e.mode & 0o7777, mtime: new Date(e.mtime * 1000), uid: 0, gid: 0 };
    if (e.type === 'dir') p.entry({ ...header, type: 'directory' });
    else p.entry({ ...header, type: 'file' }, Buffer.from(e.data ?? '', 'base64'));
  }
  p.finalize();
  await done;
  return Buffer.concat(chunks);
}
