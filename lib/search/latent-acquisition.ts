// DNAS that uses its model (the improved DNAS beside the paper-faithful Algorithm 1 of
// controller-search.ts): on a latent space pretrained on every cell and kept frozen, an ensemble of
// predictor heads on z is refitted after every small batch of queries; candidates come from bounded
// gradient steps in z (Eq 7, in units of the posterior spread) and from dense-sampling the promising
// region (Eq 4) of the top cells; they are pooled, deduplicated and ranked by an acquisition
// function, and the batch is queried best first. It never names a space.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { normalCdf } from '../analysis/mann-whitney';
import { averageRanks } from '../analysis/correlation';
import { normalQuantile } from '../analysis/quantiles';
import { initBackend } from '../backend';
import { Controller } from '../controller/index';
import type { Rng } from '../random';
import { promisingRegion, sampleFromRegion } from '../samplers/promising-region';
import type { SearchSpace } from '../spaces/search-space';
import { latentSpaceScores, predictorKendallTau } from './latent-probe';
import { trainMlpEnsemble, type MlpEnsemble, type MlpEnsembleOptions } from './mlp-ensemble';
import { SearchStalledError, type SearchAlgorithm, type SearchSession } from './search';

/** Settings of the improved DNAS search. */
export interface LatentAcquisitionOptions {
  /** Folder of a saved controller whose encoder/decoder define the latent space (e.g. `pretrainedLatentSpace(...).dir`). */
  readonly latentModel: string;
  /** Dense-sampling candidates from the promising region of the top-k cells (DNAS Eq 4; default true). */
  readonly dense?: boolean;
  /**
   * Refit the ensemble on the labelled cells plus `pseudoLabelled` unlabelled region cells labelled
   * by the first fit's mean (SemiNAS's pseudo-labels; default false: see the README for what it measured).
   */
  readonly semiSupervised?: boolean;
  /** Uniform cells queried before the first fit (default 10). */
  readonly initial?: number;
  /** Cells queried per fit (default 10). */
  readonly batch?: number;
  /** Best queried cells whose codes take gradient steps (default 10). */
  readonly starts?: number;
  /**
   * Lengths of the gradient steps in units of the posterior spread: a step moves z by η·σ⊙u with
   * ‖u‖ = 1, so ‖(z′ − z)/σ‖ = η exactly (default [0.5, 1, 2, 3]). The largest is the bound.
   */
  readonly stepSizes?: readonly number[];
  /** Top cells whose codes span the promising region (DNAS: 3). */
  readonly topK?: number;
  /** Half-width of each promising interval in units of that cell's posterior spread (default 1). */
  readonly regionWidth?: number;
  /** Latent codes drawn from the promising region per fit (default 200). */
  readonly regionDraws?: number;
  /** 'thompson' (independent Thompson sampling, as BANANAS) or 'ei' (expected improvement; default 'thompson'). */
  readonly acquisition?: 'thompson' | 'ei';
  /** Unlabelled cells pseudo-labelled per fit when semiSupervised (default 100). */
  readonly pseudoLabelled?: number;
  /** The ensemble of predictor heads on z (LATENT_ENSEMBLE_DEFAULTS). */
  readonly predictor?: MlpEnsembleOptions;
}

/** Defaults of the optional settings (reasons in LatentAcquisitionOptions and the README). */
export const LATENT_ACQUISITION_DEFAULTS = {
  dense: true, semiSupervised: false, initial: 10, batch: 10, starts: 10, stepSizes: [5, 10, 20], topK: 3, regionWidth: 5, regionDraws: 200,
  acquisition: 'thompson', pseudoLabelled: 100,
} as const;

/**
 * The predictor heads: 5 MLPs (2 × 32, ReLU) on the posterior mean, 100 epochs capped at 150 Adam
 * steps per member so that 30 refits of a 300-query run stay within seconds.
 */
export const LATENT_ENSEMBLE_DEFAULTS: MlpEnsembleOptions = { members: 5, hidden: [32, 32], epochs: 100, maxSteps: 150, learningRate: 0.01, batchSize: 32 };

