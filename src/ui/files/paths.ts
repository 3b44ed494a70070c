/** Workspace path helpers for the file tree: absolute POSIX paths, no `.` or `..` parts. */

/** The last part of `path` (`/workspace/web/app.js` -> `app.js`). */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** The folder holding `path` (`/workspace/web/app.js` -> `/workspace/web`). */
export function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

/** `dir` and `name` joined with one slash. */
export function joinPath(dir: string, name: string): string {
  return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}

/** True when `path` is `dir` or lies under it. */
export function isWithin(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir.endsWith('/') ? dir : dir + '/');
}

/** `path` relative to `root` (`''` for the root itself), as a learner types it in the console. */
export function relativeTo(root: string, path: string): string {
  if (path === root) return '';
  return isWithin(path, root) ? path.slice(root.length + (root.endsWith('/') ? 0 : 1)) : path;
}

/** How the tree names a folder in messages: `web/`, or `the workspace` for the root. */
export function folderLabel(root: string, dir: string): string {
  const rel = relativeTo(root, dir);
  return rel === '' ? 'the workspace' : `${rel}/`;
}
