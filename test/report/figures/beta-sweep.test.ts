// Tests of the β-sweep figure: one panel per metric, β as equally spaced categories, gaps for nulls.
import { describe, expect, it } from 'vitest';
import { metricsVsBetaFigure } from '../../../lib/report/figures/beta-sweep';

const ROWS = [
  { beta: 0, mig: 0.02, purity: 0.3, activeFactors: null },
  { beta: 0.1, mig: 0.05, purity: 0.4, activeFactors: 20 },
  { beta: 8, mig: 0.01, purity: null, activeFactors: 3 },
];
const METRICS = [
  { key: 'mig', label: 'MIG' },
  { key: 'purity', label: 'purity' },
  { key: 'activeFactors', label: 'active factors' },
  { key: 'mig', label: 'MIG again' },
];

type Trace = { xaxis: string; yaxis: string; x: string[]; y: (number | null)[]; name: string };

describe('metricsVsBetaFigure', () => {
  const figure = metricsVsBetaFigure(ROWS, METRICS, { columns: 3 });
  const traces = figure.data as Trace[];
  const layout = figure.layout as Record<string, { domain: number[]; type?: string; title?: { text: string } }>;

  it('draws one trace per metric on its own axes, β as categories in row order', () => {
    expect(traces.map((t) => [t.name, t.xaxis, t.yaxis])).toEqual([['MIG', 'x', 'y'], ['purity', 'x2', 'y2'], ['active factors', 'x3', 'y3'], ['MIG again', 'x4', 'y4']]);
    expect(traces[0].x).toEqual(['0', '0.1', '8']);
    expect(layout.xaxis.type).toBe('category');
    expect(layout.yaxis3.title!.text).toBe('active factors');
  });

  it('keeps null scores as gaps', () => {
    expect(traces[1].y).toEqual([0.3, 0.4, null]);
    expect(traces[2].y).toEqual([null, 20, 3]);
  });

  it('lays panels out row by row: the fourth starts a second row under the first', () => {
    expect(layout.xaxis4.domain).toEqual(layout.xaxis.domain);
    expect(layout.yaxis4.domain[1]).toBeLessThan(layout.yaxis.domain[0]);
    expect(layout.xaxis2.domain[0]).toBeGreaterThan(layout.xaxis.domain[1]);
  });

  it('rejects empty input, a row without β and a non-numeric metric', () => {
    expect(() => metricsVsBetaFigure([], METRICS)).toThrow('needs at least one row: got 0');
    expect(() => metricsVsBetaFigure(ROWS, [])).toThrow('needs at least one metric: got 0');
    expect(() => metricsVsBetaFigure([{ mig: 0.1 }], METRICS)).toThrow('row 0 has no finite beta: got undefined');
    expect(() => metricsVsBetaFigure([{ beta: 1, mig: Number.NaN }], METRICS)).toThrow('row 0 (β = 1): mig must be a finite number or null: got NaN');
  });
});
