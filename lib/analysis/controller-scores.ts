// One row of the β table for one trained controller: reconstruction, predictor ranking, MIG,
// traversal purity, active factors and factor concepts on held-out cells. Measures a given
// controller only: no training, no caching, no plotting; the space enters through a CellView.
import type { Controller } from '../controller/index';
import { kendallTau, spearman } from './correlation';
import { activeFactors, mutualInformationGap, traversalPurity, type ActiveFactors, type MigResult, type TraversalPurity } from './disentanglement';
import { factorConcepts, traverseFactors, type Attributes, type FactorConcept, type Traversal, type TraversalFunctions, type TraversalOptions } from './traversal';

/** How the scores see a space's token sequences (NAS-Bench-101: NASBENCH101_CELL_VIEW). */
export interface CellView<C> {
  /** The cell a well-formed token sequence spells, in token-column order; null when it is not a valid cell. */
  cellOf(tokens: readonly number[]): C | null;
  /** The attributes of a valid cell. */
  attributes(cell: C): Attributes;
  /** The attributes MIG, purity and concepts compare (primary ones: no attribute derived from others). */
  readonly attributeNames: readonly string[];
}

/** Labelled sequences to score on (held out from training), index-aligned. */
export interface ScoredCells {
  readonly tokens: readonly (readonly number[])[];
  /** True accuracy (fraction of 1). */
  readonly accuracy: readonly number[];
}

/** Options of `scoreController`. */
export interface ScoreOptions {
  /** Held-out cells whose μ are traversed along every factor (default 20; ≤ cells). */
  readonly traversalBases?: number;
  /** Range and steps of the traversals (default DNAS Fig 3: −0.4 … 0.4, 9 values). */
  readonly traversal?: TraversalOptions;
  /** MIG bins per factor and for binned numeric attributes (default MIG_BINS = 20). */
  readonly migBins?: number;
}

/**
 * The flat, JSON-friendly row of the β table (a type alias, not an interface, so it is assignable
 * to `Record<string, unknown>` for tables and figures).
 */
export type ControllerScoreRow = {
  /** Held-out cells scored. */
  readonly cells: number;
  /** Fraction of held-out sequences that greedy decoding of μ reproduces token for token. */
  readonly exactReconstruction: number;
  /** Fraction of held-out tokens reproduced (all 27 positions, padding included). */
  readonly tokenAccuracy: number;
  /** Fraction of μ decodes that are valid cells. */
  readonly validDecodes: number;
  /** Kendall τ-b of predicted vs true accuracy on the held-out cells; null when the predictions are constant. */
  readonly kendallTau: number | null;
  /** Spearman ρ of the same pairs; null likewise. */
  readonly spearman: number | null;
  /** Mutual Information Gap of μ vs the view's attributes over the held-out cells (null: every attribute constant). */
  readonly mig: number | null;
  /** Traversal purity over traversalBases × latentDim traversals; null when no step changed anything. */
  readonly purity: number | null;
  /** Factors whose mean KL exceeds ACTIVE_KL_THRESHOLD; null without a posterior variance (disentangle off). */
  readonly activeFactors: number | null;
  /** Σ_d mean KL_d over the held-out cells, nats; null without a posterior variance. */
  readonly klNats: number | null;
  /**
   * √(mean over factors of Var_cells(μ_d)): the spread of the codes. Traversals set z_i to fixed
   * values (−0.4 … 0.4), so they probe a small or a large part of the code range depending on it.
   */
  readonly muStd: number;
  /** Factors with a non-null concept (their traversals change some attribute). */
  readonly factorsWithConcept: number;
};

/** Everything `scoreController` measured; `row` is the table line. */
export interface ControllerScores<C> {
  readonly row: ControllerScoreRow;
  /** μ of the held-out cells, [cells, latentDim]. */
  readonly mu: readonly (readonly number[])[];
  /** Predicted accuracy of the held-out cells. */
  readonly predicted: readonly number[];
  readonly mig: MigResult;
  readonly purity: TraversalPurity;
  readonly active: ActiveFactors | null;
  /** Concept of every factor over the traversals (factorConcepts on the view's attributes). */
  readonly concepts: readonly FactorConcept[];
  /** The traversals: base-major, every factor of each of the first traversalBases cells. */
  readonly traversals: readonly Traversal<C>[];
}

/**
 * Decode and attribute functions for traversals of a controller's latent space:
 * `z → controller.decode(z)` then `view.cellOf`, and the view's attributes.
 */
export function controllerTraversalFunctions<C>(controller: Controller, view: CellView<C>): TraversalFunctions<C> {
  return { decode: (z) => controller.decode(z).map((tokens) => view.cellOf(tokens)), attributes: (cell) => view.attributes(cell) };
}

/**
 * Score one trained controller on held-out labelled cells (issue 4's β table):
 * - reconstruction: greedy decode of μ vs the input sequence (exact match and per token), and
 *   the fraction of decodes that are valid cells;
 * - predictor: Kendall τ-b (and Spearman ρ) of f_acc(μ) vs true accuracy;
 * - MIG of μ vs `view.attributeNames` over all given cells (see mutualInformationGap);
 * - traversal purity and factor concepts over every factor of the first `traversalBases` cells
 *   (absolute traversals of z_i over DNAS Fig 3's −0.4 … 0.4 unless options say otherwise);
 * - active factors (mean KL per dimension > 0.01 nats) when the encoder has a variance.
 * @throws RangeError when there are fewer than 2 cells, tokens and accuracy differ in length,
 *   traversalBases is not an integer in 1..cells, or a held-out sequence is not a valid cell.
 */
