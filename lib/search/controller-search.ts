// NAO, SemiNAS and DNAS as ONE search with three switches (DNAS Algorithm 1): an
// encoder–predictor–decoder controller trained on the labelled cells, optionally on pseudo-labelled
// ones (semi-supervised) drawn uniformly or by dense-sampling, then gradient steps in z (Eq 7),
// optionally under a FLOPs limit (Eq 6). It never names a search space: cells, tokens and costs
// come through SearchSpace.
import { createController, growingLatentSearch, type Controller, type ControllerOptions } from '../controller/index';
import { initBackend } from '../backend';
import { canonicalJson } from '../canonical-json';
import type { Rng } from '../random';
import { denseSample, type DenseProbabilities, type DenseSampleResult } from '../samplers/dense';
import { promisingRegion, type PromisingRegion } from '../samplers/promising-region';
import type { SearchSpace } from '../spaces/search-space';
import { checkLimitReachable, edgeSelection, FlopsGate, limitSettings, resolveFlopsLimit, type FlopsLimit, type FlopsLimitedSearch, type FlopsLimitStats, type ResolvedFlopsLimit } from './flops-limit';
import { decodeTrainingState, encodeTrainingState, trainingKey, type EncodedTrainingState, type TrainingMemo } from './training-memo';
import { probeScores, type ProbeScores } from './latent-probe';
import type { SearchSession } from './search';

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
  /**
   * Dense-sampling probabilities. Default without a FLOPs limit: DNAS §Experiments, NAS-Bench-101,
   * ε1 = 0.05, ε2 = 0. Default under a limit: ε1 = ε2 = 0.05 (the paper does not state its ImageNet
   * values; we keep its ε1 and give the FLOPs edge the same share, leaving ε3 = 0.9 uniform).
   * ε2 > 0 needs `flopsLimit` (the edge is the limit's).
   */
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
  /**
   * Search under a FLOPs limit (DNAS Eq 6): only cells with FLOPs ≤ F + τ are ever queried; a
   * candidate above it (uniform draw, latent-step decode) is counted in `flopsStats()` and never
   * proposed. What else changes depends on `flopsAware`. Default: none (Infinity is the same as none:
   * the run is then the unconstrained run, bit for bit, settings included).
   */
  readonly flopsLimit?: FlopsLimit;
  /**
   * Under a limit, whether the controller knows about FLOPs (DNAS) or not (SemiNAS, NAO).
   * Default: `disentangle` — DNAS's controller is the one that adds the FLOPs predictor (DNAS §Controller).
   * - true (DNAS): the FLOPs predictor is trained jointly (λ of Eq 5, DNAS_LOSS_WEIGHTS λ = 0.3);
   *   the latent step moves along Eq 7 with η2 = flopsStepRatio·η1 (higher accuracy, lower FLOPs);
   *   the top-P codes it moves are picked only among cells that meet the limit (Algorithm 1
   *   line 11, "top P architectures that meet the FLOPS constraint"); dense-sampling also draws
   *   from the FLOPs-edge region with ε2 (see edgeBandM).
   * - false (SemiNAS): no FLOPs predictor (flopsPredictor: false, η2 = 0); the latent search is the
   *   unconstrained one and its decodes outside the limit are discarded after the fact.
   * Ignored without a limit.
   */
  readonly flopsAware?: boolean;
  /**
   * η2/η1 of Eq 7, kept fixed while the growing step raises η1. Default 1: η2 follows the same
   * growing schedule as η1 (the paper gives no values; both gradients are of normalised
   * predictions, so 1 weighs a standard deviation of FLOPs like one of accuracy). Measured on the
   * 400-cell smoke space with synthetic tables (8 seeds, budget 60, F = 0.085M, the median FLOPs),
   * latent-step decodes within the limit / decodes checked for ratios 0, 0.25, 0.5, 1: 28/111,
   * 28/103, 35/97, 42/94 (accuracy from FLOPs and per-block effects) and 7/115, 8/110, 22/122,
   * 92/206 (accuracy mostly FLOPs); best accuracy found equal within noise. Only with a limit and flopsAware.
   */
  readonly flopsStepRatio?: number;
  /**
   * δ of the FLOPs-edge region, millions of FLOPs: the edge region is Eq 4's region (same topK, σ)
   * around the best labelled cells with FLOPs in [F − δ, F + τ] (see edgeSelection). Default 0.1·F
   * (DNAS Table 2 compares methods in FLOPs bands 50M wide at 500–600M, i.e. about a tenth of F).
   */
  readonly edgeBandM?: number;
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

