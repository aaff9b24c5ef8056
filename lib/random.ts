// The one source of randomness in the workbook: a small, fast, seeded generator.
// Nothing in lib/ may call Math.random; everything random takes an Rng (or a fork of one).

/** A seed: a non-negative integer or any string (strings are hashed to 32 bits). */
export type Seed = number | string;

/** 32-bit FNV-1a of a string; used to turn labels and string seeds into integers. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** splitmix32: spreads one 32-bit seed into well-mixed state words. */
function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/**
 * Seeded pseudo-random generator (sfc32, 128-bit state, period ≈ 2^128).
 * Same seed → same sequence on every platform. `fork(label)` derives an independent
 * child stream, so adding draws to one component never shifts another's sequence.
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  /** The seed this generator was created from (recorded in run manifests). */
  readonly seed: Seed;

  /**
   * @param seed integer ≥ 0 or a string.
   * @throws RangeError when a numeric seed is negative, fractional or not finite.
   */
  constructor(seed: Seed) {
    if (typeof seed === 'number' && !(Number.isInteger(seed) && seed >= 0)) {
      throw new RangeError(`seed must be a non-negative integer or a string: got ${seed}`);
    }
    this.seed = seed;
    const base = typeof seed === 'number' ? (seed % 0x100000000) ^ fnv1a(String(Math.floor(seed / 0x100000000))) : fnv1a(seed);
    const mix = splitmix32(base);
    this.a = mix();
    this.b = mix();
    this.c = mix();
    this.d = mix();
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** Next raw 32-bit unsigned integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** Uniform float in [0, 1) with 53 bits of resolution. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform float in [low, high). */
  uniformIn(low: number, high: number): number {
    return low + (high - low) * this.uniform();
  }

  /**
   * Uniform integer in [0, n) without modulo bias.
   * @throws RangeError when n is not a positive integer ≤ 2^32.
   */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > 0x100000000) {
      throw new RangeError(`int(n) needs an integer 1 ≤ n ≤ 2^32: got ${n}`);
    }
    if (n === 1) return 0;
    const limit = 0x100000000 - (0x100000000 % n);
    let x = this.nextUint32();
    while (x >= limit) x = this.nextUint32();
    return x % n;
  }

  /** Standard normal draw (Box–Muller); `mean`/`std` shift and scale it. */
  normal(mean = 0, std = 1): number {
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    return mean + std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** True with probability p. */
  bernoulli(p: number): boolean {
    return this.uniform() < p;
  }

  /**
   * One element of a non-empty array, uniformly.
   * @throws RangeError on an empty array.
   */
  choice<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('choice() from an empty array');
    return items[this.int(items.length)];
  }

  /** A shuffled copy (Fisher–Yates); the input is left untouched. */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  }

  /**
   * `k` distinct indices from [0, n), in draw order.
   * @throws RangeError when k > n.
   */
  sampleIndices(n: number, k: number): number[] {
    if (k > n) throw new RangeError(`cannot draw ${k} distinct indices from ${n}`);
    const picked = new Set<number>();
    const out: number[] = [];
    while (out.length < k) {
      const i = this.int(n);
      if (!picked.has(i)) {
        picked.add(i);
        out.push(i);
      }
    }
    return out;
  }

  /**
   * An independent child generator named by `label`: depends only on this generator's
   * seed and the label, not on how many numbers were drawn so far.
   */
  fork(label: string): Rng {
    return new Rng(`${String(this.seed)}/${label}`);
  }

  /** Where the generator stands: its four state words (a checkpoint saves them; `Rng.at` puts a generator back there). */
  state(): [number, number, number, number] {
    return [this.a, this.b, this.c, this.d];
  }

  /**
   * The generator of `seed` at a `state()` it reached: it goes on with the very numbers the saved one would have drawn.
   * @throws RangeError when the state is not four 32-bit integers.
   */
  static at(seed: Seed, state: readonly number[]): Rng {
    if (state.length !== 4 || !state.every((w) => Number.isInteger(w) && w >= -0x80000000 && w <= 0xffffffff)) {
      throw new RangeError(`an Rng state is four 32-bit integers: got [${state.join(', ')}]`);
    }
    const rng = new Rng(seed);
    [rng.a, rng.b, rng.c, rng.d] = state;
    return rng;
  }

  /** An integer seed for libraries that take one (e.g. TF.js initialisers). */
  intSeed(): number {
    return this.nextUint32() & 0x7fffffff;
  }
}
