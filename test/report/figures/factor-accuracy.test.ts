import { describe, expect, it } from 'vitest';
import { factorAccuracyFigure, factorCorrelationFigure } from '../../../lib/report/figures/factor-accuracy';
import { rounded } from './rounded';

// Six labelled cells, three factors. The top-3 by accuracy are cells 0, 4, 2, whose z0 are the
// paper's example (DNAS §Experiments: z_7 of the top-3 at −0.28, −0.16, −0.19 → R = [−0.33, −0.11]);
// their z2 are far apart, so R_2 is three separate intervals.
const Z = [
  [-0.28, 0.1, 0.3],
  [0.3, 0.0, 0.1],
  [-0.16, -0.2, -0.2],
  [0.0, 0.3, 0.2],
  [-0.19, 0.2, 0.0],
  [0.25, -0.1, -0.3],
];
const ACCURACY = [0.94, 0.9, 0.93, 0.91, 0.935, 0.89];

type Trace = { name: string; xaxis: string; x: number[]; y: number[] };
type Shape = { xref: string; yref: string; x0: number; x1: number; y0: number; y1: number; type: string };

describe('factorAccuracyFigure', () => {
  const f = factorAccuracyFigure(Z, ACCURACY, [0, 2]);
  const traces = f.data as Trace[];
  const shapes = f.layout!.shapes as Shape[];

  it('draws all cells and the top-3 in one panel per factor', () => {
    expect(traces.map((t) => [t.xaxis, t.name])).toEqual([
      ['x', 'labelled cells'],
      ['x', 'top-3'],
      ['x2', 'labelled cells'],
      ['x2', 'top-3'],
    ]);
    expect(traces[0].x).toEqual(Z.map((z) => z[0]));
    expect(traces[1].y).toEqual([0.94, 0.935, 0.93]);
    expect(traces[3].x).toEqual([0.3, 0.0, -0.2]); // z2 of cells 0, 4, 2
  });

  it('shades the promising region of Eq 4 (σ = 0.05) over the full height of its panel', () => {
    const region = (xref: string) => shapes.filter((s) => s.xref === xref).map((s) => [s.x0, s.x1]);
    expect(rounded(region('x'))).toEqual([[-0.33, -0.11]]);
    expect(rounded(region('x2'))).toEqual([[-0.25, -0.15], [-0.05, 0.05], [0.25, 0.35]]);
    expect(shapes.every((s) => s.type === 'rect' && s.yref === `${s.xref.replace('x', 'y')} domain` && s.y0 === 0 && s.y1 === 1)).toBe(true);
  });

  it('shades a region it is given instead, and marks as many cells as topK', () => {
    const g = factorAccuracyFigure(Z, ACCURACY, [1], { topK: 2, region: { intervals: [[], [[0.1, 0.2]], []] } });
    expect(((g.layout!.shapes as Shape[]).map((s) => [s.x0, s.x1]))).toEqual([[0.1, 0.2]]);
    expect((g.data[1] as Trace).name).toBe('top-2');
    expect((g.data[1] as Trace).y).toEqual([0.94, 0.935]);
  });

  it('places four panels in a row by default and wraps with columns', () => {
    const wide = factorAccuracyFigure(Z, ACCURACY, [0, 1, 2, 0]);
    const domain = (fig: typeof wide, k: number) => (fig.layout![k === 1 ? 'yaxis' : `yaxis${k}`] as { domain: number[] }).domain;
    expect(new Set([1, 2, 3, 4].map((k) => domain(wide, k).join()))).toHaveProperty('size', 1);
    const grid = factorAccuracyFigure(Z, ACCURACY, [0, 1, 2, 0], { columns: 2 });
    expect(domain(grid, 3)[1]).toBeLessThan(domain(grid, 1)[0]); // the second row lies below the first
  });

  it('rejects an out-of-range factor, a topK larger than the data and mismatched inputs', () => {
    expect(() => factorAccuracyFigure(Z, ACCURACY, [3])).toThrow('factor must be an integer in 0..2: got 3');
    expect(() => factorAccuracyFigure(Z, ACCURACY, [0], { topK: 7 })).toThrow('topK must be an integer in 1..6: got 7');
    expect(() => factorAccuracyFigure(Z, ACCURACY.slice(1), [0])).toThrow('z has 6 rows but accuracy has 5 values');
  });

  it('matches the snapshot', () => {
    expect(rounded(f)).toMatchSnapshot();
  });
});

describe('factorCorrelationFigure', () => {
  it('draws one bar per factor, the highlighted ones in another colour', () => {
    const f = factorCorrelationFigure([0.1, -0.6, 0.45], { highlight: [1] });
    const bars = f.data[0] as { x: string[]; y: number[]; marker: { color: string[] } };
    expect(f.data).toHaveLength(1);
    expect(bars.x).toEqual(['z0', 'z1', 'z2']);
    expect(bars.y).toEqual([0.1, -0.6, 0.45]);
    expect(bars.marker.color[1]).not.toBe(bars.marker.color[0]);
    expect(bars.marker.color[0]).toBe(bars.marker.color[2]);
    expect(rounded(f)).toMatchSnapshot();
  });

  it('rejects a value that is not a correlation', () => {
    expect(() => factorCorrelationFigure([0.2, 1.5])).toThrow('correlation of factor 1 must be a finite number in [−1, 1]: got 1.5');
  });
});
