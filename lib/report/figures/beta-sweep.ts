// Plotly figure of a β sweep: one small panel per metric (reconstruction, predictor τ, MIG, purity,
// active factors, …) against β. Pure: rows in, figure JSON out; nothing is trained or scored here.
import type { PlotlyFigure } from '../png';
import { axisName, axisRef } from './subplot-axes';

/** A metric to plot: the row field and its axis title. */
export interface SweepMetric {
  readonly key: string;
  readonly label: string;
  /** Row field holding the metric's standard deviation over seeds: drawn as error bars. */
  readonly std?: string;
  /** Row field of a reference value for the same metric (e.g. MIG of shuffled codes): a dashed grey line. */
  readonly baseline?: string;
}

/**
 * Each metric against β, one panel per metric in a grid (left to right, top to bottom). β is a
 * category axis in the rows' order, so 0 and values decades apart are equally spaced; a null
 * metric (undefined score) leaves a gap.
 * @param rows one per β, each with a numeric `beta` and the metric fields (number or null).
 * @param options.columns panels per row (default 3).
 * @throws RangeError for no rows or metrics, a row without a finite β, a metric value that is
 *   neither a finite number nor null, or columns < 1.
 */
export function metricsVsBetaFigure(
  rows: readonly Readonly<Record<string, unknown>>[],
  metrics: readonly SweepMetric[],
  options: { readonly columns?: number; readonly title?: string } = {},
): PlotlyFigure {
  if (rows.length === 0) throw new RangeError('metricsVsBetaFigure needs at least one row: got 0');
  if (metrics.length === 0) throw new RangeError('metricsVsBetaFigure needs at least one metric: got 0');
  const columns = options.columns ?? Math.min(3, metrics.length);
  if (!Number.isInteger(columns) || columns < 1) throw new RangeError(`columns must be an integer ≥ 1: got ${columns}`);
  const betas = rows.map((r, i) => {
    if (typeof r.beta !== 'number' || !Number.isFinite(r.beta)) throw new RangeError(`row ${i} has no finite beta: got ${String(r.beta)}`);
    return String(r.beta);
  });
  const gridRows = Math.ceil(metrics.length / columns);
  const layout: Record<string, unknown> = {};
  const column = (key: string, i: number, r: Readonly<Record<string, unknown>>): number | null => {
    const v = r[key];
    if (v === null) return null;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new RangeError(`row ${i} (β = ${betas[i]}): ${key} must be a finite number or null: got ${String(v)}`);
    return v;
  };
  const data = metrics.flatMap((metric, k) => {
    const y = rows.map((r, i) => column(metric.key, i, r));
    const axis = k + 1;
    const [x0, x1, y0, y1] = panelDomain(k, columns, gridRows);
    layout[axisName('x', axis)] = { domain: [x0, x1], anchor: axisRef('y', axis), type: 'category', title: { text: 'β' } };
    layout[axisName('y', axis)] = { domain: [y0, y1], anchor: axisRef('x', axis), title: { text: metric.label } };
    const errors = metric.std === undefined ? {} : { error_y: { type: 'data', array: rows.map((r, i) => column(metric.std!, i, r) ?? 0), visible: true } };
    const traces: Record<string, unknown>[] = [{ type: 'scatter', mode: 'lines+markers', name: metric.label, showlegend: false, xaxis: axisRef('x', axis), yaxis: axisRef('y', axis), x: betas, y, ...errors }];
    if (metric.baseline !== undefined) {
      traces.push({ type: 'scatter', mode: 'lines', name: `${metric.label} (baseline)`, showlegend: false, line: { dash: 'dash', color: 'grey' },
        xaxis: axisRef('x', axis), yaxis: axisRef('y', axis), x: betas, y: rows.map((r, i) => column(metric.baseline!, i, r)) });
    }
    return traces;
  });
  return {
    data,
    layout: {
      ...layout,
      title: { text: options.title ?? 'Scores against β' },
      width: 330 * columns + 60,
      height: gridRows * PANEL_HEIGHT_PX + (gridRows - 1) * ROW_GAP_PX + MARGIN_TOP_PX + MARGIN_BOTTOM_PX,
      margin: { t: MARGIN_TOP_PX, b: MARGIN_BOTTOM_PX },
    },
  };
}

/** Panel plot height and the gap between rows (room for the x-axis title), in pixels. */
const PANEL_HEIGHT_PX = 200;
const ROW_GAP_PX = 90;
const MARGIN_TOP_PX = 60;
const MARGIN_BOTTOM_PX = 50;

/** Domain [x0, x1, y0, y1] of panel k in a grid filled row by row from the top (row gaps fixed in pixels). */
function panelDomain(k: number, columns: number, rows: number): [number, number, number, number] {
  const xGap = 0.09;
  const yGap = ROW_GAP_PX / (rows * PANEL_HEIGHT_PX + (rows - 1) * ROW_GAP_PX);
  const w = (1 - xGap * (columns - 1)) / columns;
  const h = (1 - yGap * (rows - 1)) / rows;
  const x0 = (k % columns) * (w + xGap);
  const y1 = 1 - Math.floor(k / columns) * (h + yGap);
  return [x0, x0 + w, y1 - h, y1];
}
