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
 * The y range that shows where the methods differ: the lowest to the highest band edge (mean ± std,
 * reference included) at or after query `from`, padded by 5%. Without it the first
 * few queries, whose spread is several points, squash the curves into one line.
 */
function focusRange(curves: readonly CurveBand[], reference: readonly number[] | undefined, from: number): [number, number] {
  let low = Infinity;
  let high = -Infinity;
  for (const c of curves) {
    c.x.forEach((x, k) => {
      if (x < from) return;
      high = Math.max(high, c.mean[k] + c.std[k]);
      low = Math.min(low, c.mean[k] - c.std[k]);
    });
  }
  reference?.forEach((y, k) => {
    if (k + 1 < from) return;
    high = Math.max(high, y);
    low = Math.min(low, y);
  });
  const pad = 0.05 * (high - low || Math.abs(high) || 1);
  return [low - pad, high + pad];
}

/**
 * Best-so-far validation accuracy against the number of distinct queries: each method as a mean
 * line with a ±1 std band, optionally the exact expected curve of random search (dotted). The y axis
 * is fitted to the curves from query ⌈n/10⌉ on (n = the longest curve), so the methods' differences
 * are visible; the first queries' wide bands run off the plot (zoom out to see them).
 * @param reference e.g. `{ name: 'random search (exact expectation)', y: expectedBestCurve(...) }`.
 */
export function bestSoFarFigure(curves: readonly CurveBand[], title: string, reference?: { name: string; y: readonly number[] }): PlotlyFigure {
  const longest = Math.max(0, ...curves.map((c) => c.x.length), reference?.y.length ?? 0);
  const range = longest > 0 ? focusRange(curves, reference?.y, Math.ceil(longest / 10)) : undefined;
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
      yaxis: { title: { text: 'best validation accuracy so far' }, tickformat: '.2%', ...(range ? { range } : {}) },
      legend: { x: 1.02, y: 1 },
    },
  };
}
