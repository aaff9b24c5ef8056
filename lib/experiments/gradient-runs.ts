// One gradient-based search on the NAS-Bench-201 supernet (GDAS-style or VAENAS Algorithm 3) as a
// cached, resumable run: settings as plain data, checkpoints and the result in
// .cache/gradient-nas/<key>. It runs the search of lib/search and judges nothing.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonAtomically } from '../atomic-file';
import { lockFolderSync } from '../folder-lock';
import { cacheRoot } from '../project-folders';
import { gradientSearch, type ArchitectureSnapshot, type PathSampler } from '../search/gradient-nas';
import { NB201_EDGE_CHOICES } from '../spaces/nasbench201/edge-choices';
import { Nb201Supernet, type Nb201SupernetConfig } from '../supernet/nb201-supernet';
import { searchEvaluationData, splitsIdentity, type ImageSplits } from './supernet';
import type { EvaluationSizes } from './supernet-jobs';

/** What fixes a run's result: the search's settings as plain data (the cache key is their hash). */
export interface GradientRunSettings {
  readonly config: Nb201SupernetConfig;
  readonly steps: number;
  readonly batchSize: number;
  /** Peak learning rate of the supernet weights' cosine schedule. */
  readonly learningRate: number;
  /** Seed of the supernet's initial weights, the batches, the paths and α's initialisation. */
  readonly seed: number;
  readonly sampler: PathSampler;
  /** VAENAS only: the validation images that rank the VAE's training cells. */
  readonly rankingImages?: EvaluationSizes;
  readonly archLearningRate?: number;
  readonly tau?: { readonly start: number; readonly end: number };
  readonly recordEvery?: number;
  /** Cache root (default `.cache/`). */
  readonly cacheDir?: string;
}

/** A finished run, as it is cached (plain data: it crosses worker threads). */
export interface GradientRun {
  readonly key: string;
  readonly fromCache: boolean;
  /** The derived cell's space key (NAS-Bench-201's cell string). */
  readonly derived: string;
  readonly derivedChoice: number[];
  readonly parameterFreeShare: number;
  readonly final: ArchitectureSnapshot;
  readonly history: ArchitectureSnapshot[];
  /** Wall seconds of the search over every run that led here (resumes included). */
  readonly searchSeconds: number;
  readonly vaeTrainings: number;
}

const RESULT_FILE = 'result.json';

/** The cache key of `settings` on `splits` (the images are part of what fixes a result). */
export function gradientRunKey(splits: ImageSplits, settings: GradientRunSettings): string {
  const { cacheDir: _cacheDir, ...fixed } = settings;
  const keyConfig = { format: 'dnas-gradient-nas-run', version: 1, ...fixed, data: splitsIdentity(splits) };
  return createHash('sha256').update(JSON.stringify(keyConfig)).digest('hex').slice(0, 16);
}

/**
 * The run of `settings`: read from the cache when it finished before, otherwise searched (resuming
 * from the entry's last checkpoint) and cached. Weights train on `splits.train`, architecture weights
 * on `splits.validation`. @throws Error when another process holds the entry (it names it), or as
 * gradientSearch.
 */
export function gradientRun(splits: ImageSplits, settings: GradientRunSettings, options: { onSteps?: (done: number, total: number) => void; onProgress?: (line: string) => void } = {}): GradientRun {
  const key = gradientRunKey(splits, settings);
  const dir = join(cacheRoot(settings.cacheDir), 'gradient-nas', key);
  const resultFile = join(dir, RESULT_FILE);
  const cached = (): GradientRun | null => (existsSync(resultFile) ? { ...(JSON.parse(readFileSync(resultFile, 'utf8')) as GradientRun), fromCache: true } : null);
  const found = cached();
  if (found !== null) return found;
  const lock = lockFolderSync(dir, `gradient-based search ${key}`);
  const supernet = Nb201Supernet.create(settings.config, settings.seed);
  try {
    const again = cached();
    if (again !== null) return again;
    const ranking = settings.rankingImages === undefined ? undefined : searchEvaluationData(splits, settings.rankingImages);
    const result = gradientSearch(supernet, NB201_EDGE_CHOICES, { train: splits.train, validation: splits.validation, norm: splits.norm, ranking }, {
      steps: settings.steps, seed: settings.seed, sampler: settings.sampler, batchSize: settings.batchSize, learningRate: settings.learningRate,
      archLearningRate: settings.archLearningRate, tau: settings.tau, recordEvery: settings.recordEvery, checkpointDir: dir,
      onProgress: options.onProgress,
      onStep: (step) => options.onSteps?.(step + 1, settings.steps),
    });
    if (!lock.isHeld()) throw new Error(`${dir}: this search lost the entry's lock to another process; it stops without marking it done`);
    const run: GradientRun = {
      key, fromCache: false, derived: supernet.space.key(result.derived), derivedChoice: result.derivedChoice, parameterFreeShare: result.parameterFreeShare,
      final: result.final, history: result.history, searchSeconds: result.report.seconds, vaeTrainings: result.vaeTrainings,
    };
    writeJsonAtomically(resultFile, run);
    return run;
  } finally {
    supernet.dispose();
    void lock.release();
  }
}
