import { describe, expect, it } from 'vitest';
import { duration, linesAt, planTransfer, playTransfer, progressText, schedule } from './transfer-progress.js';

const PULL = [
  '3.19: Pulling from library/alpine',
  'aaaaaaaaaaaa: Already exists',
  'bbbbbbbbbbbb: Pulling fs layer',
  'cccccccccccc: Pulling fs layer',
  'bbbbbbbbbbbb: Download complete',
  'cccccccccccc: Download complete',
  'bbbbbbbbbbbb: Pull complete',
  'cccccccccccc: Pull complete',
  'Digest: sha256:de6c',
  'Status: Downloaded newer image for alpine:3.19',
  'docker.io/library/alpine:3.19',
];
const MB = 1_000_000;
const sizes = new Map([
  ['aaaaaaaaaaaa', 9 * MB],
  ['bbbbbbbbbbbb', 10 * MB],
  ['cccccccccccc', 30 * MB],
]);

describe('planTransfer', () => {
  it('keeps one line per layer with its last status, and only moving layers carry bytes', () => {
    const plan = planTransfer('pull', PULL, sizes, 10 * MB);
    expect(plan.header).toEqual(['3.19: Pulling from library/alpine']);
    expect(plan.layers).toEqual([
      { id: 'aaaaaaaaaaaa', bytes: 0, final: 'Already exists' },
      { id: 'bbbbbbbbbbbb', bytes: 10 * MB, final: 'Pull complete' },
      { id: 'cccccccccccc', bytes: 30 * MB, final: 'Pull complete' },
    ]);
    expect(plan.trailer).toHaveLength(3);
  });
});

describe('schedule', () => {
  it('shares the link among the layers that move at once', () => {
    const plan = planTransfer('pull', PULL, sizes, 10 * MB);
    const [a, b, c] = schedule(plan);
    // two layers share 10 MB/s: b (10 MB) ends at 2 s; c has 20 MB left, alone: 2 s more
    expect(b!.end).toBeCloseTo(2000);
    expect(c!.end).toBeCloseTo(4000);
    expect(a!.end).toBeLessThan(b!.end);
    // extraction runs in layer order, after each download
    expect(b!.extractStart).toBeCloseTo(2000);
    expect(c!.extractStart).toBeGreaterThanOrEqual(c!.end);
  });

  it('queues layers past dockerd concurrency (3 downloads)', () => {
    const lines = ['x: Pulling from y', ...['111111111111', '222222222222', '333333333333', '444444444444'].map((id) => `${id}: Pull complete`)];
    const s = new Map(['111111111111', '222222222222', '333333333333', '444444444444'].map((id) => [id, MB]));
    const t = schedule(planTransfer('pull', lines, s, 3 * MB));
    expect(t[3]!.start).toBeCloseTo(t[0]!.end);
    expect(t[3]!.start).toBeGreaterThan(0);
  });

  it('takes bytes / link speed when one layer moves alone', () => {
    const plan = planTransfer('push', ['The push refers to repository [localhost:5000/a]', 'dddddddddddd: Preparing', 'dddddddddddd: Pushed', '1: digest: sha256:9 size: 527'], new Map([['dddddddddddd', 5 * MB]]), 12.5 * MB);
    expect(duration(schedule(plan))).toBeCloseTo(400);
  });
});

describe('linesAt', () => {
  it('walks a pulled layer through Downloading, Extracting and Pull complete', () => {
    const plan = planTransfer('pull', PULL, sizes, 10 * MB);
    const t = schedule(plan);
    expect(linesAt(plan, t, 0, 80)).toEqual(['aaaaaaaaaaaa: Pulling fs layer', 'bbbbbbbbbbbb: Pulling fs layer', 'cccccccccccc: Pulling fs layer']);
    expect(linesAt(plan, t, 1000, 80)[1]).toBe('bbbbbbbbbbbb: Downloading      5MB/10MB');
    expect(linesAt(plan, t, 1000, 80)[0]).toBe('aaaaaaaaaaaa: Already exists');
    expect(linesAt(plan, t, t[1]!.extractStart + 1, 80)[1]).toMatch(/^bbbbbbbbbbbb: Extracting /);
    expect(linesAt(plan, t, duration(t), 80)).toEqual(['aaaaaaaaaaaa: Already exists', 'bbbbbbbbbbbb: Pull complete', 'cccccccccccc: Pull complete']);
  });
});

describe('progressText', () => {
  it('draws the bar only on terminals wider than 110 columns, as the docker CLI does', () => {
    expect(progressText(5 * MB, 10 * MB, 80)).toBe('     5MB/10MB');
    expect(progressText(5 * MB, 10 * MB, 120)).toBe(`[${'='.repeat(25)}>${' '.repeat(25)}]      5MB/10MB`);
    expect(progressText(10 * MB, 10 * MB, 120)).toBe(`[${'='.repeat(50)}>]     10MB/10MB`);
  });
});

describe('playTransfer', () => {
  it('redraws the layer lines in place and leaves the trailer to the caller', async () => {
    const plan = planTransfer('pull', PULL, sizes, 10 * MB);
    let out = '';
    const done = await playTransfer(plan, { columns: 80, write: (s) => (out += s) }, undefined, async () => {});
    expect(done).toBe(true);
    expect(out.startsWith('3.19: Pulling from library/alpine\r\n')).toBe(true);
    expect(out).toContain('\x1b[3A');
    expect(out.endsWith('cccccccccccc: Pull complete\r\n')).toBe(true);
    expect(out).toContain('Downloading');
  });

  it('stops drawing when aborted and reports it', async () => {
    const plan = planTransfer('pull', PULL, sizes, 10 * MB);
    const ac = new AbortController();
    let frames = 0;
    let out = '';
    const done = await playTransfer(plan, { columns: 80, write: (s) => (out += s) }, ac.signal, async () => {
      if (++frames === 5) ac.abort();
    });
    expect(done).toBe(false);
    expect(out).not.toContain('Status: Downloaded');
  });
});