/** Dense-sampling without a limit: DNAS §Experiments, NAS-Bench-101 (ε1 = 0.05, ε2 = 0). */
const UNLIMITED_DENSE: DenseProbabilities = { epsilon1: 0.05, epsilon2: 0 };
/** Dense-sampling under a limit (our choice, see ControllerSearchOptions.probabilities). */
const LIMITED_DENSE: DenseProbabilities = { epsilon1: 0.05, epsilon2: 0.05 };
/** η2/η1 under a limit (our choice, see ControllerSearchOptions.flopsStepRatio). */
const DEFAULT_FLOPS_STEP_RATIO = 1;
/** δ = EDGE_BAND_FRACTION·F (see ControllerSearchOptions.edgeBandM). */
const EDGE_BAND_FRACTION = 0.1;

/** What the search does about a FLOPs limit, resolved once from the options. */
interface LimitPlan {
  readonly limit: ResolvedFlopsLimit;
  readonly flopsAware: boolean;
  /** η2/η1 (0 when not flopsAware). */
  readonly flopsStepRatio: number;
  readonly edgeBandM: number;
}

/**
 * The controller's learning rate in searches: 0.01, not the paper's 0.001. Measured on the
 * NAS-Bench-101 table (5 seeds, 50 labelled cells): at 0.001 and a CPU-sized schedule the decoder
 * never reconstructs a cell (0/50 exact after 800 epochs), 95% of latent-step decodes are invalid
 * and DNAS degenerates to random search; at 0.01, 41/50 exact after 800 epochs and 60–75% valid
 * decodes; DNAS at 300 queries 0.94746 ± 0.00096 vs 0.94591 ± 0.00148.
 */
const DEFAULT_CONTROLLER: ControllerOptions = { learningRate: 0.01 };

/**
 * The controller search (DNAS Algorithm 1; NAO and SemiNAS as switched-off variants), optionally
 * under a FLOPs limit (see ControllerSearchOptions.flopsLimit / flopsAware). `flopsStats()` of the
 * returned algorithm reports, after a limited run, the candidates checked and discarded by origin
 * ('initial', 'top-up': uniform draws; 'latent': latent-step decodes; 'top-p': labelled and
 * pseudo-labelled cells passed over when picking the codes to move) and the dense-sampling draws
 * by region (counts 'dense-region', 'dense-edge', 'dense-uniform').
 * @param name the log/results name (e.g. 'dnas', 'semi', 'nao', 'dnas-nodense').
 * @throws RangeError when `dense` is on without `semiSupervised` (dense-sampling draws the unlabelled
 *   set); for an invalid limit; when ε2 > 0 without a limit; when flopsStepRatio or edgeBandM is
 *   given without a limit, is negative or not finite; when flopsStepRatio > 0 without flopsAware;
 *   when flopsAware is on with `controller.flopsPredictor: false`. At run time, RangeError when
 *   F + τ is below the space's minimum FLOPs (checkLimitReachable).
 */
