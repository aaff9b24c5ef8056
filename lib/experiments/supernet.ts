// The supernet experiments' shared pipeline: image splits, one trained supernet per setting
// (cached and resumable under .cache/supernets/<key>), its evaluator, and stand-alone retraining of
// chosen sub-networks (cached). Notebooks call these; nothing here prints tables or draws figures.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonAtomically } from '../atomic-file';
import { lockFolderSync } from '../folder-lock';
import { initBackend } from '../backend';
import { cacheRoot } from '../project-folders';
import { Rng } from '../random';
import { mixtureSampler } from '../samplers/mixture';
import { uniformSampler } from '../samplers/uniform';
import { trainVaeSampler, type TrainedVaeSampler } from '../samplers/vae';
import { channelNormalisation, type LabelledImages, type Normalisation } from '../supernet/batches';
import { downsample, firstN, loadCifar10, loadFashionMnist, splitValidation, type ImageDataset } from '../supernet/data/index';
import { accuracyWith, evaluateSubnet, recalibrate, type EvaluationData } from '../supernet/evaluate';
import { SubnetEvaluator } from '../supernet/oneshot-benchmark';
import { CIFAR10_SPACE, FASHION_MNIST_SPACE, SMOKE_SPACE, type Architecture, type SupernetSpaceConfig } from '../supernet/space';
import { NB201_SUPERNET_FILE, Nb201Supernet, type Nb201SupernetConfig } from '../supernet/nb201-supernet';
import { SUPERNET_FILE, Supernet } from '../supernet/supernet';
import { hasTensorMap } from '../supernet/tensor-file';
import { trainSupernet, type TrainReport } from '../supernet/train';
import { registerWasmConvGradients } from '../supernet/wasm-conv-gradients';
import type { WeightSharingNet } from '../supernet/weight-sharing';
import { startProgress } from '../report/progress';

/** The image data sets the supernet experiments read. */
export type ImageDatasetName = 'fashion-mnist' | 'cifar10';

/** Train / validation / test images with the training split's normalisation. */
export interface ImageSplits {
  readonly dataset: ImageDatasetName;
  /** Training images minus the validation part (supernet and stand-alone training, BN calibration). */
  readonly train: ImageDataset;
  /** Held out from the training set: search-time accuracy. */
  readonly validation: ImageDataset;
  /** The official test set: final reports only. */
  readonly test: ImageDataset;
  readonly norm: Normalisation;
  /** How these splits were made: `loadImageSplits(source.dataset, source)` makes them again (worker threads do). */
  readonly source: ImageSplitsSource;
}

/** The arguments of `loadImageSplits` (plain data, so it can be sent to a worker thread). */
export interface ImageSplitsSource {
  readonly dataset: ImageDatasetName;
  readonly validation: number;
  readonly seed: number;
  readonly trainLimit?: number;
  readonly testLimit?: number;
  readonly dataDir?: string;
  /** Images shrunk by this factor (box filter, `downsample`) after loading; default 1. */
  readonly downsample?: number;
}

/**
 * Schedules of the supernet notebooks. Full scale is sized for ≤ 60 min per notebook on 2 CPU
 * cores (a training step of the full space ≈ 0.2 s, an inherited-weight evaluation ≈ 0.5 s);
 * smoke scale checks the pipeline in CI in about a minute.
 */
export const SUPERNET_SCHEDULES = {
  smoke: {
    space: SMOKE_SPACE,
    trainLimit: 3000,
    testLimit: 500,
    validation: 500,
    calibration: 256,
    evaluation: 300,
    supernetSteps: 60,
    batchSize: 32,
    learningRate: 0.05,
    standaloneSteps: 40,
    budget: 12,
    seeds: 2,
    vaenas: { interval: 20, sampled: 24, topFraction: 0.25, vaeSteps: 40, epsilonFinal: 0.5 },
    rankingSubnets: 4,
  },
  full: {
    space: FASHION_MNIST_SPACE,
    trainLimit: undefined,
    testLimit: undefined,
    validation: 5000,
    calibration: 512,
    evaluation: 1000,
    supernetSteps: 3000,
    batchSize: 64,
    learningRate: 0.05,
    standaloneSteps: 600,
    budget: 60,
    seeds: 3,
    vaenas: { interval: 500, sampled: 100, topFraction: 0.25, vaeSteps: 300, epsilonFinal: 0.5 },
    rankingSubnets: 10,
  },
} as const;

