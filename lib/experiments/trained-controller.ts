// A DNAS controller trained on a fixed, seeded draw of labelled table cells of any problem, cached on
// disk under a hash of everything that determines its weights, plus held-out cells to evaluate it.
// It trains and caches only: scoring lives in analysis/controller-scores, no search happens here.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Controller, createController, resolveConfig, type ControllerConfig, type ControllerOptions, type EpochLoss, type TokenGrammar } from '../controller/index';
import { Rng } from '../random';
import { allowedNextTokens, SEQUENCE_LENGTH, VOCAB_SIZE } from '../spaces/nasbench101/encoding';
import { validNextTokens, validTokenMasks } from '../spaces/nasbench101/valid-mask';
import { cacheRoot } from '../project-folders';
import { loadProblem, type SearchProblem } from './problems';
import { startProgress } from '../report/progress';
import { saveControllerAtomically, TRAINING_FILE } from './controller-store';
import { pretrainedLatentSpace, type PretrainSpace } from './pretrained-latent';
import { canonicalJson } from '../canonical-json';
import { lockFolder } from '../folder-lock';

/** The NAS-Bench-101 token grammar the controller decodes with. */
export const NASBENCH101_GRAMMAR: TokenGrammar = { sequenceLength: SEQUENCE_LENGTH, vocabSize: VOCAB_SIZE, allowedNextTokens, validNextTokens, validTokenMasks };

/**
 * The controller's defaults here: lr 0.01 instead of DNAS's 0.001, for the reason measured in
 * search/controller-search.ts (DEFAULT_CONTROLLER): at 0.001 and a CPU-sized schedule the decoder
 * never learns to reconstruct a cell. Every other field keeps the paper's value (config.ts).
 */
export const TRAINED_CONTROLLER_DEFAULTS: ControllerOptions = { learningRate: 0.01 };

/**
 * The schedules of the interpretability notebooks (Fig 3, Fig 4, β sweep), shared so that the
 * β = 1 row of the sweep describes the very controller Figs 3–4 show (same cache key).
 * full: 3,000 labelled cells, 2,500 Adam steps of 100 (≈ 83 epochs; ≈ 23–26 ms a step on one
 * free core, ≈ 1 min a controller), sized so the β notebook's seven trainings fit its 15-minute
 * budget on a busy machine: with another benchmark holding a core they took 13.6 min (90–143 s
 * each; 3,000 steps took 15.4 min). MIG and τ over 1,000 held-out cells. More steps help
 * reconstruction (β = 1, held-out exact / token accuracy: 2,000 steps on 2,000 cells 1.5% / 0.76,
 * 2,500 steps 1.1% / 0.76, 3,000 steps 4.7% / 0.78, 4,000 steps on 4,000 cells 8.6% / 0.80) but
 * hardly the predictor (Kendall τ 0.65–0.68).
 * smoke: checks the pipeline only (enough steps that traversals change something).
 */
export const INTERPRETABILITY_SCHEDULES = {
  full: { labelled: 3000, heldOut: 1000, steps: 2500, batchSize: 100 },
  smoke: { labelled: 1000, heldOut: 100, steps: 100, batchSize: 100 },
} as const satisfies Record<'full' | 'smoke', Pick<TrainedControllerOptions, 'labelled' | 'heldOut' | 'steps' | 'batchSize'>>;

/** Options of `trainedController`. */
export interface TrainedControllerOptions {
  /**
   * Labelled table cells trained on (≥ 1). DNAS/SemiNAS train on N = 100 evaluated plus
   * M = 10,000 pseudo-labelled cells; here every training cell carries its true table accuracy
   * and no pseudo-labelled cells are added (see `trainedController`).
   */
  readonly labelled: number;
  /** Further labelled table cells, disjoint from the training cells, for evaluation (≥ 1). */
  readonly heldOut: number;
  /** The problem whose table the cells come from (problems.ts name; default 'nb101'). */
  readonly space?: string;
  /** Adam steps (≥ 1); epochs follow from labelled / batchSize, the last one may be cut short. */
  readonly steps: number;
  /** Sequences per Adam step (SemiNAS NAS-Bench-101: 100). */
  readonly batchSize?: number;
  /** Seeds the cell draw and the training shuffles/ε; also the weight seed unless `controller.seed` is given. */
  readonly seed: number;
  /** Controller options over TRAINED_CONTROLLER_DEFAULTS (β: `{ lossWeights: { beta } }`). */
  readonly controller?: ControllerOptions;
  /** Cache root (default $DNAS_CACHE_DIR, else `<project root>/.cache`); controllers go to `<root>/controllers/<key>/`. */
  readonly cacheDir?: string;
  /** false: neither read nor write the cache (default true). */
  readonly cache?: boolean;
  /** A live progress bar while training (notebook display, or a CLI bar with ETA; default true); none for a cache hit. */
  readonly progress?: boolean;
  /**
   * Start from the space's pretrained latent space (`pretrainedLatentSpace`, same cache root) instead
   * of fresh weights: its encoder/decoder sizes and objective, then `steps` Adam steps on the
   * labelled cells, training only the predictors ('frozen') or every module ('fine-tuned').
   * `controller` options still override (e.g. the learning rate). Absent: fresh weights (the paper's setting).
   */
  readonly pretrained?: { readonly scale?: 'full' | 'smoke'; readonly encoder: 'frozen' | 'fine-tuned' };
}

