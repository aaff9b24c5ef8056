// Plotly figures for DNAS Fig 5 (one latent factor against accuracy and FLOPs, the promising interval
// shaded) and Fig 6 (best accuracy and its FLOPs against the FLOPs limit, one line per method).
// Pure: numbers in, figure JSON out; nothing is trained, searched or correlated here.
import type { PlotlyFigure } from '../png';

/** Sub-networks drawn from the promising region and decoded, shown beside the labelled ones. */
export interface RegionSamples {
  /** Their μ on the factor (re-encoded), accuracy (fraction of 1) and FLOPs (millions). */
  readonly z: readonly number[];
  readonly accuracy: readonly number[];
  readonly flopsM: readonly number[];
}

/** Input of `factorFlopsFigure`. */
export interface FactorFlopsInput {
  /** The factor shown (0-based), for labels. */
  readonly factor: number;
  /** μ_k of each labelled sub-network. */
  readonly z: readonly number[];
  /** Inherited-weight accuracy (fraction of 1) and FLOPs (millions) of each. */
  readonly accuracy: readonly number[];
  readonly flopsM: readonly number[];
  /** Indices of the top-k by accuracy (starred). */
  readonly top: readonly number[];
  /** R_k of Eq 4: disjoint sorted intervals on z_k. */
  readonly intervals: readonly (readonly [number, number])[];
  readonly samples?: RegionSamples;
  readonly title?: string;
}

const REGION_FILL = 'rgba(228, 87, 86, 0.18)';
const TOP_COLOR = '#e45756';
/** FLOPs colour scale (left panel) and accuracy scale (right panel; reversed so darker = higher, as in DNAS Fig 5). */
const FLOPS_SCALE = 'Viridis';
const ACCURACY_SCALE = 'Blues';

/**
 * DNAS Fig 5 on one factor: left, z_k against accuracy coloured by FLOPs; right, z_k against FLOPs
 * coloured by accuracy. Both panels star the top-k, shade the promising interval R_k over their full
 * height, and (optionally) mark the decoded region samples as open diamonds.
 * @throws RangeError for mismatched lengths, no sub-networks, a non-finite value, a top index out of
 *   range, or an empty or reversed interval.
 */
export function factorFlopsFigure(input: FactorFlopsInput): PlotlyFigure {
  const n = checkFactorInput(input);
  const k = input.factor;
  const data: object[] = [];
  const panel = (axis: '' | '2', y: readonly number[], colour: readonly number[], coloraxis: string, yTitle: string) => {
    const xref = `x${axis}`;
    const yref = `y${axis}`;
    data.push(
      { type: 'scatter', mode: 'markers', name: 'uniform sub-networks', legendgroup: 'cells', showlegend: axis === '', xaxis: xref, yaxis: yref, x: [...input.z], y: [...y],
        marker: { size: 6, color: [...colour], coloraxis, opacity: 0.85 }, hovertemplate: `z<sub>${k}</sub> %{x:.3f}<br>${yTitle} %{y}<extra></extra>` },
      { type: 'scatter', mode: 'markers', name: `top-${input.top.length}`, legendgroup: 'top', showlegend: axis === '', xaxis: xref, yaxis: yref, x: input.top.map((i) => input.z[i]), y: input.top.map((i) => y[i]),
        marker: { size: 13, symbol: 'star', color: TOP_COLOR, line: { color: 'black', width: 1 } } },
    );
    if (input.samples !== undefined) {
      const s = input.samples;
      data.push({ type: 'scatter', mode: 'markers', name: 'decoded from the region', legendgroup: 'samples', showlegend: axis === '', xaxis: xref, yaxis: yref, x: [...s.z], y: axis === '' ? [...s.accuracy] : [...s.flopsM],
        marker: { size: 9, symbol: 'diamond-open', color: 'black', line: { width: 1.5 } } });
    }
  };
  panel('', input.accuracy, input.flopsM, 'coloraxis', 'accuracy');
  panel('2', input.flopsM, input.accuracy, 'coloraxis2', 'FLOPs (M)');
  const shapes = ['x', 'x2'].flatMap((xref) => input.intervals.map(([lo, hi]) => ({
    name: `region z${k}`, type: 'rect', xref, yref: `${xref.replace('x', 'y')} domain`, x0: lo, x1: hi, y0: 0, y1: 1, fillcolor: REGION_FILL, line: { width: 0 }, layer: 'below',
  })));
  const region = input.intervals.map(([lo, hi]) => `[${lo.toFixed(3)}, ${hi.toFixed(3)}]`).join(' ∪ ');
  return {
    data,
    layout: {
      title: { text: input.title ?? `z<sub>${k}</sub> against accuracy and FLOPs, ${n} sub-networks (promising region R<sub>${k}</sub> = ${region} shaded)` },
      xaxis: { domain: [0, 0.4], anchor: 'y', title: { text: `z<sub>${k}</sub> (μ)` }, zeroline: false },
      yaxis: { domain: [0, 1], anchor: 'x', title: { text: 'inherited-weight validation accuracy' }, tickformat: '.1%' },
      xaxis2: { domain: [0.56, 0.96], anchor: 'y2', title: { text: `z<sub>${k}</sub> (μ)` }, zeroline: false },
      yaxis2: { domain: [0, 1], anchor: 'x2', title: { text: 'FLOPs (M)' } },
      coloraxis: { colorscale: FLOPS_SCALE, colorbar: { title: { text: 'FLOPs (M)' }, x: 0.43, len: 0.9 } },
      coloraxis2: { colorscale: ACCURACY_SCALE, reversescale: true, colorbar: { title: { text: 'accuracy' }, x: 0.99, len: 0.9, tickformat: '.1%' } },
      shapes,
      width: 1100,
      height: 460,
      margin: { t: 90, b: 60 },
      legend: { orientation: 'h', x: 0, y: 1.02, yanchor: 'bottom' },
    },
  };
}

