// VAENAS §3, Algorithm 1: rank evaluated cells (optionally by noisy accuracies), train a VAE on the
// top K%, and sample z ~ N(0, I) → masked greedy decode → valid cell. Space-agnostic (any SearchSpace
// is a token grammar); it never queries a benchmark and never caches: lib/experiments does that.
import { createController, type Controller, type ControllerOptions, type EpochLoss } from '../controller/index';
import { Rng } from '../random';
import type { SearchSpace } from '../spaces/search-space';
import { checkCount, type CellSampler, type SamplerDraws } from './sampler';

/** VAENAS §5.3 (NAS-Bench-101, non-weight-sharing): 6,000 evaluated cells, the top 1,500 (25%) train the VAE. */
export const VAENAS_SELECTION = { evaluated: 6000, topFraction: 0.25 } as const;

/** VAENAS Table 4 / Fig 2: the Gaussian noise added to the ranking accuracies (std, fractions of 1: 0, 0.1%, 0.5%). */
export const VAENAS_NOISE_LEVELS: readonly number[] = [0, 0.001, 0.005];

/**
 * The VAE of the sampler: the workbook's LSTM encoder/decoder (lib/controller) with only the terms of
 * the VAE bound (VAENAS Eq 2): no accuracy predictor weight (α = 0), no FLOPs predictor, μ = 1 on
 * the reconstruction, the KL summed over latent units. Not from the paper (it gives no VAE settings):
 * - β = 0.05, not the ELBO's 1: decoding is greedy (Controller.decode), so every bit of diversity
 *   must come from z. Measured on a 6,000/1,500 NAS-Bench-101 draw, 1,000 steps: β = 1 and β = 0.3
 *   collapse the posterior (KL < 0.01 nats; 4–7 distinct cells in 5,000 draws); β = 0.1 gives KL
 *   8.4 nats and 2,336 distinct cells; β = 0.05 gives 15.7 nats and 10,542 distinct cells in 20,000
 *   draws, with the new in-table cells at a mean percentile 0.80 in the table (uniform: 0.50).
 * - lr 0.01 as the workbook's other CPU-sized controller schedules (TRAINED_CONTROLLER_DEFAULTS).
 * - sizes as DNAS's NAS-Bench-101 controller (hidden 26, latentDim 26; config.ts defaults).
 */
export const VAE_SAMPLER_CONTROLLER: ControllerOptions = {
  disentangle: true,
  flopsPredictor: false,
  klReduction: 'sum',
  lossWeights: { alpha: 0, lambda: 0, mu: 1, beta: 0.05 },
  learningRate: 0.01,
};

/**
 * VAE_SAMPLER_CONTROLLER with `overrides` on top; `lossWeights` are merged field by field (a
 * `{ lossWeights: { beta } }` override keeps α = 0 and μ = 1).
 */
export function vaeControllerOptions(overrides: ControllerOptions = {}): ControllerOptions {
  return { ...VAE_SAMPLER_CONTROLLER, ...overrides, lossWeights: { ...VAE_SAMPLER_CONTROLLER.lossWeights, ...overrides.lossWeights } };
}

/**
 * Training schedule (not in the paper, which trains for n_iters it does not give): 1,000 Adam steps of
 * 100 sequences, ≈ 67 epochs over 1,500 cells, ≈ 45 s on a shared 2-core CPU (wasm). 300 steps left
 * the sampler worse than this (284 distinct cells in 5,000 draws at the same KL weight per unit).
 */
export const VAE_SAMPLER_SCHEDULE = { steps: 1000, batchSize: 100 } as const;

/** The top-K% of evaluated cells by (noisy) ranking accuracy: Algorithm 1, lines 1–2. */
export interface TopSelection {
  /** Indices into the evaluated set, best ranking accuracy first (ties: lower index first). */
  readonly indices: number[];
  /** The accuracies the ranking used: the stored ones plus N(0, noiseStd²) noise, one per evaluated cell. */
  readonly rankingAccuracies: number[];
  /** Lowest stored (noise-free) accuracy among the selected cells. */
  readonly minSelectedAccuracy: number;
}

