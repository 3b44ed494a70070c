/**
 * Checks a name typed into the file tree before anything is created or renamed,
 * with messages a learner can act on.
 */

/** What a name is checked against: the entries already in the folder. */
export interface Sibling {
  name: string;
  type: 'file' | 'dir' | 'symlink';
}

/** Longest name most file systems take (bytes of UTF-8). */
const MAX_NAME_BYTES = 255;

const KIND: Record<Sibling['type'], string> = { file: 'file', dir: 'folder', symlink: 'link' };

/**
 * Why `name` cannot be used for a new `kind` in a folder holding `siblings`, or
 * undefined when it can. `current` is the entry's own name when renaming (keeping it is fine).
 */
export function checkName(name: string, kind: 'file' | 'dir', siblings: readonly Sibling[], current?: string): string | undefined {
  const what = KIND[kind];
  if (name === '') return `Type a name for the ${what}.`;
  if (name.trim() === '') return 'A name needs more than spaces.';
  if (name.includes('/')) return `A ${what} name can't contain “/”. To put it in a folder, select the folder first.`;
  if (name === '.' || name === '..') return `“${name}” is a special name (the folder itself or the one above it); choose another.`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'A name can\'t contain control characters (such as a tab or a new line).';
  if (name !== name.trim()) return 'A name can\'t start or end with a space: it would be easy to mistype in a Dockerfile.';
  if (new TextEncoder().encode(name).length > MAX_NAME_BYTES) return `That name is too long (at most ${MAX_NAME_BYTES} bytes).`;
  if (name === current) return undefined;
  const clash = siblings.find((s) => s.name === name);
  if (clash) return `A ${KIND[clash.type]} named ${name} already exists here.`;
  return undefined;
}