/** Labelled cells as the controller and the analyses see them, index-aligned. */
export interface LabelledCells<C = unknown> {
  /** Cells as the space hands them out (NAS-Bench-101: pruned, in the stored vertex order, so token columns = vertex indices). */
  readonly cells: readonly C[];
  /** Table keys (NAS-Bench-101: graph hashes; NAS-Bench-201: cell strings). */
  readonly hashes: readonly string[];
  readonly tokens: readonly (readonly number[])[];
  /** Validation accuracy at the table's full budget (fraction of 1). */
  readonly accuracy: readonly number[];
  /** FLOPs of the network, millions (the FLOPs predictor's target). */
  readonly flopsM: readonly number[];
}

/** A trained (or loaded) controller with the cells it saw and the cells held out from it. */
export interface TrainedController<C = unknown> {
  readonly controller: Controller;
  /** Cache key: 16 hex digits of SHA-256 over `keyConfig`. */
  readonly key: string;
  /** Everything the weights depend on (resolved controller config, data file checksum, schedule). */
  readonly keyConfig: Record<string, unknown>;
  /** Cache folder of this controller (null when the cache is off). */
  readonly dir: string | null;
  readonly fromCache: boolean;
  readonly train: LabelledCells<C>;
  readonly heldOut: LabelledCells<C>;
  /** The problem the cells come from (its space, table and cell view). */
  readonly problem: SearchProblem<C>;
  /** Mean loss terms per epoch of the training run (as saved when it was cached). */
  readonly history: readonly EpochLoss[];
  /** Wall seconds the training took when it ran (not the load time of a cache hit). */
  readonly trainSeconds: number;
}

const FORMAT = 'dnas-trained-controller';
const FORMAT_VERSION = 1;
export { saveControllerAtomically, TRAINING_FILE } from './controller-store';

/**
 * A controller trained on `labelled` table cells of `options.space` (default NAS-Bench-101) drawn with `seed`, or the same
 * controller loaded from `<cache>/controllers/<key>/` when one was trained before with the same
 * key (resolved config, data file, cell counts, steps, batch size, seed), plus `heldOut` other
 * table cells to evaluate it on.
 *
 * Cells: the table's keys in sorted order (`problem.tableKeys()`); `Rng(seed).fork('cells').sampleIndices` draws
 * heldOut + labelled distinct ones, held-out first, so the held-out set is the same for every
 * `labelled` count. Training: `steps` Adam steps on Eq 5 over shuffled epochs (`Rng(seed).fork('train')`).
 *
 * Why no pseudo-labelled cells: DNAS trains semi-supervised (SemiNAS: N = 100 evaluated cells,
 * M = 10,000 unlabelled ones labelled by the controller's own predictor) to save evaluations in a
 * search. Here the question is what the latent space learns, and the table gives true labels for
 * thousands of cells (30,001 on NAS-Bench-101, 15,625 on NAS-Bench-201): every training cell is labelled, so the reconstruction and KL terms see thousands of
 * real cells and the predictor is never trained on its own guesses.
 * @throws RangeError for a count, step or batch size that is not a positive integer, or more
 *   cells than the table holds; Error from loadProblem for an unknown space; Error from the controller when the loss diverges.
 */
