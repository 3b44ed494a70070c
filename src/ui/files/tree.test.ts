import { describe, expect, it } from 'vitest';
import type { WorkspaceEntry } from '../../backends/backend.js';
import { buildTree, countContents, findNode, visibleRows } from './tree.js';

const e = (path: string, type: WorkspaceEntry['type'] = 'file'): WorkspaceEntry => ({ path, type, size: type === 'dir' ? 0 : 1, mtime: 0 });
const listing = [
  e('/workspace/Zeta.txt'),
  e('/workspace/app', 'dir'),
  e('/workspace/app/.dockerignore'),
  e('/workspace/app/Dockerfile'),
  e('/workspace/app/app.js'),
  e('/workspace/app/src', 'dir'),
  e('/workspace/app/src/file10.js'),
  e('/workspace/app/src/file2.js'),
  e('/workspace/empty', 'dir'),
  e('/elsewhere/x'),
];

describe('the file tree', () => {
  it('sorts folders first, then names case-insensitively with numbers in order', () => {
    const root = buildTree('/workspace', listing);
    expect(root.children.map((c) => c.name)).toEqual(['app', 'empty', 'Zeta.txt']);
    expect(findNode(root, '/workspace/app')!.children.map((c) => c.name)).toEqual(['src', '.dockerignore', 'app.js', 'Dockerfile']);
    expect(findNode(root, '/workspace/app/src')!.children.map((c) => c.name)).toEqual(['file2.js', 'file10.js']);
  });

  it('makes up folders the listing skipped and ignores entries outside the root', () => {
    const root = buildTree('/workspace', [e('/workspace/a/b/c.txt'), e('/elsewhere/x')]);
    expect(findNode(root, '/workspace/a/b/c.txt')?.type).toBe('file');
    expect(findNode(root, '/workspace/a')?.type).toBe('dir');
    expect(findNode(root, '/elsewhere/x')).toBeUndefined();
  });

  it('shows only the rows of expanded folders, with their ARIA level and position', () => {
    const root = buildTree('/workspace', listing);
    const rows = visibleRows(root, new Set(['/workspace', '/workspace/app']));
    expect(rows.map((r) => `${r.level}:${r.node.name}:${r.posinset}/${r.setsize}`)).toEqual([
      '1:workspace:1/1',
      '2:app:1/3',
      '3:src:1/4',
      '3:.dockerignore:2/4',
      '3:app.js:3/4',
      '3:Dockerfile:4/4',
      '2:empty:2/3',
      '2:Zeta.txt:3/3',
    ]);
    expect(visibleRows(root, new Set())).toHaveLength(1);
  });

  it('counts what a folder holds', () => {
    const root = buildTree('/workspace', listing);
    expect(countContents(findNode(root, '/workspace/app')!)).toEqual({ files: 5, folders: 1 });
  });
});
