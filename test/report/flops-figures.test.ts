import { describe, expect, it } from 'vitest';
import { factorFlopsFigure, flopsLimitFigure, type FactorFlopsInput, type LimitSeries } from '../../lib/report/figures/flops';
import { rounded } from './figures/rounded';

// Five sub-networks; cells 3, 0, 4 are the top-3 by accuracy. The region has two intervals so both
// panels must get two rectangles each.
const INPUT: FactorFlopsInput = {
  factor: 2,
  z: [-0.2, 0.1, 0.3, -0.15, 0.25],
  accuracy: [0.9, 0.8, 0.7, 0.92, 0.85],
  flopsM: [1.2, 0.9, 1.5, 1.4, 1.0],
  top: [3, 0, 4],
  intervals: [[-0.25, -0.1], [0.2, 0.3]],
};

type Trace = { name: string; xaxis: string; yaxis: string; x: number[]; y: number[]; marker: { color?: unknown; coloraxis?: string; symbol?: string }; error_y?: { array: number[] } };
type Shape = { xref: string; yref: string; x0: number; x1: number; y0: number; y1: number; type: string };

describe('factorFlopsFigure', () => {
  const f = factorFlopsFigure(INPUT);
  const traces = f.data as Trace[];

  it('plots z_k against accuracy coloured by FLOPs, and against FLOPs coloured by accuracy', () => {
    const [left, , right] = traces;
    expect([left.xaxis, left.yaxis, right.xaxis, right.yaxis]).toEqual(['x', 'y', 'x2', 'y2']);
    expect(left.x).toEqual(INPUT.z);
    expect(left.y).toEqual(INPUT.accuracy);
    expect(left.marker).toMatchObject({ color: INPUT.flopsM, coloraxis: 'coloraxis' });
    expect(right.y).toEqual(INPUT.flopsM);
    expect(right.marker).toMatchObject({ color: INPUT.accuracy, coloraxis: 'coloraxis2' });
  });

  it('stars the top-k in both panels at their own values', () => {
    const stars = traces.filter((t) => t.name === 'top-3');
    expect(stars.map((t) => t.xaxis)).toEqual(['x', 'x2']);
    expect(stars[0].x).toEqual([-0.15, -0.2, 0.25]);
    expect(stars[0].y).toEqual([0.92, 0.9, 0.85]);
    expect(stars[1].y).toEqual([1.4, 1.2, 1.0]);
  });

  it('shades every interval of R_k over the full height of both panels', () => {
    const shapes = f.layout!.shapes as Shape[];
    expect(shapes.map((s) => [s.xref, s.x0, s.x1])).toEqual([['x', -0.25, -0.1], ['x', 0.2, 0.3], ['x2', -0.25, -0.1], ['x2', 0.2, 0.3]]);
    expect(shapes.every((s) => s.type === 'rect' && s.yref === `${s.xref.replace('x', 'y')} domain` && s.y0 === 0 && s.y1 === 1)).toBe(true);
    expect((f.layout!.title as { text: string }).text).toContain('[-0.250, -0.100] ∪ [0.200, 0.300]');
  });

  it('adds the region decodes as a third trace per panel only when given', () => {
    expect(traces).toHaveLength(4);
    const g = factorFlopsFigure({ ...INPUT, samples: { z: [0.22], accuracy: [0.88], flopsM: [1.1] } });
    const decoded = (g.data as Trace[]).filter((t) => t.name === 'decoded from the region');
    expect(decoded.map((t) => [t.xaxis, t.x, t.y])).toEqual([['x', [0.22], [0.88]], ['x2', [0.22], [1.1]]]);
  });

  it('rejects mismatched lengths, a top index out of range and a reversed interval', () => {
    expect(() => factorFlopsFigure({ ...INPUT, flopsM: [1, 2] })).toThrow(/flopsM has 2 values but z has 5/);
    expect(() => factorFlopsFigure({ ...INPUT, top: [5] })).toThrow(/top index must be an integer in 0..4: got 5/);
    expect(() => factorFlopsFigure({ ...INPUT, intervals: [[0.3, 0.2]] })).toThrow(/interval 0 must have finite lo < hi/);
    expect(() => factorFlopsFigure({ ...INPUT, accuracy: [0.9, NaN, 0.7, 0.92, 0.85] })).toThrow(/accuracy\[1\] is not finite/);
  });
});

