/**
 * Why a build step missed the cache, in a learner's words ("files changed: hello.txt").
 * One wording for the layer views, the editor's what-if gutter and the lesson checks.
 */
import type { MissReason } from '../events.js';

export function missReasonText(r: MissReason | undefined): string {
  if (!r) return 'cache miss';
  switch (r.kind) {
    case 'new':
      return 'not built before';
    case 'instruction-changed':
      return 'instruction changed';
    case 'files-changed':
      return r.files.length === 0 ? 'files changed' : `files changed: ${r.files.slice(0, 3).join(', ')}${r.files.length > 3 ? ` and ${r.files.length - 3} more` : ''}`;
    case 'build-arg-changed':
      return `build arg changed: ${r.args.join(', ')}`;
    case 'config-changed':
      return `config changed: ${r.fields.join(', ')}`;
    case 'parent-missed':
      return `parent missed (step ${r.step})`;
    case 'no-cache':
      return '--no-cache';
    case 'base-changed':
      return 'base image changed';
  }
}
