/** Bind mounts of workspace folders: the container sees the files, and what it writes comes back. */
import type { BindProvider } from '../engine/engine.js';
import { Layer } from '../engine/fs/layer.js';
import type { Entry } from '../engine/fs/types.js';
import { sha256Hex } from '../engine/hash.js';
import type { Workspace } from './types.js';

/** A BindProvider over a workspace: folders are read as layers, written files are saved back. */
export function workspaceBinds(ws: Workspace): BindProvider {
  return {
    read(path) {
      const tree = ws.readTree(ws.resolve(path));
      if (!tree) return undefined;
      const entries: [string, Entry][] = tree.map((f) => {
        const meta = { mode: f.mode ?? (f.type === 'dir' ? 0o755 : 0o644), uid: 0, gid: 0, mtime: f.mtime ?? 0 };
        const p = '/' + f.path;
        if (f.type === 'dir') return [p, { type: 'dir', ...meta }];
        if (f.type === 'symlink') return [p, { type: 'symlink', ...meta, target: f.target ?? '' }];
        const data = f.data ?? new Uint8Array();
        return [p, { type: 'file', ...meta, size: data.length, digest: sha256Hex(data), data }];
      });
      return new Layer(entries);
    },
    write(path, changes) {
      if (!ws.writeFile) return;
      const root = ws.resolve(path);
      for (const [p, e] of changes.entries) if (e.type === 'file' && e.data) ws.writeFile(root + p, e.data);
    },
  };
}
