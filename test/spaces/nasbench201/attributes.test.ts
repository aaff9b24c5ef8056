// Tests of the NAS-Bench-201 attribute record: a literal cell in full, depth of degenerate and
// chain cells, and the primary attribute names.
import { describe, expect, it } from 'vitest';
import {
  NB201_ATTRIBUTE_NAMES,
  NB201_EDGE_ATTRIBUTE_NAMES,
  NB201_PRIMARY_ATTRIBUTE_NAMES,
  nb201CellAttributes,
} from '../../../lib/spaces/nasbench201/attributes';
import { nb201Cell, parseNb201Cell } from '../../../lib/spaces/nasbench201/cell';
import { networkFlopsM, networkParams } from '../../../lib/spaces/nasbench201/cost';

// Row 1 of the real CIFAR-10 table (params 802,426 there): three 3×3 convs, a pool, two skips.
const ROW1 = parseNb201Cell('|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|');

describe('nb201CellAttributes', () => {
  it('fills the full record of a literal cell', () => {
    // Depth 3: 0→1 (conv) → 1→2 (pool) → 2→3 (skip). FLOPs: all-none 7,783,040 MACs plus three
    // 3×3 edges, each 5 cells · 9·C²·h² = 11,796,480 per stage over 3 stages.
    expect(nb201CellAttributes(ROW1)).toEqual({
      e0to1: 'nor_conv_3x3',
      e0to2: 'nor_conv_3x3',
      e1to2: 'avg_pool_3x3',
      e0to3: 'skip_connect',
      e1to3: 'nor_conv_3x3',
      e2to3: 'skip_connect',
      numConv3x3: 3,
      numConv1x1: 0,
      numAvgPool: 1,
      numSkip: 2,
      numNone: 0,
      depth: 3,
      degenerate: false,
      params: 802_426,
      flopsM: (7_783_040 + 3 * 3 * 11_796_480) / 1e6,
    });
  });

  it('uses the chosen data set for the costs only', () => {
    const onImagenet = nb201CellAttributes(ROW1, 'imagenet16-120');
    expect(onImagenet.params).toBe(networkParams(ROW1, 'imagenet16-120'));
    expect(onImagenet.flopsM).toBe(networkFlopsM(ROW1, 'imagenet16-120'));
    expect({ ...onImagenet, params: 0, flopsM: 0 }).toEqual({ ...nb201CellAttributes(ROW1), params: 0, flopsM: 0 });
  });

  it('gives a degenerate cell depth 0', () => {
    // 0→1 and 2→3 live, node 2 unreachable: no input→output path.
    const cut = nb201Cell(['nor_conv_3x3', 'none', 'none', 'none', 'none', 'nor_conv_3x3']);
    expect(nb201CellAttributes(cut)).toMatchObject({ depth: 0, degenerate: true, numConv3x3: 2, numNone: 4 });
    expect(nb201CellAttributes(nb201Cell(new Array<string>(6).fill('none')))).toMatchObject({ depth: 0, degenerate: true, numNone: 6 });
  });

  it('gives the direct edge 0→3 depth 1 and the path 0→1→3 depth 2', () => {
    expect(nb201CellAttributes(nb201Cell(['none', 'none', 'none', 'skip_connect', 'none', 'none'])).depth).toBe(1);
    expect(nb201CellAttributes(nb201Cell(['nor_conv_1x1', 'none', 'none', 'skip_connect', 'nor_conv_1x1', 'none'])).depth).toBe(2);
  });

  it('names the primary attributes after the six edges, in edge order', () => {
    expect(NB201_PRIMARY_ATTRIBUTE_NAMES).toEqual(['e0to1', 'e0to2', 'e1to2', 'e0to3', 'e1to3', 'e2to3']);
    expect(NB201_EDGE_ATTRIBUTE_NAMES).toEqual(NB201_PRIMARY_ATTRIBUTE_NAMES);
  });

  it('lists every key of the record in NB201_ATTRIBUTE_NAMES', () => {
    expect([...NB201_ATTRIBUTE_NAMES].sort()).toEqual(Object.keys(nb201CellAttributes(ROW1)).sort());
  });
});
