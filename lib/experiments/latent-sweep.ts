// A β sweep of pretrained latent spaces: one model per (β, seed) plus a capacity-annealed variant,
// trained on worker threads (cached), each scored on the held-out split and traversed (±2σ of every
// factor's spread) for purity. Returns runs for `summariseSweep`; draws and prints nothing.
import { controllerTraversalFunctions, type CellView } from '../analysis/controller-scores';
import type { SweepRun } from '../analysis/beta-sweep';
import { traversalPurity } from '../analysis/disentanglement';
import { explorerModel } from '../report/explorer/latent-explorer';
import type { ExplorerModel } from '../report/explorer/explorer-data';
import { latentSpread } from '../analysis/latent-spread';
import { factorConcepts, traverseFactors } from '../analysis/traversal';
import { NASBENCH101_CELL_VIEW, nasbench201CellView } from './cell-views';
import { pretrainedLatentSpaces } from './latent-pool';
import { PRETRAIN_PRESETS, type PretrainedLatentOptions, type PretrainSpace } from './pretrained-latent';

/** Options of `latentSweep`. */
export interface LatentSweepOptions {
  readonly space: PretrainSpace;
  readonly scale: 'full' | 'smoke';
  /** β values in textbook units. */
  readonly betas: readonly number[];
  /** Training seeds per β (0 … seeds − 1). */
  readonly seeds: number;
  /** Adam steps per model; β warms up over the same share of them as in the default pretraining. */
  readonly steps: number;
  /** A capacity-annealed variant (C rising to targetNats over the first half, weight beta), or null. */
  readonly capacity: { readonly targetNats: number; readonly beta: number } | null;
  /** Held-out cells whose codes are traversed along every factor for purity. */
  readonly traversalBases: number;
  /** Worker threads training models (0: in this thread). */
  readonly workers: number;
}

/** One trained model of the sweep. */
export interface SweepModel {
  readonly variant: string;
  readonly beta: number;
  readonly seed: number;
  readonly key: string;
  readonly cached: boolean;
  /** Training wall seconds as recorded when the model was trained. */
  readonly seconds: number;
}

/** The sweep's runs (scores per model) and models, in job order. */
export interface LatentSweep {
  readonly runs: SweepRun[];
  readonly models: SweepModel[];
  /** Held-out cells scored per model. */
  readonly scoredCells: number;
  /** KL warm-up steps each β-VAE model used. */
  readonly warmupSteps: number;
  /**
   * For the latent explorer: seed 0 of every variant and β (predictors untrained: pretrained without
   * labels), factors ordered by KL over the first 1,000 scored cells and labelled with their concepts
   * from the purity traversals; and the first held-out cells as bases.
   */
  readonly explorer: { readonly models: ExplorerModel[]; readonly heldOut: number[][] };
}

/** The variant name of the plain β-VAE rows. */
export const BETA_VAE_VARIANT = 'β-VAE';

/**
 * Train (or load) and score every model of a β sweep. Scores: exact and same-cell reconstruction,
 * token accuracy, valid and distinct prior decodes, KL, active factors, MIG and its shuffled-code
 * baseline (from `scoreLatentSpace` via the cache), and traversal purity over `traversalBases`
 * held-out cells × every factor × 9 steps from −2σ to +2σ (σ: the aggregate posterior's std over
 * the first 2,000 scored cells).
 * @throws RangeError for no β, seeds or steps that are not positive integers, or traversalBases < 1.
 */
export async function latentSweep(options: LatentSweepOptions): Promise<LatentSweep> {
  if (options.betas.length === 0) throw new RangeError('a sweep needs at least one β: got none');
  for (const [name, value] of [['seeds', options.seeds], ['steps', options.steps], ['traversalBases', options.traversalBases]] as const) {
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be an integer ≥ 1: got ${value}`);
  }
  const preset = PRETRAIN_PRESETS[options.space].full;
  const warmupSteps = Math.round((options.steps * (preset.controller.klWarmupSteps ?? 0)) / preset.steps);
  const seeds = Array.from({ length: options.seeds }, (_, s) => s);
  const base = { space: options.space, scale: options.scale, steps: options.steps };
  const jobs: { variant: string; beta: number; seed: number; options: PretrainedLatentOptions }[] = [
    ...options.betas.flatMap((beta) => seeds.map((seed) => ({ variant: BETA_VAE_VARIANT, beta, seed, options: { ...base, beta, seed, controller: { klWarmupSteps: warmupSteps } } }))),
    ...(options.capacity === null ? [] : seeds.map((seed) => ({
      variant: `capacity C→${options.capacity!.targetNats}`, beta: options.capacity!.beta, seed,
      options: { ...base, beta: options.capacity!.beta, seed, controller: { klWarmupSteps: 0, capacity: { targetNats: options.capacity!.targetNats, steps: Math.max(1, Math.round(options.steps / 2)) } } },
    }))),
  ];
  const view = (options.space === 'nb101' ? NASBENCH101_CELL_VIEW : nasbench201CellView()) as CellView<unknown>;
  const latents = await pretrainedLatentSpaces(jobs.map((j) => j.options), options.workers, { label: `β sweep (${options.space})` });
  const runs: SweepRun[] = [];
  const models: SweepModel[] = [];
  const explorerModels: ExplorerModel[] = [];
  latents.forEach((latent, i) => {
    const job = jobs[i];
    const scored = latent.heldOut.slice(0, latent.scores.heldOutCells);
    const posterior = latent.controller.encode(scored.slice(0, 2000).map((c) => latent.space.encode(c)));
    const spread = latentSpread(posterior.mu, posterior.logVar);
    const bases = posterior.mu.slice(0, Math.min(options.traversalBases, posterior.mu.length));
    const traversals = traverseFactors(bases, controllerTraversalFunctions(latent.controller, view), { relative: true, range: [-2, 2], steps: 9, scales: spread });
    const purity = traversalPurity(traversals, { attributes: view.attributeNames }).purity;
    const s = latent.scores;
    runs.push({
      variant: job.variant, beta: job.beta, seed: job.seed, attributeGaps: s.attributeGaps,
      scores: {
        exact: s.heldOutExactReconstruction, sameCell: s.heldOutKeyReconstruction, tokenAccuracy: s.heldOutTokenAccuracy, validPrior: s.validDecodeRate,
        distinctPrior: s.uniqueValidDecodes, klNats: s.klNats, activeFactors: s.activeFactors, mig: s.mig, migShuffled: s.migShuffled, purity,
      },
    });
    models.push({ variant: job.variant, beta: job.beta, seed: job.seed, key: latent.key, cached: latent.cached, seconds: latent.seconds });
    if (job.seed === 0) {
      const concepts = factorConcepts(traversals, { attributes: view.attributeNames });
      const labels = spread.map((_, d) => concepts.find((c) => c.factor === d)?.concept ?? '');
      explorerModels.push(explorerModel(latent.controller, `${job.variant}, β = ${job.beta}`, scored.slice(0, 1000).map((c) => latent.space.encode(c)), { predictors: false, concepts: labels }));
    }
    latent.controller.dispose();
  });
  const heldOut = latents[0].heldOut.slice(0, 5).map((c) => latents[0].space.encode(c));
  return { runs, models, scoredCells: latents[0].scores.heldOutCells, warmupSteps, explorer: { models: explorerModels, heldOut } };
}

/** The score keys of a sweep run, in table order. */
export const SWEEP_SCORE_KEYS = ['exact', 'sameCell', 'tokenAccuracy', 'validPrior', 'distinctPrior', 'klNats', 'activeFactors', 'mig', 'migShuffled', 'purity'] as const;
