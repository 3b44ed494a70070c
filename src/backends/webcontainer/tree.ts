/**
 * A container's filesystem as a WebContainer file tree. The tree is read from
 * the container's merged view (image layers, init layer, writable layer,
 * volumes), so whiteouts, opaque directories and copy-ups are already settled
 * by the engine's UnionFs; this module never merges layers itself.
 */
import { normalize } from '../../engine/fs/path.js';
import type { FileEntry, Fs } from '../../engine/fs/types.js';

// The shapes of @webcontainer/api's FileSystemTree, declared here so this module does not load the package.
/** A regular file's bytes. */
export interface FileNode {
  file: { contents: string | Uint8Array };
}
/** A symbolic link and its target, as the link holds it. */
export interface SymlinkNode {
  file: { symlink: string };
}
/** A directory and its entries. */
export interface DirectoryNode {
  directory: FileSystemTree;
}
/** A directory's entries by name, as `WebContainer.mount` takes them. */
export interface FileSystemTree {
  [name: string]: FileNode | SymlinkNode | DirectoryNode;
}

/** What the tree reads: the container view's filesystem (UnionFs or MountFs). */
export type TreeSource = Pick<Fs, 'stat' | 'readdir' | 'readlink'> & { fileEntry(path: string): FileEntry | null };

/** The tree, and the paths left out of it. */
export interface ContainerTree {
  tree: FileSystemTree;
  /** Files the simulator models by size and digest only (package contents): they have no bytes to mount. */
  synthetic: string[];
  /** Directories left out because they are kernel views or listed in `skip`. */
  skipped: string[];
}

/** Kernel views a process never reads from its image: WebContainer has its own. */
export const DEFAULT_SKIP: readonly string[] = ['/proc', '/sys', '/dev'];

/** The container's view under `root` (its WORKDIR, usually) as a tree relative to `root`. */
export function containerTree(fs: TreeSource, root: string, skip: readonly string[] = DEFAULT_SKIP): ContainerTree {
  const out: ContainerTree = { tree: {}, synthetic: [], skipped: [] };
  const top = normalize(root);
  if (fs.stat(top)?.type !== 'dir') return out;
  fill(fs, top, out.tree, new Set(skip.map((p) => normalize(p))), out);
  return out;
}

function fill(fs: TreeSource, dir: string, into: FileSystemTree, skip: ReadonlySet<string>, out: ContainerTree): void {
  for (const name of fs.readdir(dir)) {
    const path = dir === '/' ? '/' + name : dir + '/' + name;
    if (skip.has(path)) {
      out.skipped.push(path);
      continue;
    }
    const st = fs.stat(path, false);
    if (!st) continue;
    if (st.type === 'symlink') into[name] = { file: { symlink: fs.readlink(path) } };
    else if (st.type === 'dir') {
      const sub: FileSystemTree = {};
      fill(fs, path, sub, skip, out);
      into[name] = { directory: sub };
    } else {
      const entry = fs.fileEntry(path);
      if (entry?.data) into[name] = { file: { contents: entry.data } };
      else if (entry?.size === 0) into[name] = { file: { contents: new Uint8Array(0) } };
      else out.synthetic.push(path);
    }
  }
}
