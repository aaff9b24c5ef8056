// Latent traversals (DNAS Fig 3): vary one latent factor with the others fixed, decode, and say
// which attributes of the decoded cell change; and each factor's "concept" over many bases.
// Space-generic: it receives decode/attribute functions and never names a space or a model.

/** One attribute value: attributes are flat records of these. */
export type AttributeValue = number | string | boolean;

/** Named attributes of one cell (e.g. `cellAttributes` of NAS-Bench-101). */
export type Attributes = Readonly<Record<string, AttributeValue>>;

/** What a traversal needs from the space and the model. */
export interface TraversalFunctions<C> {
  /**
   * Decode latent codes to cells, in order; null for a code whose decode is not a valid cell
   * (reported as invalid, never repaired). E.g. `z => controller.decode(z).map(t => space.decode(t))`.
   * @param z [batch, latentDim].
   */
  decode(z: number[][]): (C | null)[];
  /** The attributes of a valid cell; every cell should give the same names. */
  attributes(cell: C): Attributes;
}

/** Options of `traverseFactor` / `traverseFactors`. */
export interface TraversalOptions {
  /** Values z_i takes, evenly spaced from the first to the second; default −0.4 … 0.4 (DNAS §Disentangling, Fig 3). */
  readonly range?: readonly [number, number];
  /** Number of values, ends included (≥ 2); default 9, i.e. steps of 0.1 over the default range. */
  readonly steps?: number;
  /** When true, z_i = base z_i + value (a traversal around the base); default false: z_i = value, as in Fig 3. */
  readonly relative?: boolean;
  /**
   * Per-factor units [latentDim] (relative traversals only): z_i = base z_i + value·scales[i], so
   * a range of [−2, 2] spans ±2 of each factor's own spread (e.g. its aggregate posterior std).
   */
  readonly scales?: readonly number[];
  /** Latent codes per `decode` call (≥ 1); default 512. Only memory and speed depend on it. */
  readonly batchSize?: number;
}

/** DNAS §Disentangling: "we traverse the 24th latent factor z_24 from −0.4 to 0.4". */
export const TRAVERSAL_RANGE: readonly [number, number] = [-0.4, 0.4];
/** Default number of traversal values: −0.4, −0.3, …, 0.4. */
export const TRAVERSAL_STEPS = 9;

/** One point of a traversal. */
export interface TraversalStep<C> {
  /** z_i at this step (relative traversals: the base value plus the offset). */
  readonly value: number;
  /** The full latent code decoded, [latentDim]. */
  readonly z: readonly number[];
  /** The decoded cell, or null when the decode is invalid. */
  readonly cell: C | null;
  /** Its attributes (null when invalid). */
  readonly attributes: Attributes | null;
  /** Names of the attributes that differ from the base decode's; null when this step or the base is invalid. */
  readonly changed: readonly string[] | null;
}

/** A traversal of one factor around one base code. */
export interface Traversal<C> {
  /** Index of the base code in the list given to `traverseFactors` (0 for `traverseFactor`). */
  readonly baseIndex: number;
  /** The factor i varied (0-based). */
  readonly factor: number;
  readonly baseZ: readonly number[];
  /** Decode of the unmodified base code (the reference for `changed`), null when invalid. */
  readonly base: C | null;
  readonly baseAttributes: Attributes | null;
  readonly steps: readonly TraversalStep<C>[];
  /** Indices into `steps` whose decode was invalid. */
  readonly invalidSteps: readonly number[];
}

/**
 * Traverse factor `factor` around one latent code (DNAS Fig 3): decode the base and each step.
 * @param baseZ [latentDim] latent code, e.g. μ of an encoded cell (`controller.encode([tokens]).mu[0]`).
 * @throws RangeError for a bad code, factor or option (naming the value and the limit), or when
 *   `decode` returns the wrong number of cells.
 */
export function traverseFactor<C>(baseZ: readonly number[], factor: number, fns: TraversalFunctions<C>, options: TraversalOptions = {}): Traversal<C> {
  return traverseFactors([baseZ], fns, { ...options, factors: [factor] })[0];
}

