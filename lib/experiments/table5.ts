// VAENAS Table 5 on NAS-Bench-201: one-shot (Algorithm 2) and gradient-based (Algorithm 3) search,
// each with and without VAENAS under the same schedule, every picked cell judged by the table. Here:
// the schedules, the one-shot picks, the judging and the summary; the runs are the pool's jobs.
import { percentileRank, summarize } from '../analysis/stats';
import type { Nasbench201CsvData } from '../benchmarks/nasbench201-csv';
import { NB201_EDGE_CHOICES } from '../spaces/nasbench201/edge-choices';
import { parseNb201Cell } from '../spaces/nasbench201/cell';
import type { PathSampler } from '../search/gradient-nas';
import { NB201_ONESHOT_SCHEDULES, type Nb201OneShotSchedule } from './nb201-oneshot';
import type { SupernetSettings } from './supernet-jobs';
import type { Nb201SupernetConfig } from '../supernet/nb201-supernet';
import { searchEvaluationData, supernetEvaluator, type ImageSplits, type SupernetSampling, type TrainedSupernet } from './supernet';
import type { GradientRunSettings } from './gradient-runs';
import { finalVaeSampler, oneShotEvolution, type VaenasSampling } from './vaenas-oneshot';
import type { WeightSharingNet } from '../supernet/weight-sharing';

/**
 * Table 5's schedules: the one-shot supernets are `NB201_ONESHOT_SCHEDULES`' (so the
 * `vaenas-oneshot-nasbench201` notebook's cache serves both), and the gradient-based searches train
 * the same network for the same steps, batch and learning rate. Gumbel-softmax τ decays from 10 to
 * 0.1 (GDAS). α's Adam learning rate is GDAS's 3·10⁻⁴ scaled to the step count: Adam moves a logit
 * by about the learning rate per step, and GDAS's ~10⁵ steps at 3·10⁻⁴ allow ~30, which 2,500 steps
 * reach at 10⁻²; at 3·10⁻⁴ they could move α by 0.75 at most and the derived cell would be near
 * its random start. The VAE is retrained on the one-shot schedule's interval, sample size and top fraction.
 */
export const TABLE5_SCHEDULES = {
  smoke: { oneShot: NB201_ONESHOT_SCHEDULES.smoke, archLearningRate: 1e-2, tau: { start: 10, end: 0.1 }, recordEvery: 5 },
  full: { oneShot: NB201_ONESHOT_SCHEDULES.full, archLearningRate: 1e-2, tau: { start: 10, end: 0.1 }, recordEvery: 50 },
} as const;

/** One Table 5 schedule. */
export type Table5Schedule = (typeof TABLE5_SCHEDULES)[keyof typeof TABLE5_SCHEDULES];

/**
 * VAENAS Table 5, CIFAR-10 rows (NASNet search space, 600-epoch retraining with cutout, auxiliary
 * tower and drop path): test error and parameters of the searched cell. The ImageNet rows do not
 * survive in the paper's text.
 */
export const VAENAS_TABLE5_CIFAR10 = [
  { framework: 'gradient', vaenas: false, testErrorPct: 2.84, paramsM: 3.7 },
  { framework: 'gradient', vaenas: true, testErrorPct: 2.4, paramsM: 4.4 },
  { framework: 'one-shot', vaenas: false, testErrorPct: 3.33, paramsM: 4.3 },
  { framework: 'one-shot', vaenas: true, testErrorPct: 2.26, paramsM: 5.2 },
] as const;

/** A framework of Table 5 with or without VAENAS. */
export type Table5Method = 'one-shot' | 'one-shot + VAENAS' | 'gradient' | 'gradient + VAENAS';

/** The order Table 5's rows take. */
export const TABLE5_METHODS: readonly Table5Method[] = ['one-shot', 'one-shot + VAENAS', 'gradient', 'gradient + VAENAS'];

/** A picked cell judged by the table. */
export interface Table5Pick {
  readonly method: Table5Method;
  readonly seed: number;
  readonly cell: string;
  readonly valAcc200: number;
  readonly testAcc200: number | null;
  /** Share of the 15,625 cells with a lower `val_acc_200`. */
  readonly percentile: number;
  readonly params: number;
  readonly flopsM: number;
  /** Share of the cell's 6 edges holding none, skip_connect or avg_pool_3x3. */
  readonly parameterFreeShare: number;
}

/**
 * Judge a picked cell (its table key) by the table. @param allValAccuracies every cell's `val_acc_200`.
 * @throws RangeError for a cell missing from the table.
 */
export function judgeTable5Pick(table: Nasbench201CsvData, allValAccuracies: ArrayLike<number>, method: Table5Method, seed: number, key: string): Table5Pick {
  const record = table.records.get(key);
  if (record === undefined) throw new RangeError(`picked cell ${key} is not in ${table.path}`);
  const free = NB201_EDGE_CHOICES.choiceOf(parseNb201Cell(key)).filter((k) => NB201_EDGE_CHOICES.parameterFree.includes(NB201_EDGE_CHOICES.ops[k])).length;
  return {
    method, seed, cell: key, valAcc200: record.valAccuracy, testAcc200: record.testAccuracy ?? null, percentile: percentileRank(allValAccuracies, record.valAccuracy),
    params: record.params, flopsM: record.flopsM, parameterFreeShare: free / NB201_EDGE_CHOICES.edges,
  };
}

