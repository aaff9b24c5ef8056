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
  /**
   * The lower end of a FLOPs band (DNAS Table 2's bands, e.g. 550M ≤ FLOPs < 600M): only cells
   * with FLOPs strictly above it are queried, so adjacent bands (this one's `aboveM` = the band
   * below's `limitM`) never share a cell. Absent: no lower end (Eq 6 alone). Must be < limitM.
   */
  readonly aboveM?: number;
}

/** A validated, finite limit: F, τ and the largest FLOPs a query may have (F + τ). */
export interface ResolvedFlopsLimit {
  readonly limitM: number;
  readonly toleranceM: number;
  /** F + τ: the feasibility bound. */
  readonly maxM: number;
  readonly minFlopsM?: number;
  /** A band's lower end: feasible cells have FLOPs > aboveM (absent: no lower end). */
  readonly aboveM?: number;
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

/** A space that knows its FLOPs range exactly (LayerChoiceSpace.flopsRangeM, the NAS-Bench-201 space). */
interface WithFlopsRange {
  flopsRangeM(): { min: number; max: number };
}

/** Consecutive infeasible draws before rejection sampling gives up (a limit below nearly every cell). */
export const MAX_REJECTIONS = 100_000;

/**
 * Validate a limit option. `undefined` and `limitM = +Infinity` both mean "no limit" (null), so a
 * run with either is the unconstrained run, bit for bit.
 * @throws RangeError when limitM is not > 0 (NaN, ≤ 0, −Infinity), toleranceM is not a finite
 *   number ≥ 0, minFlopsM is not finite, or aboveM is not a finite number ≥ 0 below a finite limitM
 *   (a band needs both ends).
 */
export function resolveFlopsLimit(limit: FlopsLimit | undefined): ResolvedFlopsLimit | null {
  if (limit === undefined) return null;
  const { limitM } = limit;
  const toleranceM = limit.toleranceM ?? 0;
  if (!(limitM > 0)) throw new RangeError(`flopsLimit.limitM must be > 0 (millions of FLOPs) or Infinity: got ${limitM}`);
  if (!(Number.isFinite(toleranceM) && toleranceM >= 0)) throw new RangeError(`flopsLimit.toleranceM (τ) must be a finite number ≥ 0: got ${toleranceM}`);
  if (limit.minFlopsM !== undefined && !Number.isFinite(limit.minFlopsM)) throw new RangeError(`flopsLimit.minFlopsM must be finite: got ${limit.minFlopsM}`);
  const { aboveM } = limit;
  if (aboveM !== undefined) {
    if (limitM === Infinity) throw new RangeError(`flopsLimit.aboveM = ${aboveM}M is a band's lower end: it needs a finite limitM (the band's upper end): got Infinity`);
    if (!(Number.isFinite(aboveM) && aboveM >= 0 && aboveM < limitM)) throw new RangeError(`flopsLimit.aboveM must be a finite number in [0, limitM = ${limitM}M): got ${aboveM}`);
  }
  if (limitM === Infinity) return null;
  return { limitM, toleranceM, maxM: limitM + toleranceM, ...(limit.minFlopsM === undefined ? {} : { minFlopsM: limit.minFlopsM }), ...(aboveM === undefined ? {} : { aboveM }) };
}

/** The limit as algorithms record it in their settings (JSON: F and τ, and the lower end where there is one). */
export function limitSettings(limit: ResolvedFlopsLimit): { limitM: number; toleranceM: number; aboveM?: number } {
  return { limitM: limit.limitM, toleranceM: limit.toleranceM, ...(limit.aboveM === undefined ? {} : { aboveM: limit.aboveM }) };
}

/** Whether FLOPs `flopsM` meet the limit: ≤ F + τ, and > aboveM where the limit has a lower end. */
export function withinLimit(limit: ResolvedFlopsLimit, flopsM: number): boolean {
  return flopsM <= limit.maxM && (limit.aboveM === undefined || flopsM > limit.aboveM);
}

/** The limit in words for messages, e.g. `550M (+ τ = 0M)` or `(500M, 550M (+ τ = 0M)]`. */
function describeLimit(limit: ResolvedFlopsLimit): string {
  const upper = `${limit.limitM}M (+ τ = ${limit.toleranceM}M)`;
  return limit.aboveM === undefined ? `the FLOPs limit ${upper}` : `the FLOPs band (${limit.aboveM}M, ${upper}]`;
}

/**
 * The safety bound: a limit no cell can meet is an error, not an endless search.
 * The minimum comes from `limit.minFlopsM`, else the space's `flopsRangeM()` when it has one;
 * with neither, nothing is checked here (rejection sampling then fails after MAX_REJECTIONS draws).
 * A band's lower end is checked against the space's maximum the same way (flopsRangeM only).
 * @throws RangeError when F + τ is below the space's minimum FLOPs, naming F, τ and the minimum, or
 *   when the lower end aboveM is at or above the space's maximum, naming both.
 */
export function checkLimitReachable<C>(space: SearchSpace<C>, limit: ResolvedFlopsLimit): void {
  const ranged = space as SearchSpace<C> & Partial<WithFlopsRange>;
  const range = typeof ranged.flopsRangeM === 'function' ? ranged.flopsRangeM() : undefined;
  const minM = limit.minFlopsM ?? range?.min;
  if (minM !== undefined && limit.maxM < minM) {
    throw new RangeError(
      `FLOPs limit ${limit.limitM}M (+ tolerance τ = ${limit.toleranceM}M) is below the minimum FLOPs of search space '${space.name}': ${minM}M; no cell can be queried`,
    );
  }
  if (range !== undefined && limit.aboveM !== undefined && limit.aboveM >= range.max) {
    throw new RangeError(`FLOPs band's lower end ${limit.aboveM}M is at or above the maximum FLOPs of search space '${space.name}': ${range.max}M; no cell can be queried`);
  }
}

/**
 * The feasibility test of one run, FLOPs(x) ≤ F + τ (and FLOPs(x) > aboveM for a band), counting
 * every candidate it sees by origin.
 * FLOPs are exact and free (the space computes them), so a limited search checks before it queries.
 */
export class FlopsGate<C> {
  private readonly checked: Record<string, number> = {};
  private readonly discarded: Record<string, number> = {};
  private readonly counts: Record<string, number> = {};

