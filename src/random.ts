/**
 * Seeded pseudo-random numbers: xoshiro128** seeded through splitmix32.
 * Every random choice in DigitNet (initial weights, shuffles, dropout) draws
 * from one of these, so the same seed gives the same numbers everywhere,
 * and the state can be saved in a checkpoint and restored exactly.
 */
export class Random {
  private s = new Uint32Array(4);
  /** Box–Muller makes normals in pairs; the second waits here. */
  private spare: number | null = null;

  constructor(seed: number) {
    let x = seed >>> 0;
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      this.s[i] = (z ^ (z >>> 16)) >>> 0;
    }
    if ((this.s[0] | this.s[1] | this.s[2] | this.s[3]) === 0) this.s[0] = 1;
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform in [0, 1), 32 bits of resolution. */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, n), without modulo bias. */
  int(n: number): number {
    const limit = 4294967296 - (4294967296 % n);
    let r: number;
    do r = this.nextUint32();
    while (r >= limit);
    return r % n;
  }

  /** Standard normal N(0, 1). */
  gaussian(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    let u: number;
    do u = this.next();
    while (u === 0);
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Fisher–Yates shuffle in place. */
  shuffle(a: { length: number; [i: number]: number }): void {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }

  /** The whole state, for checkpoints. */
  getState(): RandomState {
    return { s: Array.from(this.s), spare: this.spare };
  }

  setState(state: RandomState): void {
    if (!Array.isArray(state.s) || state.s.length !== 4 || state.s.some((v) => !Number.isInteger(v) || v < 0 || v > 0xffffffff)) {
      throw new Error('random state must be four unsigned 32-bit integers');
    }
    this.s.set(state.s);
    this.spare = state.spare;
  }
}

export interface RandomState {
  s: number[];
  spare: number | null;
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
