/**
 * A fair queue for the engine: at most `slots` commands run at once across every real-mode
 * session, and a free slot goes to the waiting owner (a learner, or the launch-token session)
 * that holds the fewest slots, then to the one served longest ago. So a learner who queues
 * many commands cannot starve the others: every owner that waits gets a slot before anyone
 * gets a second, and among equals the turn goes round.
 */

/** Gives a slot back; calling it again does nothing. */
export type Release = () => void;

interface Waiter {
  owner: string;
  /** Arrival order, for ties between owners that were never served. */
  seq: number;
  grant: (release: Release) => void;
}

interface Owner {
  running: number;
  /** The grant number of this owner's last slot (-1: not served since it went idle). */
  lastServed: number;
  waiting: Waiter[];
}

export class FairQueue {
  private readonly owners = new Map<string, Owner>();
  private running = 0;
  private seq = 0;
  private grants = 0;

  /** `slots`: commands at once on the engine (at least 1). */
  constructor(readonly slots: number) {
    if (!Number.isInteger(slots) || slots < 1) throw new Error(`the engine needs at least one slot, not ${slots}`);
  }

  /** Commands holding a slot now. */
  get active(): number {
    return this.running;
  }

  /** Commands waiting for a slot now. */
  get waiting(): number {
    let n = 0;
    for (const o of this.owners.values()) n += o.waiting.length;
    return n;
  }

  /**
   * Waits for a slot for `owner`. `onWait(ahead)` is called once, at once, when the command
   * must wait (with how many would go before it if no new ones came). Rejects with an
   * AbortError when `signal` aborts while waiting (the command leaves the queue).
   */
  acquire(owner: string, opts: { signal?: AbortSignal; onWait?: (ahead: number) => void } = {}): Promise<Release> {
    const { signal } = opts;
    if (signal?.aborted) return Promise.reject(abortError());
    const o = this.owner(owner);
    return new Promise<Release>((resolve, reject) => {
      const waiter: Waiter = {
        owner,
        seq: this.seq++,
        grant: (release) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(release);
        },
      };
      const onAbort = () => {
        const i = o.waiting.indexOf(waiter);
        if (i < 0) return;
        o.waiting.splice(i, 1);
        this.forgetIfIdle(owner);
        reject(abortError());
      };
      o.waiting.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.dispatch();
      if (o.waiting.includes(waiter)) opts.onWait?.(this.ahead(waiter));
    });
  }

  /** Runs `fn` in a slot for `owner`; the slot is given back however `fn` ends. */
  async run<T>(owner: string, fn: () => Promise<T>, opts: { signal?: AbortSignal; onWait?: (ahead: number) => void } = {}): Promise<T> {
    const release = await this.acquire(owner, opts);
    try {
      return await fn();
    } finally {
      release();
    }
  }

  private owner(id: string): Owner {
    let o = this.owners.get(id);
    if (!o) this.owners.set(id, (o = { running: 0, lastServed: -1, waiting: [] }));
    return o;
  }

  private forgetIfIdle(id: string): void {
    const o = this.owners.get(id);
    // an owner that comes back after going idle queues as a newcomer (first in a tie)
    if (o && o.running === 0 && o.waiting.length === 0) this.owners.delete(id);
  }

  /** The owner whose first waiter goes next: fewest slots held, then served longest ago, then arrived first. */
  private static next(owners: Iterable<[string, Pick<Owner, 'running' | 'lastServed'> & { waiting: readonly Waiter[] }]>): string | undefined {
    let best: string | undefined;
    let key: [number, number, number] | undefined;
    for (const [id, o] of owners) {
      if (!o.waiting.length) continue;
      const k: [number, number, number] = [o.running, o.lastServed, o.waiting[0]!.seq];
      if (!key || k[0] < key[0] || (k[0] === key[0] && (k[1] < key[1] || (k[1] === key[1] && k[2] < key[2])))) {
        best = id;
        key = k;
      }
    }
    return best;
  }

  private dispatch(): void {
    while (this.running < this.slots) {
      const id = FairQueue.next(this.owners);
      if (id === undefined) return;
      const o = this.owners.get(id)!;
      const w = o.waiting.shift()!;
      o.running++;
      o.lastServed = this.grants++;
      this.running++;
      let released = false;
      w.grant(() => {
        if (released) return;
        released = true;
        o.running--;
        this.running--;
        this.forgetIfIdle(id);
        this.dispatch();
      });
    }
  }

  /** How many waiters would be served before `w` if no slot were given back and no one new came. */
  private ahead(w: Waiter): number {
    const sim = new Map([...this.owners].map(([id, o]) => [id, { running: o.running, lastServed: o.lastServed, waiting: [...o.waiting] }]));
    let n = 0;
    let grants = this.grants;
    for (;;) {
      const id = FairQueue.next(sim);
      if (id === undefined) return n;
      const o = sim.get(id)!;
      if (o.waiting.shift() === w) return n;
      o.running++;
      o.lastServed = grants++;
      n++;
    }
  }
}

function abortError(): Error {
  return new DOMException('the command was cancelled while it waited for the engine', 'AbortError');
}