/**
 * Algorithm 1, lines 1–2, with VAENAS §5.3's noise: rank the evaluated cells by accuracy plus
 * Gaussian noise of std `noiseStd` (fractions of 1) and keep the top ⌈topFraction·N⌉. Noise enters
 * the ranking only: `accuracies` is never written, and callers train and report with the stored values.
 * No random numbers are drawn when noiseStd is 0.
 * @throws RangeError for no accuracies, a non-finite accuracy, topFraction outside (0, 1], or a
 *   negative or non-finite noiseStd.
 */
export function selectTopFraction(accuracies: readonly number[], topFraction: number, noiseStd: number, rng: Rng): TopSelection {
  if (accuracies.length === 0) throw new RangeError('selectTopFraction needs at least one evaluated cell');
  const bad = accuracies.findIndex((a) => !Number.isFinite(a));
  if (bad >= 0) throw new RangeError(`accuracy ${bad} is not finite: ${accuracies[bad]}`);
  if (!(topFraction > 0 && topFraction <= 1)) throw new RangeError(`topFraction must be in (0, 1]: got ${topFraction}`);
  if (!(noiseStd >= 0 && Number.isFinite(noiseStd))) throw new RangeError(`noiseStd must be a finite number ≥ 0: got ${noiseStd}`);
  const rankingAccuracies = noiseStd === 0 ? accuracies.slice() : accuracies.map((a) => a + rng.normal(0, noiseStd));
  const count = Math.ceil(topFraction * accuracies.length);
  const indices = accuracies.map((_, i) => i).sort((a, b) => rankingAccuracies[b] - rankingAccuracies[a] || a - b).slice(0, count);
  return { indices, rankingAccuracies, minSelectedAccuracy: Math.min(...indices.map((i) => accuracies[i])) };
}

/** Options of `trainVae`. */
export interface TrainVaeOptions {
  /** Adam steps (default VAE_SAMPLER_SCHEDULE.steps). */
  readonly steps?: number;
  /** Sequences per step (default VAE_SAMPLER_SCHEDULE.batchSize). */
  readonly batchSize?: number;
  /** Controller options over VAE_SAMPLER_CONTROLLER, merged by `vaeControllerOptions` (e.g. a tiny model in tests). */
  readonly controller?: ControllerOptions;
  /** Seeds the weights and the training shuffles/ε (and the controller's `seed`, which it overrides). */
  readonly seed: number;
}

/**
 * Algorithm 1, lines 3–5: a fresh VAE trained `steps` Adam steps on the selected cells' token
 * sequences (prior N(0, I), Eq 2 with the weights of VAE_SAMPLER_CONTROLLER). `accuracies` are only
 * carried along (the predictor has weight 0): pass the stored ones, never the noisy ranking.
 * @returns the controller (caller disposes) and its loss per epoch.
 * @throws RangeError for an empty or ragged set, bad steps/batch size/seed; Error when the loss diverges.
 */
export function trainVae<C>(space: SearchSpace<C>, cells: readonly C[], accuracies: readonly number[], options: TrainVaeOptions): { controller: Controller; history: EpochLoss[] } {
  const steps = options.steps ?? VAE_SAMPLER_SCHEDULE.steps;
  const batchSize = options.batchSize ?? VAE_SAMPLER_SCHEDULE.batchSize;
  if (cells.length === 0) throw new RangeError('trainVae needs at least one cell');
  if (accuracies.length !== cells.length) throw new RangeError(`accuracies must have one value per cell: got ${accuracies.length} (expected ${cells.length})`);
  if (!Number.isInteger(steps) || steps < 1) throw new RangeError(`steps must be an integer ≥ 1: got ${steps}`);
  const rng = new Rng(options.seed);
  const controller = createController(space, { ...vaeControllerOptions(options.controller), seed: options.seed });
  try {
    const perEpoch = Math.ceil(cells.length / batchSize);
    const history = controller.train(
      { tokens: cells.map((c) => space.encode(c)), accuracy: accuracies },
      { epochs: Math.ceil(steps / perEpoch), maxSteps: steps, batchSize, rng: rng.fork('train') },
    );
    return { controller, history };
  } catch (err) {
    controller.dispose();
    throw err;
  }
}

