/** Words the build views share: short instruction labels (why a step missed: shared/format/miss-reason.ts). */

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
