import { describe, expect, it } from 'vitest';
import { missReasonText } from './miss-reason.js';

describe('missReasonText', () => {
  it('names the changed files of a miss, three at most', () => {
    expect(missReasonText({ kind: 'files-changed', files: ['a', 'b', 'c', 'd'] })).toBe('files changed: a, b, c and 1 more');
    expect(missReasonText({ kind: 'files-changed', files: [] })).toBe('files changed');
  });

  it('names the earlier step that missed, and every other kind', () => {
    expect(missReasonText({ kind: 'parent-missed', step: 2 })).toBe('parent missed (step 2)');
    expect(missReasonText({ kind: 'new' })).toBe('not built before');
    expect(missReasonText({ kind: 'build-arg-changed', args: ['V'] })).toBe('build arg changed: V');
    expect(missReasonText(undefined)).toBe('cache miss');
  });
});
