// Disentanglement scores of a latent space against cell attributes: the Mutual Information Gap,
// traversal purity, and active factors (KL per dimension). Numbers and records in, scores out;
// space-generic (attribute names are data) and free of models and tensors.
import type { Attributes, AttributeValue, Traversal } from './traversal';
import { changedAttributes } from './traversal';

/** Bins per latent factor for MIG (disentanglement_lib's `num_bins` default, Locatello et al. 2019). */
export const MIG_BINS = 20;
/** A numeric attribute with more distinct values than this is binned rather than treated as categories. */
export const MIG_MAX_CATEGORIES = 20;

/** Options of `mutualInformationGap`. */
export interface MigOptions {
  /** Equal-width bins per latent factor AND per binned numeric attribute (≥ 2); default 20. */
  readonly bins?: number;
  /** Numeric attributes with at most this many distinct values are categories; default 20. */
  readonly maxCategories?: number;
  /** Attributes to score; default every key of the first record, in its order. */
  readonly attributes?: readonly string[];
}

/** MIG's view of one attribute. */
export interface MigAttributeScore {
  readonly attribute: string;
  /** How the attribute was discretised: its distinct values, or equal-width bins of a numeric range. */
  readonly discretisation: 'categories' | 'bins';
  /** Number of distinct discrete levels observed. */
  readonly levels: number;
  /** H(v) in nats. */
  readonly entropy: number;
  /** I(z_j; v) in nats for every factor j. */
  readonly mutualInformation: readonly number[];
  /** The factors with the largest and second-largest I(z_j; v). */
  readonly best: number;
  readonly second: number;
  /** (I(z_best; v) − I(z_second; v)) / H(v), in [0, 1]. */
  readonly gap: number;
}

/** Result of `mutualInformationGap`. */
export interface MigResult {
  /** Mean gap over the scored attributes; null when every attribute was skipped. */
  readonly mig: number | null;
  readonly scores: readonly MigAttributeScore[];
  /** Attributes left out because they are constant over the cells (H(v) = 0: the gap is undefined). */
  readonly skipped: readonly string[];
  readonly bins: number;
}

/**
 * Mutual Information Gap (Chen et al. 2018, "Isolating Sources of Disentanglement in VAEs"):
 * for each attribute v, the gap between the two latent factors most informative about it,
 * normalised by H(v); MIG is the mean over attributes. A factor that alone determines v gives
 * a gap of 1; factors independent of v give ≈ 0 (plus the plug-in estimator's small positive bias,
 * about (bins − 1)(levels − 1) / (2·cells) nats).
 * Estimator (as disentanglement_lib): each factor is cut into `bins` equal-width bins over its
 * observed [min, max] (the max falls in the last bin; a constant factor is one bin); attributes
 * that are strings, booleans or numbers with ≤ `maxCategories` distinct values are discrete as
 * they are; other numeric attributes (params, FLOPs) get `bins` equal-width bins over their
 * observed range too. I and H are plug-in estimates from the counts, in nats.
 * @param latents [cells, latentDim] codes, usually the posterior means μ (latentDim ≥ 2).
 * @param attributes [cells] attribute records, same order.
 * @throws RangeError for mismatched or ragged inputs, fewer than 2 factors, a non-finite value,
 *   an attribute missing from a record, or bad options.
 */
export function mutualInformationGap(latents: readonly (readonly number[])[], attributes: readonly Attributes[], options: MigOptions = {}): MigResult {
  const bins = options.bins ?? MIG_BINS;
  const maxCategories = options.maxCategories ?? MIG_MAX_CATEGORIES;
  if (!Number.isInteger(bins) || bins < 2) throw new RangeError(`bins must be an integer ≥ 2: got ${bins}`);
  if (!Number.isInteger(maxCategories) || maxCategories < 1) throw new RangeError(`maxCategories must be an integer ≥ 1: got ${maxCategories}`);
  const dims = checkLatents(latents, 'latents');
  if (dims < 2) throw new RangeError(`MIG needs at least 2 latent factors: got ${dims}`);
  if (attributes.length !== latents.length) throw new RangeError(`attributes has ${attributes.length} records but latents has ${latents.length} rows`);
  const names = options.attributes ?? Object.keys(attributes[0]);

  const codes = Array.from({ length: dims }, (_, d) => equalWidthBins(latents.map((z) => z[d]), bins));
  const scores: MigAttributeScore[] = [];
  const skipped: string[] = [];
  for (const name of names) {
    const { levels, values, discretisation } = discretiseAttribute(attributes, name, bins, maxCategories);
    if (levels === 1) {
      skipped.push(name);
      continue;
    }
    const entropy = mutualInformation(values, levels, values, levels);
    const mi = codes.map((c) => mutualInformation(c, bins, values, levels));
    const order = mi.map((_, j) => j).sort((a, b) => mi[b] - mi[a] || a - b);
    const [best, second] = order;
    scores.push({ attribute: name, discretisation, levels, entropy, mutualInformation: mi, best, second, gap: (mi[best] - mi[second]) / entropy });
  }
  const mig = scores.length === 0 ? null : scores.reduce((s, x) => s + x.gap, 0) / scores.length;
  return { mig, scores, skipped, bins };
}