/**
 * Spread of a deterministic auto-encoder's code (no posterior σ): this fraction of each unit's
 * standard deviation over the labelled codes, a scale comparable to a β-VAE's posterior σ on its
 * active units relative to their spread over cells.
 */
export const AUTOENCODER_SPREAD = 0.1;

type Settings = Required<Omit<LatentAcquisitionOptions, 'predictor'>> & { predictor: MlpEnsembleOptions; latentModelSha256: string; disentangle: boolean; latentDim: number; target: string };

/**
 * The improved DNAS search (see the file comment). Each round: fit the ensemble on every queried
 * cell's posterior mean with normal scores of accuracy as targets (ranks → Φ⁻¹, so a few ~10% cells
 * cannot dominate the fit); make candidates; rank them; query `batch` new cells best first (cells
 * outside a partial table are free and skipped). When the pool runs short, uniform cells fill the
 * batch ('top-up'). Origins in the result: 'initial', 'latent', 'dense', 'top-up'.
 * @param name the results name (e.g. 'dnas-acq').
 * @throws RangeError for a setting out of range; Error when `latentModel` holds no controller.
 */
export function latentAcquisitionSearch(name: string, options: LatentAcquisitionOptions): SearchAlgorithm {
  const settings = resolveSettings(options);
  let backend: string | null = null;
  return {
    name,
    settings,
    // Fixed initial and batch sizes, every draw forked by round: nothing depends on the budget.
    anytime: true,
    backend: () => backend,
    async run<C>(session: SearchSession<C>): Promise<void> {
      backend = (await initBackend({ quiet: true })).name;
      const controller = Controller.load(settings.latentModel, session.space);
      try {
        runLatentAcquisition(session, controller, settings);
      } finally {
        controller.dispose();
      }
    },
  };
}

function resolveSettings(options: LatentAcquisitionOptions): Settings {
  if (typeof options.latentModel !== 'string' || options.latentModel === '') throw new RangeError(`latentModel must name a saved controller's folder: got ${JSON.stringify(options.latentModel)}`);
  const d = LATENT_ACQUISITION_DEFAULTS;
  const settings = {
    latentModel: options.latentModel,
    dense: options.dense ?? d.dense,
    semiSupervised: options.semiSupervised ?? d.semiSupervised,
    initial: options.initial ?? d.initial,
    batch: options.batch ?? d.batch,
    starts: options.starts ?? d.starts,
    stepSizes: options.stepSizes ?? d.stepSizes,
    topK: options.topK ?? d.topK,
    regionWidth: options.regionWidth ?? d.regionWidth,
    regionDraws: options.regionDraws ?? d.regionDraws,
    acquisition: options.acquisition ?? d.acquisition,
    pseudoLabelled: options.pseudoLabelled ?? d.pseudoLabelled,
    predictor: { ...LATENT_ENSEMBLE_DEFAULTS, ...options.predictor },
  };
  for (const key of ['initial', 'batch', 'starts', 'topK', 'regionDraws', 'pseudoLabelled'] as const) {
    const value = settings[key];
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`${key} must be a positive integer: got ${value}`);
  }
  if (settings.stepSizes.length === 0 || !settings.stepSizes.every((v) => v > 0 && Number.isFinite(v))) throw new RangeError(`stepSizes must be finite numbers > 0: got [${settings.stepSizes.join(', ')}]`);
  if (!(settings.regionWidth > 0 && Number.isFinite(settings.regionWidth))) throw new RangeError(`regionWidth must be a finite number > 0: got ${settings.regionWidth}`);
  if (settings.acquisition !== 'thompson' && settings.acquisition !== 'ei') throw new RangeError(`acquisition must be 'thompson' or 'ei': got ${JSON.stringify(settings.acquisition)}`);
  const model = describeModel(settings.latentModel);
  return { ...settings, ...model, target: 'normal scores of accuracy (ranks → Φ⁻¹)' };
}

