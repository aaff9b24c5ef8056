// NAO, SemiNAS and DNAS as ONE search with three switches (DNAS Algorithm 1): an
// encoder–predictor–decoder controller trained on the labelled cells, optionally on pseudo-labelled
// ones (semi-supervised) drawn uniformly or by dense-sampling, then gradient steps in z (Eq 7).
// It never names a search space: cells, tokens and costs come through SearchSpace.
import { createController, growingLatentSearch, type Controller, type ControllerOptions } from '../controller/index';
import { initBackend } from '../backend';
import type { Rng } from '../random';
import { denseSample, type DenseProbabilities } from '../samplers/dense';
import { promisingRegion } from '../samplers/promising-region';
import type { SearchSpace } from '../spaces/search-space';
import type { SearchAlgorithm, SearchSession } from './search';

/** The three switches of the ablation grid (DNAS Table 3) and the rest of the schedule. */
export interface ControllerSearchOptions {
  /** β-VAE latent (DNAS) instead of a deterministic auto-encoder (NAO, SemiNAS). */
  readonly disentangle: boolean;
  /** Dense-sampling of the unlabelled cells (DNAS Eq 4) instead of uniform (SemiNAS). Needs semiSupervised. */
  readonly dense: boolean;
  /** Train also on pseudo-labelled unlabelled cells (SemiNAS, DNAS) instead of labelled only (NAO). */
  readonly semiSupervised: boolean;
  /**
   * Search iterations L. Default: DNAS §Experiments L = 2 for budgets ≤ 300; for larger budgets
   * one iteration per 200 new cells (see splitBudget).
   */
  readonly iterations?: number;
  /** Unlabelled cells pseudo-labelled per iteration (SemiNAS/DNAS M = 10,000; default 1,000 to fit a 2-core CPU). */
  readonly unlabelled?: number;
  /**
   * Adam steps on the labelled cells D′ in the first iteration (default 300). With ≤ 100
   * labelled cells and batch 100 a step is an epoch; SemiNAS trains 1,000 epochs at lr 0.001 —
   * we train 300 at lr 0.01 (see DEFAULT_CONTROLLER).
   */
  readonly stepsLabelled?: number;
  /**
   * Adam steps on D′ in each later iteration (default 100). The controller keeps its weights
   * from one iteration to the next, so it fine-tunes on the grown D′ instead of starting over;
   * a step count (not epochs) keeps an iteration's cost flat as D′ grows to 2,000 cells.
   */
  readonly warmStepsLabelled?: number;
  /** Adam steps on D′ ∪ D̂ (labelled and pseudo-labelled) in the first iteration (default 100 ≈ 9 epochs of 1,100 cells). */
  readonly stepsCombined?: number;
  /** Adam steps on D′ ∪ D̂ in each later iteration (default 50). */
  readonly warmStepsCombined?: number;
  /** Top-k labelled cells whose codes span the promising region (DNAS §Experiments: 3). */
  readonly topK?: number;
  /** Half-width σ of each promising interval (DNAS §Experiments: 0.05). */
  readonly sigma?: number;
  /** Dense-sampling probabilities (DNAS §Experiments, NAS-Bench-101: ε1 = 0.05, ε2 = 0). */
  readonly probabilities?: DenseProbabilities;
  /**
   * Codes moved by Eq 7 per iteration, taken from the best labelled and pseudo-labelled cells
   * (default min(2·P, 200)): the cap keeps decoding, which dominates at 2,000 queries, in bounds.
   */
  readonly seeds?: number;
  /** Largest η1 of the growing step (NAO/SemiNAS: 1000; default 100: no cell was accepted above η ≈ 70). */
  readonly maxEta?: number;
  /** Stop the growing step after this many rounds that decode nothing new (default 10; NAO/SemiNAS: never). */
  readonly patience?: number;
  /** Controller architecture and loss options (defaults: DNAS NAS-Bench-101). */
  readonly controller?: ControllerOptions;
  /** Sequences per Adam step (SemiNAS NAS-Bench-101: 100). */
  readonly batchSize?: number;
  /**
   * Rank candidates by the accuracy predictor before querying them (default false): latent-step
   * decodes are collected into a pool and queried best-predicted first, and the uniform top-up
   * draws many candidates and queries the best-predicted first. Out-of-domain proposals stay free.
   * Off by default because it has not been shown to help: DNAS at 150 queries on the NAS-Bench-101
   * table, seeds 0–14, 0.94593 ± 0.00114 ranked vs 0.94553 ± 0.00198 not (Mann–Whitney p = 0.48).
   */
  readonly rankByPredictor?: boolean;
}