/**
 * Traverse each of `factors` around each base code, decoding in batches.
 * @param bases [numBases, latentDim] latent codes.
 * @param options.factors factors to vary (default all, 0 … latentDim − 1).
 * @returns one traversal per (base, factor), base-major: `[b0f0, b0f1, …, b1f0, …]`.
 * @throws RangeError as `traverseFactor`.
 */
export function traverseFactors<C>(
  bases: readonly (readonly number[])[],
  fns: TraversalFunctions<C>,
  options: TraversalOptions & { readonly factors?: readonly number[] } = {},
): Traversal<C>[] {
  const dims = checkBases(bases);
  const factors = options.factors ?? Array.from({ length: dims }, (_, i) => i);
  factors.forEach((f) => checkFactor(f, dims));
  const values = traversalValues(options);
  const batchSize = options.batchSize ?? 512;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be an integer ≥ 1: got ${batchSize}`);

  const scales = options.scales;
  if (scales !== undefined) {
    if (!options.relative) throw new RangeError('scales need relative traversals (relative: true)');
    if (scales.length !== dims || !scales.every((v) => Number.isFinite(v) && v > 0)) throw new RangeError(`scales must be ${dims} finite numbers > 0: got [${scales.join(', ')}]`);
  }
  const rows: number[][] = bases.map((z) => [...z]);
  for (const z of bases) {
    for (const f of factors) {
      for (const v of values) {
        const row = [...z];
        row[f] = options.relative ? z[f] + v * (scales?.[f] ?? 1) : v;
        rows.push(row);
      }
    }
  }
  const cells = decodeInBatches(rows, fns.decode, batchSize);
  const attrs = cells.map((c) => (c === null ? null : fns.attributes(c)));

  const out: Traversal<C>[] = [];
  let next = bases.length;
  bases.forEach((z, b) => {
    for (const f of factors) {
      const steps = values.map((_, k): TraversalStep<C> => {
        const at = next + k;
        const changed = attrs[b] === null || attrs[at] === null ? null : changedAttributes(attrs[b]!, attrs[at]!);
        return { value: rows[at][f], z: rows[at], cell: cells[at], attributes: attrs[at], changed };
      });
      next += values.length;
      const invalidSteps = steps.flatMap((s, k) => (s.cell === null ? [k] : []));
      out.push({ baseIndex: b, factor: f, baseZ: z, base: cells[b], baseAttributes: attrs[b], steps, invalidSteps });
    }
  });
  return out;
}

/**
 * Names of the attributes whose values differ between two records (strict equality), in the
 * order of `a`'s keys then `b`'s extra keys; only `names` when given.
 */
export function changedAttributes(a: Attributes, b: Attributes, names?: readonly string[]): string[] {
  const keys = names ?? [...new Set([...Object.keys(a), ...Object.keys(b)])];
  return keys.filter((k) => a[k] !== b[k]);
}

/** What a factor controls, judged over many traversals. */
export interface FactorConcept {
  readonly factor: number;
  /** The attribute changed in the largest fraction of usable traversals; null when none changes. */
  readonly concept: string | null;
  /** That fraction, in [0, 1] (0 when concept is null). */
  readonly consistency: number;
  /** For every attribute, the fraction of usable traversals in which it changed. Sorted by fraction, descending. */
  readonly changeFrequency: readonly { readonly attribute: string; readonly fraction: number }[];
  /** Traversals of this factor whose base decode was valid (the denominator). */
  readonly traversals: number;
  /** Traversals left out because their base decode was invalid. */
  readonly skippedTraversals: number;
  /** Fraction of this factor's steps (over all its traversals) that decoded to an invalid cell. */
  readonly invalidStepFraction: number;
}

/**
 * Each factor's concept (issue 4: "the attribute it changes most consistently across many base
 * cells"). Definition: a traversal *changes* attribute a when a differs from the base decode's
 * value at one or more valid steps; for each factor, consistency(a) = (traversals of the factor
 * that change a) / (traversals of the factor with a valid base decode); the concept is the
 * attribute of highest consistency (ties: first in attribute order). Invalid steps change nothing.
 * @param traversals e.g. from `traverseFactors` over many bases.
 * @param options.attributes restrict to these names (default: every name seen, in order of first appearance).
 * @returns one entry per factor present, by increasing factor.
 */
export function factorConcepts(traversals: readonly Traversal<unknown>[], options: { readonly attributes?: readonly string[] } = {}): FactorConcept[] {
  const names = options.attributes ?? attributeNames(traversals);
  const factors = [...new Set(traversals.map((t) => t.factor))].sort((a, b) => a - b);
  return factors.map((factor) => {
    const own = traversals.filter((t) => t.factor === factor);
    const usable = own.filter((t) => t.baseAttributes !== null);
    const counts = new Map(names.map((n) => [n, 0]));
    for (const t of usable) {
      const changed = new Set<string>();
      for (const s of t.steps) if (s.attributes !== null) changedAttributes(t.baseAttributes!, s.attributes, names).forEach((n) => changed.add(n));
      changed.forEach((n) => counts.set(n, counts.get(n)! + 1));
    }
    const changeFrequency = names
      .map((attribute) => ({ attribute, fraction: usable.length === 0 ? 0 : counts.get(attribute)! / usable.length }))
      .sort((a, b) => b.fraction - a.fraction); // stable: ties keep attribute order
    const top = changeFrequency[0];
    const totalSteps = own.reduce((s, t) => s + t.steps.length, 0);
    const invalid = own.reduce((s, t) => s + t.invalidSteps.length, 0);
    return {
      factor,
      concept: top !== undefined && top.fraction > 0 ? top.attribute : null,
      consistency: top !== undefined ? top.fraction : 0,
      changeFrequency,
      traversals: usable.length,
      skippedTraversals: own.length - usable.length,
      invalidStepFraction: totalSteps === 0 ? 0 : invalid / totalSteps,
    };
  });
}

/** Every attribute name in the traversals, in order of first appearance. */
function attributeNames(traversals: readonly Traversal<unknown>[]): string[] {
  const names = new Set<string>();
  for (const t of traversals) {
    if (t.baseAttributes !== null) Object.keys(t.baseAttributes).forEach((n) => names.add(n));
    for (const s of t.steps) if (s.attributes !== null) Object.keys(s.attributes).forEach((n) => names.add(n));
  }
  return [...names];
}

/** The values z_i takes: `steps` evenly spaced over `range`, ends included. */
function traversalValues(options: TraversalOptions): number[] {
  const [lo, hi] = options.range ?? TRAVERSAL_RANGE;
  const steps = options.steps ?? TRAVERSAL_STEPS;
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || !(lo < hi)) throw new RangeError(`range must be two finite numbers, low < high: got [${lo}, ${hi}]`);
  if (!Number.isInteger(steps) || steps < 2) throw new RangeError(`steps must be an integer ≥ 2: got ${steps}`);
  return Array.from({ length: steps }, (_, k) => lo + ((hi - lo) * k) / (steps - 1));
}

function checkBases(bases: readonly (readonly number[])[]): number {
  if (bases.length === 0) throw new RangeError('traversal needs at least one base latent code');
  const dims = bases[0].length;
  if (dims === 0) throw new RangeError('base latent codes must have at least one dimension: got 0');
  bases.forEach((z, b) => {
    if (z.length !== dims) throw new RangeError(`base latent code ${b} has ${z.length} dimensions (expected ${dims})`);
    z.forEach((v, d) => {
      if (!Number.isFinite(v)) throw new RangeError(`base latent code ${b}, dimension ${d} is not finite: ${v}`);
    });
  });
  return dims;
}

function checkFactor(factor: number, dims: number): void {
  if (!Number.isInteger(factor) || factor < 0 || factor >= dims) throw new RangeError(`factor must be an integer in 0..${dims - 1}: got ${factor}`);
}

function decodeInBatches<C>(rows: number[][], decode: (z: number[][]) => (C | null)[], batchSize: number): (C | null)[] {
  const out: (C | null)[] = [];
  for (let start = 0; start < rows.length; start += batchSize) {
    const batch = rows.slice(start, start + batchSize);
    const cells = decode(batch);
    if (cells.length !== batch.length) throw new RangeError(`decode returned ${cells.length} cells for ${batch.length} latent codes`);
    out.push(...cells);
  }
  return out;
}