/** Result of `traversalPurity`. */
export interface TraversalPurity {
  /** pure / changes; null when no transition changed any attribute (the score is undefined). */
  readonly purity: number | null;
  /** Transitions (consecutive valid steps) that changed at least one attribute. */
  readonly changes: number;
  /** Of those, the ones that changed exactly one attribute. */
  readonly pure: number;
  /** Transitions between valid steps that changed no attribute. */
  readonly unchanged: number;
  /** Transitions not counted because one of the two steps decoded to an invalid cell. */
  readonly invalid: number;
}

/**
 * Traversal purity (issue 4: "fraction of traversal steps that change exactly one attribute").
 * Definition: a transition is a pair of consecutive steps k−1 → k of one traversal, both valid;
 * it is a *change* when at least one attribute differs between the two decodes; purity is the
 * fraction of changes in which exactly one attribute differs. Consecutive steps rather than
 * step-vs-base, so two independent changes at different z_i count as two pure changes, and
 * transitions that change nothing (z_i moving inside one decode's basin) do not dilute the score.
 * Use primary attributes (e.g. NAS-Bench-101's CELL_PRIMARY_ATTRIBUTE_NAMES): derived ones
 * (op counts, params) change together with what they derive from.
 * @param options.attributes the names compared (default: all keys of each pair of records).
 */
export function traversalPurity(traversals: readonly Traversal<unknown>[], options: { readonly attributes?: readonly string[] } = {}): TraversalPurity {
  let changes = 0;
  let pure = 0;
  let unchanged = 0;
  let invalid = 0;
  for (const t of traversals) {
    for (let k = 1; k < t.steps.length; k++) {
      const a = t.steps[k - 1].attributes;
      const b = t.steps[k].attributes;
      if (a === null || b === null) {
        invalid++;
        continue;
      }
      const changed = changedAttributes(a, b, options.attributes).length;
      if (changed === 0) unchanged++;
      else {
        changes++;
        if (changed === 1) pure++;
      }
    }
  }
  return { purity: changes === 0 ? null : pure / changes, changes, pure, unchanged, invalid };
}

/**
 * Threshold on the mean KL of a latent dimension, in nats, above which it counts as active.
 * 0.01 follows the 10⁻² threshold of Burda et al. (2016, IWAE §5.2), who apply it to the
 * activity statistic A_u = Cov_x(E_q[u]) (reported here as `muVariance`); applying it to KL,
 * as issue 4 asks, is a common practice but a convention, not a derived value.
 */
export const ACTIVE_KL_THRESHOLD = 0.01;
/** Threshold on Burda et al.'s activity statistic A_u = Var over cells of μ_u (IWAE §5.2: 10⁻²). */
export const ACTIVE_VARIANCE_THRESHOLD = 0.01;

/** Result of `activeFactors`. */
export interface ActiveFactors {
  /** Mean over cells of KL(q(z_d|x) ‖ N(0, 1)) in nats, [latentDim]. */
  readonly klPerDim: readonly number[];
  /** Dimensions whose mean KL exceeds `klThreshold`, increasing. */
  readonly active: readonly number[];
  /** `active.length`. */
  readonly count: number;
  readonly klThreshold: number;
  /** Burda et al.'s activity: variance of μ_d over cells (divided by cells), [latentDim]. */
  readonly muVariance: readonly number[];
  /** Dimensions whose μ variance exceeds `varianceThreshold`, increasing. */
  readonly activeByVariance: readonly number[];
  readonly varianceThreshold: number;
}

/**
 * How many latent factors carry information: KL_d = ½(μ_d² + σ_d² − 1 − log σ_d²) of the
 * diagonal-Gaussian posterior against N(0, 1) (the KL term of Eq 5, per dimension), averaged over
 * cells; a dimension is active when that mean exceeds the threshold (default 0.01 nats, see
 * ACTIVE_KL_THRESHOLD). Burda et al.'s variance-of-μ activity is reported beside it.
 * @param mu [cells, latentDim] posterior means. @param logVar [cells, latentDim] log σ².
 * @throws RangeError for mismatched, ragged, empty or non-finite inputs, or a negative threshold.
 */