/** The saved controller's identity for the settings: weights' sha256, whether it is a β-VAE, its latent size. */
function describeModel(dir: string): { latentModelSha256: string; disentangle: boolean; latentDim: number } {
  let manifest: { config?: { disentangle?: boolean; latentDim?: number } };
  let weights: Buffer;
  try {
    manifest = JSON.parse(readFileSync(join(dir, 'controller.json'), 'utf8'));
    weights = readFileSync(join(dir, 'weights.bin'));
  } catch (err) {
    throw new Error(`latentModel ${dir}: no saved controller there (${(err as Error).message}); pretrain one with \`npx dnas controller pretrain\``);
  }
  return { latentModelSha256: createHash('sha256').update(weights).digest('hex').slice(0, 16), disentangle: manifest.config?.disentangle ?? true, latentDim: manifest.config?.latentDim ?? 0 };
}

/** A cell's place in the frozen latent space: posterior mean and spread. */
interface Code {
  readonly mu: Float64Array;
  readonly sigma: Float64Array;
}

/** A candidate for the next batch. */
interface Candidate<C> {
  readonly cell: C;
  readonly key: string;
  readonly origin: 'latent' | 'dense';
  /** η of the step that produced it ('latent' only). */
  readonly eta?: number;
}

/** Counts of one candidate source, summed over rounds: codes = invalid + known + duplicates + candidates. */
interface SourceCounts {
  codes: number;
  invalid: number;
  /** Decodes of cells proposed before. */
  known: number;
  /** Decodes of a cell already in this round's pool. */
  duplicates: number;
  candidates: number;
}

function runLatentAcquisition<C>(session: SearchSession<C>, controller: Controller, settings: Settings): void {
  const { space, rng } = session;
  const codes = new CodeBook(controller, space);
  // A resumed run starts at the round its checkpoint was saved in: every later draw comes from
  // forks named by round, and the code book is a cache that refills to the same values (the
  // encoder's rows do not depend on the batch they are encoded in; the resume test checks it).
  const saved = session.resume<LatentAcquisitionCheckpoint>();
  const proposed = new Set<string>(saved?.proposed);
  const counts: Record<'latent' | 'dense', SourceCounts> = saved?.counts ?? { latent: emptyCounts(), dense: emptyCounts() };
  const acceptedEta: Record<string, number> = saved?.acceptedEta ?? {};
  const rounds: RoundScores[] = saved?.rounds ?? [];
  const propose = (cell: C, key: string, origin: string): boolean => {
    proposed.add(key);
    return session.propose(cell, { origin }).outcome === 'new';
  };
  if (saved === null) proposeUniform(session, settings.initial, rng.fork('initial'), proposed, propose, 'initial');
  const probe = session.probe;
  const probeMu = probe === null ? null : codes.encodeMany(probe.cells).map((c) => c.mu);
  // The frozen latent space's scores are the same at any point of the run: computed once, when first reported.
  let latentScores: ReturnType<typeof latentSpaceScores> | null = null;
  const report = (): void => {
    session.diagnose('acceptedEta', acceptedEta);
    session.diagnose('pool', counts);
    session.diagnose('rounds', rounds);
    if (probe !== null) session.diagnose('latentSpace', (latentScores ??= latentSpaceScores(controller, space, probe.cells)));
  };
  session.onSnapshot(report);
  try {
    for (let round = saved?.round ?? 0; !session.done; round++) {
      session.checkpoint({ round, proposed: [...proposed], counts, acceptedEta, rounds } satisfies LatentAcquisitionCheckpoint);
      const model = fitModel(session, codes, settings, rng.fork(`fit-${round}`));
      const pool = candidatePool(session, controller, codes, model, settings, proposed, counts, rng.fork(`candidates-${round}`));
      rounds.push({ round, labelled: session.history.length, predictorKendallTau: probeMu === null ? null : tauOf(model, probeMu, probe!.accuracy), pool: pool.length });
      const ranked = rank(pool, codes, model, session, settings.acquisition, rng.fork(`acquisition-${round}`));
      let added = 0;
      for (const candidate of ranked) {
        if (added >= settings.batch || session.done) break;
        if (propose(candidate.cell, candidate.key, candidate.origin)) {
          added++;
          if (candidate.eta !== undefined) acceptedEta[String(candidate.eta)] = (acceptedEta[String(candidate.eta)] ?? 0) + 1;
        }
      }
      if (added < settings.batch) proposeUniform(session, settings.batch - added, rng.fork(`top-up-${round}`), proposed, propose, 'top-up');
    }
  } finally {
    report();
  }
}