/** How a budget B is split: n0 initial uniform cells, then P new cells in each of L iterations (n0 + L·P = B). */
export interface BudgetSplit {
  readonly initial: number;
  readonly perIteration: number;
  readonly iterations: number;
}

/**
 * The budget split (the issue leaves it to us): L = given, else max(2, round(B/200) − 1);
 * P = ⌊B/(L + 1)⌋; n0 = B − L·P. So B = 150 → 50 + 2×50, 200 → 68 + 2×66, 300 → 100 + 2×100
 * (SemiNAS/DNAS at 300: 100 seed cells, 100 new per iteration), 2000 → 200 + 9×200,
 * 2100 → 200 + 10×190. SemiNAS adds 100 cells per iteration at every budget; 200 at large
 * budgets halves the number of controller trainings, which dominate the run time on a CPU.
 * @throws RangeError when B < 3 or L is not a positive integer.
 */
export function splitBudget(budget: number, iterations?: number): BudgetSplit {
  if (!Number.isInteger(budget) || budget < 3) throw new RangeError(`budget must be an integer ≥ 3 for a controller search: got ${budget}`);
  const l = iterations ?? Math.max(2, Math.round(budget / 200) - 1);
  if (!Number.isInteger(l) || l < 1 || l >= budget) throw new RangeError(`iterations must be an integer in [1, budget): got ${l}`);
  const perIteration = Math.floor(budget / (l + 1));
  return { initial: budget - l * perIteration, perIteration, iterations: l };
}

/** The ablation grid's names: NAO (no switches), SemiNAS (semi-supervised), DNAS (all three). */
export const CONTROLLER_SEARCH_PRESETS = {
  nao: { disentangle: false, dense: false, semiSupervised: false },
  semi: { disentangle: false, dense: false, semiSupervised: true },
  dnas: { disentangle: true, dense: true, semiSupervised: true },
} as const satisfies Record<string, Pick<ControllerSearchOptions, 'disentangle' | 'dense' | 'semiSupervised'>>;

/** Defaults of the optional settings (sources in ControllerSearchOptions). */
const DEFAULTS = { unlabelled: 1000, stepsLabelled: 300, warmStepsLabelled: 100, stepsCombined: 100, warmStepsCombined: 50, topK: 3, sigma: 0.05, maxEta: 100, patience: 10, batchSize: 100 };

/**
 * The controller's learning rate in searches: 0.01, not the paper's 0.001. Measured on the
 * NAS-Bench-101 table (5 seeds, 50 labelled cells): at 0.001 and a CPU-sized schedule the decoder
 * never reconstructs a cell (0/50 exact after 800 epochs), 95% of latent-step decodes are invalid
 * and DNAS degenerates to random search; at 0.01, 41/50 exact after 800 epochs and 60–75% valid
 * decodes; DNAS at 300 queries 0.94746 ± 0.00096 vs 0.94591 ± 0.00148.
 */
const DEFAULT_CONTROLLER: ControllerOptions = { learningRate: 0.01 };

/**
 * The controller search (DNAS Algorithm 1; NAO and SemiNAS as switched-off variants).
 * @param name the log/results name (e.g. 'dnas', 'semi', 'nao', 'dnas-nodense').
 * @throws RangeError when `dense` is on without `semiSupervised` (dense-sampling draws the unlabelled set).
 */
export function controllerSearch(name: string, options: ControllerSearchOptions): SearchAlgorithm {
  if (options.dense && !options.semiSupervised) throw new RangeError('dense-sampling draws the unlabelled cells: it needs semiSupervised: true');
  const settings = { ...DEFAULTS, ...options, controller: { ...DEFAULT_CONTROLLER, ...options.controller, disentangle: options.disentangle } };
  let backend: string | null = null;
  return {
    name,
    settings,
    backend: () => backend,
    async run<C>(session: SearchSession<C>): Promise<void> {
      backend = (await initBackend({ quiet: true })).name;
      await runControllerSearch(session, settings);
    },
  };
}

type Settings = typeof DEFAULTS & ControllerSearchOptions & { controller: ControllerOptions };