/** One schedule (smoke or full). */
export type SupernetSchedule = (typeof SUPERNET_SCHEDULES)[keyof typeof SUPERNET_SCHEDULES];

/** The space configuration for a data set at a scale (smoke always uses SMOKE_SPACE on its input shape). */
export function spaceFor(dataset: ImageDatasetName, schedule: SupernetSchedule): SupernetSpaceConfig {
  const input = dataset === 'cifar10' ? CIFAR10_SPACE.inputShape : FASHION_MNIST_SPACE.inputShape;
  return { ...schedule.space, inputShape: input };
}

/**
 * Load a data set and hold out `validation` training images (seeded split). The test split is
 * returned for final reports only. Also initialises the TF.js backend (`quiet`: without saying which)
 * and the wasm conv gradients.
 */
export async function loadImageSplits(dataset: ImageDatasetName, options: { validation: number; seed: number; trainLimit?: number; testLimit?: number; dataDir?: string; downsample?: number; quiet?: boolean }): Promise<ImageSplits> {
  await initBackend({ quiet: options.quiet });
  registerWasmConvGradients();
  const factor = options.downsample ?? 1;
  const load = (split: 'train' | 'test', limit?: number): ImageDataset =>
    downsample(dataset === 'cifar10' ? loadCifar10({ split, limit, dataDir: options.dataDir }) : loadFashionMnist({ split, limit }), factor);
  const all = load('train', options.trainLimit);
  const { train, validation } = splitValidation(all, options.validation, options.seed);
  const source: ImageSplitsSource = { dataset, validation: options.validation, seed: options.seed, trainLimit: options.trainLimit, testLimit: options.testLimit, dataDir: options.dataDir, ...(factor === 1 ? {} : { downsample: factor }) };
  return { dataset, train, validation, test: load('test', options.testLimit), norm: channelNormalisation(train), source };
}

/** How the supernet picks each step's sub-network. */
export type SupernetSampling =
  | { readonly kind: 'uniform' }
  /**
   * VAENAS Algorithm 2: Γ = (1 − ε)·U + ε·p_θ with ε = min(1, step·ε_inc), ε_inc chosen so ε
   * reaches `epsilonFinal` at the last step (the paper gives no value); every `interval` steps
   * `sampled` architectures drawn from Γ are evaluated with the current weights and the VAE is
   * retrained on the top `topFraction` (Algorithm 1) for `vaeSteps` steps.
   */
  | { readonly kind: 'vaenas'; readonly interval: number; readonly sampled: number; readonly topFraction: number; readonly vaeSteps: number; readonly epsilonFinal: number };

/** A supernet's shape: the layer-choice space's, or the NAS-Bench-201 cell supernet's. */
export type SupernetConfig = SupernetSpaceConfig | Nb201SupernetConfig;

/** The supernet class a config builds. */
export type NetOf<C extends SupernetConfig> = C extends Nb201SupernetConfig ? Nb201Supernet : Supernet;

/** True for a NAS-Bench-201 supernet config (it has cells per stage; the layer-choice one has stages). */
export function isNb201Config(config: SupernetConfig): config is Nb201SupernetConfig {
  return 'cellsPerStage' in config;
}

/** A freshly initialised supernet of `config` (seeded). */
export function createNet<C extends SupernetConfig>(config: C, seed: number): NetOf<C> {
  return (isNb201Config(config) ? Nb201Supernet.create(config, seed) : Supernet.create(config, seed)) as NetOf<C>;
}

function loadNet<C extends SupernetConfig>(dir: string, config: C): NetOf<C> {
  return (isNb201Config(config) ? Nb201Supernet.load(dir, config).supernet : Supernet.load(dir).supernet) as NetOf<C>;
}

/** Options of `trainedSupernet`. */
export interface TrainedSupernetOptions<C extends SupernetConfig = SupernetSpaceConfig> {
  readonly config: C;
  readonly steps: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly seed: number;
  readonly sampling: SupernetSampling;
  /** Evaluation data for VAENAS's periodic ranking (validation images). */
  readonly rankingData?: EvaluationData;
  /** false: neither read nor write the cache (default true). */
  readonly cache?: boolean;
  readonly cacheDir?: string;
  /** Called every 100 steps with a line, and at each VAENAS retraining. */
  readonly onProgress?: (line: string) => void;
  /** Show a live progress bar over the steps (notebook display or CLI bar with ETA; default false). */
  readonly progress?: boolean;
  /** Called every 10 steps and at the last with the steps done (worker threads report through it). */
  readonly onSteps?: (done: number, steps: number) => void;
  /** false: load from the cache or throw, never train (default true; searches on worker threads use it). */
  readonly trainIfMissing?: boolean;
}

