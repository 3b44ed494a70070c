import { describe, expect, it } from 'vitest';
import { MemoryWorkspace } from '../cli/memory-workspace.js';
import { buildContextFor } from './remote-context.js';

const DOCKERFILE = 'FROM oracle-base:local AS build\nCOPY a.txt /a\nFROM oracle-base:local AS docs\nRUN echo docs\nFROM oracle-base:local\nCOPY --from=build /a /a\n';

function ws() {
  return MemoryWorkspace.of({ 'app/Dockerfile': DOCKERFILE, 'app/a.txt': 'aaa', 'app/notes/x.md': 'x', 'app/.dockerignore': 'notes\n', 'app/df/Other': 'FROM oracle-base:local\n' });
}

describe('buildContextFor (real mode: what the page sends with docker build)', () => {
  it('sends the context after .dockerignore, always with the Dockerfile and .dockerignore', () => {
    const r = buildContextFor(ws(), ['build', '-t', 'x', 'app']);
    if (!r || 'error' in r) throw new Error('no context');
    expect(r.context.map((e) => e.path).sort()).toEqual(['.dockerignore', 'Dockerfile', 'a.txt', 'df', 'df/Other']);
    expect(r.argv).toEqual(['build', '-t', 'x', 'app']);
  });

  it('rewrites -f to the Dockerfile inside the context, in every spelling', () => {
    for (const f of [['-f', 'app/df/Other'], ['--file', 'app/df/Other'], ['--file=app/df/Other'], ['-fapp/df/Other']]) {
      const r = buildContextFor(ws(), ['build', ...f, '-t', 'x', 'app']);
      if (!r || 'error' in r) throw new Error('no context');
      expect(r.argv).toEqual(['build', '--file=df/Other', '-t', 'x', 'app']);
    }
    expect(buildContextFor(ws(), ['build', '-f', 'elsewhere/Dockerfile', 'app'])).toMatchObject({ error: expect.stringMatching(/inside the build context/) });
  });

  it("tells the context and stage views what the build reads, as the simulator's engine would", () => {
    const bk = buildContextFor(ws(), ['build', 'app'], 'buildkit');
    const classic = buildContextFor(ws(), ['build', 'app'], 'classic');
    if (!bk || 'error' in bk || !classic || 'error' in classic) throw new Error('no context');
    expect(bk.events[0]).toMatchObject({ type: 'build.context', excludedCount: 2, excluded: expect.arrayContaining([{ path: 'notes', size: 1 }]) });
    const built = (r: typeof bk) => (r.events[1] as { stages: { built: boolean }[] }).stages.map((s) => s.built);
    // BuildKit skips the docs stage the target does not need; classic builds every stage
    expect(built(bk)).toEqual([true, false, true]);
    expect(built(classic)).toEqual([true, true, true]);
  });

  it('is not about other commands, and reports a missing folder as docker does', () => {
    expect(buildContextFor(ws(), ['run', 'app'])).toBeNull();
    expect(buildContextFor(ws(), ['build', 'nope'])).toEqual({ error: 'unable to prepare context: path "nope" not found' });
  });
});