async function runControllerSearch<C>(session: SearchSession<C>, settings: Settings): Promise<void> {
  const split = splitBudget(session.budget, settings.iterations);
  const rng = session.rng;
  proposeUniform(session, split.initial, rng.fork('initial'), 'initial');
  const controller = createController(session.space, { ...settings.controller, seed: rng.fork('controller').intSeed() });
  try {
    for (let l = 0; l < split.iterations && !session.done; l++) {
      const iterationRng = rng.fork(`iteration-${l}`);
      const labelled = labelledData(session);
      const warm = l > 0;
      trainSteps(controller, labelled, warm ? settings.warmStepsLabelled : settings.stepsLabelled, settings.batchSize, iterationRng.fork('train-labelled'));
      const pseudo = settings.semiSupervised ? pseudoLabel(session, controller, settings, iterationRng.fork('unlabelled')) : null;
      if (pseudo !== null) {
        const combined = { tokens: [...labelled.tokens, ...pseudo.tokens], accuracy: [...labelled.accuracy, ...pseudo.accuracy], flopsM: [...labelled.flopsM, ...pseudo.flopsM] };
        trainSteps(controller, combined, warm ? settings.warmStepsCombined : settings.stepsCombined, settings.batchSize, iterationRng.fork('train-combined'));
      }
      const wanted = Math.min(split.perIteration, session.remaining);
      const found = settings.rankByPredictor
        ? proposeRanked(session, controller, latentCandidates(session, controller, pseudo, wanted, settings), wanted, 'latent')
        : proposeByLatentSteps(session, controller, pseudo, wanted, settings);
      // A partial table can leave the latent steps short of in-domain cells: top up uniformly,
      // tagged 'top-up' in the log's source and counted in the result's queriedByOrigin.
      const topUpRng = iterationRng.fork('top-up');
      const ranked = settings.rankByPredictor ? proposeRanked(session, controller, uniformCandidates(session, wanted - found, topUpRng), wanted - found, 'top-up') : 0;
      proposeUniform(session, wanted - found - ranked, topUpRng, 'top-up');
    }
    proposeUniform(session, session.remaining, rng.fork('final-top-up'), 'top-up');
  } finally {
    controller.dispose();
  }
}

/** Codes the growing step moves: the option, else min(2·wanted, MAX_STARTS). */
function startCount(settings: Settings, wanted: number): number {
  return settings.seeds ?? Math.min(2 * wanted, MAX_STARTS);
}

const MAX_STARTS = 200;

/** `steps` Adam steps over shuffled epochs of `data` (the last epoch may be cut short). */
function trainSteps(controller: Controller, data: { tokens: number[][]; accuracy: number[]; flopsM: number[] }, steps: number, batchSize: number, rng: Rng): void {
  const perEpoch = Math.ceil(data.tokens.length / batchSize);
  controller.train(data, { epochs: Math.ceil(steps / perEpoch), maxSteps: steps, batchSize, rng });
}

/** Propose uniform cells until `count` new in-domain cells were queried (or the budget is spent). */
function proposeUniform<C>(session: SearchSession<C>, count: number, rng: Rng, origin: string): void {
  const target = session.history.length + Math.min(count, session.remaining);
  while (session.history.length < target) session.propose(session.space.sampleUniform(rng), { origin });
}

/** The labelled set D′: every cell queried so far with its accuracy and FLOPs. */
function labelledData<C>(session: SearchSession<C>): { tokens: number[][]; accuracy: number[]; flopsM: number[]; cells: C[] } {
  const cells = session.history.map((e) => e.cell);
  return {
    cells,
    tokens: cells.map((c) => session.space.encode(c)),
    accuracy: session.history.map((e) => e.record.valAccuracy),
    flopsM: cells.map((c) => session.space.flopsM(c)),
  };
}

/** D̂ of Algorithm 1 lines 7–8: unlabelled cells (dense or uniform) with predicted labels. */
interface PseudoLabelled<C> {
  readonly cells: C[];
  readonly tokens: number[][];
  readonly accuracy: number[];
  readonly flopsM: number[];
}

function pseudoLabel<C>(session: SearchSession<C>, controller: Controller, settings: Settings, rng: Rng): PseudoLabelled<C> {
  const space = session.space;
  const exclude = new Set(session.history.map((e) => e.key));
  const decodeLatent = (z: number[][]) => controller.decode(z).map((tokens) => space.decode(tokens));
  const region = promisingRegion(topCodes(session, controller, settings.topK), settings.sigma);
  const probabilities = settings.dense ? (settings.probabilities ?? { epsilon1: 0.05, epsilon2: 0 }) : { epsilon1: 0, epsilon2: 0 };
  const { cells } = denseSample(settings.unlabelled, { space, decodeLatent, region, exclude, rng }, probabilities);
  const tokens = cells.map((c) => space.encode(c));
  // Accuracy needs an evaluation, so it is predicted; FLOPs are computed exactly (they need none).
  return { cells, tokens, accuracy: controller.predict(controller.encode(tokens).mu).accuracy, flopsM: cells.map((c) => space.flopsM(c)) };
}

