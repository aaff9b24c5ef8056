// Plotly figure builders for search results: best-so-far curves with ±1 std bands, and the exact
// expected curve of random search beside them. Pure: numbers in, figure JSON out.
import type { PlotlyFigure } from '../png';

/** One method's curve: mean and std of the best-so-far accuracy after each query. */
export interface CurveBand {
  readonly name: string;
  readonly x: readonly number[];
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

const PALETTE = ['#4c78a8', '#f58518', '#54a24b', '#e45756', '#72b7b2', '#b279a2', '#ff9da6', '#9d755d'];

/** `#rrggbb` → `rgba(r, g, b, alpha)` for the band fill. */
function fill(hex: string, alpha: number): string {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return `rgba(${r}, ${g}, ${b}, ${alpha})`;
}

/**
 * Best-so-far validation accuracy against the number of distinct queries: each method as a mean
 * line with a ±1 std band, optionally the exact expected curve of random search (dotted).
 * @param reference e.g. `{ name: 'random search (exact expectation)', y: expectedBestCurve(...) }`.
 */
export function bestSoFarFigure(curves: readonly CurveBand[], title: string, reference?: { name: string; y: readonly number[] }): PlotlyFigure {
  const data: Record<string, unknown>[] = [];
  curves.forEach((c, i) => {
    const color = PALETTE[i % PALETTE.length];
    const upper = c.mean.map((m, k) => m + c.std[k]);
    const lower = c.mean.map((m, k) => m - c.std[k]);
    data.push({ type: 'scatter', mode: 'lines', x: [...c.x, ...[...c.x].reverse()], y: [...upper, ...lower.reverse()], fill: 'toself', fillcolor: fill(color, 0.15), line: { width: 0 }, hoverinfo: 'skip', showlegend: false, name: `${c.name} ±1 std` });
    data.push({ type: 'scatter', mode: 'lines', x: [...c.x], y: [...c.mean], name: c.name, line: { color, width: 2 } });
  });
  if (reference) {
    data.push({ type: 'scatter', mode: 'lines', x: reference.y.map((_, k) => k + 1), y: [...reference.y], name: reference.name, line: { color: 'black', dash: 'dot', width: 1.5 } });
  }
  return {
    data,
    layout: {
      title: { text: title },
      xaxis: { title: { text: 'distinct queries' } },
      yaxis: { title: { text: 'best validation accuracy so far' }, tickformat: '.2%' },
      legend: { x: 1.02, y: 1 },
    },
  };
}
