// A search's FLOPs limit (DNAS Eq 6: maximise ACC(x) subject to FLOPS(x) ≤ F, with the margin τ):
// the limit type, the feasibility gate that counts what it turns away, rejection sampling and the
// FLOPs-edge selection. It never queries a benchmark and never names a search space.
import type { SearchAlgorithm } from './search';
import type { SearchSpace } from '../spaces/search-space';

/**
 * A FLOPs limit for a search: only cells with `space.flopsM(cell) ≤ limitM + toleranceM` are ever
 * queried. The limit belongs to the search, not to the benchmark.
 */
export interface FlopsLimit {
  /** F of Eq 6, in millions of FLOPs (multiply-accumulates, as `SearchSpace.flopsM`); > 0, or +Infinity for none. */
  readonly limitM: number;
  /**
   * τ (DNAS §Implementation: "the margin of FLOPS that may be optimized by the gradient descent";
   * 20M on ImageNet, about 3.5% of its 550–600M limits). Default 0: every query satisfies Eq 6
   * exactly; pass e.g. 0.035·limitM to follow the paper's ImageNet margin.
   */
  readonly toleranceM?: number;
  /**
   * The space's smallest FLOPs, for the safety check, when the space cannot say (a space with a
   * `flopsRangeM()` method, like LayerChoiceSpace, is asked instead when this is absent). Without
   * either, a limit below every cell is found by rejection sampling, which gives up with an Error
   * after MAX_REJECTIONS draws in a row (see FlopsGate.drawFeasible).
   */
  readonly minFlopsM?: number;
}

/** A validated, finite limit: F, τ and the largest FLOPs a query may have (F + τ). */
export interface ResolvedFlopsLimit {
  readonly limitM: number;
  readonly toleranceM: number;
  /** F + τ: the feasibility bound. */
  readonly maxM: number;
  readonly minFlopsM?: number;
}

/**
 * What a limited search turned away, JSON-serialisable (read it from the algorithm after `runSearch`).
 * `checked[origin]` candidates were tested against F + τ, `discarded[origin]` of them were above it
 * and were never proposed to the session (so never charged, never in the query log).
 */
export interface FlopsLimitStats {
  readonly limitM: number;
  readonly toleranceM: number;
  readonly checked: Readonly<Record<string, number>>;
  readonly discarded: Readonly<Record<string, number>>;
  /** Other counts of the algorithm (the controller search: dense-sampling draws by region). */
  readonly counts: Readonly<Record<string, number>>;
}

/** A search algorithm that can run under a FLOPs limit and report what the limit turned away. */
export interface FlopsLimitedSearch extends SearchAlgorithm {
  /** Counts of the latest run (fresh for each run); null when the algorithm has no (finite) limit or has not run yet. */
  flopsStats(): FlopsLimitStats | null;
}

/** A space that knows its FLOPs range exactly (LayerChoiceSpace.flopsRangeM). */
interface WithFlopsRange {
  flopsRangeM(): { min: number; max: number };
}

/** Consecutive infeasible draws before rejection sampling gives up (a limit below nearly every cell). */
export const MAX_REJECTIONS = 100_000;

/**
 * Validate a limit option. `undefined` and `limitM = +Infinity` both mean "no limit" (null), so a
 * run with either is the unconstrained run, bit for bit.
 * @throws RangeError when limitM is not > 0 (NaN, ≤ 0, −Infinity), toleranceM is not a finite
 *   number ≥ 0, or minFlopsM is not finite.
 */
export function resolveFlopsLimit(limit: FlopsLimit | undefined): ResolvedFlopsLimit | null {
  if (limit === undefined) return null;
  const { limitM } = limit;
  const toleranceM = limit.toleranceM ?? 0;
  if (!(limitM > 0)) throw new RangeError(`flopsLimit.limitM must be > 0 (millions of FLOPs) or Infinity: got ${limitM}`);
  if (!(Number.isFinite(toleranceM) && toleranceM >= 0)) throw new RangeError(`flopsLimit.toleranceM (τ) must be a finite number ≥ 0: got ${toleranceM}`);
  if (limit.minFlopsM !== undefined && !Number.isFinite(limit.minFlopsM)) throw new RangeError(`flopsLimit.minFlopsM must be finite: got ${limit.minFlopsM}`);
  if (limitM === Infinity) return null;
  return { limitM, toleranceM, maxM: limitM + toleranceM, ...(limit.minFlopsM === undefined ? {} : { minFlopsM: limit.minFlopsM }) };
}

/** The limit as algorithms record it in their settings (JSON: F and τ only). */
export function limitSettings(limit: ResolvedFlopsLimit): { limitM: number; toleranceM: number } {
  return { limitM: limit.limitM, toleranceM: limit.toleranceM };
}

/**
 * The safety bound: a limit no cell can meet is an error, not an endless search.
 * The minimum comes from `limit.minFlopsM`, else the space's `flopsRangeM()` when it has one;
 * with neither, nothing is checked here (rejection sampling then fails after MAX_REJECTIONS draws).
 * @throws RangeError when F + τ is below the space's minimum FLOPs, naming F, τ and the minimum.
 */