function checkFactorInput(input: FactorFlopsInput): number {
  const n = input.z.length;
  if (n === 0) throw new RangeError('factorFlopsFigure needs at least one sub-network: got 0');
  for (const [name, values] of [['accuracy', input.accuracy], ['flopsM', input.flopsM]] as const) {
    if (values.length !== n) throw new RangeError(`${name} has ${values.length} values but z has ${n}`);
  }
  for (const [name, values] of [['z', input.z], ['accuracy', input.accuracy], ['flopsM', input.flopsM]] as const) {
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new RangeError(`${name}[${bad}] is not finite: ${values[bad]}`);
  }
  input.top.forEach((i) => {
    if (!Number.isInteger(i) || i < 0 || i >= n) throw new RangeError(`top index must be an integer in 0..${n - 1}: got ${i}`);
  });
  input.intervals.forEach(([lo, hi], j) => {
    if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo < hi)) throw new RangeError(`interval ${j} must have finite lo < hi: got [${lo}, ${hi}]`);
  });
  if (input.samples !== undefined) {
    const s = input.samples;
    if (s.accuracy.length !== s.z.length || s.flopsM.length !== s.z.length) throw new RangeError(`region samples need as many accuracies and FLOPs as codes: got ${s.z.length}, ${s.accuracy.length}, ${s.flopsM.length}`);
  }
  return n;
}

/** One method's Fig 6 line: per limit, every seed's best accuracy and that sub-network's FLOPs. */
export interface LimitSeries {
  readonly method: string;
  /** F of each point, millions of FLOPs, increasing. */
  readonly limitM: readonly number[];
  /** [limits][seeds] accuracy of each seed's best (fraction of 1): inherited, or the table's truth. */
  readonly bestAccuracy: readonly (readonly number[])[];
  /** [limits][seeds] FLOPs of that best sub-network (millions). */
  readonly bestFlopsM: readonly (readonly number[])[];
}

/** Options of `flopsLimitFigure`. */
export interface FlopsLimitFigureOptions {
  /** The space's largest FLOPs: a dotted vertical line, right of which no limit binds. */
  readonly spaceMaxM?: number;
  /** τ as a fraction of F: the F + τ line in the FLOPs panel (omitted when absent or 0). */
  readonly toleranceFraction?: number;
  readonly title?: string;
  /** The top panel's axis title (default 'best inherited accuracy'; e.g. the table's accuracy of the pick). */
  readonly accuracyTitle?: string;
}

const METHOD_COLORS = ['#e45756', '#4c78a8', '#54a24b', '#f58518', '#b279a2'];

/**
 * DNAS Fig 6: top, best accuracy (mean ± sample std over seeds, error bars) against the FLOPs limit,
 * one line per method; bottom, the FLOPs of each seed's best (dots) and their mean (line) against
 * the limit, with the line FLOPs = F (and F + τ), so a method that stops using a raised limit flattens.
 * @throws RangeError for no series, ragged series, non-increasing or non-finite limits, or a seed
 *   list that is empty or holds a non-finite value.
 */
