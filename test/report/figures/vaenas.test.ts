import { describe, expect, it } from 'vitest';
import { samplingDistributionFigure } from '../../../lib/report/figures/vaenas';
import { rounded } from './rounded';

const edges = [0.9, 0.92, 0.94];
const panel = (title: string) => ({
  title,
  traces: [
    { name: 'uniform', edges, counts: [3, 1], color: '#888888' },
    { name: 'VAE', edges, counts: [1, 9], color: '#e45756' },
  ],
});

describe('samplingDistributionFigure', () => {
  it('draws one overlaid bar trace per sampler and panel, as shares of each sampler\'s samples', () => {
    const figure = samplingDistributionFigure([panel('noise 0'), panel('noise 0.5%')], 'Fig 2');
    expect(figure.data).toHaveLength(4);
    const first = figure.data[0] as { y: number[]; showlegend: boolean };
    expect(first.y).toEqual([0.75, 0.25]); // 3 and 1 of 4 samples
    // each sampler is named once in the legend
    expect(figure.data.map((t) => (t as { showlegend: boolean }).showlegend)).toEqual([true, true, false, false]);
    expect(rounded(figure)).toMatchSnapshot();
  });
  it('rejects no panels, an empty panel and counts that do not fit the edges', () => {
    expect(() => samplingDistributionFigure([], 'x')).toThrow('samplingDistributionFigure needs at least one panel');
    expect(() => samplingDistributionFigure([{ title: 'a', traces: [] }], 'x')).toThrow("panel 0 ('a') has no traces");
    expect(() => samplingDistributionFigure([{ title: 'a', traces: [{ name: 'u', edges: [0, 1], counts: [1, 2], color: 'red' }] }], 'x')).toThrow("trace 'u' in panel 0: 2 counts need 3 edges: got 2");
  });
});
