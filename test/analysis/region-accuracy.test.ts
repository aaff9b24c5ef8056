// Tests of regionAccuracy on hand-made codes: membership per factor and jointly, exclusion of the
// cells that define the region, group statistics and the test's p-value.
import { describe, expect, it } from 'vitest';
import { mannWhitneyU } from '../../lib/analysis/mann-whitney';
import { regionAccuracy } from '../../lib/analysis/region-accuracy';
import { promisingRegion } from '../../lib/samplers/promising-region';

// Two factors. Cells 0 and 1 define the region (σ = 0.05): R_0 = [−0.35, −0.25] ∪ [0.15, 0.25], R_1 = [−0.05, 0.05] ∪ [0.45, 0.55].
const Z = [
  [-0.3, 0.0],
  [0.2, 0.5],
  [-0.26, 0.04], // in R_0 and R_1
  [0.24, 0.3], // in R_0 only
  [0.0, 0.5], // in R_1 only
  [0.1, 0.1], // in neither
  [-0.34, -0.2], // in R_0 only
];
const ACCURACY = [0.95, 0.94, 0.93, 0.92, 0.9, 0.88, 0.91];
const REGION = promisingRegion([Z[0], Z[1]], 0.05);

describe('regionAccuracy', () => {
  it('counts a cell inside only when every checked factor lies in its intervals', () => {
    const joint = regionAccuracy(Z, ACCURACY, REGION, { exclude: [0, 1] });
    expect([joint.factors, joint.inside, joint.outside]).toEqual([[0, 1], 1, 4]);
    expect(joint.meanInside).toBeCloseTo(0.93, 12);
    expect(joint.meanOutside).toBeCloseTo((0.92 + 0.9 + 0.88 + 0.91) / 4, 12);
    expect(joint.p).toBeNull(); // one cell inside: no test
  });

  it('checks one factor at a time when asked, with medians and a Mann–Whitney p-value', () => {
    const r0 = regionAccuracy(Z, ACCURACY, REGION, { factors: [0], exclude: [0, 1] });
    expect([r0.inside, r0.outside]).toEqual([3, 2]); // cells 2, 3, 6 vs 4, 5
    expect(r0.medianInside).toBe(0.92);
    expect(r0.medianOutside).toBeCloseTo(0.89, 12);
    expect(r0.p).toBe(mannWhitneyU([0.93, 0.92, 0.91], [0.9, 0.88]).p);
  });

  it('includes the defining cells unless excluded (they are inside by construction)', () => {
    expect(regionAccuracy(Z, ACCURACY, REGION).inside).toBe(3);
  });

  it('gives null statistics for an empty group', () => {
    const far = regionAccuracy([[5, 5], [6, 6]], [0.9, 0.8], REGION);
    expect([far.inside, far.meanInside, far.medianInside, far.p]).toEqual([0, null, null, null]);
    expect(far.meanOutside).toBeCloseTo(0.85, 12);
  });

  it('rejects mismatched inputs, foreign dimensions and out-of-range factors or indices', () => {
    expect(() => regionAccuracy(Z, [0.9], REGION)).toThrow('z has 7 rows but accuracy has 1 values');
    expect(() => regionAccuracy([[0, 0, 0]], [0.9], REGION)).toThrow('latent code 0 has 3 dimensions (region: 2)');
    expect(() => regionAccuracy(Z, ACCURACY, REGION, { factors: [2] })).toThrow('factor must be an integer in 0..1: got 2');
    expect(() => regionAccuracy(Z, ACCURACY, REGION, { exclude: [7] })).toThrow('excluded index must be an integer in 0..6: got 7');
  });
});
