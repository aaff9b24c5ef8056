// Plotly figures of latent traversals on edge-labelled cells (NAS-Bench-201): the op of every edge
// at every step as a coloured grid, changes against the base decode marked; and the true accuracy
// of the decodes along each factor. Pure: traversal data in, figure JSON out.
import type { Traversal } from '../../analysis/traversal';
import type { PlotlyFigure } from '../png';

/** One traversal as the grid draws it: the base decode's ops and each step's ops by edge. */
export interface EdgeStrip {
  /** The factor varied (0-based), for the title. */
  readonly factor: number;
  /** Edge names, top to bottom (e.g. NB201_EDGE_ATTRIBUTE_NAMES). */
  readonly edges: readonly string[];
  /** The base decode's op per edge. */
  readonly base: readonly string[];
  /** Left to right: z_i's value and the decoded op per edge. */
  readonly steps: readonly { readonly value: number; readonly ops: readonly string[] }[];
}

/**
 * The grid of a traversal of cells that carry one op per edge (a NAS-Bench-201 `Traversal<Nb201Cell>` fits).
 * @param edges edge names in the order of `cell.ops`.
 * @throws RangeError when the base or a step decoded to no cell (edge-labelled spaces decode every sequence).
 */
export function edgeStripOf(traversal: Traversal<{ readonly ops: readonly string[] }>, edges: readonly string[]): EdgeStrip {
  const opsOf = (cell: { readonly ops: readonly string[] } | null, where: string): readonly string[] => {
    if (cell === null) throw new RangeError(`traversal of z${traversal.factor} around base ${traversal.baseIndex}: ${where} decoded to no cell`);
    return cell.ops;
  };
  return { factor: traversal.factor, edges, base: opsOf(traversal.base, 'the base'), steps: traversal.steps.map((s, k) => ({ value: s.value, ops: opsOf(s.cell, `step ${k}`) })) };
}

/** Colours by op, in the NAS-Bench-201 op order; other ops share the last colour. */
const OP_PALETTE: readonly (readonly [string, string])[] = [
  ['none', '#e5e5e5'],
  ['skip_connect', '#bab0ac'],
  ['nor_conv_1x1', '#72b7b2'],
  ['nor_conv_3x3', '#4c78a8'],
  ['avg_pool_3x3', '#f58518'],
];
const OP_SHORT: Readonly<Record<string, string>> = { none: 'none', skip_connect: 'skip', nor_conv_1x1: '1×1', nor_conv_3x3: '3×3', avg_pool_3x3: 'pool' };
const CHANGED_COLOR = '#d62728';

/**
 * A traversal as an edges × steps grid (the NAS-Bench-201 form of DNAS Fig 3): each cell of the grid
 * is the op on that edge at that step, coloured by op and labelled; ops that differ from the base
 * decode are written in red and bold.
 * @throws RangeError when a step or the base has a different number of ops than there are edges.
 */
export function edgeTraversalFigure(strip: EdgeStrip, options: { title?: string } = {}): PlotlyFigure {
  const n = strip.edges.length;
  for (const [name, ops] of [['base', strip.base], ...strip.steps.map((s, k) => [`step ${k}`, s.ops] as const)] as const) {
    if (ops.length !== n) throw new RangeError(`${name} has ${ops.length} ops but there are ${n} edges`);
  }
  const index = (op: string): number => {
    const i = OP_PALETTE.findIndex(([name]) => name === op);
    return i < 0 ? OP_PALETTE.length - 1 : i;
  };
  const x = strip.steps.map((s) => s.value.toFixed(2));
  const last = OP_PALETTE.length - 1;
  const colorscale = OP_PALETTE.flatMap(([, color], i) => [[i / (last + 1), color], [(i + 1) / (last + 1), color]]);
  const annotations = strip.steps.flatMap((s, k) => s.ops.map((op, e) => {
    const changed = op !== strip.base[e];
    return { x: x[k], y: strip.edges[e], text: changed ? `<b>${OP_SHORT[op] ?? op}</b>` : OP_SHORT[op] ?? op, showarrow: false, font: { size: 11, color: changed ? CHANGED_COLOR : '#222222' } };
  }));
  return {
    data: [{
      type: 'heatmap', x, y: [...strip.edges], z: strip.edges.map((_, e) => strip.steps.map((s) => index(s.ops[e]))),
      zmin: -0.5, zmax: last + 0.5, colorscale, showscale: false, xgap: 2, ygap: 2, hoverinfo: 'skip',
    }],
    layout: {
      title: { text: options.title ?? `z<sub>${strip.factor}</sub> traversal` },
      xaxis: { title: { text: `z<sub>${strip.factor}</sub>` }, type: 'category' },
      yaxis: { autorange: 'reversed', type: 'category' },
      annotations,
      width: 120 + 70 * strip.steps.length,
      height: 120 + 40 * n,
      margin: { l: 70, r: 20, t: 50, b: 50 },
    },
  };
}

/** One factor's line for `traversalAccuracyFigure` (a TraversalAccuracyRow fits). */
export interface AccuracyAlongFactor {
  readonly factor: number;
  readonly values: readonly number[];
  readonly meanAccuracy: readonly (number | null)[];
}

/**
 * Mean true accuracy of the decoded cells against z_i, one line per factor: on a fully labelled
 * space this shows which factors move real accuracy, not just the predictor's guess.
 */
export function traversalAccuracyFigure(rows: readonly AccuracyAlongFactor[], options: { title?: string } = {}): PlotlyFigure {
  return {
    data: rows.map((r) => ({ type: 'scatter', mode: 'lines+markers', name: `z${r.factor}`, x: [...r.values], y: r.meanAccuracy.map((a) => (a === null ? null : 100 * a)) })),
    layout: {
      title: { text: options.title ?? 'True accuracy of the decoded cells along each factor' },
      xaxis: { title: { text: 'z<sub>i</sub>' } },
      yaxis: { title: { text: 'mean validation accuracy of decodes (%)' } },
      width: 760,
      height: 420,
    },
  };
}
