import { describe, expect, it } from 'vitest';
import { utf8 } from '../hash.js';
import { BuildContext } from './context.js';

const file = (path: string, text: string, mode = 0o644, mtime = 1) => ({ path, type: 'file' as const, data: utf8(text), mode, mtime });

describe('BuildContext', () => {
  it('checksums content and mode but not mtime', () => {
    const a = BuildContext.from([file('d/x', 'hi', 0o644, 1)]);
    expect(BuildContext.from([file('d/x', 'hi', 0o644, 99)]).checksum('d')).toBe(a.checksum('d'));
    expect(BuildContext.from([file('d/x', 'hi', 0o755, 1)]).checksum('d')).not.toBe(a.checksum('d'));
    expect(BuildContext.from([file('d/x', 'ho')]).checksum('d')).not.toBe(a.checksum('d'));
    expect(BuildContext.from([file('d/x', 'hi'), file('d/y', '')]).checksum('d')).not.toBe(a.checksum('d'));
  });

  it('applies .dockerignore with exceptions and keeps parents of kept files', () => {
    const ctx = BuildContext.from([file('a.log', ''), file('keep/a.log', ''), file('node_modules/m.js', ''), file('src/app.js', '')]).withIgnore('*.log\nnode_modules\n**/*.log\n!keep/a.log\n');
    expect([...ctx.entries.keys()]).toEqual(['keep', 'keep/a.log', 'src', 'src/app.js']);
    expect(ctx.ignored).toEqual(['a.log', 'node_modules', 'node_modules/m.js']);
  });

  it('sizes the tar the classic client sends', () => {
    expect(BuildContext.from([file('Dockerfile', 'x'.repeat(129)), file('hello.txt', 'y'.repeat(23))]).tarSize()).toBe(3072);
  });

  it('matches wildcards per path segment like filepath.Match', () => {
    const ctx = BuildContext.from([file('a.txt', ''), file('b.txt', ''), file('sub/c.txt', '')]);
    expect(ctx.match('*.txt')).toEqual(['a.txt', 'b.txt']);
    expect(ctx.match('sub/?.txt')).toEqual(['sub/c.txt']);
  });
});