export function controllerSearch(name: string, options: ControllerSearchOptions): FlopsLimitedSearch {
  if (options.dense && !options.semiSupervised) throw new RangeError('dense-sampling draws the unlabelled cells: it needs semiSupervised: true');
  const plan = limitPlan(options);
  // Without a limit, the settings are exactly what they were before limits existed (the runner
  // compares stored settings when it resumes); with one, they name the resolved limit and its knobs.
  const { flopsLimit: _limit, ...rest } = options; // the limit enters the settings resolved, below
  const controller = { ...DEFAULT_CONTROLLER, ...options.controller, disentangle: options.disentangle, ...(plan ? { flopsPredictor: plan.flopsAware } : {}) };
  const limited = plan === null ? {} : {
    flopsLimit: limitSettings(plan.limit), flopsAware: plan.flopsAware, flopsStepRatio: plan.flopsStepRatio, edgeBandM: plan.edgeBandM,
    ...(options.dense ? { probabilities: options.probabilities ?? LIMITED_DENSE } : {}),
  };
  const settings: Settings = { ...DEFAULTS, ...rest, ...limited, controller };
  let backend: string | null = null;
  let gate: FlopsGate<unknown> | null = null;
  return {
    name,
    settings,
    // The initial cells (split, limit) and the first training (controller, steps, batch): NAO and SemiNAS agree on all of it.
    sharedTraining: canonicalJson({ controller, stepsLabelled: settings.stepsLabelled, batchSize: settings.batchSize, iterations: settings.iterations ?? null, limit: 'flopsLimit' in limited ? limited.flopsLimit : null }),
    backend: () => backend,
    flopsStats: () => gate?.stats() ?? null,
    async run<C>(session: SearchSession<C>): Promise<void> {
      if (plan !== null) checkLimitReachable(session.space, plan.limit);
      const runGate = plan === null ? null : new FlopsGate<C>(session.space, plan.limit);
      gate = runGate as FlopsGate<unknown> | null;
      backend = (await initBackend({ quiet: true })).name;
      await runControllerSearch(session, settings, plan === null ? null : { ...plan, gate: runGate! });
    },
  };
}

/**
 * Resolve and check the limit options (see controllerSearch's throws); null when there is no limit.
 */
function limitPlan(options: ControllerSearchOptions): LimitPlan | null {
  const limit = resolveFlopsLimit(options.flopsLimit);
  const epsilon2 = options.probabilities?.epsilon2 ?? 0;
  if (limit === null) {
    if (epsilon2 > 0) throw new RangeError(`epsilon2 = ${epsilon2} samples the FLOPs edge: it needs a finite flopsLimit`);
    if (options.flopsStepRatio !== undefined) throw new RangeError(`flopsStepRatio (η2/η1 = ${options.flopsStepRatio}) needs a finite flopsLimit`);
    if (options.edgeBandM !== undefined) throw new RangeError(`edgeBandM (δ = ${options.edgeBandM}M) needs a finite flopsLimit`);
    return null;
  }
  const flopsAware = options.flopsAware ?? options.disentangle;
  if (flopsAware && options.controller?.flopsPredictor === false) throw new RangeError('flopsAware needs the FLOPs predictor: got controller.flopsPredictor = false');
  const flopsStepRatio = options.flopsStepRatio ?? (flopsAware ? DEFAULT_FLOPS_STEP_RATIO : 0);
  if (!(Number.isFinite(flopsStepRatio) && flopsStepRatio >= 0)) throw new RangeError(`flopsStepRatio (η2/η1) must be a finite number ≥ 0: got ${flopsStepRatio}`);
  if (flopsStepRatio > 0 && !flopsAware) throw new RangeError(`flopsStepRatio = ${flopsStepRatio} needs flopsAware (the FLOPs predictor): SemiNAS and NAO step with η2 = 0`);
  const edgeBandM = options.edgeBandM ?? EDGE_BAND_FRACTION * limit.limitM;
  if (!(Number.isFinite(edgeBandM) && edgeBandM >= 0)) throw new RangeError(`edgeBandM (δ) must be a finite number ≥ 0 (millions of FLOPs): got ${edgeBandM}`);
  return { limit, flopsAware, flopsStepRatio, edgeBandM };
}

type Settings = typeof DEFAULTS & Omit<ControllerSearchOptions, 'flopsLimit'> & { controller: ControllerOptions };

/** A limit plan with the run's gate (the counts live in the gate). */
type RunLimit<C> = LimitPlan & { readonly gate: FlopsGate<C> };

