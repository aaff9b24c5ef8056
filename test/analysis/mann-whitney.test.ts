import { describe, expect, it } from 'vitest';
import { mannWhitneyU, normalCdf } from '../../lib/analysis/mann-whitney';

describe('mannWhitneyU', () => {
  it('gives U = 0 and a small p for completely separated groups', () => {
    // a textbook case: every a below every b, n = 10 each → U = 0, z ≈ −3.74 (with continuity), p ≈ 1.8e-4
    const a = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const b = [11, 12, 13, 14, 15, 16, 17, 18, 19, 20];
    const r = mannWhitneyU(a, b);
    expect(r.u).toBe(0);
    expect(r.z).toBeCloseTo(-3.7418, 3);
    expect(r.p).toBeCloseTo(1.83e-4, 5);
  });
  it('gives p = 1 for identical groups, ties handled', () => {
    const r = mannWhitneyU([1, 1, 2, 2], [1, 1, 2, 2]);
    expect(r.u).toBe(8);
    expect(r.p).toBeCloseTo(1, 6);
  });
  it('is symmetric: swapping the groups gives U′ = n1·n2 − U and the same p', () => {
    const a = [0.93, 0.94, 0.941, 0.935, 0.945];
    const b = [0.94, 0.946, 0.947, 0.944, 0.948];
    const ab = mannWhitneyU(a, b);
    const ba = mannWhitneyU(b, a);
    expect(ab.u + ba.u).toBe(25);
    expect(ab.p).toBeCloseTo(ba.p, 12);
  });
  it('rejects a group of fewer than 2 values and non-finite values', () => {
    expect(() => mannWhitneyU([1], [1, 2])).toThrow('group a needs at least 2 values: got 1');
    expect(() => mannWhitneyU([1, 2], [1, NaN])).toThrow('group b value 1 is not finite: NaN');
  });
});

describe('normalCdf', () => {
  it('matches known values', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    expect(normalCdf(-1)).toBeCloseTo(0.158655, 6);
  });
});
