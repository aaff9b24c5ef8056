// The NAS-Bench-201 supernet judged by the table: the proxy schedules, the stated sets of cells
// whose inherited-weight ranking is measured (uniform draws, and draws from the table's top 10%),
// and the ranking statistics against `val_acc_200`, beside the free baseline `val_acc_12`.
import { rankingQuality, type RankingQuality } from '../analysis/ranking-quality';
import type { Nasbench201CsvData, Nasbench201CsvRecord } from '../benchmarks/nasbench201-csv';
import { Rng } from '../random';
import { parseNb201Cell, type Nb201Cell } from '../spaces/nasbench201/cell';
import type { SubnetEvaluator } from '../supernet/oneshot-benchmark';
import type { Nb201SupernetConfig } from '../supernet/nb201-supernet';

/**
 * Schedules of the NAS-Bench-201 supernet (cifar10-valid convention: train on 25,000 training
 * images, validate on the other 25,000). The proxy network and image size are this workbook's
 * choice for 2 CPU cores (docs/nb201-supernet.md gives the ranking each choice measured).
 */
export const NB201_ONESHOT_SCHEDULES = {
  smoke: {
    config: { imageSize: 16, imageChannels: 3, classes: 10, channels: 4, cellsPerStage: 1 } satisfies Nb201SupernetConfig,
    downsample: 2,
    trainLimit: 2000,
    testLimit: 200,
    validation: 1000,
    calibration: 128,
    evaluation: 200,
    supernetSteps: 40,
    batchSize: 32,
    learningRate: 0.05,
    uniformCells: 12,
    topCells: 6,
    seeds: 1,
    vaenas: { interval: 20, sampled: 16, topFraction: 0.25, vaeSteps: 30, epsilonFinal: 0.5 },
    budget: 12,
  },
  full: {
    config: { imageSize: 16, imageChannels: 3, classes: 10, channels: 16, cellsPerStage: 1 } satisfies Nb201SupernetConfig,
    downsample: 2,
    trainLimit: undefined,
    testLimit: undefined,
    validation: 25_000,
    calibration: 256,
    evaluation: 1000,
    supernetSteps: 2500,
    batchSize: 64,
    learningRate: 0.05,
    uniformCells: 200,
    topCells: 60,
    seeds: 3,
    vaenas: { interval: 1000, sampled: 100, topFraction: 0.25, vaeSteps: 300, epsilonFinal: 0.5 },
    budget: 60,
  },
} as const;

/** One NAS-Bench-201 supernet schedule. */
export type Nb201OneShotSchedule = (typeof NB201_ONESHOT_SCHEDULES)[keyof typeof NB201_ONESHOT_SCHEDULES];

/** The stated cells whose ranking is measured. */
export interface Nb201RankingCells {
  /** Distinct cells drawn uniformly from all 15,625. */
  readonly uniform: readonly Nb201Cell[];
  /** Distinct cells drawn uniformly from the table's top `topFraction` by `val_acc_200`. */
  readonly top: readonly Nb201Cell[];
  readonly topFraction: number;
}

/**
 * Draw the ranking sets from `table` (seeded: `Rng(seed).fork('nb201-ranking/uniform' | '/top')`).
 * @throws RangeError when a count is not a positive integer or exceeds what it draws from.
 */
export function nb201RankingCells(table: Nasbench201CsvData, counts: { uniform: number; top: number; topFraction?: number }, seed: number): Nb201RankingCells {
  const topFraction = counts.topFraction ?? 0.1;
  if (!(topFraction > 0 && topFraction <= 1)) throw new RangeError(`top fraction must be in (0, 1]: got ${topFraction}`);
  const all = [...table.records.values()];
  const byAccuracy = [...all].sort((a, b) => b.valAccuracy - a.valAccuracy || a.index - b.index);
  const best = byAccuracy.slice(0, Math.round(topFraction * all.length));
  const draw = (from: readonly Nasbench201CsvRecord[], count: number, label: string): Nb201Cell[] => {
    if (!Number.isInteger(count) || count < 1 || count > from.length) throw new RangeError(`${label} ranking set size must be an integer in 1..${from.length}: got ${count}`);
    return new Rng(seed).fork(`nb201-ranking/${label}`).shuffle(from).slice(0, count).map((r) => parseNb201Cell(r.arch));
  };
  return { uniform: draw(all, counts.uniform, 'uniform'), top: draw(best, counts.top, 'top'), topFraction };
}

/** The ranking of one set: each cell's inherited accuracy and table values, and the statistics. */
export interface Nb201SetRanking {
  readonly cells: readonly string[];
  readonly inherited: readonly number[];
  /** `val_acc_200` (the truth), `val_acc_12` (the free baseline) and 200-epoch test accuracy of each cell. */
  readonly truth: readonly number[];
  readonly epoch12: readonly number[];
  readonly test: readonly (number | null)[];
  /** The supernet's ranking against the truth, and the 12-epoch accuracy's. */
  readonly supernet: RankingQuality;
  readonly baseline12: RankingQuality;
}

/**
 * Score inherited accuracies of `cells` (space keys, index-aligned) against `val_acc_200`, beside
 * `val_acc_12`'s ranking of the same cells (the baseline that costs nothing).
 * @throws RangeError for a cell missing from the table or lengths that differ.
 */
export function nb201SetRanking(cells: readonly string[], inherited: readonly number[], table: Nasbench201CsvData, options: { seed?: number; resamples?: number } = {}): Nb201SetRanking {
  if (cells.length !== inherited.length) throw new RangeError(`${cells.length} cells but ${inherited.length} inherited accuracies`);
  const records = cells.map((key) => {
    const r = table.records.get(key);
    if (r === undefined) throw new RangeError(`cell ${key} is not in ${table.path}`);
    return r;
  });
  const truth = records.map((r) => r.valAccuracy);
  const epoch12 = records.map((r) => r.valAccuracyByEpochs[12]);
  const stats = { seed: options.seed ?? 0, resamples: options.resamples };
  return {
    cells: [...cells], inherited: [...inherited], truth, epoch12, test: records.map((r) => r.testAccuracy ?? null),
    supernet: rankingQuality(inherited, truth, stats),
    baseline12: rankingQuality(epoch12, truth, stats),
  };
}

/** Inherited accuracies of `cells` from `evaluator` (in this thread), in order; `onCell` hears progress. */
export function inheritedAccuracies<A>(evaluator: SubnetEvaluator<A>, cells: readonly A[], onCell?: (done: number, total: number) => void): number[] {
  return cells.map((cell, i) => {
    const accuracy = evaluator.record(cell).valAccuracy;
    onCell?.(i + 1, cells.length);
    return accuracy;
  });
}