/** A trained supernet and where it came from. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface TrainedSupernet<N extends WeightSharingNet<any> = Supernet> {
  readonly supernet: N;
  /** 16 hex digits of SHA-256 over everything that fixes the weights. */
  readonly key: string;
  readonly keyConfig: Record<string, unknown>;
  /** Its cache folder (null without cache). */
  readonly dir: string | null;
  readonly fromCache: boolean;
  readonly trainSeconds: number;
  /** VAENAS only: ε at the end and the number of VAE retrainings. */
  readonly vaenas?: { readonly epsilonFinal: number; readonly vaeTrainings: number };
}

const DONE_FILE = 'trained.json';

/**
 * Train a supernet (or load it from `.cache/supernets/<key>` when trained before with the same
 * settings and data). An interrupted training resumes from its last checkpoint in that folder.
 */
export function trainedSupernet<C extends SupernetConfig = SupernetSpaceConfig>(splits: ImageSplits, options: TrainedSupernetOptions<C>): TrainedSupernet<NetOf<C>> {
  // VAENAS's weights also depend on the images that rank its draws; uniform keys stay as they were.
  const ranking = options.sampling.kind === 'vaenas' && options.rankingData !== undefined ? { ranking: evaluationIdentity(options.rankingData) } : {};
  // Version 2 of NAS-Bench-201 supernets: trained with the true gradient of 'same' average pooling
  // (supernet/avg-pool.ts); version-1 weights were trained with TF.js's, wrong at image borders.
  const version = isNb201Config(options.config) ? 2 : 1;
  const keyConfig = { format: 'dnas-supernet-run', version, config: options.config, steps: options.steps, batchSize: options.batchSize, learningRate: options.learningRate, seed: options.seed, sampling: options.sampling, data: splitsIdentity(splits), ...ranking };
  const key = createHash('sha256').update(JSON.stringify(keyConfig)).digest('hex').slice(0, 16);
  const dir = options.cache === false ? null : join(cacheRoot(options.cacheDir), 'supernets', key);
  const file = isNb201Config(options.config) ? NB201_SUPERNET_FILE : SUPERNET_FILE;
  const cached = (): TrainedSupernet<NetOf<C>> | null => {
    if (dir === null || !existsSync(join(dir, DONE_FILE)) || !hasTensorMap(dir, file)) return null;
    const done = JSON.parse(readFileSync(join(dir, DONE_FILE), 'utf8')) as { trainSeconds: number; vaenas?: TrainedSupernet['vaenas'] };
    return { supernet: loadNet(dir, options.config), key, keyConfig, dir, fromCache: true, trainSeconds: done.trainSeconds, vaenas: done.vaenas };
  };
  const found = cached();
  if (found !== null) return found;
  if (options.trainIfMissing === false) throw new Error(`supernet ${key} is not trained in the cache (${dir ?? 'cache off'}): train it first (trainedSupernet with the same settings)`);
  // One trainer per cache entry (its checkpoints live there): a second one is refused, naming the first.
  const lock = dir === null ? null : lockFolderSync(dir, `supernet ${key}`);
  try {
    return cached() ?? (trainFresh<unknown>(splits, options, createNet(options.config, options.seed) as WeightSharingNet<unknown>, { key, keyConfig, dir, isHeld: () => lock?.isHeld() ?? true }) as TrainedSupernet<NetOf<C>>);
  } finally {
    void lock?.release();
  }
}