/** μ of the top-k labelled cells by accuracy (Eq 4's I_k). */
function topCodes<C>(session: SearchSession<C>, controller: Controller, k: number): number[][] {
  const best = [...session.history].sort((a, b) => b.record.valAccuracy - a.record.valAccuracy).slice(0, k);
  return controller.encode(best.map((e) => session.space.encode(e.cell))).mu;
}

/**
 * Algorithm 1 line 11's generator: move the codes of the best cells (labelled by truth,
 * pseudo-labelled by prediction; `starts` of them, default 2·wanted) along Eq 7 with a growing
 * step and decode; each valid cell not queried or offered before goes to `onNew`, which says
 * whether it counts toward `accepted` (the loop stops after `accepted` counted cells or at maxEta).
 */
function forEachLatentDecode<C>(
  session: SearchSession<C>, controller: Controller, pseudo: PseudoLabelled<C> | null,
  sizes: { starts: number; accepted: number }, limits: { maxEta: number; patience: number }, onNew: (cell: C) => boolean,
): void {
  const space = session.space;
  const pool = [
    ...session.history.map((e) => ({ cell: e.cell, accuracy: e.record.valAccuracy })),
    ...(pseudo?.cells.map((cell, i) => ({ cell, accuracy: pseudo.accuracy[i] })) ?? []),
  ].sort((a, b) => b.accuracy - a.accuracy);
  const z = controller.encode(pool.slice(0, sizes.starts).map((s) => space.encode(s.cell))).mu;
  const seen = new Set(session.history.map((e) => e.key));
  growingLatentSearch(controller, z, (tokens) => {
    const cell = space.decode(tokens);
    if (cell === null || session.done) return false;
    const key = space.key(cell);
    if (seen.has(key)) return false;
    seen.add(key);
    return onNew(cell);
  }, { wanted: sizes.accepted, ...limits });
}

/**
 * Query each new latent-step decode at once until `wanted` new in-domain cells were queried or
 * the step limit is reached. Returns how many were queried.
 */
function proposeByLatentSteps<C>(session: SearchSession<C>, controller: Controller, pseudo: PseudoLabelled<C> | null, wanted: number, settings: Settings): number {
  if (wanted <= 0) return 0;
  let found = 0;
  forEachLatentDecode(session, controller, pseudo, { starts: startCount(settings, wanted), accepted: wanted }, settings, (cell) => {
    const isNew = session.propose(cell, { origin: 'latent' }).outcome === 'new';
    if (isNew) found++;
    return isNew;
  });
  return found;
}

/** How many candidates to rank per wanted query: the 30k table holds ~7% of the space, so ~1 in 14 is in domain. */
const CANDIDATES_PER_QUERY = 20;

/** Latent-step candidates without querying them: up to CANDIDATES_PER_QUERY·wanted new valid decodes. */
function latentCandidates<C>(session: SearchSession<C>, controller: Controller, pseudo: PseudoLabelled<C> | null, wanted: number, settings: Settings): C[] {
  if (wanted <= 0) return [];
  const candidates: C[] = [];
  const sizes = { starts: startCount(settings, wanted), accepted: CANDIDATES_PER_QUERY * wanted };
  forEachLatentDecode(session, controller, pseudo, sizes, settings, (cell) => candidates.push(cell) > 0);
  return candidates;
}

/** CANDIDATES_PER_QUERY·count uniform cells not yet queried (duplicates among them dropped). */
function uniformCandidates<C>(session: SearchSession<C>, count: number, rng: Rng): C[] {
  if (count <= 0) return [];
  const seen = new Set(session.history.map((e) => e.key));
  const out: C[] = [];
  for (let i = 0; i < CANDIDATES_PER_QUERY * count; i++) {
    const cell = session.space.sampleUniform(rng);
    const key = session.space.key(cell);
    if (!seen.has(key)) {
      seen.add(key);
      out.push(cell);
    }
  }
  return out;
}

/** Query candidates best-predicted first until `wanted` new in-domain cells were queried; returns how many were. */
function proposeRanked<C>(session: SearchSession<C>, controller: Controller, candidates: C[], wanted: number, origin: string): number {
  if (wanted <= 0 || candidates.length === 0) return 0;
  const predicted = controller.predict(controller.encode(candidates.map((c) => session.space.encode(c))).mu).accuracy;
  const order = candidates.map((_, i) => i).sort((a, b) => predicted[b] - predicted[a]);
  let found = 0;
  for (const i of order) {
    if (found >= wanted || session.done) break;
    if (session.propose(candidates[i], { origin, predicted: { accuracy: predicted[i] } }).outcome === 'new') found++;
  }
  return found;
}
