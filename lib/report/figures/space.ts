// Plotly figure builders for the NAS-Bench-101 space notebook. Pure: numbers in, figure JSON out;
// no statistics computed here beyond binning handed in by the caller.
import type { PlotlyFigure } from '../png';

/**
 * Histogram of validation accuracies (bars from precomputed bins) with a dashed vertical
 * line per top-x% threshold.
 * @param bins `edges` (length k + 1) and `counts` (length k), e.g. from analysis/stats `histogram`.
 * @param thresholds label → accuracy, e.g. `{"top 1%": 0.943}`.
 */
export function accuracyHistogramFigure(bins: { edges: readonly number[]; counts: readonly number[] }, thresholds: Record<string, number>, title: string): PlotlyFigure {
  const centers = bins.counts.map((_, i) => (bins.edges[i] + bins.edges[i + 1]) / 2);
  const width = bins.edges[1] - bins.edges[0];
  const lines = Object.entries(thresholds).map(([label, x]) => ({
    type: 'scatter',
    mode: 'lines',
    name: `${label}: ${(100 * x).toFixed(2)}%`,
    x: [x, x],
    y: [0.5, Math.max(...bins.counts)],
    line: { dash: 'dash', width: 1.5 },
  }));
  return {
    data: [{ type: 'bar', name: 'cells', x: centers, y: [...bins.counts], width, marker: { color: '#4c78a8' } }, ...lines],
    layout: {
      title: { text: title },
      xaxis: { title: { text: 'validation accuracy (108 epochs)' }, tickformat: '.0%' },
      yaxis: { title: { text: 'cells' } },
      bargap: 0,
      legend: { x: 0.02, y: 0.98 },
    },
  };
}

/**
 * Scatter of parameters (millions) against validation accuracy, one trace per vertex count.
 * @param points one entry per cell.
 */
export function paramsAccuracyFigure(
  points: readonly { paramsM: number; accuracy: number; vertices: number }[],
  title: string,
  axes: { readonly x?: string; readonly y?: string } = {},
): PlotlyFigure {
  const groups = [...new Set(points.map((p) => p.vertices))].sort((a, b) => a - b);
  return {
    data: groups.map((v) => {
      const own = points.filter((p) => p.vertices === v);
      return { type: 'scatter', mode: 'markers', name: `${v} vertices`, x: own.map((p) => p.paramsM), y: own.map((p) => p.accuracy), marker: { size: 3, opacity: 0.5 } };
    }),
    layout: {
      title: { text: title },
      xaxis: { title: { text: axes.x ?? 'parameters (millions)' }, type: 'log' },
      yaxis: { title: { text: axes.y ?? 'validation accuracy (108 epochs)' }, tickformat: '.0%', range: [0.8, 0.96] },
    },
  };
}

/** Our FLOPs against NASLib's for the same cells, with the y = x line. */
export function flopsAgreementFigure(pairs: readonly { naslibFlopsM: number; oursFlopsM: number }[], title: string): PlotlyFigure {
  const extent = [Math.min(...pairs.map((p) => p.naslibFlopsM)), Math.max(...pairs.map((p) => p.naslibFlopsM))];
  return {
    data: [
      { type: 'scatter', mode: 'markers', name: 'cells', x: pairs.map((p) => p.naslibFlopsM), y: pairs.map((p) => p.oursFlopsM), marker: { size: 4 } },
      { type: 'scatter', mode: 'lines', name: 'y = x', x: extent, y: extent, line: { dash: 'dot', color: 'gray' } },
    ],
    layout: { title: { text: title }, xaxis: { title: { text: 'NASLib flops_m (millions)' } }, yaxis: { title: { text: 'this workbook (millions)' } } },
  };
}

/**
 * The same cells' validation accuracy (x) against their test accuracy (y), with the y = x line:
 * how well the search metric of the 30k sample predicts the reported one.
 * @param points one entry per cell, accuracies as fractions of 1.
 */
export function valTestFigure(points: readonly { val: number; test: number }[], title: string): PlotlyFigure {
  const extent = [0.8, 0.96];
  return {
    data: [
      { type: 'scatter', mode: 'markers', name: 'cells', x: points.map((p) => p.val), y: points.map((p) => p.test), marker: { size: 3, opacity: 0.5 } },
      { type: 'scatter', mode: 'lines', name: 'y = x', x: extent, y: extent, line: { dash: 'dot', color: 'gray' } },
    ],
    layout: {
      title: { text: title },
      xaxis: { title: { text: 'validation accuracy (val-subset-30k.csv)' }, tickformat: '.0%', range: extent },
      yaxis: { title: { text: 'test accuracy (test-108-all.csv)' }, tickformat: '.0%', range: extent },
    },
  };
}