/** trainedSupernet's training (and its resume from checkpoints), under the entry's lock. */
function trainFresh<A>(splits: ImageSplits, options: TrainedSupernetOptions<SupernetConfig>, supernet: WeightSharingNet<A>, entry: { key: string; keyConfig: Record<string, unknown>; dir: string | null; isHeld: () => boolean }): TrainedSupernet<WeightSharingNet<A>> {
  const { key, keyConfig, dir } = entry;
  const started = Date.now();
  const space = supernet.space;
  const sampling = options.sampling;
  let vaenas: { epsilonFinal: number; vaeTrainings: number } | undefined;
  let sample: (step: number, rng: Rng) => A = (_step, rng) => space.sampleUniform(rng);
  let vae: TrainedVaeSampler<A> | null = null;
  if (sampling.kind === 'vaenas') {
    if (options.rankingData === undefined) throw new Error('VAENAS supernet training needs rankingData (validation images) to rank sampled architectures');
    const inc = sampling.epsilonFinal / options.steps;
    const uniform = uniformSampler(space);
    // Algorithm 2 retrains the VAE at every multiple of the interval after step 0; counted from the
    // schedule, so a resumed run reports the same number as an uninterrupted one.
    vaenas = { epsilonFinal: 0, vaeTrainings: Math.floor((options.steps - 1) / sampling.interval) };
    sample = (step, rng) => {
      // Algorithm 2 lines 5–9 at multiples of the interval; after a resume past the first
      // interval the VAE is rebuilt at once from the current weights (it is not checkpointed).
      if ((step > 0 && step % sampling.interval === 0) || (vae === null && step > sampling.interval)) {
        const epsilon = Math.min(1, step * inc);
        const gamma = mixtureSampler(uniform, vae?.sampler ?? uniform, { epsilon, epsilonInc: 0 });
        const drawn = gamma.draw(sampling.sampled, new Rng(options.seed).fork(`vaenas/rank/${step}`)).cells;
        const accuracies = drawn.map((arch) => evaluateSubnet(supernet, arch, options.rankingData!));
        vae?.dispose();
        vae = trainVaeSampler(space, { cells: drawn, accuracies }, { seed: new Rng(options.seed).fork(`vaenas/vae/${step}`).intSeed(), steps: sampling.vaeSteps, topFraction: sampling.topFraction, batchSize: Math.min(100, Math.max(1, Math.round(sampling.sampled * sampling.topFraction))) });
        options.onProgress?.(`step ${step}: VAE retrained on the top ${vae.selection.indices.length} of ${drawn.length} (ε = ${epsilon.toFixed(3)})`);
      }
      const epsilon = Math.min(1, step * inc);
      vaenas!.epsilonFinal = epsilon;
      if (vae === null || epsilon === 0) return space.sampleUniform(rng);
      return mixtureSampler(uniform, vae.sampler, { epsilon, epsilonInc: 0 }).draw(1, rng).cells[0];
    };
  }
  const bar = options.progress === true ? startProgress(`supernet ${key}`, options.steps) : null;
  let report: TrainReport;
  try {
    const every = sampling.kind === 'vaenas' ? sampling.interval : 200;
    report = trainSupernet(supernet, splits.train, splits.norm, {
      steps: options.steps,
      batchSize: options.batchSize,
      learningRate: options.learningRate,
      seed: options.seed,
      sample,
      checkpointDir: dir ?? undefined,
      checkpointEvery: every,
      onStep: ({ step, steps, loss }) => {
        if ((step + 1) % 100 === 0 || step + 1 === steps) options.onProgress?.(`supernet ${key}: step ${step + 1}/${steps}, loss ${loss.toFixed(3)}, ${((Date.now() - started) / 1000).toFixed(0)} s`);
        if ((step + 1) % 10 === 0 || step + 1 === steps) {
          bar?.tick(step + 1, `loss ${loss.toFixed(3)}`);
          options.onSteps?.(step + 1, steps);
        }
      },
    });
    bar?.finish();
  } catch (err) {
    bar?.finish(`failed: ${(err as Error).message}`);
    throw err;
  } finally {
    (vae as TrainedVaeSampler<A> | null)?.dispose();
  }
  // Cumulative over resumes: a training killed and resumed reports the time of both runs.
  const trainSeconds = report.seconds;
  if (dir !== null && !entry.isHeld()) throw new Error(`${dir}: this training lost the entry's lock to another trainer; it stops without marking it done`);
  if (dir !== null) writeJsonAtomically(join(dir, DONE_FILE), { keyConfig, trainSeconds, vaenas });
  return { supernet, key, keyConfig, dir, fromCache: false, trainSeconds, vaenas };
}

/** The evaluation data of a schedule: `calibration` training images for BN, `evaluation` validation images. */
export function searchEvaluationData(splits: ImageSplits, schedule: { calibration: number; evaluation: number }): EvaluationData {
  return { calibration: firstN(splits.train, schedule.calibration), evaluation: firstN(splits.validation, schedule.evaluation), norm: splits.norm };
}

/** An evaluator whose results persist next to the supernet (`evaluations-<calibration>-<evaluation>.jsonl`). */
export function supernetEvaluator<A>(run: TrainedSupernet<WeightSharingNet<A>>, data: EvaluationData): SubnetEvaluator<A> {
  const file = run.dir === null ? undefined : join(run.dir, `evaluations-${data.calibration.count}-${data.evaluation.count}.jsonl`);
  return new SubnetEvaluator<A>(run.supernet, data, file);
}

