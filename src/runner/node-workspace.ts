/** A Workspace backed by a real folder on disk (the headless runner and tests). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ContextInput } from '../engine/build/context.js';
import type { Workspace } from '../cli/types.js';

/** A workspace rooted at `cwd` on the local disk. */
export function nodeWorkspace(cwd: string): Workspace {
  return {
    cwd,
    resolve: (p) => path.resolve(cwd, p),
    readFile(p) {
      try {
        return new Uint8Array(fs.readFileSync(p));
      } catch {
        return null;
      }
    },
    writeFile(p, data, mode) {
      fs.mkdirSync(path.dirname(p), { recursive: true });
      fs.writeFileSync(p, data);
      if (mode !== undefined) fs.chmodSync(p, mode & 0o7777);
    },
    mkdir(p, mode) {
      fs.mkdirSync(p, { recursive: true });
      if (mode !== undefined) fs.chmodSync(p, mode & 0o7777);
    },
    readTree(dir) {
      let st;
      try {
        st = fs.statSync(dir);
      } catch {
        return null;
      }
      if (!st.isDirectory()) return null;
      const out: ContextInput[] = [];
      const walk = (abs: string, rel: string) => {
        for (const name of fs.readdirSync(abs).sort()) {
          const a = path.join(abs, name);
          const r = rel ? `${rel}/${name}` : name;
          const s = fs.lstatSync(a);
          const common = { path: r, mode: s.mode & 0o7777, mtime: s.mtimeMs / 1000 };
          if (s.isSymbolicLink()) out.push({ ...common, type: 'symlink', target: fs.readlinkSync(a) });
          else if (s.isDirectory()) {
            out.push({ ...common, type: 'dir' });
            walk(a, r);
          } else out.push({ ...common, type: 'file', data: new Uint8Array(fs.readFileSync(a)) });
        }
      };
      walk(dir, '');
      return out;
    },
  };
}
