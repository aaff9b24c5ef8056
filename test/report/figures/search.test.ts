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
});