async function runControllerSearch<C>(session: SearchSession<C>, settings: Settings, limit: RunLimit<C> | null): Promise<void> {
  const split = splitBudget(session.budget, settings.iterations);
  const rng = session.rng;
  const gate = limit?.gate ?? null;
  // A resumed run starts at the iteration its checkpoint was saved in, with the controller's
  // weights, Adam's state and the counts as they were; every later draw comes from forks named by iteration.
  const saved = session.resume<ControllerSearchCheckpoint>();
  const log = new SearchDiagnostics(session, saved?.diagnostics);
  if (saved !== null && gate !== null && saved.gate !== null) gate.restoreCounts(saved.gate);
  if (saved === null) proposeUniform(session, split.initial, rng.fork('initial'), 'initial', gate);
  const controller = createController(session.space, { ...settings.controller, seed: rng.fork('controller').intSeed() });
  try {
    if (saved !== null && saved.controller !== null) await controller.restoreTrainingState(decodeTrainingState(saved.controller));
    for (let l = saved?.iteration ?? 0; l < split.iterations && !session.done; l++) {
      session.checkpoint({
        iteration: l, controller: l === 0 ? null : encodeTrainingState(await controller.trainingState()), diagnostics: log.snapshot(), gate: gate?.stats() ?? null,
      } satisfies ControllerSearchCheckpoint);
      const iterationRng = rng.fork(`iteration-${l}`);
      const labelled = labelledData(session);
      const warm = l > 0;
      if (warm) trainSteps(controller, labelled, settings.warmStepsLabelled, settings.batchSize, iterationRng.fork('train-labelled'));
      else await trainFirst(controller, labelled, settings, iterationRng.fork('train-labelled'), session.memo);
      const pseudo = settings.semiSupervised ? pseudoLabel(session, controller, settings, limit, iterationRng.fork('unlabelled'), log) : null;
      if (pseudo !== null) {
        const combined = { tokens: [...labelled.tokens, ...pseudo.tokens], accuracy: [...labelled.accuracy, ...pseudo.accuracy], flopsM: [...labelled.flopsM, ...pseudo.flopsM] };
        trainSteps(controller, combined, warm ? settings.warmStepsCombined : settings.stepsCombined, settings.batchSize, iterationRng.fork('train-combined'));
      }
      log.afterTraining(l, labelled.tokens.length, controller);
      const wanted = Math.min(split.perIteration, session.remaining);
      const found = settings.rankByPredictor
        ? proposeRanked(session, controller, latentCandidates(session, controller, pseudo, wanted, settings, limit), wanted, 'latent')
        : proposeByLatentSteps(session, controller, pseudo, wanted, settings, limit, log);
      // A partial table can leave the latent steps short of in-domain cells: top up uniformly,
      // tagged 'top-up' in the log's source and counted in the result's queriedByOrigin.
      const topUpRng = iterationRng.fork('top-up');
      const ranked = settings.rankByPredictor ? proposeRanked(session, controller, uniformCandidates(session, wanted - found, topUpRng, gate), wanted - found, 'top-up') : 0;
      proposeUniform(session, wanted - found - ranked, topUpRng, 'top-up', gate);
    }
    proposeUniform(session, session.remaining, rng.fork('final-top-up'), 'top-up', gate);
  } finally {
    log.write();
    controller.dispose();
  }
}

/** What the search carries from one iteration to the next besides the session's queried cells. */
interface ControllerSearchCheckpoint {
  readonly iteration: number;
  /** The controller's training state (encodeTrainingState); null at iteration 0, where it is freshly made. */
  readonly controller: EncodedTrainingState | null;
  readonly diagnostics: DiagnosticsSnapshot;
  /** The FLOPs gate's counts under a limit; null without one. */
  readonly gate: FlopsLimitStats | null;
}

/** SearchDiagnostics' counts, as a checkpoint holds them. */
interface DiagnosticsSnapshot {
  readonly eta: Record<string, number>;
  readonly dense: DenseCounts | null;
  readonly iterations: IterationScores[];
}

/** Dense-sampling counts summed over a run's iterations: DenseSampleResult's counts. */
type DenseCounts = { -readonly [K in Exclude<keyof DenseSampleResult<unknown>, 'cells'>]: number };

/** One iteration's model scores on the probe cells, after training. */
interface IterationScores extends ProbeScores {
  readonly iteration: number;
  /** Labelled cells the controller had been trained on. */
  readonly labelled: number;
}

/**
 * What a controller search reports in its result's `diagnostics`: `acceptedEta` (η1 of each queried
 * latent-step cell: counts by value), `dense` (dense-sampling counts summed over iterations; absent
 * without semi-supervision) and `iterations` (the model's probe scores after each iteration's
 * training; absent when the runner gave no probe cells).
 */