  constructor(readonly space: SearchSpace<C>, readonly limit: ResolvedFlopsLimit) {}

  /** True when the cell meets the limit (`withinLimit`); counts it as checked (and discarded when not) under `origin`. */
  admits(cell: C, origin: string): boolean {
    this.checked[origin] = (this.checked[origin] ?? 0) + 1;
    if (withinLimit(this.limit, this.space.flopsM(cell))) return true;
    this.discarded[origin] = (this.discarded[origin] ?? 0) + 1;
    return false;
  }

  /**
   * Rejection sampling: call `draw` until a cell that meets the limit comes out (every draw counted under `origin`).
   * @throws Error after MAX_REJECTIONS infeasible draws in a row, naming the limit and the smallest
   *   (and, for a band, the largest) FLOPs drawn.
   */
  drawFeasible(draw: () => C, origin: string): C {
    let smallest = Infinity;
    let largest = -Infinity;
    for (let i = 0; i < MAX_REJECTIONS; i++) {
      const cell = draw();
      if (this.admits(cell, origin)) return cell;
      const flops = this.space.flopsM(cell);
      smallest = Math.min(smallest, flops);
      largest = Math.max(largest, flops);
    }
    throw new Error(
      `no cell within ${describeLimit(this.limit)} in ${MAX_REJECTIONS} draws in a row (${origin}); ` +
        `the smallest drawn had ${smallest}M${this.limit.aboveM === undefined ? '' : `, the largest ${largest}M`}`,
    );
  }

  /** The limit in words (for messages of the algorithms that use the gate). */
  describe(): string {
    return describeLimit(this.limit);
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
 * feasible candidates (`withinLimit`), those in the band [F − δ, F + τ]; when fewer than `k` lie
 * in the band, the `k` feasible ones with the largest FLOPs (closest below the limit) instead.
 * Of these, the top `k` by accuracy, best first.
 * @param bandM δ in millions of FLOPs (≥ 0).
 * @returns up to k items; empty when no candidate is feasible.
 * @throws RangeError when k is not a positive integer or δ is negative or not finite.
 */
export function edgeSelection<T>(candidates: readonly EdgeCandidate<T>[], limit: ResolvedFlopsLimit, bandM: number, k: number): T[] {
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`edge top-k must be a positive integer: got ${k}`);
  if (!(Number.isFinite(bandM) && bandM >= 0)) throw new RangeError(`edge band δ must be a finite number ≥ 0 (millions of FLOPs): got ${bandM}`);
  const feasible = candidates.filter((c) => withinLimit(limit, c.flopsM));
  let band = feasible.filter((c) => c.flopsM >= limit.limitM - bandM);
  if (band.length < k) band = [...feasible].sort((a, b) => b.flopsM - a.flopsM).slice(0, k);
  return [...band].sort((a, b) => b.accuracy - a.accuracy).slice(0, k).map((c) => c.item);
}
