// The explorer's embedded data read back exactly (explorer-data.ts), its md5 (the page's NAS-Bench-101
// hash) against node:crypto, and the NAS-Bench-201 cell as a drawable DAG.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadProblem } from '../../lib/experiments/problems';
import { Rng } from '../../lib/random';
import { nb201Dag } from '../../lib/report/figures/nb201-dag';
import { encodeAccuracies, encodeGaps, readTable } from '../../lib/report/explorer/explorer-data';
import { explorerSpace } from '../../lib/report/explorer/explorer-space';
import { explorerTable } from '../../lib/report/explorer/latent-explorer';
import { md5Hex } from '../../lib/report/explorer/md5';
import { parseNb201Cell } from '../../lib/spaces/nasbench201/cell';

describe('the embedded table', () => {
  it.each(['nb201', 'nb101'] as const)('gives every cell of %s its report accuracy exactly (float32), and percentiles of the whole table', async (name) => {
    const problem = await loadProblem(name);
    const table = explorerTable(problem);
    const reader = readTable(JSON.parse(JSON.stringify(table)));
    const keys = problem.tableKeys();
    const report = problem.tableReportAccuracies() ?? problem.tableAccuracies();
    expect(reader.size).toBe(keys.length);
    let mismatches = 0;
    // NAS-Bench-101: every cell (423,624 lookups); the tokens are only needed for NAS-Bench-201's index.
    keys.forEach((key, i) => {
      const tokens = name === 'nb201' ? problem.space.encode(problem.tableEntry(key).cell) : [];
      if (reader.accuracy(tokens, key) !== Math.fround(report[i])) mismatches++;
    });
    expect(mismatches).toBe(0);
    if (table.encoding === 'hash-prefix') expect(reader.accuracy([], 'f'.repeat(32))).toBeNull();
    const best = Array.from(report, Math.fround).reduce((a, b) => Math.max(a, b), -Infinity);
    expect(reader.percentile(best)).toBe(100);
    expect(reader.percentile(-1)).toBe(0);
  }, 120_000);

  it('encodes accuracies and gaps losslessly, and refuses what it cannot hold', () => {
    const values = [0.9, 0.1, 0.9, 0.5];
    const back = readTable({ encoding: 'token-index', vocab: 2, accuracy: encodeAccuracies(values) });
    expect([[0, 0], [1, 0], [0, 1], [1, 1]].map((t) => back.accuracy(t, ''))).toEqual(values.map(Math.fround));
    expect(() => encodeAccuracies(Array.from({ length: 70_000 }, (_, i) => i))).toThrow('70000 distinct accuracies: the explorer\'s table holds at most 65,536');
    expect(() => encodeGaps([5, 3])).toThrow('gaps need sorted safe integers: got 3 after 5');
    const sorted = [0, 1, 127, 128, 2 ** 40 - 1, 2 ** 47];
    const reader = readTable({ encoding: 'hash-prefix', prefixBytes: 6, prefixGaps: encodeGaps(sorted), accuracy: encodeAccuracies([1, 2, 3, 4, 5, 6]) });
    expect(sorted.map((v) => reader.accuracy([], v.toString(16).padStart(12, '0')))).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe('md5Hex', () => {
  it('equals node:crypto on strings around the block boundaries and non-ASCII text', () => {
    const rng = new Rng('md5');
    const texts = ['', 'a', 'abc', '(1, 0, -1)', 'ü€', ...[55, 56, 57, 63, 64, 65, 119, 120, 1000].map((n) => Array.from({ length: n }, () => String.fromCharCode(32 + rng.int(90))).join(''))];
    for (const text of texts) expect(md5Hex(text), JSON.stringify(text)).toBe(createHash('md5').update(text).digest('hex'));
  });
});

describe('the explorer spaces', () => {
  it('draws a NAS-Bench-201 cell as an eight-vertex DAG with the op of each edge on its own vertex', () => {
    const cell = parseNb201Cell('|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|skip_connect~0|none~1|nor_conv_3x3~2|');
    const dag = nb201Dag(cell);
    expect(dag.ops).toEqual(['input', 'nor_conv_3x3', 'nor_conv_1x1', 'avg_pool_3x3', 'skip_connect', 'none', 'nor_conv_3x3', 'output']);
    // edges: in → e0, e1, e3; e0 (node 1) → e2, e4; e1, e2 (node 2) → e5; e3, e4, e5 → out
    const edges = dag.matrix.flatMap((row, u) => row.flatMap((v, w) => (v ? [`${u}>${w}`] : [])));
    expect(edges).toEqual(['0>1', '0>2', '0>4', '1>3', '1>5', '2>6', '3>6', '4>7', '5>7', '6>7']);
  });

  it('parses typed cells and says what is wrong with bad ones', () => {
    const nb201 = explorerSpace('nb201');
    const text = '|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|skip_connect~0|none~1|nor_conv_3x3~2|';
    expect(nb201.cell(nb201.parse(text))?.key).toBe(text);
    expect(() => nb201.parse('|conv~0|')).toThrow('not a NAS-Bench-201 cell string');
    const nb101 = explorerSpace('nb101');
    const cell = { matrix: [[0, 1, 1], [0, 0, 1], [0, 0, 0]], ops: ['input', 'conv3x3-bn-relu', 'output'] };
    expect(nb101.cell(nb101.parse(JSON.stringify(cell)))?.dag.ops).toEqual(cell.ops);
    expect(() => nb101.parse('{"matrix": ')).toThrow('not a cell as JSON');
    expect(() => explorerSpace('nb301' as never)).toThrow('the explorer knows spaces nb101 and nb201: got "nb301"');
  });
});