/** Options of `trainStandalone`. */
export interface StandaloneOptions {
  readonly steps: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly seed: number;
  readonly cache?: boolean;
  readonly cacheDir?: string;
  /** Called every 10 steps and at the last with the steps done. */
  readonly onSteps?: (done: number, steps: number) => void;
}

/** A sub-network trained from scratch and tested. */
export interface StandaloneResult {
  readonly key: string;
  readonly steps: number;
  readonly seed: number;
  /** Accuracy on the held-out validation images, and on the official test set. */
  readonly valAccuracy: number;
  readonly testAccuracy: number;
  readonly params: number;
  readonly flopsM: number;
  readonly trainSeconds: number;
  readonly fromCache: boolean;
}

/**
 * Retrain `arch` from scratch for `steps` SGD steps (the supernet's optimiser and cosine schedule,
 * on a fresh network holding only this path), then measure validation and test accuracy with BN
 * statistics estimated on 2,048 training images (or all, if fewer). Cached by architecture,
 * schedule, seed and data under `.cache/standalone/<key>.json`.
 */
export function trainStandalone(splits: ImageSplits, config: SupernetSpaceConfig, arch: Architecture, options: StandaloneOptions): StandaloneResult {
  const net = Supernet.create(config, options.seed);
  const archKey = net.space.key(arch);
  const keyConfig = { format: 'dnas-standalone', version: 1, config, arch: archKey, steps: options.steps, batchSize: options.batchSize, learningRate: options.learningRate, seed: options.seed, data: splitsIdentity(splits) };
  const file = options.cache === false ? null : join(cacheRoot(options.cacheDir), 'standalone', `${createHash('sha256').update(JSON.stringify(keyConfig)).digest('hex').slice(0, 16)}.json`);
  if (file !== null && existsSync(file)) {
    net.dispose();
    return { ...(JSON.parse(readFileSync(file, 'utf8')) as { result: StandaloneResult }).result, fromCache: true };
  }
  const started = Date.now();
  try {
    trainSupernet(net, splits.train, splits.norm, { steps: options.steps, batchSize: options.batchSize, learningRate: options.learningRate, seed: options.seed, sample: () => arch,
      onStep: ({ step, steps }) => {
        if ((step + 1) % 10 === 0 || step + 1 === steps) options.onSteps?.(step + 1, steps);
      },
    });
    const trainSeconds = (Date.now() - started) / 1000;
    const calibration = firstN(splits.train, Math.min(2048, splits.train.count));
    const stats = recalibrate(net, arch, { calibration, evaluation: splits.validation, norm: splits.norm });
    const mode = { kind: 'fixed' as const, stats };
    const result: StandaloneResult = {
      key: archKey,
      steps: options.steps,
      seed: options.seed,
      valAccuracy: accuracyWith(net, arch, { calibration, evaluation: splits.validation, norm: splits.norm }, mode),
      testAccuracy: accuracyWith(net, arch, { calibration, evaluation: splits.test, norm: splits.norm }, mode),
      params: net.space.params(arch),
      flopsM: net.space.flopsM(arch),
      trainSeconds,
      fromCache: false,
    };
    if (file !== null) writeJsonAtomically(file, { keyConfig, result });
    return result;
  } finally {
    net.dispose();
  }
}

/** What identifies the images a run used: data set, split sizes and fingerprints of labels and images. */
export function splitsIdentity(splits: ImageSplits): Record<string, unknown> {
  return { dataset: splits.dataset, train: splits.train.count, validation: splits.validation.count, test: splits.test.count, trainFingerprint: fingerprint(splits.train), validationFingerprint: fingerprint(splits.validation) };
}

function evaluationIdentity(data: EvaluationData): Record<string, unknown> {
  return { calibration: data.calibration.count, calibrationFingerprint: fingerprint(data.calibration), evaluation: data.evaluation.count, evaluationFingerprint: fingerprint(data.evaluation) };
}

function fingerprint(ds: LabelledImages): string {
  return createHash('sha256').update(Buffer.from(ds.labels.buffer, ds.labels.byteOffset, ds.labels.byteLength)).update(Buffer.from(ds.images.buffer, ds.images.byteOffset, Math.min(ds.images.byteLength, 1 << 20))).digest('hex').slice(0, 16);
}
