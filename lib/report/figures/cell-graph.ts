// Plotly figures of cells drawn as graphs: one cell, or a latent traversal as small multiples read
// left to right (DNAS Fig 3) with what changed against the base decode highlighted.
// Pure: cells in, figure JSON out; no decoding, no attribute analysis here.
import { vertexLevels } from '../../spaces/nasbench101/attributes';
import type { PlotlyFigure } from '../png';
import { axisName, axisRef } from './subplot-axes';

/** A DAG with one label per vertex, vertex 0 the input and the last the output (a NAS-Bench-101 `Cell` fits). */
export interface LabelledDag {
  /** Upper-triangular adjacency, `matrix[u][v] = 1` for an edge u → v. */
  readonly matrix: readonly (readonly number[])[];
  readonly ops: readonly string[];
}

/** Vertex colours by op (labels not listed get FALLBACK_COLOR). */
export const OP_COLORS: Readonly<Record<string, string>> = {
  input: '#bab0ac',
  output: '#bab0ac',
  'conv3x3-bn-relu': '#4c78a8',
  'conv1x1-bn-relu': '#72b7b2',
  maxpool3x3: '#f58518',
  // NAS-Bench-201's edge ops, drawn as vertices (nb201-dag.ts), in the colours of its edge grids (edge-traversal.ts).
  none: '#e5e5e5',
  skip_connect: '#bab0ac',
  nor_conv_1x1: '#72b7b2',
  nor_conv_3x3: '#4c78a8',
  avg_pool_3x3: '#f58518',
};
const FALLBACK_COLOR = '#b279a2';
/** Short text drawn on each vertex. */
const OP_SHORT: Readonly<Record<string, string>> = {
  input: 'in', output: 'out', 'conv3x3-bn-relu': '3×3', 'conv1x1-bn-relu': '1×1', maxpool3x3: 'pool',
  none: 'none', skip_connect: 'skip', nor_conv_1x1: '1×1', nor_conv_3x3: '3×3', avg_pool_3x3: 'pool',
};
/** What `traversalStripFigure` draws: a `Traversal<Cell>` from analysis/traversal fits. */
export interface CellStrip {
  /** The factor varied (0-based), for the titles. */
  readonly factor: number;
  /** The reference decode; null (invalid) draws nothing highlighted. */
  readonly base: LabelledDag | null;
  /** Left to right: z_i's value and the decoded cell (null when invalid). */
  readonly steps: readonly { readonly value: number; readonly cell: LabelledDag | null }[];
}

/** Colour of changed vertices and edges. */
export const HIGHLIGHT_COLOR = '#d62728';
const EDGE_COLOR = '#555555';
/** Marker diameter in pixels: a lone cell, and each panel of a strip. */
const VERTEX_SIZE = 26;
const STRIP_VERTEX_SIZE = 22;
/** Width of one strip panel in pixels (fits a level of five vertices). */
const STRIP_PANEL_WIDTH = 150;

/**
 * What differs between a cell and a reference (base) cell. Vertices are matched by role: input
 * to input, output to output, inner vertex i to inner vertex i; all indices are the CELL's.
 */
export interface CellDiff {
  /** Inner vertices whose op differs from the base's at the same index, or that the base lacks. */
  readonly vertices: readonly number[];
  /** Edges of the cell that the base does not have. */
  readonly addedEdges: readonly (readonly [number, number])[];
  /** Edges of the base the cell lacks, where both ends exist in the cell (drawn dotted). */
  readonly removedEdges: readonly (readonly [number, number])[];
}

/** The differences of `cell` against `base` (see `CellDiff` for how vertices are matched). */
export function cellDiff(base: LabelledDag, cell: LabelledDag): CellDiff {
  const n = cell.ops.length;
  const baseIndex = new Map(base.ops.map((_, v) => [roleKey(v, base.ops.length), v]));
  const cellIndex = new Map(cell.ops.map((_, v) => [roleKey(v, n), v]));
  const vertices: number[] = [];
  for (let v = 1; v < n - 1; v++) {
    const b = baseIndex.get(roleKey(v, n));
    if (b === undefined || base.ops[b] !== cell.ops[v]) vertices.push(v);
  }
  const baseEdges = edgeKeys(base);
  const cellEdges = edgeKeys(cell);
  const addedEdges = edges(cell).filter(([u, v]) => !baseEdges.has(`${roleKey(u, n)}>${roleKey(v, n)}`));
  const removedEdges = edges(base)
    .map(([u, v]) => [cellIndex.get(roleKey(u, base.ops.length)), cellIndex.get(roleKey(v, base.ops.length))] as const)
    .filter((e): e is readonly [number, number] => e[0] !== undefined && e[1] !== undefined && !cellEdges.has(`${roleKey(e[0], n)}>${roleKey(e[1], n)}`));
  return { vertices, addedEdges, removedEdges };
}

