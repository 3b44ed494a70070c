/** Words the build views share: why a step missed, and short instruction labels. */
import type { MissReason } from '../../../shared/events.js';

/** A miss reason in a learner's words ("files changed: hello.txt"). */
export function missText(r: MissReason | undefined): string {
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

/**
 * A history `created_by` as the Dockerfile line it came from: classic's
 * `/bin/sh -c #(nop)  CMD ["x"]` becomes `CMD ["x"]`, `/bin/sh -c cmd` becomes `RUN cmd`,
 * BuildKit's `COPY a /b # buildkit` loses its comment.
 */
export function instructionOf(createdBy: string): string {
  let s = createdBy.trim();
  if (!s) return '(base)';
  const nop = /^\/bin\/sh -c #\(nop\)\s+(.*)$/s.exec(s);
  if (nop) s = nop[1]!.trim();
  else {
    const run = /^(?:\|\d+ (?:\S+=\S* )*)?\/bin\/sh -c (.*)$/s.exec(s);
    if (run) s = 'RUN ' + run[1]!.trim();
  }
  s = s.replace(/ # buildkit$/, '').replace(/^RUN (?:\|\d+ (?:\S+=\S* )*)?\/bin\/sh -c /, 'RUN ');
  return s.replace(/\s+/g, ' ');
}
