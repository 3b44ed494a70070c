/**
 * Which highlighting a workspace file gets, decided from its name alone (no DOM, no
 * CodeMirror), so the choice is testable and the modes can be loaded on demand.
 */

export type LanguageName = 'dockerfile' | 'shell' | 'json' | 'javascript' | 'yaml' | 'toml' | 'properties';

/** True for `Dockerfile`, `Dockerfile.dev`, `app/Dockerfile` and `*.dockerfile`. */
export function isDockerfile(path: string): boolean {
  return /(^|\/)Dockerfile[^/]*$/.test(path) || /\.dockerfile$/i.test(path);
}

const BY_EXTENSION: Record<string, LanguageName> = {
  sh: 'shell',
  bash: 'shell',
  json: 'json',
  js: 'javascript',
  mjs: 'javascript',
  cjs: 'javascript',
  ts: 'javascript',
  yml: 'yaml',
  yaml: 'yaml',
  toml: 'toml',
  env: 'properties',
  ini: 'properties',
  conf: 'properties',
  properties: 'properties',
};

/** The language to highlight `path` with; undefined means plain text. */
export function languageOf(path: string): LanguageName | undefined {
  if (isDockerfile(path)) return 'dockerfile';
  const name = path.slice(path.lastIndexOf('/') + 1);
  if (name === '.env' || name.startsWith('.env.')) return 'properties';
  if (name === '.bashrc' || name === '.profile') return 'shell';
  const dot = name.lastIndexOf('.');
  return dot > 0 ? BY_EXTENSION[name.slice(dot + 1).toLowerCase()] : undefined;
}
