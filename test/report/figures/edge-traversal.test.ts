// Tests of the NAS-Bench-201 traversal figures on hand-built strips and traversals: the grid's op
// indices, red-and-bold marks on changed ops, the errors for malformed input, and snapshots.
import { describe, expect, it } from 'vitest';
import type { Traversal } from '../../../lib/analysis/traversal';
import { edgeStripOf, edgeTraversalFigure, traversalAccuracyFigure, type EdgeStrip } from '../../../lib/report/figures/edge-traversal';
import { rounded } from './rounded';

type Op = { readonly ops: readonly string[] };
type Annotation = { x: string; y: string; text: string; font: { color: string } };
type Heatmap = { type: string; x: string[]; y: string[]; z: number[][] };

// Three edges, three steps: step 0 decodes the base itself (nothing changed), step 1 changes
// edge 0 (3×3 → 1×1), step 2 also edge 1 (skip → pool); edge 2 stays `none` throughout.
const STRIP: EdgeStrip = {
  factor: 2,
  edges: ['e0to1', 'e1to2', 'e2to3'],
  base: ['nor_conv_3x3', 'skip_connect', 'none'],
  steps: [
    { value: -0.4, ops: ['nor_conv_3x3', 'skip_connect', 'none'] },
    { value: 0, ops: ['nor_conv_1x1', 'skip_connect', 'none'] },
    { value: 0.4, ops: ['nor_conv_1x1', 'avg_pool_3x3', 'none'] },
  ],
};
const RED = '#d62728';

describe('edgeTraversalFigure', () => {
  const figure = edgeTraversalFigure(STRIP);
  const heatmap = figure.data[0] as Heatmap;
  const annotations = figure.layout!.annotations as Annotation[];

  it('draws one heatmap of edges × steps whose values are the ops\' indices in NAS-Bench-201 order', () => {
    expect(figure.data).toHaveLength(1);
    expect(heatmap.type).toBe('heatmap');
    expect(heatmap.x).toEqual(['-0.40', '0.00', '0.40']);
    expect(heatmap.y).toEqual(['e0to1', 'e1to2', 'e2to3']);
    // none 0, skip_connect 1, nor_conv_1x1 2, nor_conv_3x3 3, avg_pool_3x3 4
    expect(heatmap.z).toEqual([
      [3, 2, 2],
      [1, 1, 4],
      [0, 0, 0],
    ]);
  });

  it('writes changed ops in bold red and unchanged ones plain', () => {
    expect(annotations).toHaveLength(9);
    const changed = annotations.filter((a) => a.font.color === RED).map((a) => [a.x, a.y, a.text]);
    expect(changed).toEqual([
      ['0.00', 'e0to1', '<b>1×1</b>'],
      ['0.40', 'e0to1', '<b>1×1</b>'],
      ['0.40', 'e1to2', '<b>pool</b>'],
    ]);
    const unchanged = annotations.filter((a) => a.font.color !== RED);
    expect(unchanged).toHaveLength(6);
    expect(unchanged.some((a) => a.text.includes('<b>'))).toBe(false);
    // the step that decodes the base: all plain
    expect(annotations.filter((a) => a.x === '-0.40').map((a) => a.text)).toEqual(['3×3', 'skip', 'none']);
  });

  it('labels an op outside NAS-Bench-201 by its name and gives it the last colour', () => {
    const other = edgeTraversalFigure({ ...STRIP, steps: [{ value: 0.1, ops: ['maxpool', 'skip_connect', 'none'] }] });
    expect((other.data[0] as Heatmap).z).toEqual([[4], [1], [0]]);
    expect((other.layout!.annotations as Annotation[])[0]).toMatchObject({ text: '<b>maxpool</b>', font: { color: RED } });
  });

  it('rejects a step or a base whose op count differs from the edge count', () => {
    const short = { ...STRIP, steps: [STRIP.steps[0], { value: 0, ops: ['none', 'none'] }] };
    expect(() => edgeTraversalFigure(short)).toThrow(RangeError);
    expect(() => edgeTraversalFigure(short)).toThrow('step 1 has 2 ops but there are 3 edges');
    expect(() => edgeTraversalFigure({ ...STRIP, base: ['none', 'none', 'none', 'none'] })).toThrow('base has 4 ops but there are 3 edges');
  });

  it('matches the snapshot', () => {
    expect(rounded(figure)).toMatchSnapshot();
  });
});

/** A traversal of factor 2 around base 1 whose base and steps decode to these cells. */
function traversal(base: Op | null, cells: readonly (Op | null)[]): Traversal<Op> {
  const steps = cells.map((cell, k) => ({ value: -0.4 + 0.4 * k, z: [0, 0, -0.4 + 0.4 * k], cell, attributes: null, changed: null }));
  return { baseIndex: 1, factor: 2, baseZ: [0, 0, 0], base, baseAttributes: null, steps, invalidSteps: steps.flatMap((s, k) => (s.cell === null ? [k] : [])) };
}

describe('edgeStripOf', () => {
  it('reads the base\'s and every step\'s ops and z values off a traversal', () => {
    const t = traversal({ ops: STRIP.base }, STRIP.steps.map((s) => ({ ops: s.ops })));
    expect(edgeStripOf(t, STRIP.edges)).toEqual(STRIP);
  });

  it('rejects a traversal whose base or a step decoded to no cell', () => {
    const cells = STRIP.steps.map((s) => ({ ops: s.ops }));
    const badStep = traversal({ ops: STRIP.base }, [cells[0], null, cells[2]]);
    expect(() => edgeStripOf(badStep, STRIP.edges)).toThrow(RangeError);
    expect(() => edgeStripOf(badStep, STRIP.edges)).toThrow('traversal of z2 around base 1: step 1 decoded to no cell');
    expect(() => edgeStripOf(traversal(null, cells), STRIP.edges)).toThrow('traversal of z2 around base 1: the base decoded to no cell');
  });
});

describe('traversalAccuracyFigure', () => {
  // Two factors; z1 has a step with no labelled decode (null), which must stay a gap, not 0.
  const rows = [
    { factor: 0, values: [-0.4, 0, 0.4], meanAccuracy: [0.9, 0.91, 0.925] },
    { factor: 1, values: [-0.4, 0, 0.4], meanAccuracy: [0.93, null, 0.88] },
  ];
  const figure = traversalAccuracyFigure(rows);
  const traces = figure.data as { name: string; x: number[]; y: (number | null)[] }[];

  it('draws one line per factor in percent, leaving steps without a labelled decode empty', () => {
    expect(traces.map((t) => t.name)).toEqual(['z0', 'z1']);
    expect(traces[0].x).toEqual([-0.4, 0, 0.4]);
    expect(rounded(traces[0].y)).toEqual([90, 91, 92.5]);
    expect(rounded(traces[1].y)).toEqual([93, null, 88]);
  });

  it('takes a title, and matches the snapshot', () => {
    expect((traversalAccuracyFigure(rows, { title: 'NB201' }).layout!.title as { text: string }).text).toBe('NB201');
    expect(rounded(figure)).toMatchSnapshot();
  });
});
