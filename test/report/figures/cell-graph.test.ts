import { describe, expect, it } from 'vitest';
import { cellDiff, cellGraphFigure, HIGHLIGHT_COLOR, traversalStripFigure, type LabelledDag } from '../../../lib/report/figures/cell-graph';
import { rounded } from './rounded';

// The base: in → 3×3 → pool → out, plus the skip in → out.
const BASE: LabelledDag = {
  matrix: [
    [0, 1, 0, 1],
    [0, 0, 1, 0],
    [0, 0, 0, 1],
    [0, 0, 0, 0],
  ],
  ops: ['input', 'conv3x3-bn-relu', 'maxpool3x3', 'output'],
};
// Op conversion at vertex 1 only (what Fig 3a shows).
const OP_CHANGED: LabelledDag = { matrix: BASE.matrix, ops: ['input', 'conv1x1-bn-relu', 'maxpool3x3', 'output'] };
// The skip in → out replaced by 1 → out: one edge added, one removed, no op changed.
const EDGE_MOVED: LabelledDag = {
  matrix: [
    [0, 1, 0, 0],
    [0, 0, 1, 1],
    [0, 0, 0, 1],
    [0, 0, 0, 0],
  ],
  ops: BASE.ops,
};
// One layer fewer (Fig 3b's concept): vertex 1 keeps its op; the output moves from index 3 to 2.
const SHORTER: LabelledDag = { matrix: [[0, 1, 0], [0, 0, 1], [0, 0, 0]], ops: ['input', 'conv3x3-bn-relu', 'output'] };

type Trace = { name: string; xaxis: string; x: number[]; y: number[]; showlegend: boolean; marker: { symbol: string; line: { width: number[]; color: string[] } } };
type Annotation = { name: string; xref: string; arrowcolor?: string; text: string; ax?: number; ay?: number; x: number; y: number };
const traces = (f: { data: readonly object[] }) => f.data as Trace[];
const annotations = (f: { layout?: Record<string, unknown> }) => f.layout!.annotations as Annotation[];
const edgesOf = (f: { layout?: Record<string, unknown> }) => annotations(f).filter((a) => a.name.startsWith('edge '));

describe('cellDiff', () => {
  it('finds an op conversion and nothing else', () => {
    expect(cellDiff(BASE, OP_CHANGED)).toEqual({ vertices: [1], addedEdges: [], removedEdges: [] });
  });
  it('finds a moved edge as one added and one removed', () => {
    expect(cellDiff(BASE, EDGE_MOVED)).toEqual({ vertices: [], addedEdges: [[1, 3]], removedEdges: [[0, 3]] });
  });
  it('matches the output by role when the cell is shorter', () => {
    // 1 → out is new; in → out was in the base; 1 → 2 and 2 → out lost their vertex (not drawable).
    expect(cellDiff(BASE, SHORTER)).toEqual({ vertices: [], addedEdges: [[1, 2]], removedEdges: [[0, 2]] });
  });
});

describe('cellGraphFigure', () => {
  it('draws one trace per op, input and output as squares, one arrow per edge', () => {
    const f = cellGraphFigure(BASE, { title: 'base' });
    expect(traces(f).map((t) => t.name)).toEqual(['input', 'conv3x3-bn-relu', 'maxpool3x3', 'output']);
    expect(traces(f).map((t) => t.marker.symbol)).toEqual(['square', 'circle', 'circle', 'square']);
    expect(edgesOf(f).map((a) => a.name)).toEqual(['edge 0→1', 'edge 0→3', 'edge 1→2', 'edge 2→3']);
    // levels go down the page: input at y = 0, output at the depth 3
    expect(traces(f)[0].y).toEqual([0]);
    expect(traces(f)[3].y).toEqual([-3]);
  });
  it('draws arrows from the source vertex to the target vertex', () => {
    const edge = edgesOf(cellGraphFigure(BASE)).find((a) => a.name === 'edge 0→3')!;
    expect([edge.ax, edge.ay, edge.x, edge.y]).toEqual([0, 0, 0, -3]);
  });
});

describe('traversalStripFigure', () => {
  const strip = {
    factor: 3,
    base: BASE,
    steps: [
      { value: -0.4, cell: BASE },
      { value: 0, cell: OP_CHANGED },
      { value: 0.2, cell: EDGE_MOVED },
      { value: 0.4, cell: null },
    ],
  };
  const f = traversalStripFigure(strip);

  it('lays out one panel per step, left to right', () => {
    const domains = [1, 2, 3, 4].map((k) => (f.layout![`xaxis${k === 1 ? '' : k}`] as { domain: number[] }).domain);
    expect(domains).toHaveLength(4);
    for (let k = 1; k < 4; k++) expect(domains[k][0]).toBeGreaterThan(domains[k - 1][1]);
    expect(annotations(f).filter((a) => a.name === 'step title').map((a) => a.text)).toEqual([
      'z<sub>3</sub> = -0.40',
      'z<sub>3</sub> = 0.00',
      'z<sub>3</sub> = 0.20',
      'z<sub>3</sub> = 0.40',
    ]);
  });

  it('highlights the converted vertex in its panel only', () => {
    const highlighted = traces(f).filter((t) => t.marker.line.width.some((w) => w > 1));
    expect(highlighted.map((t) => [t.xaxis, t.name])).toEqual([['x2', 'conv1x1-bn-relu']]);
    expect(highlighted[0].marker.line.color).toEqual([HIGHLIGHT_COLOR]);
  });

  it('highlights the added edge as a red arrow and the removed one as a dotted line', () => {
    const hot = edgesOf(f).filter((a) => a.arrowcolor === HIGHLIGHT_COLOR);
    expect(hot.map((a) => [a.xref, a.name])).toEqual([['x3', 'edge 1→3']]);
    const removed = f.layout!.shapes as { name: string; xref: string; line: { dash: string } }[];
    expect(removed.map((s) => [s.xref, s.name, s.line.dash])).toEqual([['x3', 'removed edge 0→3', 'dot']]);
  });

  it('shows an invalid decode as an empty panel that says so', () => {
    expect(traces(f).some((t) => t.xaxis === 'x4')).toBe(false);
    expect(annotations(f).filter((a) => a.name === 'invalid').map((a) => a.xref)).toEqual(['x4']);
  });

  it('lists each op in the legend once', () => {
    const shown = traces(f).filter((t) => t.showlegend).map((t) => t.name);
    expect(shown).toEqual([...new Set(shown)]);
    expect(shown).toEqual(expect.arrayContaining(['input', 'conv3x3-bn-relu', 'conv1x1-bn-relu', 'maxpool3x3', 'output']));
  });

  it('matches the snapshot', () => {
    expect(rounded(f)).toMatchSnapshot();
  });
});
