// Plotly figures for DNAS Fig 4: latent factor vs accuracy over labelled cells with the top-k and
// their promising region (Eq 4) shaded, and a bar chart of each factor's rank correlation.
// Pure: numbers in, figure JSON out; correlations are computed by the caller (analysis/correlation).
import { promisingRegion, type PromisingRegion } from '../../samplers/promising-region';
import type { PlotlyFigure } from '../png';
import { axisName, axisRef } from './subplot-axes';

/** Options of `factorAccuracyFigure`. */
export interface FactorAccuracyOptions {
  /** Cells marked and used for the region (DNAS §Experiments: top-3). */
  readonly topK?: number;
  /** Half-width of each interval of Eq 4 (DNAS §Experiments: σ = 0.05). */
  readonly sigma?: number;
  /** A region to shade instead of the one of the top-k (e.g. one the search used). */
  readonly region?: PromisingRegion;
  /** Panels per row; default min(4, factors), as Fig 4's row of four. */
  readonly columns?: number;
  readonly title?: string;
}

const REGION_FILL = 'rgba(228, 87, 86, 0.18)';
const TOP_COLOR = '#e45756';
const CELL_COLOR = '#4c78a8';

/**
 * DNAS Fig 4: for each chosen factor s, a panel of z_s against accuracy over the labelled cells,
 * the top-k cells as red stars, and the promising region R_s of Eq 4 (union of [z_s − σ, z_s + σ]
 * over the top-k) shaded as rectangles spanning the panel's height. Factors are 0-based.
 * @param z [cells, latentDim] latent codes (μ) of the labelled cells.
 * @param accuracy [cells] their accuracy (fraction of 1).
 * @param factors the factors to show, one panel each, in this order.
 * @throws RangeError for mismatched or ragged inputs, no or out-of-range factors, or topK outside 1..cells.
 */
export function factorAccuracyFigure(z: readonly (readonly number[])[], accuracy: readonly number[], factors: readonly number[], options: FactorAccuracyOptions = {}): PlotlyFigure {
  const topK = options.topK ?? 3;
  const sigma = options.sigma ?? 0.05;
  const dims = checkInputs(z, accuracy, factors);
  if (!Number.isInteger(topK) || topK < 1 || topK > z.length) throw new RangeError(`topK must be an integer in 1..${z.length}: got ${topK}`);
  const top = z.map((_, i) => i).sort((a, b) => accuracy[b] - accuracy[a] || a - b).slice(0, topK);
  const region = options.region ?? promisingRegion(top.map((i) => z[i]), sigma);
  if (region.intervals.length !== dims) throw new RangeError(`region has ${region.intervals.length} dimensions (expected ${dims})`);

  const columns = options.columns ?? Math.min(4, factors.length);
  const rows = Math.ceil(factors.length / columns);
  const data: object[] = [];
  const shapes: object[] = [];
  const annotations: object[] = [];
  const layout: Record<string, unknown> = {};
  factors.forEach((s, k) => {
    const axis = k + 1;
    const [x0, x1, y0, y1] = cellDomain(k, columns, rows);
    const xref = axisRef('x', axis);
    const yref = axisRef('y', axis);
    layout[axisName('x', axis)] = { domain: [x0, x1], anchor: yref, title: { text: `z<sub>${s}</sub>` }, zeroline: false };
    layout[axisName('y', axis)] = { domain: [y0, y1], anchor: xref, tickformat: '.1%', title: { text: k % columns === 0 ? 'validation accuracy' : '' } };
    data.push(
      { type: 'scatter', mode: 'markers', name: 'labelled cells', legendgroup: 'cells', showlegend: k === 0, xaxis: xref, yaxis: yref, x: z.map((row) => row[s]), y: [...accuracy], marker: { size: 4, color: CELL_COLOR, opacity: 0.5 } },
      { type: 'scatter', mode: 'markers', name: `top-${topK}`, legendgroup: 'top', showlegend: k === 0, xaxis: xref, yaxis: yref, x: top.map((i) => z[i][s]), y: top.map((i) => accuracy[i]), marker: { size: 12, symbol: 'star', color: TOP_COLOR, line: { color: 'black', width: 1 } } },
    );
    for (const [lo, hi] of region.intervals[s]) {
      shapes.push({ name: `region z${s}`, type: 'rect', xref, yref: `${yref} domain`, x0: lo, x1: hi, y0: 0, y1: 1, fillcolor: REGION_FILL, line: { width: 0 }, layer: 'below' });
    }
    annotations.push({ name: 'region', text: regionText(s, region.intervals[s]), xref: 'paper', yref: 'paper', x: (x0 + x1) / 2, y: y1 + 0.01, yanchor: 'bottom', showarrow: false, font: { size: 11 } });
  });
  return {
    data,
    layout: {
      ...layout,
      title: { text: options.title ?? `Latent factors vs accuracy (top-${topK} starred, promising region σ = ${sigma} shaded)` },
      shapes,
      annotations,
      width: 280 * columns + 80,
      height: 320 * rows + 140,
      margin: { t: 130, b: 70 },
      legend: { orientation: 'h', x: 1, xanchor: 'right', y: 1.1, yanchor: 'bottom' },
    },
  };
}