/**
 * One cell as a graph: vertices placed by level (longest path from the input, top to bottom),
 * coloured by op and labelled, input and output as grey squares, edges as arrows.
 * @param options.highlight differences to draw in HIGHLIGHT_COLOR (e.g. `cellDiff(base, cell)`).
 */
export function cellGraphFigure(cell: LabelledDag, options: { title?: string; highlight?: CellDiff } = {}): PlotlyFigure {
  const panel = drawPanel(cell, 1, options.highlight ?? null, new Set(), VERTEX_SIZE);
  const box = panelBox([cell]);
  return {
    data: panel.traces,
    layout: {
      title: { text: options.title ?? 'cell' },
      xaxis: { range: [-box.halfWidth, box.halfWidth], visible: false, fixedrange: true },
      yaxis: { range: [-box.depth - 0.5, 0.5], visible: false, fixedrange: true },
      annotations: panel.annotations,
      shapes: panel.shapes,
      width: 320,
      height: 420,
      legend: { orientation: 'h', y: -0.02 },
      margin: { l: 10, r: 10, t: 50, b: 10 },
    },
  };
}

/**
 * A traversal as small multiples (DNAS Fig 3): one panel per step, left to right, titled with
 * z_i's value; in each, vertices and edges that differ from the base decode are drawn in
 * HIGHLIGHT_COLOR (removed edges dotted), and invalid decodes are an empty panel saying so.
 * Factors are 0-based (`z_3` is the fourth component).
 * @param traversal e.g. `traverseFactor(...)` with a decode returning pruned cells.
 */
export function traversalStripFigure(traversal: CellStrip, options: { title?: string } = {}): PlotlyFigure {
  const m = traversal.steps.length;
  const valid = traversal.steps.flatMap((s) => (s.cell === null ? [] : [s.cell]));
  const box = panelBox(traversal.base === null ? valid : [traversal.base, ...valid]);
  const data: object[] = [];
  const annotations: object[] = [];
  const shapes: object[] = [];
  const layout: Record<string, unknown> = {};
  const legendShown = new Set<string>();
  traversal.steps.forEach((step, k) => {
    const axis = k + 1;
    const pad = 0.004;
    layout[axisName('x', axis)] = { domain: [k / m + pad, (k + 1) / m - pad], range: [-box.halfWidth, box.halfWidth], visible: false, fixedrange: true, anchor: axisRef('y', axis) };
    layout[axisName('y', axis)] = { domain: [0, 0.9], range: [-box.depth - 0.5, 0.5], visible: false, fixedrange: true, anchor: axisRef('x', axis) };
    annotations.push({ name: 'step title', text: `z<sub>${traversal.factor}</sub> = ${step.value.toFixed(2)}`, xref: 'paper', yref: 'paper', x: (k + 0.5) / m, y: 0.92, yanchor: 'bottom', showarrow: false, font: { size: 12 } });
    if (step.cell === null) {
      annotations.push({ name: 'invalid', text: 'invalid', xref: axisRef('x', axis), yref: axisRef('y', axis), x: 0, y: -box.depth / 2, showarrow: false, font: { color: HIGHLIGHT_COLOR } });
      return;
    }
    const diff = traversal.base === null ? null : cellDiff(traversal.base, step.cell);
    const panel = drawPanel(step.cell, axis, diff, legendShown, STRIP_VERTEX_SIZE);
    data.push(...panel.traces);
    annotations.push(...panel.annotations);
    shapes.push(...panel.shapes);
  });
  return {
    data,
    layout: {
      ...layout,
      title: { text: options.title ?? `Traversal of z<sub>${traversal.factor}</sub> (changes vs the base decode in red)` },
      annotations,
      shapes,
      width: Math.max(600, STRIP_PANEL_WIDTH * m),
      height: 420,
      legend: { orientation: 'h', y: -0.02 },
      margin: { l: 10, r: 10, t: 60, b: 10 },
    },
  };
}