export function scoreController<C>(controller: Controller, data: ScoredCells, view: CellView<C>, options: ScoreOptions = {}): ControllerScores<C> {
  const n = data.tokens.length;
  if (n < 2) throw new RangeError(`scoreController needs at least 2 held-out cells: got ${n}`);
  if (data.accuracy.length !== n) throw new RangeError(`accuracy has ${data.accuracy.length} values but tokens has ${n} sequences`);
  const bases = options.traversalBases ?? Math.min(20, n);
  if (!Number.isInteger(bases) || bases < 1 || bases > n) throw new RangeError(`traversalBases must be an integer in 1..${n}: got ${bases}`);

  const attributes = data.tokens.map((tokens, i) => {
    const cell = view.cellOf(tokens);
    if (cell === null) throw new RangeError(`held-out sequence ${i} is not a valid cell: [${tokens.join(', ')}]`);
    return view.attributes(cell);
  });
  const { mu, logVar } = controller.encode(data.tokens);
  const reconstruction = reconstructionScores(controller.decode(mu), data.tokens, view);
  const predicted = controller.predict(mu).accuracy;
  const ranks = rankScores(predicted, data.accuracy);
  const mig = mutualInformationGap(mu, attributes, { attributes: view.attributeNames, bins: options.migBins });
  const traversals = traverseFactors(mu.slice(0, bases), controllerTraversalFunctions(controller, view), options.traversal ?? {});
  const purity = traversalPurity(traversals, { attributes: view.attributeNames });
  const concepts = factorConcepts(traversals, { attributes: view.attributeNames });
  const active = logVar === null ? null : activeFactors(mu, logVar);
  const row: ControllerScoreRow = {
    cells: n,
    ...reconstruction,
    ...ranks,
    mig: mig.mig,
    purity: purity.purity,
    activeFactors: active === null ? null : active.count,
    klNats: active === null ? null : active.klPerDim.reduce((s, v) => s + v, 0),
    muStd: codeSpread(mu),
    factorsWithConcept: concepts.filter((c) => c.concept !== null).length,
  };
  return { row, mu, predicted, mig, purity, active, concepts, traversals };
}

/** A factor picked for a group of attributes by `factorFor`. */
export interface FactorChoice {
  readonly factor: number;
  /** The attribute of the group it changes in the largest fraction of traversals. */
  readonly attribute: string;
  /** That fraction (consistency when `isConcept`). */
  readonly fraction: number;
  /** Whether that attribute is the factor's concept (its most consistently changed attribute overall). */
  readonly isConcept: boolean;
}

/**
 * The factor that best controls one of `attributes` (e.g. op1..op5 for "an op conversion",
 * or vertices/depth/inputToOutput for "the number of layers / skip"): factors whose concept is in
 * the group come first, then the larger change fraction of a group attribute, then the lower index.
 * @param exclude factors not to pick (e.g. one already chosen for another group).
 * @returns null when no factor changes any attribute of the group.
 */
export function factorFor(concepts: readonly FactorConcept[], attributes: readonly string[], exclude: readonly number[] = []): FactorChoice | null {
  const group = new Set(attributes);
  const candidates = concepts
    .filter((c) => !exclude.includes(c.factor))
    .map((c) => {
      const best = c.changeFrequency.find((f) => group.has(f.attribute)) ?? null;
      return best === null || best.fraction === 0 ? null : { factor: c.factor, attribute: best.attribute, fraction: best.fraction, isConcept: c.concept !== null && group.has(c.concept) };
    })
    .filter((c): c is FactorChoice => c !== null)
    .sort((a, b) => Number(b.isConcept) - Number(a.isConcept) || b.fraction - a.fraction || a.factor - b.factor);
  return candidates[0] ?? null;
}

/** Exact-sequence and per-token agreement of decodes with their inputs, and the valid fraction. */
function reconstructionScores(decoded: readonly (readonly number[])[], tokens: readonly (readonly number[])[], view: CellView<unknown>): Pick<ControllerScoreRow, 'exactReconstruction' | 'tokenAccuracy' | 'validDecodes'> {
  let exact = 0;
  let same = 0;
  let total = 0;
  let valid = 0;
  decoded.forEach((seq, i) => {
    let all = true;
    seq.forEach((t, j) => {
      total++;
      if (t === tokens[i][j]) same++;
      else all = false;
    });
    if (all) exact++;
    if (view.cellOf(seq) !== null) valid++;
  });
  return { exactReconstruction: exact / decoded.length, tokenAccuracy: same / total, validDecodes: valid / decoded.length };
}

/** √(mean over dimensions of the variance over rows): the RMS spread of latent codes. */
function codeSpread(mu: readonly (readonly number[])[]): number {
  const dims = mu[0].length;
  let total = 0;
  for (let d = 0; d < dims; d++) {
    const mean = mu.reduce((s, z) => s + z[d], 0) / mu.length;
    total += mu.reduce((s, z) => s + (z[d] - mean) ** 2, 0) / mu.length;
  }
  return Math.sqrt(total / dims);
}

/** Kendall τ-b and Spearman ρ of predicted vs true; nulls when either side is constant. */
function rankScores(predicted: readonly number[], truth: readonly number[]): { kendallTau: number | null; spearman: number | null } {
  const constant = (v: readonly number[]): boolean => v.every((x) => x === v[0]);
  if (constant(predicted) || constant(truth)) return { kendallTau: null, spearman: null };
  return { kendallTau: kendallTau(predicted, truth), spearman: spearman(predicted, truth) };
}