/**
 * The one-shot supernet settings of a NAS-Bench-201 schedule for `seed`: uniform or Γ (VAENAS
 * Algorithm 2). The `vaenas-oneshot-nasbench201` notebook uses the same, so both share cache entries.
 */
export function oneShotSupernetSettings(schedule: Nb201OneShotSchedule, seed: number, sampler: 'uniform' | 'vaenas', cacheDir?: string): SupernetSettings<Nb201SupernetConfig> {
  const sampling: SupernetSampling = sampler === 'uniform' ? { kind: 'uniform' } : { kind: 'vaenas', ...schedule.vaenas };
  return {
    config: schedule.config, steps: schedule.supernetSteps, batchSize: schedule.batchSize, learningRate: schedule.learningRate, seed, sampling, cacheDir,
    ...(sampler === 'vaenas' ? { rankingImages: { calibration: schedule.calibration, evaluation: schedule.evaluation } } : {}),
  };
}

/** The gradient-based search settings of `schedule` for `seed`, with or without VAENAS. */
export function table5GradientSettings(schedule: Table5Schedule, seed: number, vaenas: boolean, cacheDir?: string): GradientRunSettings {
  const s = schedule.oneShot;
  const sampler: PathSampler = vaenas ? { kind: 'vaenas', interval: s.vaenas.interval, sampled: s.vaenas.sampled, topFraction: s.vaenas.topFraction, vaeSteps: s.vaenas.vaeSteps } : { kind: 'gumbel' };
  return {
    config: s.config, steps: s.supernetSteps, batchSize: s.batchSize, learningRate: s.learningRate, seed, sampler,
    rankingImages: vaenas ? { calibration: s.calibration, evaluation: s.evaluation } : undefined,
    archLearningRate: schedule.archLearningRate, tau: schedule.tau, recordEvery: schedule.recordEvery, cacheDir,
  };
}

/** A one-shot search's pick: the cell's key and its inherited-weight accuracy. */
export interface OneShotPick {
  readonly key: string;
  readonly inherited: number;
}

/**
 * The one-shot picks of one seed: regularized evolution on the uniform supernet from a uniform
 * population, and on the Γ supernet from the final VAE's population (Algorithm 2, line 13), each with
 * `budget` distinct cells. `fromVae`: how many of the Γ search's cells the VAE's population gave.
 */
export async function oneShotPicks<A>(splits: ImageSplits, runs: { uniform: TrainedSupernet<WeightSharingNet<A>>; vaenas: TrainedSupernet<WeightSharingNet<A>> }, sampling: VaenasSampling, sizes: { calibration: number; evaluation: number }, budget: number, seed: number): Promise<{ uniform: OneShotPick; vaenas: OneShotPick; fromVae: number }> {
  const evalU = supernetEvaluator(runs.uniform, searchEvaluationData(splits, sizes));
  const evalV = supernetEvaluator(runs.vaenas, searchEvaluationData(splits, sizes));
  const finalVae = finalVaeSampler(runs.vaenas, evalV, sampling, seed);
  try {
    const [u] = await oneShotEvolution(evalU, { budget, seeds: [seed + 1] });
    const [v] = await oneShotEvolution(evalV, { budget, seeds: [seed + 1001], initialSampler: () => finalVae.sampler });
    const pick = (best: NonNullable<typeof u.best>): OneShotPick => ({ key: best.key, inherited: best.searchAccuracy });
    return { uniform: pick(u.best!), vaenas: pick(v.best!), fromVae: v.queriedByOrigin['initial-vae'] ?? 0 };
  } finally {
    finalVae.dispose();
  }
}

/** Table 5's summary row of one method: mean ± std over seeds of the judged picks. */
export interface Table5Row {
  readonly method: Table5Method;
  readonly runs: number;
  readonly meanValAcc200: number;
  readonly stdValAcc200: number;
  readonly meanTestAcc200: number | null;
  readonly meanPercentile: number;
  readonly meanParamsM: number;
  readonly meanFlopsM: number;
  readonly meanParameterFreeShare: number;
  /** Runs whose derived cell is all parameter-free operations (the collapse the paper argues about). */
  readonly collapsed: number;
}

/** Summaries in TABLE5_METHODS order (methods without picks are left out). */
export function table5Summary(picks: readonly Table5Pick[]): Table5Row[] {
  return TABLE5_METHODS.flatMap((method) => {
    const rows = picks.filter((p) => p.method === method);
    if (rows.length === 0) return [];
    const val = summarize(rows.map((r) => r.valAcc200));
    const tests = rows.map((r) => r.testAcc200).filter((t): t is number => t !== null);
    const mean = (f: (r: Table5Pick) => number) => rows.reduce((t, r) => t + f(r), 0) / rows.length;
    return [{
      method, runs: rows.length, meanValAcc200: val.mean, stdValAcc200: val.std, meanTestAcc200: tests.length === rows.length ? summarize(tests).mean : null,
      meanPercentile: mean((r) => r.percentile), meanParamsM: mean((r) => r.params) / 1e6, meanFlopsM: mean((r) => r.flopsM), meanParameterFreeShare: mean((r) => r.parameterFreeShare),
      collapsed: rows.filter((r) => r.parameterFreeShare === 1).length,
    }];
  });
}
