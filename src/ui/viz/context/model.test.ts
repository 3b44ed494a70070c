import { describe, expect, it } from 'vitest';
import type { BuildContextEvent, BuildStepEvent } from '../../../shared/events.js';
import { contextModel } from './model.js';

const EV: BuildContextEvent = {
  type: 'build.context',
  context: '/workspace/app',
  files: [
    { path: 'app.js', size: 500 },
    { path: 'package.json', size: 120 },
    { path: 'Dockerfile', size: 90 },
  ],
  fileCount: 3,
  bytes: 710,
  excluded: [
    { path: 'node_modules', size: 20 },
    { path: 'node_modules/x.js', size: 20 },
    { path: 'npm-debug.log', size: 5 },
  ],
  excludedCount: 3,
  excludedBytes: 25,
  dockerignore: ['node_modules', 'npm-debug.log'],
};

const step = (instruction: string, files: string[], cached: boolean): BuildStepEvent => ({
  type: 'build.step',
  step: 2,
  of: 4,
  stageIndex: 0,
  instruction,
  line: 2,
  cached,
  reads: { from: 'context', files: files.map((path) => ({ path, size: 1 })), count: files.length, bytes: files.length },
});

describe('build context model', () => {
  it('lists what was sent, what .dockerignore dropped (directories once), and what each COPY read', () => {
    const m = contextModel(EV, [step('COPY package.json ./', ['package.json'], true), step('COPY . .', ['app.js', 'package.json'], false)])!;
    expect(m.files.map((f) => [f.path, f.readBy])).toEqual([
      ['app.js', [1]],
      ['package.json', [0, 1]],
      ['Dockerfile', []],
    ]);
    expect(m.excluded).toEqual([
      { path: 'node_modules', size: 20, dir: true },
      { path: 'npm-debug.log', size: 5, dir: false },
    ]);
    expect(m.unreadCount).toBe(1);
    expect(m.copies[0]!.label).toBe('COPY package.json ./ reads 1 file (1B) from the context, cache hit');
    expect(m.summary).toContain('.dockerignore dropped 2 paths');
  });

  it('says nothing was dropped without a .dockerignore, and caps long lists', () => {
    const m = contextModel({ ...EV, excluded: [], excludedCount: 0, excludedBytes: 0, dockerignore: [] }, [], 2)!;
    expect(m.summary).toContain('nothing was dropped');
    expect(m.files).toHaveLength(2);
    expect(m.moreFiles).toBe(1);
  });

  it('is empty before any build', () => {
    expect(contextModel(undefined, [])).toBeUndefined();
  });
});