export async function trainedController<C = unknown>(options: TrainedControllerOptions): Promise<TrainedController<C>> {
  const batchSize = options.batchSize ?? 100;
  for (const [name, value] of [['labelled', options.labelled], ['heldOut', options.heldOut], ['steps', options.steps], ['batchSize', batchSize]] as const) {
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be an integer ≥ 1: got ${value}`);
  }
  if (!Number.isInteger(options.seed) || options.seed < 0) throw new RangeError(`seed must be a non-negative integer: got ${options.seed}`);
  const problem = (await loadProblem(options.space ?? 'nb101')) as SearchProblem<C>;
  const grammar: TokenGrammar = problem.space;
  const tableSize = problem.tableKeys().length;
  if (options.labelled + options.heldOut > tableSize) {
    throw new RangeError(`labelled + heldOut must be at most the ${tableSize} table cells: got ${options.labelled} + ${options.heldOut}`);
  }
  const latent = options.pretrained === undefined ? null : await pretrainedLatentSpace({ space: problem.space.name as PretrainSpace, scale: options.pretrained.scale ?? 'full', cacheDir: options.cacheDir, progress: options.progress });
  const base: ControllerOptions = latent === null ? TRAINED_CONTROLLER_DEFAULTS : { ...latent.config, klWarmupSteps: 0, lossWeights: { ...latent.config.lossWeights, alpha: 1, lambda: 1 } };
  const config = resolveConfig(grammar, { ...base, seed: options.seed, ...options.controller });
  // Held-out cells from the pretraining's held-out split, so no part of the controller saw them.
  const pretrainedKey = latent === null ? undefined : { key: latent.key, encoder: options.pretrained!.encoder, heldOutFrom: 'pretraining held-out split' };
  const heldOutPool = latent === null ? null : new Set(latent.heldOut.map((c) => latent.space.key(c as never)));
  const keyConfig = { ...controllerKeyConfig(config, { labelled: options.labelled, heldOut: options.heldOut, steps: options.steps, batchSize, seed: options.seed }, problem.dataSha256, problem.dataName), pretrained: pretrainedKey };
  const key = controllerKey(keyConfig);
  const { train, heldOut } = drawCells(problem, options, heldOutPool);
  const dir = options.cache === false ? null : join(controllerCacheRoot(options.cacheDir), key);

  const cached = (): TrainedController<C> => {
    const saved = JSON.parse(readFileSync(join(dir!, TRAINING_FILE), 'utf8')) as { keyConfig: unknown; history: EpochLoss[]; trainSeconds: number };
    if (canonicalJson(saved.keyConfig) !== canonicalJson(keyConfig)) throw new Error(`${join(dir!, TRAINING_FILE)}: cached under key ${key} but holds a different config`);
    latent?.controller.dispose();
    return { controller: Controller.load(dir!, grammar), key, keyConfig, dir, fromCache: true, train, heldOut, problem, history: saved.history, trainSeconds: saved.trainSeconds };
  };
  if (dir !== null && existsSync(join(dir, TRAINING_FILE))) return cached();
  // One trainer per cache entry: a second one (another process, machine or thread) is refused, naming this one. Training
  // is synchronous, so the lock is not refreshed while it runs: another machine may take it over after LOCK_STALE_MS.
  const lock = dir === null ? null : await lockFolder(`${dir}.partial`, `train controller ${key}`);
  try {
    // Another trainer finished it while this one waited for the lock.
    if (dir !== null && existsSync(join(dir, TRAINING_FILE))) return cached();
    return trainFresh();
  } finally {
    if (lock !== null) {
      // The lock's folder goes with it; one another trainer took over is left to that trainer.
      if (lock.isHeld()) rmSync(`${dir}.partial`, { recursive: true, force: true });
      await lock.release();
    }
  }

  function trainFresh(): TrainedController<C> {
    const started = Date.now();
    const controller = createController(grammar, config);
    if (latent !== null) {
      controller.adoptEncoderDecoder(latent.controller);
      latent.controller.dispose();
    }
    const trainable = options.pretrained?.encoder === 'frozen' ? 'predictors' : 'all';
    const history = trainWithProgress(controller, train, { steps: options.steps, batchSize, rng: new Rng(options.seed).fork('train'), label: `controller ${key}`, progress: options.progress ?? true, trainable });
    const trainSeconds = (Date.now() - started) / 1000;
    if (lock !== null && !lock.isHeld()) throw new Error(`${dir}.partial: this training lost the entry's lock to another trainer; it stops without saving, which is left to that one`);
    if (dir !== null) saveControllerAtomically(dir, controller, { format: FORMAT, version: FORMAT_VERSION, keyConfig, history, trainSeconds });
    return { controller, key, keyConfig, dir, fromCache: false, train, heldOut, problem, history, trainSeconds };
  }
}

