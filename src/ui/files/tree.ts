/**
 * The file tree's shape: the backend's flat, path-sorted listing folded into
 * folders, and the rows a tree widget shows for a set of expanded folders.
 */
import type { WorkspaceEntry } from '../../backends/backend.js';
import { baseName, parentOf } from './paths.js';

export interface TreeNode {
  path: string;
  name: string;
  type: WorkspaceEntry['type'];
  size: number;
  children: TreeNode[];
}

/** One visible row, with what WAI-ARIA needs to describe its place (levels start at 1). */
export interface TreeRow {
  node: TreeNode;
  level: number;
  posinset: number;
  setsize: number;
  /** The row's folder; undefined for the root. */
  parent: string | undefined;
}

/** Folders first, then names as people sort them (case-insensitive, numbers in order). */
export function compareNodes(a: TreeNode, b: TreeNode): number {
  const da = a.type === 'dir' ? 0 : 1;
  const db = b.type === 'dir' ? 0 : 1;
  if (da !== db) return da - db;
  return a.name.localeCompare(b.name, 'en', { sensitivity: 'base', numeric: true }) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

/** The tree under `root` from a listing (entries outside `root` are ignored; missing folders are made up). */
export function buildTree(root: string, entries: readonly WorkspaceEntry[]): TreeNode {
  const top: TreeNode = { path: root, name: baseName(root) || '/', type: 'dir', size: 0, children: [] };
  const byPath = new Map<string, TreeNode>([[root, top]]);
  const folder = (path: string): TreeNode => {
    let node = byPath.get(path);
    if (!node) {
      node = { path, name: baseName(path), type: 'dir', size: 0, children: [] };
      byPath.set(path, node);
      folder(parentOf(path)).children.push(node);
    }
    return node;
  };
  const prefix = root === '/' ? '/' : root + '/';
  for (const e of entries) {
    if (!e.path.startsWith(prefix) || byPath.has(e.path)) continue;
    if (e.type === 'dir') folder(e.path);
    else {
      const node: TreeNode = { path: e.path, name: baseName(e.path), type: e.type, size: e.size, children: [] };
      byPath.set(e.path, node);
      folder(parentOf(e.path)).children.push(node);
    }
  }
  for (const n of byPath.values()) n.children.sort(compareNodes);
  return top;
}

/** The rows shown when the folders in `expanded` are open (the root row first). */
export function visibleRows(root: TreeNode, expanded: ReadonlySet<string>): TreeRow[] {
  const rows: TreeRow[] = [{ node: root, level: 1, posinset: 1, setsize: 1, parent: undefined }];
  const walk = (dir: TreeNode, level: number) => {
    if (!expanded.has(dir.path)) return;
    dir.children.forEach((child, i) => {
      rows.push({ node: child, level, posinset: i + 1, setsize: dir.children.length, parent: dir.path });
      if (child.type === 'dir') walk(child, level + 1);
    });
  };
  walk(root, 2);
  return rows;
}

/** Every node under `node`, itself first. */
export function* walkTree(node: TreeNode): Generator<TreeNode> {
  yield node;
  for (const c of node.children) yield* walkTree(c);
}

/** The node at `path`, or undefined. */
export function findNode(root: TreeNode, path: string): TreeNode | undefined {
  if (path === root.path) return root;
  if (!path.startsWith(root.path === '/' ? '/' : root.path + '/')) return undefined;
  let node: TreeNode | undefined = root;
  for (const part of path.slice(root.path.length).split('/').filter(Boolean)) {
    node = node.children.find((c) => c.name === part);
    if (!node) return undefined;
  }
  return node;
}

/** How many files and folders are under a folder (not counting itself). */
export function countContents(node: TreeNode): { files: number; folders: number } {
  let files = 0;
  let folders = 0;
  for (const n of walkTree(node)) {
    if (n === node) continue;
    if (n.type === 'dir') folders++;
    else files++;
  }
  return { files, folders };
}