/** A sampler over a trained VAE; it owns nothing: dispose the controller yourself. */
export interface VaeSampler<C> extends CellSampler<C> {
  readonly controller: Controller;
}

/**
 * p_θ(α) of VAENAS §3.2: z ~ N(0, I) [n, latentDim] → greedy masked decode (so every sequence is
 * well formed) → `space.decode`. A sequence that is no valid cell (e.g. no input→output path) is
 * redrawn from a new z and counted in `redraws.invalid`; repeats are allowed here (sampleDistinct
 * redraws and counts them). All latent codes of a round are decoded in one batch.
 * Greedy decoding, not token-by-token sampling: Controller offers only the greedy decoder; the
 * sampler's diversity comes from z alone (see VAE_SAMPLER_CONTROLLER for what that asks of β).
 * @param maxRounds decoding rounds per `draw` before giving up (default 100).
 */
export function vaeSampler<C>(space: SearchSpace<C>, controller: Controller, maxRounds = 100): VaeSampler<C> {
  const { latentDim } = controller.config;
  return {
    name: 'vae',
    controller,
    draw(n: number, rng: Rng): SamplerDraws<C> {
      checkCount(n);
      const cells: C[] = [];
      let invalid = 0;
      for (let round = 0; cells.length < n; round++) {
        if (round >= maxRounds) throw new Error(`vae sampler: ${n - cells.length} of ${n} draws still invalid after ${maxRounds} decoding rounds (${invalid} invalid decodes)`);
        const z = Array.from({ length: n - cells.length }, () => Array.from({ length: latentDim }, () => rng.normal()));
        for (const tokens of controller.decode(z)) {
          const cell = space.decode(tokens);
          if (cell === null) invalid++;
          else cells.push(cell);
        }
      }
      return { cells, sources: cells.map(() => 'vae'), redraws: invalid > 0 ? { invalid } : {} };
    },
  };
}

/** Options of `trainVaeSampler`. */
export interface TrainVaeSamplerOptions extends TrainVaeOptions {
  /** K of Algorithm 1 as a fraction (default 0.25: VAENAS §5.3's 1,500 of 6,000). */
  readonly topFraction?: number;
  /** Std of the ranking noise, fractions of 1 (default 0; VAENAS Table 4 also uses 0.001 and 0.005). */
  readonly noiseStd?: number;
}

/** A trained VAE sampler with the selection it was trained on. */
export interface TrainedVaeSampler<C> {
  readonly sampler: VaeSampler<C>;
  readonly selection: TopSelection;
  readonly history: EpochLoss[];
  /** Frees the VAE's weights. */
  dispose(): void;
}

/**
 * Algorithm 1 end to end: select the top `topFraction` of `evaluated` by noisy ranking
 * (noise from `Rng(seed).fork('noise')`), train the VAE on them with their stored accuracies,
 * and wrap it as a sampler.
 * @throws RangeError when cells and accuracies differ in length, or for any option out of range.
 */
export function trainVaeSampler<C>(space: SearchSpace<C>, evaluated: { readonly cells: readonly C[]; readonly accuracies: readonly number[] }, options: TrainVaeSamplerOptions): TrainedVaeSampler<C> {
  if (evaluated.cells.length !== evaluated.accuracies.length) {
    throw new RangeError(`evaluated cells and accuracies differ in length: ${evaluated.cells.length} vs ${evaluated.accuracies.length}`);
  }
  const selection = selectTopFraction(evaluated.accuracies, options.topFraction ?? VAENAS_SELECTION.topFraction, options.noiseStd ?? 0, new Rng(options.seed).fork('noise'));
  const { controller, history } = trainVae(space, selection.indices.map((i) => evaluated.cells[i]), selection.indices.map((i) => evaluated.accuracies[i]), options);
  return { sampler: vaeSampler(space, controller), selection, history, dispose: () => controller.dispose() };
}