export function checkLimitReachable<C>(space: SearchSpace<C>, limit: ResolvedFlopsLimit): void {
  const ranged = space as SearchSpace<C> & Partial<WithFlopsRange>;
  const minM = limit.minFlopsM ?? (typeof ranged.flopsRangeM === 'function' ? ranged.flopsRangeM().min : undefined);
  if (minM !== undefined && limit.maxM < minM) {
    throw new RangeError(
      `FLOPs limit ${limit.limitM}M (+ tolerance τ = ${limit.toleranceM}M) is below the minimum FLOPs of search space '${space.name}': ${minM}M; no cell can be queried`,
    );
  }
}

/**
 * The feasibility test FLOPs(x) ≤ F + τ of one run, counting every candidate it sees by origin.
 * FLOPs are exact and free (the space computes them), so a limited search checks before it queries.
 */
export class FlopsGate<C> {
  private readonly checked: Record<string, number> = {};
  private readonly discarded: Record<string, number> = {};
  private readonly counts: Record<string, number> = {};

  constructor(readonly space: SearchSpace<C>, readonly limit: ResolvedFlopsLimit) {}

  /** True when the cell is within F + τ; counts it as checked (and discarded when not) under `origin`. */
  admits(cell: C, origin: string): boolean {
    this.checked[origin] = (this.checked[origin] ?? 0) + 1;
    if (this.space.flopsM(cell) <= this.limit.maxM) return true;
    this.discarded[origin] = (this.discarded[origin] ?? 0) + 1;
    return false;
  }

  /**
   * Rejection sampling: call `draw` until a cell within F + τ comes out (every draw counted under `origin`).
   * @throws Error after MAX_REJECTIONS infeasible draws in a row, naming the limit and the smallest FLOPs drawn.
   */
  drawFeasible(draw: () => C, origin: string): C {
    let smallest = Infinity;
    for (let i = 0; i < MAX_REJECTIONS; i++) {
      const cell = draw();
      if (this.admits(cell, origin)) return cell;
      smallest = Math.min(smallest, this.space.flopsM(cell));
    }
    throw new Error(
      `no cell within the FLOPs limit ${this.limit.limitM}M (+ τ = ${this.limit.toleranceM}M) in ${MAX_REJECTIONS} draws in a row ` +
        `(${origin}); the smallest drawn had ${smallest}M`,
    );
  }

  /** Add `n` to a free-form count (e.g. dense-sampling draws from the edge region). */
  count(name: string, n: number): void {
    this.counts[name] = (this.counts[name] ?? 0) + n;
  }

  /** A JSON-serialisable copy of the counts so far. */
  stats(): FlopsLimitStats {
    return { ...limitSettings(this.limit), checked: { ...this.checked }, discarded: { ...this.discarded }, counts: { ...this.counts } };
  }

  /** Put back the counts of `stats()` (a resumed search's). */
  restoreCounts(stats: Pick<FlopsLimitStats, 'checked' | 'discarded' | 'counts'>): void {
    Object.assign(this.checked, stats.checked);
    Object.assign(this.discarded, stats.discarded);
    Object.assign(this.counts, stats.counts);
  }
}

/** One labelled cell as the edge selection sees it. */
export interface EdgeCandidate<T> {
  readonly item: T;
  readonly flopsM: number;
  readonly accuracy: number;
}

/**
 * The cells that span DNAS's FLOPs-edge region (§Dense-Sampling step 3: "dense-sampling in the
 * edge area that meets the FLOPS limit"; the paper gives no rule, this is ours): among the
 * feasible candidates (FLOPs ≤ F + τ), those in the band [F − δ, F + τ]; when fewer than `k` lie
 * in the band, the `k` feasible ones with the largest FLOPs (closest below the limit) instead.
 * Of these, the top `k` by accuracy, best first.
 * @param bandM δ in millions of FLOPs (≥ 0).
 * @returns up to k items; empty when no candidate is feasible.
 * @throws RangeError when k is not a positive integer or δ is negative or not finite.
 */
export function edgeSelection<T>(candidates: readonly EdgeCandidate<T>[], limit: ResolvedFlopsLimit, bandM: number, k: number): T[] {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`edge top-k must be a positive integer: got ${k}`);
  if (!(Number.isFinite(bandM) && bandM >= 0)) throw new RangeError(`edge band δ must be a finite number ≥ 0 (millions of FLOPs): got ${bandM}`);
  const feasible = candidates.filter((c) => c.flopsM <= limit.maxM);
  let band = feasible.filter((c) => c.flopsM >= limit.limitM - bandM);
  if (band.length < k) band = [...feasible].sort((a, b) => b.flopsM - a.flopsM).slice(0, k);
  return [...band].sort((a, b) => b.accuracy - a.accuracy).slice(0, k).map((c) => c.item);
}
