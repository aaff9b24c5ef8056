import { describe, expect, it } from 'vitest';
import { normalQuantile, studentTCdf, studentTQuantile } from '../../lib/analysis/quantiles';

describe('normalQuantile', () => {
  it('matches table values', () => {
    // the two quantiles a 5 % two-sided test at 80 % power needs; values from any normal table
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 6);
    expect(normalQuantile(0.8)).toBeCloseTo(0.841621, 6);
    expect(normalQuantile(0.5)).toBe(0);
  });
  it('is accurate in all three regions of AS 241, far tails included', () => {
    // scipy.stats.norm.ppf: central (0.02 → r ≤ 5 region), middle (1e-10), far tail (1e-300)
    expect(normalQuantile(0.02)).toBeCloseTo(-2.053748910631823, 12);
    expect(normalQuantile(1e-10)).toBeCloseTo(-6.361340902404056, 12);
    expect(normalQuantile(0.9999)).toBeCloseTo(3.719016485455709, 12);
    expect(normalQuantile(1e-300)).toBeCloseTo(-37.0470962993612, 10);
  });
  it('is antisymmetric: Φ⁻¹(1 − p) = −Φ⁻¹(p)', () => {
    for (const p of [0.01, 0.1, 0.3, 0.45]) expect(normalQuantile(1 - p)).toBeCloseTo(-normalQuantile(p), 12);
  });
  it('rejects probabilities outside (0, 1)', () => {
    expect(() => normalQuantile(0)).toThrow('probability must lie in (0, 1): got 0');
    expect(() => normalQuantile(1)).toThrow('probability must lie in (0, 1): got 1');
    expect(() => normalQuantile(NaN)).toThrow('probability must lie in (0, 1): got NaN');
  });
});

describe('studentTCdf', () => {
  it('matches closed forms for 1 and 2 degrees of freedom', () => {
    // df = 1 is the Cauchy distribution: F(t) = 1/2 + atan(t)/π
    for (const t of [-30, -1, 0.2, 5]) expect(studentTCdf(t, 1)).toBeCloseTo(0.5 + Math.atan(t) / Math.PI, 13);
    // df = 2: F(t) = 1/2 + t / (2√(2 + t²))
    for (const t of [-4, -0.5, 1.3, 9]) expect(studentTCdf(t, 2)).toBeCloseTo(0.5 + t / (2 * Math.sqrt(2 + t * t)), 13);
  });
  it('matches scipy.stats.t.cdf', () => {
    expect(studentTCdf(2.0, 5)).toBeCloseTo(0.9490302605850708, 12);
    expect(studentTCdf(-1.5, 3)).toBeCloseTo(0.11529193262241147, 12);
    expect(studentTCdf(0.3, 30)).toBeCloseTo(0.6168769473578236, 12);
  });
  it('rejects a non-finite t and bad degrees of freedom', () => {
    expect(() => studentTCdf(Infinity, 3)).toThrow('t must be finite: got Infinity');
    expect(() => studentTCdf(1, 0)).toThrow('degrees of freedom must be finite and > 0: got 0');
  });
});

describe('studentTQuantile', () => {
  it('matches table values used for 20-seed power analysis', () => {
    expect(studentTQuantile(0.975, 19)).toBeCloseTo(2.093024, 6);
    expect(studentTQuantile(0.8, 19)).toBeCloseTo(0.860951, 6);
    expect(studentTQuantile(0.975, 38)).toBeCloseTo(2.024394, 6);
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.706205, 6);
  });
  it('matches closed forms for 1 and 2 degrees of freedom, tails included', () => {
    // df = 1: t_p = tan(π(p − 1/2)); df = 2: t_p = (2p − 1)/√(2p(1 − p))
    for (const p of [1e-6, 0.1, 0.7, 0.999]) {
      expect(studentTQuantile(p, 1) / Math.tan(Math.PI * (p - 0.5))).toBeCloseTo(1, 10);
      expect(studentTQuantile(p, 2) / ((2 * p - 1) / Math.sqrt(2 * p * (1 - p)))).toBeCloseTo(1, 10);
    }
  });
  it('matches scipy.stats.t.ppf for fractional and large degrees of freedom', () => {
    expect(studentTQuantile(0.975, 2.5)).toBeCloseTo(3.5746548420036817, 10);
    expect(studentTQuantile(0.05, 7)).toBeCloseTo(-1.8945786050900066, 10);
    expect(studentTQuantile(0.9, 1000)).toBeCloseTo(1.2823987214609247, 10);
  });
  it('inverts studentTCdf', () => {
    for (const [p, df] of [[0.6, 3], [0.995, 4], [0.01, 12]]) expect(studentTCdf(studentTQuantile(p, df), df)).toBeCloseTo(p, 13);
  });
  it('rejects probabilities outside (0, 1) and bad degrees of freedom', () => {
    expect(() => studentTQuantile(1, 5)).toThrow('probability must lie in (0, 1): got 1');
    expect(() => studentTQuantile(0.5, -2)).toThrow('degrees of freedom must be finite and > 0: got -2');
    expect(() => studentTQuantile(0.5, Infinity)).toThrow('degrees of freedom must be finite and > 0: got Infinity');
  });
});