/** Traces, edge arrows (annotations) and removed-edge lines (shapes) of one cell on axes `axis`. */
function drawPanel(cell: LabelledDag, axis: number, diff: CellDiff | null, legendShown: Set<string>, size: number): { traces: object[]; annotations: object[]; shapes: object[] } {
  const pos = vertexPositions(cell);
  const xref = axisRef('x', axis);
  const yref = axisRef('y', axis);
  const changed = new Set(diff?.vertices ?? []);
  const added = new Set((diff?.addedEdges ?? []).map(([u, v]) => `${u}>${v}`));
  const opsInOrder = [...new Set(cell.ops)];
  const traces = opsInOrder.map((op) => {
    const vs = cell.ops.flatMap((o, v) => (o === op ? [v] : []));
    const trace = {
      type: 'scatter',
      mode: 'markers+text',
      name: op,
      legendgroup: op,
      showlegend: !legendShown.has(op),
      xaxis: xref,
      yaxis: yref,
      x: vs.map((v) => pos[v][0]),
      y: vs.map((v) => pos[v][1]),
      text: vs.map(() => OP_SHORT[op] ?? op),
      textfont: { size: 10, color: 'white' },
      hovertext: vs.map((v) => `vertex ${v}: ${op}${changed.has(v) ? ' (changed)' : ''}`),
      hoverinfo: 'text',
      marker: {
        size,
        symbol: op === 'input' || op === 'output' ? 'square' : 'circle',
        color: OP_COLORS[op] ?? FALLBACK_COLOR,
        line: { color: vs.map((v) => (changed.has(v) ? HIGHLIGHT_COLOR : EDGE_COLOR)), width: vs.map((v) => (changed.has(v) ? 4 : 1)) },
      },
    };
    legendShown.add(op);
    return trace;
  });
  const annotations = edges(cell).map(([u, v]) => {
    const hot = added.has(`${u}>${v}`);
    return {
      name: `edge ${u}→${v}`,
      x: pos[v][0],
      y: pos[v][1],
      ax: pos[u][0],
      ay: pos[u][1],
      xref,
      yref,
      axref: xref,
      ayref: yref,
      text: '',
      showarrow: true,
      arrowhead: 2,
      arrowsize: 1,
      arrowwidth: hot ? 2.5 : 1.2,
      arrowcolor: hot ? HIGHLIGHT_COLOR : EDGE_COLOR,
      standoff: size / 2 + 1,
      startstandoff: size / 2 + 1,
    };
  });
  const shapes = (diff?.removedEdges ?? []).map(([u, v]) => ({
    name: `removed edge ${u}→${v}`,
    type: 'line',
    xref,
    yref,
    x0: pos[u][0],
    y0: pos[u][1],
    x1: pos[v][0],
    y1: pos[v][1],
    line: { color: HIGHLIGHT_COLOR, width: 1.5, dash: 'dot' },
    layer: 'below',
  }));
  return { traces, annotations, shapes };
}

/**
 * (x, y) of every vertex: y = −level, the vertices of one level one unit apart in index order,
 * centred on x = 0; inner levels with an odd count move half a unit right, so that no inner vertex
 * sits on the straight line x = 0 of an input → output edge.
 */
function vertexPositions(cell: LabelledDag): [number, number][] {
  const levels = vertexLevels(cell.matrix);
  const outLevel = levels[levels.length - 1];
  const byLevel = new Map<number, number[]>();
  levels.forEach((level, v) => byLevel.set(level, [...(byLevel.get(level) ?? []), v]));
  const pos: [number, number][] = new Array(levels.length);
  for (const [level, vs] of byLevel) {
    const shift = level !== 0 && level !== outLevel && vs.length % 2 === 1 ? 0.5 : 0;
    // level 0 → y = 0, not −0 (which JSON and snapshots would keep apart from 0)
    vs.forEach((v, j) => (pos[v] = [j - (vs.length - 1) / 2 + shift, level === 0 ? 0 : -level]));
  }
  return pos;
}

/** Axis ranges that fit every cell: half the widest level plus a margin, and the deepest level. */
function panelBox(cells: readonly LabelledDag[]): { halfWidth: number; depth: number } {
  let halfWidth = 0;
  let depth = 1;
  for (const cell of cells) {
    for (const [x, y] of vertexPositions(cell)) {
      halfWidth = Math.max(halfWidth, Math.abs(x));
      depth = Math.max(depth, -y);
    }
  }
  return { halfWidth: halfWidth + 0.7, depth };
}

/** Role of a vertex for matching across cells: 'in', 'out', or its inner index. */
function roleKey(v: number, n: number): string {
  return v === 0 ? 'in' : v === n - 1 ? 'out' : String(v);
}

function edges(cell: LabelledDag): [number, number][] {
  const out: [number, number][] = [];
  cell.matrix.forEach((row, u) => row.forEach((x, v) => x === 1 && out.push([u, v])));
  return out;
}

function edgeKeys(cell: LabelledDag): Set<string> {
  const n = cell.ops.length;
  return new Set(edges(cell).map(([u, v]) => `${roleKey(u, n)}>${roleKey(v, n)}`));
}