/**
 * Everything that determines a trained controller's weights, as one JSON record: the resolved
 * controller config (sizes, loss weights, KL reduction, lr, weight seed), the schedule and the
 * name and sha256 of the table file the cells are drawn from.
 * @param dataFile the table inside the data folder (default NAS-Bench-101's `nasbench101/val-subset-30k.csv`).
 */
export function controllerKeyConfig(
  config: ControllerConfig,
  schedule: { labelled: number; heldOut: number; steps: number; batchSize: number; seed: number },
  dataSha256: string,
  dataFile = 'nasbench101/val-subset-30k.csv',
): Record<string, unknown> {
  return { format: FORMAT, version: FORMAT_VERSION, data: { file: dataFile, sha256: dataSha256 }, controller: config, schedule };
}

/** 16 hex digits of SHA-256 over the key config serialised with sorted keys (key order does not matter). */
export function controllerKey(keyConfig: Record<string, unknown>): string {
  return createHash('sha256').update(canonicalJson(keyConfig)).digest('hex').slice(0, 16);
}

/** `<cacheDir>/controllers`: option, else $DNAS_CACHE_DIR, else `<project root>/.cache` (as the space cache). */
export function controllerCacheRoot(cacheDir?: string): string {
  return join(cacheRoot(cacheDir), 'controllers');
}

/**
 * The held-out and training cells of a draw (see `trainedController`). With `heldOutPool` (the keys a
 * pretrained latent space never trained on), held-out cells come from that pool only, so neither the
 * pretraining nor the predictors saw them; labelled cells come from the rest of the table.
 * @throws RangeError when the pool holds fewer table cells than `heldOut`.
 */
function drawCells<C>(problem: SearchProblem<C>, options: TrainedControllerOptions, heldOutPool: ReadonlySet<string> | null): { train: LabelledCells<C>; heldOut: LabelledCells<C> } {
  const keys = problem.tableKeys();
  const rng = new Rng(options.seed).fork('cells');
  let heldIndices: number[];
  let trainIndices: number[];
  if (heldOutPool === null) {
    const indices = rng.sampleIndices(keys.length, options.heldOut + options.labelled);
    heldIndices = indices.slice(0, options.heldOut);
    trainIndices = indices.slice(options.heldOut);
  } else {
    const pool = keys.flatMap((k, i) => (heldOutPool.has(k) ? [i] : []));
    if (pool.length < options.heldOut) throw new RangeError(`heldOut must be at most the ${pool.length} table cells the pretraining held out: got ${options.heldOut}`);
    heldIndices = rng.sampleIndices(pool.length, options.heldOut).map((j) => pool[j]);
    const taken = new Set(heldIndices);
    const rest = keys.flatMap((_, i) => (taken.has(i) ? [] : [i]));
    trainIndices = rng.sampleIndices(rest.length, options.labelled).map((j) => rest[j]);
  }
  const pick = (part: number[]): LabelledCells<C> => {
    const chosen = part.map((i) => keys[i]);
    const entries = chosen.map((k) => problem.tableEntry(k));
    const cells = entries.map((e) => e.cell);
    return { cells, hashes: chosen, tokens: cells.map((c) => problem.space.encode(c)), accuracy: entries.map((e) => e.record.searchAccuracy), flopsM: cells.map((c) => problem.space.flopsM(c)) };
  };
  return { heldOut: pick(heldIndices), train: pick(trainIndices) };
}

/** Train epoch by epoch (one `train` call each: the same shuffles and steps as one call), with a live progress bar when asked. */
function trainWithProgress(controller: Controller, data: LabelledCells<unknown>, options: { steps: number; batchSize: number; rng: Rng; label: string; progress: boolean; trainable: 'all' | 'predictors' }): EpochLoss[] {
  const perEpoch = Math.ceil(data.tokens.length / options.batchSize);
  const epochs = Math.ceil(options.steps / perEpoch);
  const history: EpochLoss[] = [];
  const bar = options.progress ? startProgress(options.label, options.steps) : null;
  let done = 0;
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      const steps = Math.min(perEpoch, options.steps - done);
      history.push(...controller.train(data, { epochs: 1, maxSteps: steps, batchSize: options.batchSize, rng: options.rng, trainable: options.trainable }));
      done += steps;
      const last = history[history.length - 1];
      bar?.tick(done, `epoch ${history.length}/${epochs}, loss ${last.total.toFixed(3)} (rec ${last.rec.toFixed(2)}, kl ${last.kl.toFixed(3)}, acc ${last.acc.toFixed(3)})`);
    }
    bar?.finish();
  } catch (err) {
    bar?.finish(`failed: ${(err as Error).message}`);
    throw err;
  }
  return history;
}

