// Tests of Table 2's FLOPs bands (lib/experiments/flops-bands.ts): cuts at quantiles that partition
// the cells, a cut value kept in the band below, a top band that ends at the space's largest FLOPs,
// a search limit with both ends, and the errors that name value and limit.
import { describe, expect, it } from 'vitest';
import { bandLimit, flopsBands, flopsBandsOf, inBand } from '../../lib/experiments/flops-bands';
import { resolveFlopsLimit, withinLimit } from '../../lib/search/flops-limit';
import { LayerChoiceSpace, SMOKE_SPACE } from '../../lib/supernet/space';

describe('flopsBandsOf', () => {
  // 100 values 1..100: cuts at the 30th/55th/80th values (31, 56, 81)
  const values = Array.from({ length: 100 }, (_, i) => i + 1);

  it('cuts at the quantiles, each band low < FLOPs ≤ high, the top band ending at the largest value', () => {
    const bands = flopsBandsOf(values);
    expect(bands.map((b) => [b.lowM, b.highM])).toEqual([[31, 56], [56, 81], [81, 100]]);
    expect(bands.map((b) => b.share)).toEqual([0.25, 0.25, 0.19]);
    expect(bands.map((b) => b.label)).toEqual(['31–56M', '56–81M', '> 81M']);
    // every value above the first cut lies in exactly one band
    for (const v of values) expect(bands.filter((b) => inBand(b, v)).length).toBe(v > 31 ? 1 : 0);
  });

  it('keeps a value at a cut in the band below it, however many cells share it', () => {
    // 40% of the cells sit on one value: the 30th-percentile cut falls on it
    const atoms = [...Array(10).fill(1), ...Array(40).fill(2), ...Array(20).fill(3), ...Array(20).fill(4), ...Array(10).fill(5)];
    const bands = flopsBandsOf(atoms);
    expect(bands.map((b) => [b.lowM, b.highM])).toEqual([[2, 3], [3, 4], [4, 5]]);
    expect(bands.map((b) => b.share)).toEqual([0.2, 0.2, 0.1]);
    expect(inBand(bands[0], 2)).toBe(false);
    expect(inBand(bands[0], 3)).toBe(true);
  });

  it('ends the top band at maxM when given, and takes other quantiles', () => {
    const bands = flopsBandsOf(values, { maxM: 120, quantiles: [0.1, 0.5, 0.9] });
    expect(bands.map((b) => [b.lowM, b.highM])).toEqual([[11, 51], [51, 91], [91, 120]]);
  });

  it('rejects bad quantiles, too few or non-finite values, a maxM below the data and an empty band, naming them', () => {
    expect(() => flopsBandsOf(values, { quantiles: [0.5, 0.3, 0.8] })).toThrow('band quantiles must rise strictly inside (0, 1): got 0.5, 0.3, 0.8');
    expect(() => flopsBandsOf([1, 2, 3])).toThrow('FLOPs bands need at least 10 FLOPs values: got 3');
    expect(() => flopsBandsOf([...values, NaN])).toThrow('FLOPs values must be finite: got NaN');
    expect(() => flopsBandsOf(values, { maxM: 99 })).toThrow('maxM must be at least the largest FLOPs value 100M: got 99');
    expect(() => flopsBandsOf([...Array(60).fill(1), ...Array(40).fill(2)])).toThrow('FLOPs band 1–1M holds no cell: the quantiles 0.3, 0.55, 0.8 fall on too few distinct FLOPs values');
  });
});

describe('flopsBands on a space', () => {
  it('ends the top band at the space’s largest FLOPs and is seeded', () => {
    const space = new LayerChoiceSpace(SMOKE_SPACE);
    const bands = flopsBands(space, 0, { samples: 2000 });
    expect(bands[2].highM).toBe(space.flopsRangeM().max);
    expect(flopsBands(space, 0, { samples: 2000 })).toEqual(bands);
    expect(bands[0].lowM).toBeGreaterThan(space.flopsRangeM().min);
  });
});

describe('bandLimit', () => {
  it('is the band as a search limit: F = high with τ = 0, the lower end exclusive', () => {
    const band = flopsBandsOf(Array.from({ length: 100 }, (_, i) => i + 1))[1];
    const limit = resolveFlopsLimit(bandLimit(band))!;
    expect(limit).toEqual({ limitM: 81, toleranceM: 0, maxM: 81, aboveM: 56 });
    for (const v of [55, 56, 57, 80, 81, 82]) expect(withinLimit(limit, v)).toBe(inBand(band, v));
  });
});
