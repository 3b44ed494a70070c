/**
 * A seeded pseudo-random generator (xoshiro128**), so IDs, container names and
 * session digests are reproducible for a given seed and sequence of commands.
 */
export class Random {
  private s: Uint32Array;

  constructor(seed: number | number[] = 1) {
    this.s = new Uint32Array(4);
    if (Array.isArray(seed)) this.s.set(seed.slice(0, 4));
    else {
      // splitmix32 spreads a small seed over the state
      let x = seed >>> 0;
      for (let i = 0; i < 4; i++) {
        x = (x + 0x9e3779b9) >>> 0;
        let z = x;
        z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
        z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
        this.s[i] = (z ^ (z >>> 16)) >>> 0;
      }
    }
  }

  /** The next 32-bit unsigned integer. */
  next(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1]!, 5), 7), 9) >>> 0;
    const t = (s[1]! << 9) >>> 0;
    s[2]! ^= s[0]!;
    s[3]! ^= s[1]!;
    s[1]! ^= s[2]!;
    s[0]! ^= s[3]!;
    s[2]! ^= t;
    s[3] = rotl(s[3]!, 11);
    return result;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return this.next() % n;
  }

  /** `bytes` random bytes as lowercase hex. */
  hex(bytes: number): string {
    let out = '';
    for (let i = 0; i < bytes; i += 4) out += this.next().toString(16).padStart(8, '0');
    return out.slice(0, bytes * 2);
  }

  /** The generator's state, for snapshots. */
  get state(): number[] {
    return [...this.s];
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
