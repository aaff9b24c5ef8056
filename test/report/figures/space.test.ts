import { describe, expect, it } from 'vitest';
import { accuracyHistogramFigure, flopsAgreementFigure, paramsAccuracyFigure } from '../../../lib/report/figures/space';
import { rounded } from './rounded';


describe('accuracyHistogramFigure', () => {
  it('draws one bar trace and one dashed line per threshold', () => {
    const figure = accuracyHistogramFigure({ edges: [0.8, 0.85, 0.9, 0.95], counts: [2, 5, 9] }, { 'top 1%': 0.94, 'top 0.1%': 0.945 }, 'accuracies');
    expect(figure.data).toHaveLength(3);
    expect(rounded(figure)).toMatchSnapshot();
  });
});

describe('paramsAccuracyFigure', () => {
  it('makes one trace per vertex count, in increasing order', () => {
    const figure = paramsAccuracyFigure(
      [
        { paramsM: 3.2, accuracy: 0.91, vertices: 7 },
        { paramsM: 0.5, accuracy: 0.85, vertices: 4 },
        { paramsM: 8.1, accuracy: 0.93, vertices: 7 },
      ],
      'params',
    );
    expect(figure.data.map((t) => (t as { name: string }).name)).toEqual(['4 vertices', '7 vertices']);
    expect(rounded(figure)).toMatchSnapshot();
  });
});

describe('flopsAgreementFigure', () => {
  it('spans the y = x line over the range of the reference values', () => {
    const figure = flopsAgreementFigure([{ naslibFlopsM: 100, oursFlopsM: 100 }, { naslibFlopsM: 300, oursFlopsM: 300 }], 'flops');
    expect((figure.data[1] as { x: number[] }).x).toEqual([100, 300]);
    expect(rounded(figure)).toMatchSnapshot();
  });
});