/** One round's line of the `rounds` diagnostic. */
interface RoundScores {
  readonly round: number;
  readonly labelled: number;
  readonly predictorKendallTau: number | null;
  readonly pool: number;
}

/** What the search carries from one round to the next besides the session's queried cells. */
interface LatentAcquisitionCheckpoint {
  readonly round: number;
  /** Keys of every cell proposed so far (never proposed again). */
  readonly proposed: readonly string[];
  readonly counts: Record<'latent' | 'dense', SourceCounts>;
  readonly acceptedEta: Record<string, number>;
  readonly rounds: RoundScores[];
}

function emptyCounts(): SourceCounts {
  return { codes: 0, invalid: 0, known: 0, duplicates: 0, candidates: 0 };
}

/** Uniform draws that brings `count` new cells (or ends the budget), skipping cells proposed before. */
function proposeUniform<C>(session: SearchSession<C>, count: number, rng: Rng, proposed: ReadonlySet<string>, propose: (cell: C, key: string, origin: string) => boolean, origin: string): void {
  let added = 0;
  for (let draws = 0; added < count && !session.done; draws++) {
    if (draws >= STALL_DRAWS) throw new SearchStalledError(`${STALL_DRAWS} uniform draws without a cell not yet proposed (${proposed.size} proposed)`);
    const cell = session.space.sampleUniform(rng);
    const key = session.space.key(cell);
    if (!proposed.has(key) && propose(cell, key, origin)) added++;
  }
}

const STALL_DRAWS = 100_000;

/** Posterior means and spreads of cells, encoded once each (the encoder is frozen). */
class CodeBook<C> {
  private readonly byKey = new Map<string, Code>();

  constructor(private readonly controller: Controller, private readonly space: SearchSpace<C>) {}

  get(key: string): Code {
    const code = this.byKey.get(key);
    if (code === undefined) throw new Error(`no latent code for cell ${key}: encode it first`);
    return code;
  }

  /** Encode the cells not yet encoded (keyed by space.key) and return every cell's code. */
  encodeMany(cells: readonly C[]): Code[] {
    const keys = cells.map((c) => this.space.key(c));
    const missing = [...new Set(keys.filter((k) => !this.byKey.has(k)))];
    if (missing.length > 0) {
      const byKey = new Map(cells.map((c, i) => [keys[i], c]));
      const { mu, logVar } = this.controller.encode(missing.map((k) => this.space.encode(byKey.get(k)!)));
      missing.forEach((k, i) => this.byKey.set(k, {
        mu: Float64Array.from(mu[i]),
        sigma: logVar === null ? new Float64Array(mu[i].length) : Float64Array.from(logVar[i], (v) => Math.exp(v / 2)),
      }));
    }
    return keys.map((k) => this.byKey.get(k)!);
  }
}

/** Normal scores of values: average ranks r (1-based, ties averaged) → Φ⁻¹((r − ½)/n). */
export function normalScores(values: readonly number[]): number[] {
  const ranks = averageRanks(values);
  return ranks.map((r) => normalQuantile((r - 0.5) / values.length));
}

