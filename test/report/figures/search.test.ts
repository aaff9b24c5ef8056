import { describe, expect, it } from 'vitest';
import { bestSoFarFigure } from '../../../lib/report/figures/search';
import { rounded } from './rounded';


describe('bestSoFarFigure', () => {
  it('draws a band and a line per method, then the reference curve', () => {
    const figure = bestSoFarFigure(
      [
        { name: 'dnas', x: [1, 2, 3], mean: [0.9, 0.92, 0.93], std: [0.01, 0.01, 0.005] },
        { name: 're', x: [1, 2, 3], mean: [0.9, 0.91, 0.925], std: [0.02, 0.01, 0.01] },
      ],
      'curves',
      { name: 'random (exact)', y: [0.9, 0.915, 0.92] },
    );
    expect(figure.data.map((t) => (t as { name: string }).name)).toEqual(['dnas ±1 std', 'dnas', 're ±1 std', 're', 'random (exact)']);
    // the band is a closed polygon: upper edge left to right, lower edge right to left
    expect((figure.data[0] as { y: number[] }).y.map((v) => Math.round(v * 1000) / 1000)).toEqual([0.91, 0.93, 0.935, 0.925, 0.91, 0.89]);
    expect(rounded(figure)).toMatchSnapshot();
  });

  it('fits the y axis to the curves from query ⌈n/10⌉ on, so a wide first query does not flatten them', () => {
    // 20 queries: the first one spreads ±10 points, later ones differ by tenths; the range starts at query 2.
    const x = Array.from({ length: 20 }, (_, i) => i + 1);
    const mean = x.map((q) => (q === 1 ? 0.85 : 0.9 + q / 1000));
    const std = x.map((q) => (q === 1 ? 0.1 : 0.001)); // query 1's band reaches 0.95, above every later edge
    const figure = bestSoFarFigure([{ name: 'a', x, mean, std }], 'focus');
    const [low, high] = (figure.layout as { yaxis: { range: [number, number] } }).yaxis.range;
    // band edges from query 2 on: lowest 0.902 − 0.001 = 0.901, highest 0.920 + 0.001 = 0.921 (query 1's 0.75–0.95 band is left out).
    const pad = 0.05 * (0.921 - 0.901);
    expect(low).toBeCloseTo(0.901 - pad, 9);
    expect(high).toBeCloseTo(0.921 + pad, 9);
  });
});

