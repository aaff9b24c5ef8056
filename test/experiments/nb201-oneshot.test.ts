// Tests of the NAS-Bench-201 supernet's ranking sets and statistics (lib/experiments/nb201-oneshot.ts)
// on the real CIFAR-10 table: distinct, seeded draws; the top set lies in the table's top 10%; the
// set ranking scores inherited accuracies and the val_acc_12 baseline against val_acc_200.
import { beforeAll, describe, expect, it } from 'vitest';
import { rankingQuality } from '../../lib/analysis/ranking-quality';
import { loadNasbench201Csv, type Nasbench201CsvData } from '../../lib/benchmarks/nasbench201-csv';
import { initBackend } from '../../lib/backend';
import { inheritedAccuracies, nb201RankingCells, nb201SetRanking } from '../../lib/experiments/nb201-oneshot';
import { formatNb201Cell } from '../../lib/spaces/nasbench201/cell';
import { channelNormalisation } from '../../lib/supernet/batches';
import { downsample, firstN, loadCifar10, splitValidation } from '../../lib/supernet/data';
import { Nb201Supernet } from '../../lib/supernet/nb201-supernet';
import { SubnetEvaluator } from '../../lib/supernet/oneshot-benchmark';
import { registerWasmConvGradients } from '../../lib/supernet/wasm-conv-gradients';

let table: Nasbench201CsvData;
beforeAll(async () => {
  await initBackend({ force: 'wasm', quiet: true });
  registerWasmConvGradients();
  table = loadNasbench201Csv('cifar10');
});

describe('nb201RankingCells', () => {
  it('draws distinct cells, the top set from the table’s top 10% by val_acc_200, the same for the same seed', () => {
    const sets = nb201RankingCells(table, { uniform: 200, top: 100 }, 0);
    const keys = sets.uniform.map(formatNb201Cell);
    expect(new Set(keys).size).toBe(200);
    expect(new Set(sets.top.map(formatNb201Cell)).size).toBe(100);
    const sorted = [...table.records.values()].map((r) => r.valAccuracy).sort((a, b) => b - a);
    const threshold = sorted[Math.round(0.1 * sorted.length) - 1];
    for (const cell of sets.top) expect(table.records.get(formatNb201Cell(cell))!.valAccuracy).toBeGreaterThanOrEqual(threshold);
    expect(nb201RankingCells(table, { uniform: 200, top: 100 }, 0)).toEqual(sets);
    expect(nb201RankingCells(table, { uniform: 200, top: 100 }, 1).uniform.map(formatNb201Cell)).not.toEqual(keys);
  });

  it('refuses sizes beyond what it draws from, naming the limit', () => {
    expect(() => nb201RankingCells(table, { uniform: 0, top: 10 }, 0)).toThrow('uniform ranking set size must be an integer in 1..15625: got 0');
    expect(() => nb201RankingCells(table, { uniform: 10, top: 2000 }, 0)).toThrow('top ranking set size must be an integer in 1..1563: got 2000');
  });
});

describe('nb201SetRanking', () => {
  it("scores each cell's inherited accuracy and val_acc_12 against val_acc_200, with the table's test accuracy beside", () => {
    const split = splitValidation(downsample(loadCifar10({ split: 'train', limit: 300 }), 2), 100, 'nb201-oneshot-test');
    const norm = channelNormalisation(split.train);
    const net = Nb201Supernet.create({ imageSize: 16, imageChannels: 3, classes: 10, channels: 4, cellsPerStage: 1 }, 0);
    const evaluator = new SubnetEvaluator(net, { calibration: firstN(split.train, 64), evaluation: split.validation, norm, calibrationBatch: 64 });
    const cells = nb201RankingCells(table, { uniform: 6, top: 1 }, 3).uniform;
    const progress: number[] = [];
    const inherited = inheritedAccuracies(evaluator, cells, (done) => progress.push(done));
    expect(progress).toEqual([1, 2, 3, 4, 5, 6]);
    const r = nb201SetRanking(cells.map(formatNb201Cell), inherited, table, { resamples: 200 });
    expect(() => nb201SetRanking(['|none~0|+|none~0|none~1|+|none~0|none~1|bad~2|'], [0.1], table)).toThrow(/cell \|none~0\|.* is not in .*cifar10\.csv/);
    const records = r.cells.map((key) => table.records.get(key)!);
    expect(r.truth).toEqual(records.map((x) => x.valAccuracy));
    expect(r.epoch12).toEqual(records.map((x) => x.valAccuracyByEpochs[12]));
    expect(r.test).toEqual(records.map((x) => x.testAccuracy));
    expect(r.inherited).toEqual(cells.map((cell) => evaluator.record(cell).valAccuracy));
    expect(evaluator.computed).toBe(6);
    expect(r.baseline12).toEqual(rankingQuality(r.epoch12, r.truth, { resamples: 200 }));
    expect(r.supernet.architectures).toBe(6);
    net.dispose();
  });
});