/** The ensemble on every queried cell (and, when semi-supervised, pseudo-labelled region cells). */
function fitModel<C>(session: SearchSession<C>, codes: CodeBook<C>, settings: Settings, rng: Rng): MlpEnsemble {
  const history = session.history;
  const population = codes.encodeMany(history.map((e) => e.cell));
  const x = population.map((c) => c.mu);
  const y = normalScores(history.map((e) => e.record.searchAccuracy));
  const model = trainMlpEnsemble(x, y, settings.latentDim, rng.fork('labelled'), settings.predictor);
  if (!settings.semiSupervised) return model;
  const region = promisingRegionOf(topCells(session, settings.topK).map((e) => codes.get(e.key)), spreadOver(population), settings);
  const unlabelled = Array.from({ length: settings.pseudoLabelled }, () => Float64Array.from(sampleFromRegion(region, rng)));
  const pseudo = unlabelled.map((z) => model.predict(z).mean);
  return trainMlpEnsemble([...x, ...unlabelled], [...y, ...pseudo], settings.latentDim, rng.fork('combined'), settings.predictor);
}

/** The `count` best queried cells by search accuracy (first queried first among ties). */
function topCells<C>(session: SearchSession<C>, count: number) {
  return [...session.history].sort((a, b) => b.record.searchAccuracy - a.record.searchAccuracy).slice(0, count);
}

/**
 * Eq 4's region around codes: each interval `regionWidth` spreads (see spreadOver) wide on each side
 * on active units, and pinned (1e-6) on inactive ones.
 */
function promisingRegionOf(top: readonly Code[], spreadOf: (code: Code) => Float64Array, settings: Settings) {
  return promisingRegion(top.map((c) => Array.from(c.mu)), top.map((c) => Array.from(spreadOf(c), (v) => (v < INACTIVE_SPREAD ? v * settings.regionWidth : 1e-6))));
}

/**
 * A unit whose posterior σ is at least this is inactive at that code (it carries no information:
 * σ ≈ 1 is the prior's, and the decoder ignores it); steps and regions leave it where it is.
 * Without this, whitened steps spend their length on inactive units, where σ is largest.
 */
export const INACTIVE_SPREAD = 0.5;

/**
 * The spread a step or region is measured in, per code: the posterior σ of a β-VAE's code, or for a
 * deterministic auto-encoder (no σ) AUTOENCODER_SPREAD × each unit's standard deviation over
 * `population`, the same for every code and computed once. Floored at 1e-6 so that a collapsed unit
 * cannot make a region empty.
 */
function spreadOver(population: readonly Code[]): (code: Code) => Float64Array {
  let autoencoder: Float64Array | null = null;
  return (code) => {
    if (code.sigma.some((v) => v > 0)) return code.sigma.map((v) => Math.max(v, 1e-6));
    if (autoencoder === null) {
      const n = population.length;
      autoencoder = code.mu.map((_, d) => {
        const mean = population.reduce((s, c) => s + c.mu[d], 0) / n;
        const sd = Math.sqrt(population.reduce((s, c) => s + (c.mu[d] - mean) ** 2, 0) / n);
        return Math.max(AUTOENCODER_SPREAD * sd, 1e-6);
      });
    }
    return autoencoder;
  };
}

/**
 * Bounded gradient steps (Eq 7 with η2 = 0) from one code: for each gradient g and each η,
 * z′ = μ + η·σ⊙u with u = σ⊙g/‖σ⊙g‖, so the step measured in posterior spreads, ‖(z′ − μ)/σ‖, is
 * exactly η. A zero gradient gives no step.
 * @returns one row per (gradient, η) with ‖σ⊙g‖ > 0, in that order.
 */
export function boundedLatentSteps(mu: ArrayLike<number>, sigma: ArrayLike<number>, gradients: readonly ArrayLike<number>[], stepSizes: readonly number[]): { z: number[]; eta: number }[] {
  const out: { z: number[]; eta: number }[] = [];
  for (const g of gradients) {
    const w = Array.from(mu, (_, d) => sigma[d] * g[d]);
    const norm = Math.hypot(...w);
    if (!(norm > 0)) continue;
    for (const eta of stepSizes) out.push({ z: Array.from(mu, (m, d) => m + eta * sigma[d] * (w[d] / norm)), eta });
  }
  return out;
}