export function flopsLimitFigure(series: readonly LimitSeries[], options: FlopsLimitFigureOptions = {}): PlotlyFigure {
  if (series.length === 0) throw new RangeError('flopsLimitFigure needs at least one method: got none');
  series.forEach(checkSeries);
  const data: object[] = [];
  series.forEach((s, m) => {
    const color = METHOD_COLORS[m % METHOD_COLORS.length];
    const acc = s.bestAccuracy.map(meanStd);
    const flops = s.bestFlopsM.map(meanStd);
    data.push(
      { type: 'scatter', mode: 'lines+markers', name: s.method, legendgroup: s.method, xaxis: 'x', yaxis: 'y', x: [...s.limitM], y: acc.map((a) => a.mean),
        error_y: { type: 'data', array: acc.map((a) => a.std), visible: true, color }, line: { color, width: 2 }, marker: { color, size: 8 } },
      { type: 'scatter', mode: 'lines', name: `${s.method}: mean FLOPs of best`, legendgroup: s.method, showlegend: false, xaxis: 'x2', yaxis: 'y2', x: [...s.limitM], y: flops.map((f) => f.mean), line: { color, width: 2 } },
      { type: 'scatter', mode: 'markers', name: `${s.method}: best per seed`, legendgroup: s.method, showlegend: false, xaxis: 'x2', yaxis: 'y2',
        x: s.limitM.flatMap((f, i) => s.bestFlopsM[i].map(() => f)), y: s.bestFlopsM.flatMap((v) => [...v]), marker: { color, size: 7, opacity: 0.6, symbol: m % 2 === 0 ? 'circle' : 'square' } },
    );
  });
  const limits = [...new Set(series.flatMap((s) => s.limitM))].sort((a, b) => a - b);
  data.push({ type: 'scatter', mode: 'lines', name: 'FLOPs = F', xaxis: 'x2', yaxis: 'y2', x: limits, y: limits, line: { color: 'black', dash: 'dash', width: 1 } });
  const tau = options.toleranceFraction ?? 0;
  if (tau > 0) data.push({ type: 'scatter', mode: 'lines', name: 'FLOPs = F + τ', xaxis: 'x2', yaxis: 'y2', x: limits, y: limits.map((f) => f * (1 + tau)), line: { color: 'gray', dash: 'dot', width: 1 } });
  const shapes = options.spaceMaxM === undefined ? [] : ['x', 'x2'].map((xref) => ({
    name: 'space max FLOPs', type: 'line', xref, yref: `${xref.replace('x', 'y')} domain`, x0: options.spaceMaxM, x1: options.spaceMaxM, y0: 0, y1: 1, line: { color: 'gray', dash: 'dot', width: 1.5 },
  }));
  const annotations = options.spaceMaxM === undefined ? [] : [{ name: 'space max FLOPs', text: 'space max FLOPs', xref: 'x', yref: 'y domain', x: options.spaceMaxM, y: 1, xanchor: 'right', yanchor: 'bottom', showarrow: false, font: { size: 10, color: 'gray' } }];
  return {
    data,
    layout: {
      title: { text: options.title ?? 'Best accuracy and its FLOPs under a FLOPs limit' },
      xaxis: { domain: [0, 1], anchor: 'y', matches: 'x2', showticklabels: false },
      yaxis: { domain: [0.55, 1], anchor: 'x', title: { text: options.accuracyTitle ?? 'best inherited accuracy' }, tickformat: '.1%' },
      xaxis2: { domain: [0, 1], anchor: 'y2', title: { text: 'FLOPs limit F (M)' } },
      yaxis2: { domain: [0, 0.45], anchor: 'x2', title: { text: 'FLOPs of the best (M)' } },
      shapes,
      annotations,
      width: 760,
      height: 640,
      legend: { x: 1.02, y: 1 },
    },
  };
}

function checkSeries(s: LimitSeries): void {
  const n = s.limitM.length;
  if (n === 0) throw new RangeError(`series '${s.method}' has no limits`);
  if (s.bestAccuracy.length !== n || s.bestFlopsM.length !== n) throw new RangeError(`series '${s.method}' needs one seed list per limit: got ${s.bestAccuracy.length} accuracy and ${s.bestFlopsM.length} FLOPs lists for ${n} limits`);
  s.limitM.forEach((f, i) => {
    if (!Number.isFinite(f) || (i > 0 && f <= s.limitM[i - 1])) throw new RangeError(`series '${s.method}': limits must be finite and increasing: got ${f} after ${s.limitM[i - 1]}`);
  });
  for (const [name, lists] of [['bestAccuracy', s.bestAccuracy], ['bestFlopsM', s.bestFlopsM]] as const) {
    lists.forEach((values, i) => {
      if (values.length === 0 || !values.every(Number.isFinite)) throw new RangeError(`series '${s.method}', ${name} at limit ${s.limitM[i]}: need ≥ 1 finite value per seed: got [${values.join(', ')}]`);
    });
  }
}

/** Mean and sample std (0 for one value). */
function meanStd(values: readonly number[]): { mean: number; std: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std = values.length > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1)) : 0;
  return { mean, std };
}