class SearchDiagnostics<C> {
  private readonly eta: Record<string, number>;
  private dense: DenseCounts | null;
  private readonly iterations: IterationScores[];

  /** @param from a checkpoint's `snapshot()` (a resumed run goes on counting from it). */
  constructor(private readonly session: SearchSession<C>, from?: DiagnosticsSnapshot) {
    this.eta = { ...from?.eta };
    this.dense = from?.dense === undefined || from.dense === null ? null : { ...from.dense };
    this.iterations = [...(from?.iterations ?? [])];
  }

  snapshot(): DiagnosticsSnapshot {
    return { eta: { ...this.eta }, dense: this.dense === null ? null : { ...this.dense }, iterations: [...this.iterations] };
  }

  acceptedEta(eta: number): void {
    this.eta[String(eta)] = (this.eta[String(eta)] ?? 0) + 1;
  }

  denseSampled({ cells: _cells, ...counts }: DenseSampleResult<C>): void {
    if (this.dense === null) this.dense = counts;
    else for (const key of Object.keys(counts) as (keyof DenseCounts)[]) this.dense[key] += counts[key];
  }

  afterTraining(iteration: number, labelled: number, controller: Controller): void {
    if (this.session.probe === null) return;
    this.iterations.push({ iteration, labelled, ...probeScores(controller, this.session.space, this.session.probe) });
  }

  write(): void {
    this.session.diagnose('acceptedEta', this.eta);
    if (this.dense !== null) this.session.diagnose('dense', this.dense);
    if (this.iterations.length > 0) this.session.diagnose('iterations', this.iterations);
  }
}

/** Codes the growing step moves: the option, else min(2·wanted, MAX_STARTS). */
function startCount(settings: Settings, wanted: number): number {
  return settings.seeds ?? Math.min(2 * wanted, MAX_STARTS);
}

const MAX_STARTS = 200;

/**
 * The first iteration's training on the labelled cells, the same in every search that shares the
 * seed, the initial cells and the controller (NAO and SemiNAS): restored from the memo when another
 * search stored it, else trained and stored (training-memo.ts).
 */
async function trainFirst(controller: Controller, data: LabelledData, settings: Settings, rng: Rng, memo: TrainingMemo | null): Promise<void> {
  if (memo === null) {
    trainSteps(controller, data, settings.stepsLabelled, settings.batchSize, rng);
    return;
  }
  const key = trainingKey({ config: controller.config, data: { tokens: data.tokens, accuracy: data.accuracy, flopsM: data.flopsM }, steps: settings.stepsLabelled, batchSize: settings.batchSize, rng: rng.state() }, controller.weightValues());
  const stored = memo.take(key);
  if (stored !== null) {
    await controller.restoreTrainingState(stored);
    return;
  }
  trainSteps(controller, data, settings.stepsLabelled, settings.batchSize, rng);
  memo.put(key, await controller.trainingState());
}

/** Labelled cells as the controller trains on them. */
type LabelledData = { tokens: number[][]; accuracy: number[]; flopsM: number[] };

/** `steps` Adam steps over shuffled epochs of `data` (the last epoch may be cut short). */
function trainSteps(controller: Controller, data: LabelledData, steps: number, batchSize: number, rng: Rng): void {
  const perEpoch = Math.ceil(data.tokens.length / batchSize);
  controller.train(data, { epochs: Math.ceil(steps / perEpoch), maxSteps: steps, batchSize, rng });
}

/**
 * Propose uniform cells until `count` new in-domain cells were queried (or the budget is spent);
 * under a limit, uniform over the feasible cells (rejection sampling, draws counted under `origin`).
 */
function proposeUniform<C>(session: SearchSession<C>, count: number, rng: Rng, origin: string, gate: FlopsGate<C> | null): void {
  const target = session.history.length + Math.min(count, session.remaining);
  const draw = () => session.space.sampleUniform(rng);
  while (session.history.length < target) session.propose(gate === null ? draw() : gate.drawFeasible(draw, origin), { origin });
}