/**
 * This round's candidates: bounded steps from the codes of the `starts` best cells along each
 * ensemble member's gradient, and (dense) draws from the promising region of the top-k, decoded in
 * one batch; invalid decodes, cells proposed before and repeats within the pool are dropped and counted.
 */
function candidatePool<C>(
  session: SearchSession<C>, controller: Controller, codes: CodeBook<C>, model: MlpEnsemble, settings: Settings,
  proposed: ReadonlySet<string>, counts: Record<'latent' | 'dense', SourceCounts>, rng: Rng,
): Candidate<C>[] {
  const top = topCells(session, Math.max(settings.starts, settings.topK)).map((e) => codes.get(e.key));
  const spreadOf = spreadOver(codes.encodeMany(session.history.map((e) => e.cell)));
  const latent: { z: number[]; origin: 'latent' | 'dense'; eta?: number }[] = [];
  for (const code of top.slice(0, settings.starts)) {
    const spread = spreadOf(code);
    const active = spread.map((v) => (v < INACTIVE_SPREAD ? 1 : 0));
    const gradients = model.gradients(code.mu).gradients.map((g) => g.map((v, d) => v * active[d]));
    for (const step of boundedLatentSteps(code.mu, spread, gradients, settings.stepSizes)) latent.push({ ...step, origin: 'latent' });
  }
  if (settings.dense) {
    const region = promisingRegionOf(top.slice(0, settings.topK), spreadOf, settings);
    for (let i = 0; i < settings.regionDraws; i++) latent.push({ z: sampleFromRegion(region, rng), origin: 'dense' });
  }
  if (latent.length === 0) return [];
  const pool: Candidate<C>[] = [];
  const inPool = new Set<string>();
  controller.decode(latent.map((l) => l.z)).forEach((tokens, i) => {
    const { origin, eta } = latent[i];
    const tally = counts[origin];
    tally.codes++;
    const cell = session.space.decode(tokens);
    if (cell === null) return void tally.invalid++;
    const key = session.space.key(cell);
    if (proposed.has(key)) return void tally.known++;
    if (inPool.has(key)) return void tally.duplicates++;
    inPool.add(key);
    tally.candidates++;
    pool.push({ cell, key, origin, ...(eta !== undefined ? { eta } : {}) });
  });
  return pool;
}

/** Candidates best first by the acquisition on the ensemble's prediction at each decoded cell's own code. */
function rank<C>(pool: readonly Candidate<C>[], codes: CodeBook<C>, model: MlpEnsemble, session: SearchSession<C>, acquisition: 'thompson' | 'ei', rng: Rng): Candidate<C>[] {
  if (pool.length === 0) return [];
  const mus = codes.encodeMany(pool.map((c) => c.cell)).map((c) => c.mu);
  // EI's incumbent in the fit's units (normal scores); Thompson sampling needs none.
  const best = acquisition === 'ei' ? Math.max(...normalScores(session.history.map((e) => e.record.searchAccuracy))) : 0;
  const scores = mus.map((mu) => {
    const p = model.predict(mu);
    return acquisition === 'thompson' ? rng.normal(p.mean, p.std) : expectedImprovement(p.mean, p.std, best);
  });
  return pool.map((c, i) => ({ c, s: scores[i] })).sort((a, b) => b.s - a.s).map((e) => e.c);
}

/** EI of N(mean, std²) over `best` (maximisation); the plain improvement when std is 0. */
export function expectedImprovement(mean: number, std: number, best: number): number {
  if (!(std > 0)) return Math.max(mean - best, 0);
  const u = (mean - best) / std;
  return (mean - best) * normalCdf(u) + std * Math.exp(-0.5 * u * u) / Math.sqrt(2 * Math.PI);
}

/** Kendall τ of the ensemble mean on the probe codes against the probe's accuracy (null when undefined). */
function tauOf(model: MlpEnsemble, probeMu: readonly Float64Array[], accuracy: readonly number[]): number | null {
  return predictorKendallTau(probeMu.map((mu) => model.predict(mu).mean), accuracy);
}
