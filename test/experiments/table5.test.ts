// Tests of VAENAS Table 5's pieces (lib/experiments/table5.ts) on the real NAS-Bench-201 CIFAR-10 table:
// picks are judged by the table (accuracies, percentile, parameter-free share), the summary's means
// and collapse counts, and the gradient and one-shot settings share one schedule.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadNasbench201Csv, type Nasbench201CsvData } from '../../lib/benchmarks/nasbench201-csv';
import { judgeTable5Pick, oneShotSupernetSettings, table5GradientSettings, table5Summary, TABLE5_SCHEDULES } from '../../lib/experiments/table5';

let table: Nasbench201CsvData;
let allVal: number[];
const ALL_SKIP = '|skip_connect~0|+|skip_connect~0|none~1|+|skip_connect~0|avg_pool_3x3~1|skip_connect~2|';
const ALL_CONV = '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|nor_conv_3x3~0|nor_conv_3x3~1|nor_conv_3x3~2|';

beforeAll(() => {
  table = loadNasbench201Csv('cifar10');
  allVal = [...table.records.values()].map((r) => r.valAccuracy);
}, 60_000);

describe('Table 5 on NAS-Bench-201', () => {
  it('judges a pick by the table: its accuracies, percentile among all cells and parameter-free share', () => {
    const conv = judgeTable5Pick(table, allVal, 'gradient', 0, ALL_CONV);
    const record = table.records.get(ALL_CONV)!;
    expect(conv.valAcc200).toBe(record.valAccuracy);
    expect(conv.testAcc200).toBe(record.testAccuracy);
    expect(conv.params).toBe(record.params);
    expect(conv.percentile).toBe(allVal.filter((v) => v < record.valAccuracy).length / allVal.length);
    expect(conv.parameterFreeShare).toBe(0);
    expect(judgeTable5Pick(table, allVal, 'gradient', 0, ALL_SKIP).parameterFreeShare).toBe(1);
    expect(() => judgeTable5Pick(table, allVal, 'gradient', 0, '|none~0|+|none~0|none~1|+|none~0|none~1|bogus~2|')).toThrow(/is not in/);
  });

  it('summarises each method over seeds in Table 5 order and counts collapsed cells', () => {
    const picks = [
      judgeTable5Pick(table, allVal, 'gradient', 0, ALL_SKIP),
      judgeTable5Pick(table, allVal, 'gradient', 1, ALL_CONV),
      judgeTable5Pick(table, allVal, 'one-shot', 0, ALL_CONV),
    ];
    const rows = table5Summary(picks);
    expect(rows.map((r) => r.method)).toEqual(['one-shot', 'gradient']);
    const gradient = rows[1];
    expect(gradient.runs).toBe(2);
    expect(gradient.collapsed).toBe(1);
    expect(gradient.meanParameterFreeShare).toBe(0.5);
    expect(gradient.meanValAcc200).toBeCloseTo((picks[0].valAcc200 + picks[1].valAcc200) / 2, 12);
  });

  it('gives gradient-based search the one-shot schedule: network, steps, batch, learning rate and VAE settings', () => {
    for (const schedule of Object.values(TABLE5_SCHEDULES)) {
      const plain = table5GradientSettings(schedule, 3, false);
      const vaenas = table5GradientSettings(schedule, 3, true, '/tmp/c');
      const uniform = oneShotSupernetSettings(schedule.oneShot, 3, 'uniform');
      const gamma = oneShotSupernetSettings(schedule.oneShot, 3, 'vaenas', '/tmp/c');
      for (const s of [plain, vaenas]) expect([s.config, s.steps, s.batchSize, s.learningRate, s.seed]).toEqual([uniform.config, uniform.steps, uniform.batchSize, uniform.learningRate, uniform.seed]);
      expect(plain.sampler).toEqual({ kind: 'gumbel' });
      expect(plain.rankingImages).toBeUndefined();
      expect(uniform.rankingImages).toBeUndefined();
      expect(gamma.sampling).toEqual({ kind: 'vaenas', ...schedule.oneShot.vaenas });
      const { epsilonFinal: _e, ...vae } = schedule.oneShot.vaenas;
      expect(vaenas.sampler).toEqual({ kind: 'vaenas', ...vae });
      expect(vaenas.rankingImages).toEqual(gamma.rankingImages);
      expect(vaenas.cacheDir).toBe('/tmp/c');
    }
  });
});