export function activeFactors(
  mu: readonly (readonly number[])[],
  logVar: readonly (readonly number[])[],
  options: { readonly klThreshold?: number; readonly varianceThreshold?: number } = {},
): ActiveFactors {
  const klThreshold = options.klThreshold ?? ACTIVE_KL_THRESHOLD;
  const varianceThreshold = options.varianceThreshold ?? ACTIVE_VARIANCE_THRESHOLD;
  for (const [name, v] of [['klThreshold', klThreshold], ['varianceThreshold', varianceThreshold]] as const) {
    if (!(v >= 0 && Number.isFinite(v))) throw new RangeError(`${name} must be a finite number ≥ 0: got ${v}`);
  }
  const dims = checkLatents(mu, 'mu');
  if (checkLatents(logVar, 'logVar') !== dims || logVar.length !== mu.length) {
    throw new RangeError(`logVar must have the shape of mu [${mu.length}, ${dims}]: got [${logVar.length}, ${logVar[0].length}]`);
  }
  const n = mu.length;
  const klPerDim = Array.from({ length: dims }, (_, d) => {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += 0.5 * (mu[i][d] ** 2 + Math.exp(logVar[i][d]) - 1 - logVar[i][d]);
    return sum / n;
  });
  const muVariance = Array.from({ length: dims }, (_, d) => {
    const mean = mu.reduce((s, z) => s + z[d], 0) / n;
    return mu.reduce((s, z) => s + (z[d] - mean) ** 2, 0) / n;
  });
  const above = (values: number[], t: number): number[] => values.flatMap((v, d) => (v > t ? [d] : []));
  const active = above(klPerDim, klThreshold);
  return { klPerDim, active, count: active.length, klThreshold, muVariance, activeByVariance: above(muVariance, varianceThreshold), varianceThreshold };
}

/** Bin index 0..bins−1 of each value: equal-width bins over the observed [min, max]. */
function equalWidthBins(values: readonly number[], bins: number): number[] {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const width = (max - min) / bins;
  return values.map((v) => (width === 0 ? 0 : Math.min(bins - 1, Math.floor((v - min) / width))));
}

/** One attribute over all cells as level indices 0..levels−1 (see `mutualInformationGap`). */
function discretiseAttribute(
  records: readonly Attributes[],
  name: string,
  bins: number,
  maxCategories: number,
): { values: number[]; levels: number; discretisation: 'categories' | 'bins' } {
  const raw: AttributeValue[] = records.map((r, i) => {
    const v = r[name];
    if (v === undefined) throw new RangeError(`attribute '${name}' is missing from record ${i}`);
    if (typeof v === 'number' && !Number.isFinite(v)) throw new RangeError(`attribute '${name}' of record ${i} is not finite: ${v}`);
    return v;
  });
  const numeric = raw.every((v) => typeof v === 'number');
  const keys = raw.map((v) => `${typeof v}:${String(v)}`);
  const distinct = [...new Set(keys)];
  if (numeric && distinct.length > maxCategories) {
    const values = equalWidthBins(raw as number[], bins);
    return { values: reindex(values), levels: new Set(values).size, discretisation: 'bins' };
  }
  const index = new Map(distinct.map((k, i) => [k, i]));
  return { values: keys.map((k) => index.get(k)!), levels: distinct.length, discretisation: 'categories' };
}

/** Map arbitrary level labels to 0..k−1 (empty bins dropped). */
function reindex(values: readonly number[]): number[] {
  const index = new Map([...new Set(values)].sort((a, b) => a - b).map((v, i) => [v, i]));
  return values.map((v) => index.get(v)!);
}

/** Plug-in I(a; b) in nats from paired level indices (a in 0..na−1, b in 0..nb−1); I(a; a) = H(a). */
function mutualInformation(a: readonly number[], na: number, b: readonly number[], nb: number): number {
  const n = a.length;
  const joint = new Float64Array(na * nb);
  const pa = new Float64Array(na);
  const pb = new Float64Array(nb);
  for (let i = 0; i < n; i++) {
    joint[a[i] * nb + b[i]]++;
    pa[a[i]]++;
    pb[b[i]]++;
  }
  let mi = 0;
  for (let x = 0; x < na; x++) {
    for (let y = 0; y < nb; y++) {
      const c = joint[x * nb + y];
      if (c > 0) mi += (c / n) * Math.log((c * n) / (pa[x] * pb[y]));
    }
  }
  return Math.max(0, mi); // rounding can leave −1e-17 for independent codes
}

function checkLatents(rows: readonly (readonly number[])[], name: string): number {
  if (rows.length === 0) throw new RangeError(`${name} needs at least one row: got 0`);
  const dims = rows[0].length;
  rows.forEach((row, i) => {
    if (row.length !== dims) throw new RangeError(`${name} row ${i} has ${row.length} dimensions (expected ${dims})`);
    row.forEach((v, d) => {
      if (!Number.isFinite(v)) throw new RangeError(`${name}[${i}][${d}] is not finite: ${v}`);
    });
  });
  return dims;
}