/**
 * Rank correlation of every latent factor with accuracy as bars (DNAS Fig 4's question: which
 * factors have an evident relation), highlighted factors in red.
 * @param correlations [latentDim] values in [−1, 1], e.g. `factorCorrelations(z, accuracy)`.
 * @param options.highlight factors to colour (e.g. the ones shown in `factorAccuracyFigure`).
 * @param options.label y-axis title; default "Spearman ρ with accuracy".
 * @throws RangeError when a correlation is not a finite number in [−1, 1].
 */
export function factorCorrelationFigure(correlations: readonly number[], options: { highlight?: readonly number[]; label?: string; title?: string } = {}): PlotlyFigure {
  correlations.forEach((r, i) => {
    if (!(Number.isFinite(r) && Math.abs(r) <= 1 + 1e-12)) throw new RangeError(`correlation of factor ${i} must be a finite number in [−1, 1]: got ${r}`);
  });
  const highlight = new Set(options.highlight ?? []);
  const label = options.label ?? 'Spearman ρ with accuracy';
  return {
    data: [
      {
        type: 'bar',
        name: label,
        x: correlations.map((_, i) => `z${i}`),
        y: [...correlations],
        text: correlations.map((r) => r.toFixed(2)),
        textposition: 'outside',
        marker: { color: correlations.map((_, i) => (highlight.has(i) ? TOP_COLOR : CELL_COLOR)) },
      },
    ],
    layout: {
      title: { text: options.title ?? `${label} per latent factor` },
      xaxis: { title: { text: 'latent factor (0-based)' }, type: 'category' },
      yaxis: { title: { text: label }, range: [-1, 1], zeroline: true },
      width: Math.max(500, 28 * correlations.length + 120),
      height: 380,
    },
  };
}

/** `R_s = [lo, hi] ∪ …` for a panel title, two intervals a line so several fit a narrow panel. */
function regionText(s: number, intervals: readonly (readonly [number, number])[]): string {
  const parts = intervals.map(([lo, hi]) => `[${lo.toFixed(2)}, ${hi.toFixed(2)}]`);
  const lines: string[] = [];
  for (let i = 0; i < parts.length; i += 2) lines.push(parts.slice(i, i + 2).join(' ∪ '));
  return `R<sub>${s}</sub> = ${lines.join(' ∪<br>')}`;
}

/** Domain [x0, x1, y0, y1] of panel k in a grid filled row by row from the top. */
function cellDomain(k: number, columns: number, rows: number): [number, number, number, number] {
  const col = k % columns;
  const row = Math.floor(k / columns);
  const xGap = 0.06;
  const yGap = 0.14;
  const w = (1 - xGap * (columns - 1)) / columns;
  const h = (1 - yGap * (rows - 1) - 0.05) / rows;
  const x0 = col * (w + xGap);
  const y1 = 0.95 - row * (h + yGap);
  return [x0, x0 + w, y1 - h, y1];
}

function checkInputs(z: readonly (readonly number[])[], accuracy: readonly number[], factors: readonly number[]): number {
  if (z.length === 0) throw new RangeError('factorAccuracyFigure needs at least one labelled cell: got 0');
  if (z.length !== accuracy.length) throw new RangeError(`z has ${z.length} rows but accuracy has ${accuracy.length} values`);
  const dims = z[0].length;
  z.forEach((row, i) => {
    if (row.length !== dims) throw new RangeError(`latent code ${i} has ${row.length} dimensions (expected ${dims})`);
  });
  if (factors.length === 0) throw new RangeError('factorAccuracyFigure needs at least one factor: got none');
  factors.forEach((s) => {
    if (!Number.isInteger(s) || s < 0 || s >= dims) throw new RangeError(`factor must be an integer in 0..${dims - 1}: got ${s}`);
  });
  return dims;
}