/** The labelled set D′: every cell queried so far with its accuracy and FLOPs. */
function labelledData<C>(session: SearchSession<C>): { tokens: number[][]; accuracy: number[]; flopsM: number[]; cells: C[] } {
  const cells = session.history.map((e) => e.cell);
  return {
    cells,
    tokens: cells.map((c) => session.space.encode(c)),
    accuracy: session.history.map((e) => e.record.searchAccuracy),
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

/**
 * Algorithm 1 lines 7–8. The unlabelled cells are not held to the limit: they are never queried,
 * and cells on both sides of it teach the FLOPs predictor where the limit lies.
 */
function pseudoLabel<C>(session: SearchSession<C>, controller: Controller, settings: Settings, limit: RunLimit<C> | null, rng: Rng, log: SearchDiagnostics<C>): PseudoLabelled<C> {
  const space = session.space;
  const exclude = new Set(session.history.map((e) => e.key));
  const decodeLatent = (z: number[][]) => controller.decode(z).map((tokens) => space.decode(tokens));
  const region = promisingRegion(topCodes(session, controller, settings.topK), settings.sigma);
  const probabilities = settings.dense ? (settings.probabilities ?? UNLIMITED_DENSE) : { epsilon1: 0, epsilon2: 0 };
  const edgeRegion = limit !== null && probabilities.epsilon2 > 0 ? flopsEdgeRegion(session, controller, settings, limit) : undefined;
  const drawn = denseSample(settings.unlabelled, { space, decodeLatent, region, exclude, rng, ...(edgeRegion ? { edgeRegion } : {}) }, probabilities);
  log.denseSampled(drawn);
  if (limit !== null) {
    limit.gate.count('dense-region', drawn.fromRegion);
    limit.gate.count('dense-edge', drawn.fromEdge);
    limit.gate.count('dense-uniform', drawn.uniform);
  }
  const cells = drawn.cells;
  const tokens = cells.map((c) => space.encode(c));
  // Accuracy needs an evaluation, so it is predicted; FLOPs are computed exactly (they need none).
  return { cells, tokens, accuracy: controller.predict(controller.encode(tokens).mu).accuracy, flopsM: cells.map((c) => space.flopsM(c)) };
}

/**
 * The FLOPs-edge region (DNAS §Dense-Sampling step 3): Eq 4's region (topK, σ) around the μ of the
 * labelled cells that edgeSelection picks (best by accuracy with FLOPs in [F − δ, F + τ]). Every
 * labelled cell is feasible (only feasible cells are queried), so the selection is never empty.
 */
function flopsEdgeRegion<C>(session: SearchSession<C>, controller: Controller, settings: Settings, limit: RunLimit<C>): PromisingRegion {
  const space = session.space;
  const candidates = session.history.map((e) => ({ item: e.cell, flopsM: space.flopsM(e.cell), accuracy: e.record.searchAccuracy }));
  const edge = edgeSelection(candidates, limit.limit, limit.edgeBandM, settings.topK);
  return promisingRegion(controller.encode(edge.map((c) => space.encode(c))).mu, settings.sigma);
}

/** μ of the top-k labelled cells by accuracy (Eq 4's I_k). */
function topCodes<C>(session: SearchSession<C>, controller: Controller, k: number): number[][] {
  const best = [...session.history].sort((a, b) => b.record.searchAccuracy - a.record.searchAccuracy).slice(0, k);
  return controller.encode(best.map((e) => session.space.encode(e.cell))).mu;
}

/**
 * Algorithm 1 line 11's generator: move the codes of the best cells (labelled by truth,
 * pseudo-labelled by prediction; `starts` of them, default 2·wanted) along Eq 7 with a growing
 * step and decode; each valid cell not queried or offered before goes to `onNew`, which says
 * whether it counts toward `accepted` (the loop stops after `accepted` counted cells or at maxEta).
 * Under a limit, a new decode outside it (above F + τ, or at or below a band's lower end) is counted as discarded ('latent') and never offered to
 * `onNew`; a FLOPs-aware search also moves only codes of cells that meet the limit (Algorithm 1
 * line 11; the cells passed over are counted under 'top-p') and steps along Eq 7 with η2 > 0.
 */
function forEachLatentDecode<C>(
  session: SearchSession<C>, controller: Controller, pseudo: PseudoLabelled<C> | null,
  sizes: { starts: number; accepted: number }, settings: { maxEta: number; patience: number }, limit: RunLimit<C> | null, onNew: (cell: C, eta: number) => boolean,
): void {
  const space = session.space;
  const ranked = [
    ...session.history.map((e) => ({ cell: e.cell, accuracy: e.record.searchAccuracy })),
    ...(pseudo?.cells.map((cell, i) => ({ cell, accuracy: pseudo.accuracy[i] })) ?? []),
  ].sort((a, b) => b.accuracy - a.accuracy);
  const pool = limit?.flopsAware ? topFeasible(ranked, sizes.starts, limit.gate) : ranked;
  if (pool.length === 0) return;
  const z = controller.encode(pool.slice(0, sizes.starts).map((s) => space.encode(s.cell))).mu;
  const seen = new Set(session.history.map((e) => e.key));
  const flopsRatio = limit?.flopsStepRatio ?? 0;
  growingLatentSearch(controller, z, (tokens, _index, eta) => {
    const cell = space.decode(tokens);
    if (cell === null || session.done) return false;
    const key = space.key(cell);
    if (seen.has(key)) return false;
    seen.add(key);
    if (limit !== null && !limit.gate.admits(cell, 'latent')) return false;
    return onNew(cell, eta);
  }, { wanted: sizes.accepted, maxEta: settings.maxEta, patience: settings.patience, ...(flopsRatio > 0 ? { flopsRatio } : {}) });
}

/** The first `count` cells of `ranked` (best first) that meet the limit; those passed over are counted under 'top-p'. */
function topFeasible<C, T extends { cell: C }>(ranked: readonly T[], count: number, gate: FlopsGate<C>): T[] {
  const out: T[] = [];
  for (const entry of ranked) {
    if (out.length >= count) break;
    if (gate.admits(entry.cell, 'top-p')) out.push(entry);
  }
  return out;
}

/**
 * Query each new latent-step decode at once until `wanted` new in-domain cells were queried or
 * the step limit is reached. Returns how many were queried.
 */
function proposeByLatentSteps<C>(session: SearchSession<C>, controller: Controller, pseudo: PseudoLabelled<C> | null, wanted: number, settings: Settings, limit: RunLimit<C> | null, log: SearchDiagnostics<C>): number {
  if (wanted <= 0) return 0;
  let found = 0;
  forEachLatentDecode(session, controller, pseudo, { starts: startCount(settings, wanted), accepted: wanted }, settings, limit, (cell, eta) => {
    const isNew = session.propose(cell, { origin: 'latent' }).outcome === 'new';
    if (isNew) {
      found++;
      log.acceptedEta(eta);
    }
    return isNew;
  });
  return found;
}

/** How many candidates to rank per wanted query: the 30k table holds ~7% of the space, so ~1 in 14 is in domain. */
const CANDIDATES_PER_QUERY = 20;

/** Latent-step candidates without querying them: up to CANDIDATES_PER_QUERY·wanted new valid decodes. */
function latentCandidates<C>(session: SearchSession<C>, controller: Controller, pseudo: PseudoLabelled<C> | null, wanted: number, settings: Settings, limit: RunLimit<C> | null): C[] {
  if (wanted <= 0) return [];
  const candidates: C[] = [];
  const sizes = { starts: startCount(settings, wanted), accepted: CANDIDATES_PER_QUERY * wanted };
  forEachLatentDecode(session, controller, pseudo, sizes, settings, limit, (cell) => candidates.push(cell) > 0);
  return candidates;
}

/** CANDIDATES_PER_QUERY·count uniform cells not yet queried (duplicates among them dropped); feasible ones under a limit. */
function uniformCandidates<C>(session: SearchSession<C>, count: number, rng: Rng, gate: FlopsGate<C> | null): C[] {
  if (count <= 0) return [];
  const seen = new Set(session.history.map((e) => e.key));
  const out: C[] = [];
  const draw = () => session.space.sampleUniform(rng);
  for (let i = 0; i < CANDIDATES_PER_QUERY * count; i++) {
    const cell = gate === null ? draw() : gate.drawFeasible(draw, 'top-up');
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
