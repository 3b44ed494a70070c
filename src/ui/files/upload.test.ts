import { describe, expect, it } from 'vitest';
import type { WorkspaceEntry } from '../../backends/backend.js';
import { describeUpload, planUpload, splitRelative, type Incoming } from './upload.js';

const entries: WorkspaceEntry[] = [
  { path: '/workspace/app', type: 'dir', size: 0, mtime: 0 },
  { path: '/workspace/app/app.js', type: 'file', size: 10, mtime: 0 },
  { path: '/workspace/app/lib', type: 'dir', size: 0, mtime: 0 },
  { path: '/workspace/app/notes', type: 'file', size: 3, mtime: 0 },
];

const file = (relativePath: string, size = 10): Incoming => ({ relativePath, size });
const limits = { maxFileBytes: 100, maxTotalBytes: 250, maxFiles: 5 };

describe('splitRelative', () => {
  it('drops empty and . parts and reads backslashes as slashes', () => {
    expect(splitRelative('./web//src\\main.js')).toEqual(['web', 'src', 'main.js']);
  });

  it('refuses paths that climb out with ..', () => {
    expect(splitRelative('web/../../etc/passwd')).toMatch(/“\.\.”/);
    expect(splitRelative('')).toBe('it has no name');
  });
});

describe('planUpload', () => {
  it('puts files and folders under the target folder', () => {
    const plan = planUpload([file('index.html'), file('site/css/style.css')], '/workspace/app', entries, limits);
    expect(plan.writes.map((w) => w.path)).toEqual(['/workspace/app/index.html', '/workspace/app/site/css/style.css']);
    expect(plan.skipped).toEqual([]);
  });

  it('replaces a file of the same name and says so', () => {
    const plan = planUpload([file('app.js')], '/workspace/app', entries, limits);
    expect(plan.writes).toMatchObject([{ path: '/workspace/app/app.js', replaces: true }]);
    expect(describeUpload(plan, '/workspace', '/workspace/app')).toBe('Uploaded 1 file to app/ (1 replaced).');
  });

  it('never turns a folder into a file, nor puts files inside a file', () => {
    const plan = planUpload([file('lib'), file('notes/todo.txt'), file('lib/x.js')], '/workspace/app', entries, limits);
    expect(plan.writes.map((w) => w.path)).toEqual(['/workspace/app/lib/x.js']);
    expect(plan.skipped).toEqual([
      { name: 'lib', reason: 'a folder with that name is already there' },
      { name: 'notes/todo.txt', reason: "notes is a file here, so it can't hold other files" },
    ]);
  });

  it('keeps the first of two files with the same path, and a later file cannot sit where an earlier one needs a folder', () => {
    const plan = planUpload([file('a/b.txt'), file('a'), file('a/b.txt')], '/workspace', [], limits);
    expect(plan.writes.map((w) => w.path)).toEqual(['/workspace/a/b.txt']);
    expect(plan.skipped.map((s) => s.name)).toEqual(['a', 'a/b.txt']);
  });

  it('skips paths that escape the target with ..', () => {
    const plan = planUpload([file('../evil.sh'), file('ok.sh')], '/workspace/app', entries, limits);
    expect(plan.writes.map((w) => w.path)).toEqual(['/workspace/app/ok.sh']);
    expect(plan.skipped[0]).toMatchObject({ name: '../evil.sh' });
    expect(plan.skipped[0].reason).toMatch(/leave the folder/);
  });

  it('leaves out .git folders and macOS leftovers', () => {
    const plan = planUpload([file('repo/.git/config'), file('repo/.git/objects/ab/cd'), file('repo/.DS_Store'), file('repo/.gitignore')], '/workspace', [], limits);
    expect(plan.writes.map((w) => w.path)).toEqual(['/workspace/repo/.gitignore']);
    expect(plan.skipped).toHaveLength(3);
    expect(describeUpload(plan, '/workspace', '/workspace')).toBe(
      'Uploaded 1 file to the workspace. Skipped 3 files — 2 files (repo/.git/config, …): Git’s own history folder (.git) is left out; repo/.DS_Store: macOS folder settings (.DS_Store) are left out.',
    );
  });

  it('skips files over the size limit with their size, and stops at the total and count limits', () => {
    const big = planUpload([file('video.mp4', 5_300_000)], '/workspace', []);
    expect(big.skipped[0].reason).toBe('it is 5.3MB; files over 5MB are left out (the workspace lives in your browser)');
    const many = planUpload([file('a', 100), file('b', 100), file('c', 100), file('d', 1)], '/workspace', [], limits);
    expect(many.writes.map((w) => w.path)).toEqual(['/workspace/a', '/workspace/b', '/workspace/d']);
    expect(many.skipped).toEqual([{ name: 'c', reason: 'the upload would go over 250B in total' }]);
    const count = planUpload(['1', '2', '3', '4', '5', '6'].map((n) => file(n, 1)), '/workspace', [], limits);
    expect(count.writes).toHaveLength(5);
    expect(count.skipped[0].reason).toBe('an upload takes at most 5 files');
  });

  it('says when there was nothing to upload', () => {
    expect(describeUpload(planUpload([], '/workspace', []), '/workspace', '/workspace')).toBe('Nothing to upload.');
  });
});
