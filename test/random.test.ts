import { describe, expect, it } from 'vitest';
import { Rng } from '../lib/random';

describe('Rng', () => {
  it('gives the same sequence for the same seed and another for another seed', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const xs = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.nextUint32())).not.toEqual(xs);
  });
  it('accepts string seeds deterministically', () => {
    expect(new Rng('run-1').uniform()).toBe(new Rng('run-1').uniform());
  });
  it('forks streams that depend on the label, not on draws made before', () => {
    const a = new Rng(7);
    const b = new Rng(7);
    b.uniform();
    b.uniform();
    expect(a.fork('x').uniform()).toBe(b.fork('x').uniform());
    expect(a.fork('x').uniform()).not.toBe(a.fork('y').uniform());
  });
  it('draws uniform floats in [0, 1) with mean about 1/2', () => {
    const rng = new Rng(1);
    let sum = 0;
    for (let i = 0; i < 20000; i++) {
      const u = rng.uniform();
      expect(u >= 0 && u < 1).toBe(true);
      sum += u;
    }
    // standard error of the mean of 20,000 uniforms: √(1/12/20000) ≈ 0.002; allow 5 SE
    expect(Math.abs(sum / 20000 - 0.5)).toBeLessThan(0.01);
  });
  it('draws integers in [0, n) covering every value', () => {
    const rng = new Rng(2);
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) seen.add(rng.int(7));
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });
  it('draws normals with mean about 0 and std about 1', () => {
    const rng = new Rng(3);
    const xs = Array.from({ length: 20000 }, () => rng.normal());
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const std = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
    expect(Math.abs(mean)).toBeLessThan(0.04);
    expect(Math.abs(std - 1)).toBeLessThan(0.03);
  });
  it('shuffles into a permutation and leaves the input alone', () => {
    const items = [1, 2, 3, 4, 5];
    const out = new Rng(4).shuffle(items);
    expect([...out].sort()).toEqual(items);
    expect(items).toEqual([1, 2, 3, 4, 5]);
  });
  it('samples distinct indices', () => {
    const picked = new Rng(5).sampleIndices(10, 10);
    expect(new Set(picked).size).toBe(10);
  });
  it('rejects a negative or fractional numeric seed', () => {
    expect(() => new Rng(-1)).toThrow('seed must be a non-negative integer or a string: got -1');
    expect(() => new Rng(1.5)).toThrow('seed must be a non-negative integer or a string: got 1.5');
  });
  it('rejects int(n) for n not a positive integer', () => {
    expect(() => new Rng(0).int(0)).toThrow('int(n) needs an integer 1 ≤ n ≤ 2^32: got 0');
  });
  it('rejects choice from an empty array and too many distinct indices', () => {
    expect(() => new Rng(0).choice([])).toThrow('choice() from an empty array');
    expect(() => new Rng(0).sampleIndices(3, 4)).toThrow('cannot draw 4 distinct indices from 3');
  });

  it('state() and Rng.at put a generator back where it stood: the same numbers follow', () => {
    const a = new Rng('checkpointed');
    for (let i = 0; i < 37; i++) a.uniform();
    const b = Rng.at(a.seed, a.state());
    expect(Array.from({ length: 20 }, () => b.nextUint32())).toEqual(Array.from({ length: 20 }, () => a.nextUint32()));
    expect(() => Rng.at(1, [1, 2, 3])).toThrow('an Rng state is four 32-bit integers: got [1, 2, 3]');
    expect(() => Rng.at(1, [1, 2, 3, 0.5])).toThrow(RangeError);
  });
});