// Two methods, three limits, two seeds; the last limit is above the space's max (2.0).
const SERIES: LimitSeries[] = [
  { method: 'DNAS', limitM: [1, 1.5, 2.2], bestAccuracy: [[0.9, 0.92], [0.93, 0.95], [0.95, 0.95]], bestFlopsM: [[0.98, 1.0], [1.45, 1.5], [1.9, 1.95]] },
  { method: 'SemiNAS', limitM: [1, 1.5, 2.2], bestAccuracy: [[0.89, 0.89], [0.9, 0.94], [0.92, 0.92]], bestFlopsM: [[0.9, 1.0], [1.3, 1.4], [1.4, 1.4]] },
];

describe('flopsLimitFigure', () => {
  const f = flopsLimitFigure(SERIES, { spaceMaxM: 2, toleranceFraction: 0.05 });
  const traces = f.data as Trace[];

  it('draws each method as mean ± sample std of the best accuracy against the limit', () => {
    const dnas = traces.find((t) => t.name === 'DNAS')!;
    expect(dnas.x).toEqual([1, 1.5, 2.2]);
    expect(rounded(dnas.y)).toEqual([0.91, 0.94, 0.95]);
    expect(rounded(dnas.error_y!.array)).toEqual([0.014142, 0.014142, 0]);
  });

  it('plots every seed\'s best FLOPs and their mean in the lower panel', () => {
    const semiMean = traces.find((t) => t.name === 'SemiNAS: mean FLOPs of best')!;
    const semiDots = traces.find((t) => t.name === 'SemiNAS: best per seed')!;
    expect([semiMean.xaxis, semiMean.yaxis]).toEqual(['x2', 'y2']);
    expect(rounded(semiMean.y)).toEqual([0.95, 1.35, 1.4]);
    expect(semiDots.x).toEqual([1, 1, 1.5, 1.5, 2.2, 2.2]);
    expect(semiDots.y).toEqual([0.9, 1.0, 1.3, 1.4, 1.4, 1.4]);
  });

  it('draws FLOPs = F and F + τ, and the space maximum on both panels', () => {
    expect(traces.find((t) => t.name === 'FLOPs = F')!.y).toEqual([1, 1.5, 2.2]);
    expect(rounded(traces.find((t) => t.name === 'FLOPs = F + τ')!.y)).toEqual([1.05, 1.575, 2.31]);
    const shapes = f.layout!.shapes as Shape[];
    expect(shapes.map((s) => [s.type, s.xref, s.x0, s.x1])).toEqual([['line', 'x', 2, 2], ['line', 'x2', 2, 2]]);
    const bare = flopsLimitFigure(SERIES);
    expect(bare.layout!.shapes).toEqual([]);
    expect((bare.data as Trace[]).some((t) => t.name === 'FLOPs = F + τ')).toBe(false);
  });

  it('titles the accuracy axis as told (inherited by default)', () => {
    const title = (g: ReturnType<typeof flopsLimitFigure>) => (g.layout!.yaxis as { title: { text: string } }).title.text;
    expect(title(f)).toBe('best inherited accuracy');
    expect(title(flopsLimitFigure(SERIES, { accuracyTitle: 'val_acc_200 of the pick' }))).toBe('val_acc_200 of the pick');
  });

  it('rejects no series, ragged seed lists and non-increasing limits', () => {
    expect(() => flopsLimitFigure([])).toThrow(/at least one method/);
    expect(() => flopsLimitFigure([{ ...SERIES[0], bestFlopsM: [[1]] }])).toThrow(/one seed list per limit: got 3 accuracy and 1 FLOPs lists for 3 limits/);
    expect(() => flopsLimitFigure([{ ...SERIES[0], limitM: [1, 1, 2] }])).toThrow(/limits must be finite and increasing: got 1 after 1/);
    expect(() => flopsLimitFigure([{ ...SERIES[0], bestAccuracy: [[0.9], [], [0.9]] }])).toThrow(/bestAccuracy at limit 1.5: need ≥ 1 finite value/);
  });
});
