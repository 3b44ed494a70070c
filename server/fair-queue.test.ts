import { describe, expect, it } from 'vitest';
import { FairQueue, type Release } from './fair-queue.js';

/** Acquires for `owner` and records when the slot is granted. */
function take(q: FairQueue, owner: string, log: string[], name: string, opts: { signal?: AbortSignal; onWait?: (ahead: number) => void } = {}) {
  const p = q.acquire(owner, opts).then((release) => {
    log.push(name);
    return release;
  });
  p.catch(() => undefined);
  return p;
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('FairQueue', () => {
  it('grants at once while slots are free, and holds the rest', async () => {
    const q = new FairQueue(2);
    const log: string[] = [];
    await take(q, 'a', log, 'a1');
    await take(q, 'b', log, 'b1');
    void take(q, 'c', log, 'c1');
    await tick();
    expect(log).toEqual(['a1', 'b1']);
    expect([q.active, q.waiting]).toEqual([2, 1]);
  });

  it('serves a learner with one queued command before another learner’s second and third', async () => {
    const q = new FairQueue(1);
    const log: string[] = [];
    const releases = new Map<string, Promise<Release>>();
    for (const n of ['a1', 'a2', 'a3']) releases.set(n, take(q, 'a', log, n));
    releases.set('b1', take(q, 'b', log, 'b1'));
    for (const n of ['a1', 'b1', 'a2', 'a3']) {
      await tick();
      expect(log.at(-1)).toBe(n);
      (await releases.get(n)!)();
    }
    expect(log).toEqual(['a1', 'b1', 'a2', 'a3']);
  });

  it('gives every waiting owner a slot before anyone gets a second', async () => {
    const q = new FairQueue(3);
    const log: string[] = [];
    const a1 = await take(q, 'a', log, 'a1');
    await take(q, 'a', log, 'a2');
    const b1 = await take(q, 'b', log, 'b1');
    void take(q, 'a', log, 'a3');
    void take(q, 'b', log, 'b2');
    void take(q, 'c', log, 'c1');
    a1();
    await tick();
    // a holds one, b holds one, c holds none: c goes first
    expect(log).toEqual(['a1', 'a2', 'b1', 'c1']);
    b1();
    await tick();
    // now b holds none and a one
    expect(log.at(-1)).toBe('b2');
  });

  it('takes turns among owners holding as many slots', async () => {
    const q = new FairQueue(1);
    const log: string[] = [];
    const granted: Release[] = [];
    for (const o of ['a', 'a', 'b', 'b', 'c', 'c']) void q.acquire(o).then((r) => (log.push(o), granted.push(r)));
    for (let i = 0; i < 6; i++) {
      await tick();
      granted[i]!();
    }
    expect(log.join('')).toBe('abcabc');
  });

  it('says how many are ahead of a command that must wait', async () => {
    const q = new FairQueue(1);
    const log: string[] = [];
    const aheads: number[] = [];
    await take(q, 'a', log, 'a1');
    void take(q, 'a', log, 'a2', { onWait: (n) => aheads.push(n) });
    void take(q, 'a', log, 'a3', { onWait: (n) => aheads.push(n) });
    // b was never served: it goes before a's queued ones
    void take(q, 'b', log, 'b1', { onWait: (n) => aheads.push(n) });
    expect(aheads).toEqual([0, 1, 0]);
  });

  it('does not call onWait for a command that gets a slot at once', async () => {
    const q = new FairQueue(1);
    let waited = false;
    await q.acquire('a', { onWait: () => (waited = true) });
    expect(waited).toBe(false);
  });

  it('removes a cancelled command from the queue, and the next one gets its turn', async () => {
    const q = new FairQueue(1);
    const log: string[] = [];
    const a1 = await take(q, 'a', log, 'a1');
    const ctl = new AbortController();
    const b1 = take(q, 'b', log, 'b1', { signal: ctl.signal });
    void take(q, 'c', log, 'c1');
    ctl.abort();
    await expect(b1).rejects.toMatchObject({ name: 'AbortError' });
    expect(q.waiting).toBe(1);
    a1();
    await tick();
    expect(log).toEqual(['a1', 'c1']);
  });

  it('refuses at once with a signal that is already aborted', async () => {
    const q = new FairQueue(1);
    await expect(q.acquire('a', { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    expect([q.active, q.waiting]).toEqual([0, 0]);
  });

  it('gives the slot back when the command throws', async () => {
    const q = new FairQueue(1);
    await expect(q.run('a', async () => Promise.reject(new Error('engine down')))).rejects.toThrow('engine down');
    expect(q.active).toBe(0);
    await expect(q.run('b', async () => 'ran')).resolves.toBe('ran');
  });

  it('ignores a second release of the same slot', async () => {
    const q = new FairQueue(1);
    const r = await q.acquire('a');
    const log: string[] = [];
    void take(q, 'b', log, 'b1');
    void take(q, 'c', log, 'c1');
    r();
    r();
    await tick();
    expect(log).toEqual(['b1']);
    expect(q.active).toBe(1);
  });

  it('needs at least one slot', () => {
    expect(() => new FairQueue(0)).toThrow(/at least one slot/);
  });
});
