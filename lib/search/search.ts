// The search harness every algorithm runs in: a session that spends an exact budget of distinct
// in-domain queries, counts free proposals and records the best-so-far trajectory.
// It never names a search space or an algorithm; spaces and benchmarks come in from outside.
import type { BenchmarkRecord, BestSoFar, LookupAnswer, QueryOptions } from '../benchmarks/tabular';
import type { Rng } from '../random';
import type { SearchSpace } from '../spaces/search-space';
import { badSnapshotBudgets, type BudgetSnapshot, type BudgetSnapshots } from './budget-snapshot';
import { CHECKPOINT_EVERY_MS, SEARCH_CHECKPOINT_VERSION, type SearchCheckpoints } from './search-checkpoint';
import type { TrainingMemo } from './training-memo';

/**
 * What a search needs from a benchmark (`TabularBenchmark` satisfies it). Its own budget must
 * leave room for the search's budget; distinct-cell accounting is the benchmark's.
 */
export interface SearchBenchmark<C, R extends BenchmarkRecord = BenchmarkRecord> {
  readonly name: string;
  /** Cells in the table. */
  readonly size: number;
  readonly remaining: number;
  readonly queriedCount: number;
  readonly outOfDomainCount: number;
  readonly bestSoFar: BestSoFar<R> | null;
  readonly dataChecksum?: string;
  /** A query that answers 'out-of-domain' instead of throwing (free, counted); @throws BudgetExceededError. */
  lookup(cell: C, options?: QueryOptions): LookupAnswer<R>;
  /**
   * Charge again, without a log row, a cell a resumed run had queried before it was stopped.
   * @throws Error when the cell is not in the table or already charged.
   */
  recall(cell: C): R;
}

/** Everything an algorithm is given. */
export interface SearchContext<C, R extends BenchmarkRecord = BenchmarkRecord> {
  readonly space: SearchSpace<C>;
  readonly benchmark: SearchBenchmark<C, R>;
  /** The run's only source of randomness (fork it per component). */
  readonly rng: Rng;
  /** Distinct in-domain cells to query (the search cost of NAS-Bench-101, Ying et al. 2019 §5). */
  readonly budget: number;
  /** Aborts the search at its next proposal (the runner uses it to simulate a kill). */
  readonly signal?: AbortSignal;
  /**
   * Cells with known accuracy for diagnostics only (see `SearchSession.probe`); never charged, never a
   * decision input. A function, called on first use: searches without a model never pay for building them.
   */
  readonly probe?: () => ProbeSet<C>;
  /** Where round-boundary checkpoints go and a resumed run's comes from (search-checkpoint.ts); absent: none. */
  readonly checkpoints?: SearchCheckpoints;
  /**
   * Smaller budgets to take as snapshots of this run (budget-snapshot.ts); only an `anytime`
   * algorithm may be given them. Absent: none.
   */
  readonly snapshots?: BudgetSnapshots;
  /** Training states shared with other searches of the same grid (training-memo.ts); absent: none. */
  readonly memo?: TrainingMemo;
}

/**
 * Labelled cells an algorithm may score its own model on, to report how good the model is (e.g. a
 * predictor's Kendall τ after each iteration). They are the runner's fixed draw from the table, the
 * same for every seed; using them to choose what to query would leak the table, so no algorithm does.
 */
export interface ProbeSet<C> {
  readonly cells: readonly C[];
  /** Search accuracy of each cell (fractions of 1). */
  readonly accuracy: readonly number[];
}

/** Harness settings. */
export interface SearchSessionOptions {
  /**
   * Give up after this many consecutive proposals that bring no new in-domain cell (out of
   * domain or repeats). Default 100,000: with 7.1% of NAS-Bench-101 in the 30k table a uniform
   * proposal misses with p ≈ 0.93, and 0.93^100000 ≈ 0, so only a real dead end trips it.
   */
  readonly maxFreeStreak?: number;
  /** Source tag written to the query log (default: the algorithm's name). */
  readonly source?: string;
}

/** What one proposal came to. */
export type Proposal<R extends BenchmarkRecord = BenchmarkRecord> =
  | { readonly outcome: 'new' | 'repeat'; readonly key: string; readonly record: R }
  | { readonly outcome: 'out-of-domain'; readonly key: string };

/** A cell the search has paid for, in query order. */
export interface Evaluated<C, R extends BenchmarkRecord = BenchmarkRecord> {
  readonly cell: C;
  readonly key: string;
  readonly record: R;
}

/** The outcome of one search run; JSON-serialisable and free of timings (so reruns compare equal). */
export interface SearchResult {
  readonly algorithm: string;
  readonly budget: number;
  /** Distinct in-domain cells queried (= budget for a finished run). */
  readonly queried: number;
  /**
   * The cell the search picks: best by search accuracy (the first of ties, fractions of 1), with
   * the table's report accuracy of that cell when the table has one; null when nothing was queried.
   */
  readonly best: { readonly key: string; readonly searchAccuracy: number; readonly reportAccuracy?: number } | null;
  /** Best search accuracy after the 1st, 2nd, … distinct query (length `queried`). */
  readonly trajectory: readonly number[];
  /** Search accuracy of each distinct queried cell, in query order (length `queried`; top-k averages). */
  readonly accuracies: readonly number[];
  /** Every proposal made: new + repeats + out of domain. */
  readonly proposals: number;
  /** Proposals outside the table: free, counted (the 30k table covers 7.1% of NAS-Bench-101). */
  readonly outOfDomain: number;
  /** Proposals of cells already queried: free. */
  readonly repeats: number;
  /**
   * Distinct queried cells by where the algorithm says they came from (`propose`'s `origin`,
   * e.g. 'initial', 'latent', 'top-up'; 'main' when it names none). Sums to `queried`.
   */
  readonly queriedByOrigin: Readonly<Record<string, number>>;
  /**
   * What the algorithm reports about its own workings (JSON values by name, e.g. a controller
   * search's η histogram and per-iteration predictor scores); absent when it reports nothing.
   */
  readonly diagnostics?: Readonly<Record<string, unknown>>;
}

/** A search algorithm: spends `session` until `session.done`; never names a space. */
export interface SearchAlgorithm {
  /** Short name (`random`, `re`, …): the log's source tag and the results folder prefix. */
  readonly name: string;
  /** Its settings, with defaults filled in, for manifests. */
  readonly settings: Readonly<Record<string, unknown>>;
  /** The TF.js backend it computed on, for manifests; absent for algorithms without TF.js. */
  backend?(): string | null;
  /**
   * True when its proposals never depend on the budget, so that a run at budget b is the start of a
   * run at any larger budget and its result a snapshot of that run (budget-snapshot.ts). An anytime
   * algorithm that reports diagnostics keeps them current through `SearchSession.onSnapshot`.
   */
  readonly anytime?: boolean;
  /**
   * For a search that can take its first training from a TrainingMemo (training-memo.ts): what that
   * training depends on besides the budget and the seed. Runs of a grid with equal values at the
   * same budget are offered a shared memo; absent: the search never uses one.
   */
  readonly sharedTraining?: string;
  run<C>(session: SearchSession<C>): void | Promise<void>;
}

/** Thrown when a search keeps proposing cells that bring nothing new (see maxFreeStreak). */
export class SearchStalledError extends Error {
  override name = 'SearchStalledError';
}

/**
 * One search run's accounting: wraps the benchmark so algorithms only propose cells.
 * Out-of-domain proposals are caught, counted and cost nothing; repeats are free.
 */
export class SearchSession<C, R extends BenchmarkRecord = BenchmarkRecord> {
  readonly space: SearchSpace<C>;
  readonly rng: Rng;
  readonly budget: number;
  /** The grid's shared training states, or null (SearchContext.memo). */
  readonly memo: TrainingMemo | null;
  private readonly probeSource: (() => ProbeSet<C>) | null;
  private probeCells: ProbeSet<C> | null = null;
  private readonly checkpoints: SearchCheckpoints | null;
  private readonly snapshots: BudgetSnapshots | null;
  /** Snapshot budgets not yet reached, increasing. */
  private readonly pendingSnapshots: number[];
  private beforeSnapshot: (() => void) | null = null;
  private lastCheckpointMs = performance.now();
  private readonly benchmark: SearchBenchmark<C, R>;
  private readonly signal?: AbortSignal;
  private readonly maxFreeStreak: number;
  private readonly source: string;
  private readonly evaluated: Evaluated<C, R>[] = [];
  private readonly byOrigin: Record<string, number> = {};
  private readonly curve: number[] = [];
  private readonly notes: Record<string, unknown> = {};
  private proposalCount = 0;
  private outOfDomainCount = 0;
  private repeatCount = 0;
  private freeStreak = 0;

  /**
   * @throws RangeError when the budget is not a positive integer, exceeds the table, or exceeds
   *   what the benchmark still allows; or when maxFreeStreak is not a positive integer.
   */
  constructor(context: SearchContext<C, R>, options: SearchSessionOptions = {}) {
    checkBudget(context.budget, context.benchmark);
    this.maxFreeStreak = options.maxFreeStreak ?? 100_000;
    if (!Number.isInteger(this.maxFreeStreak) || this.maxFreeStreak < 1) {
      throw new RangeError(`maxFreeStreak must be a positive integer: got ${this.maxFreeStreak}`);
    }
    this.space = context.space;
    this.rng = context.rng;
    this.budget = context.budget;
    this.benchmark = context.benchmark;
    this.signal = context.signal;
    this.source = options.source ?? '';
    this.memo = context.memo ?? null;
    this.probeSource = context.probe ?? null;
    this.checkpoints = context.checkpoints ?? null;
    this.snapshots = context.snapshots ?? null;
    const budgets = this.snapshots?.budgets ?? [];
    const bad = badSnapshotBudgets(budgets, this.budget);
    if (bad !== null) throw new RangeError(bad);
    this.pendingSnapshots = [...budgets].sort((a, b) => a - b);
  }

  /**
   * Register what the algorithm does before a snapshot is taken: write its diagnostics as they stand
   * (a run at the snapshot's budget would write them as it ends). Snapshots are taken at the first
   * `propose` or `checkpoint` after the budget is reached, so the algorithm's bookkeeping for the
   * last proposal is done by then.
   */
  onSnapshot(flush: () => void): void {
    this.beforeSnapshot = flush;
  }

  /**
   * Save a checkpoint at a round boundary: the session's accounting and the algorithm's `state`
   * (a JSON value holding all the algorithm carries into the next round). A resumed run given it
   * goes on from here and must end exactly as an uninterrupted one. No-op without a checkpoint store.
   */
  checkpoint(state: unknown): void {
    this.takeDueSnapshot();
    if (this.checkpoints === null) return;
    this.lastCheckpointMs = performance.now();
    this.checkpoints.save({
      version: SEARCH_CHECKPOINT_VERSION,
      algorithm: this.source,
      proposals: this.proposalCount,
      queried: this.evaluated.map((e) => ({ tokens: this.space.encode(e.cell), key: e.key })),
      outOfDomain: this.outOfDomainCount,
      repeats: this.repeatCount,
      freeStreak: this.freeStreak,
      byOrigin: { ...this.byOrigin },
      notes: structuredClone(this.notes),
      state: JSON.parse(JSON.stringify(state)) as unknown,
    });
  }

  /**
   * For a search without rounds: true when a checkpoint store is attached and its interval
   * (SearchCheckpoints.everyMs) has passed since the last checkpoint or the start.
   */
  get checkpointDue(): boolean {
    return this.checkpoints !== null && performance.now() - this.lastCheckpointMs >= (this.checkpoints.everyMs ?? CHECKPOINT_EVERY_MS);
  }

  /**
   * The algorithm's state of the checkpoint this run resumes from, with the session (and the
   * benchmark's charges) put back as they were then; null for a fresh run. Call it first, before
   * any proposal.
   * @throws Error when called after a proposal, or when a checkpoint cell does not decode to its key.
   */
  resume<S>(): S | null {
    const from = this.checkpoints?.resumeFrom ?? null;
    if (from === null) return null;
    if (this.proposalCount > 0) throw new Error(`resume() must come before the first proposal (${this.proposalCount} made)`);
    for (const { tokens, key } of from.queried) {
      const cell = this.space.decode(tokens);
      if (cell === null || this.space.key(cell) !== key) throw new Error(`checkpoint cell ${key} decodes to ${cell === null ? 'no valid cell' : this.space.key(cell)}`);
      this.charge(cell, key, this.benchmark.recall(cell));
    }
    this.proposalCount = from.proposals;
    this.outOfDomainCount = from.outOfDomain;
    this.repeatCount = from.repeats;
    this.freeStreak = from.freeStreak;
    Object.assign(this.byOrigin, from.byOrigin);
    Object.assign(this.notes, structuredClone(from.notes));
    // Budgets the checkpoint is past cannot be snapshotted any more (the runner runs them on their own).
    while (this.pendingSnapshots.length > 0 && this.pendingSnapshots[0] < this.evaluated.length) this.pendingSnapshots.shift();
    this.checkpoints!.resumed(from);
    return from.state as S;
  }

  /** The runner's diagnostic cells (see ProbeSet), built on first use; null when none were given. */
  get probe(): ProbeSet<C> | null {
    if (this.probeSource !== null && this.probeCells === null) this.probeCells = this.probeSource();
    return this.probeCells;
  }

  /**
   * Record a diagnostic under `name` (a JSON value; a later call with the same name replaces it).
   * It ends up in the result's `diagnostics`.
   * @throws RangeError when the value does not survive JSON (undefined, a function, a non-finite number).
   */
  diagnose(name: string, value: unknown): void {
    const json = JSON.stringify(value, (_k, v: unknown) => {
      if (typeof v === 'number' && !Number.isFinite(v)) throw new RangeError(`diagnostic '${name}' holds a non-finite number: ${v}`);
      return v;
    });
    if (json === undefined) throw new RangeError(`diagnostic '${name}' is not a JSON value: got ${typeof value}`);
    this.notes[name] = JSON.parse(json);
  }

  /** True once `budget` distinct in-domain cells have been queried. */
  get done(): boolean {
    return this.evaluated.length >= this.budget;
  }

  /** Distinct queries left. */
  get remaining(): number {
    return this.budget - this.evaluated.length;
  }

  /** The cells paid for so far, in query order (the labelled set of model-based searches). */
  get history(): readonly Evaluated<C, R>[] {
    return this.evaluated;
  }

  /**
   * Query one cell. Out of domain → counted, logged by the benchmark, returned (never thrown).
   * @param options.predicted the algorithm's own prediction, logged beside the truth.
   * @throws Error when the session is already done (a bug in the algorithm's loop);
   *   the signal's reason when aborted; SearchStalledError after maxFreeStreak free proposals in a row.
   */
  propose(cell: C, options: Omit<QueryOptions, 'source'> & { readonly origin?: string } = {}): Proposal<R> {
    this.signal?.throwIfAborted();
    this.takeDueSnapshot();
    if (this.done) throw new Error(`search budget spent: ${this.evaluated.length} of ${this.budget} distinct cells queried; stop proposing`);
    this.proposalCount++;
    // The log's source names the algorithm and, when given, the origin: 'dnas:latent', 'dnas:top-up'.
    const { origin, ...query } = options;
    const answer = this.benchmark.lookup(cell, { ...query, source: origin === undefined ? this.source : `${this.source}:${origin}` });
    if (answer.outcome === 'out-of-domain') {
      this.outOfDomainCount++;
      this.countFree();
      return { outcome: 'out-of-domain', key: answer.key };
    }
    const key = this.space.key(cell);
    const record = answer.record;
    if (answer.outcome === 'repeat') {
      this.repeatCount++;
      this.countFree();
      return { outcome: 'repeat', key, record };
    }
    this.freeStreak = 0;
    this.charge(cell, key, record);
    const tag = origin ?? 'main';
    this.byOrigin[tag] = (this.byOrigin[tag] ?? 0) + 1;
    return { outcome: 'new', key, record };
  }

  /** A distinct cell paid for (or recalled on resume): the history and the best-so-far curve grow by one. */
  private charge(cell: C, key: string, record: R): void {
    this.evaluated.push({ cell, key, record });
    const previous = this.curve.length > 0 ? this.curve[this.curve.length - 1] : -Infinity;
    this.curve.push(Math.max(previous, record.searchAccuracy));
  }

  /** The run so far as a SearchResult (call it when `done`). */
  result(algorithm: string): SearchResult {
    return this.resultAt(algorithm, this.budget);
  }

  /** The snapshot due now, if a snapshot budget was just reached; budgets passed over (a resume beyond them) are dropped. */
  private takeDueSnapshot(): void {
    const budget = this.pendingSnapshots[0];
    if (budget === undefined || budget > this.evaluated.length) return;
    this.pendingSnapshots.shift();
    if (budget < this.evaluated.length) return;
    this.beforeSnapshot?.();
    this.snapshots!.take({ budget, result: this.resultAt(this.source, budget), rows: this.proposalCount });
  }

  private resultAt(algorithm: string, budget: number): SearchResult {
    let best: Evaluated<C, R> | null = null;
    for (const e of this.evaluated) if (best === null || e.record.searchAccuracy > best.record.searchAccuracy) best = e;
    return {
      algorithm,
      budget,
      queried: this.evaluated.length,
      best: best === null ? null : pickedCell(best),
      trajectory: this.curve.slice(),
      accuracies: this.evaluated.map((e) => e.record.searchAccuracy),
      proposals: this.proposalCount,
      outOfDomain: this.outOfDomainCount,
      repeats: this.repeatCount,
      queriedByOrigin: { ...this.byOrigin },
      ...(Object.keys(this.notes).length > 0 ? { diagnostics: structuredClone(this.notes) } : {}),
    };
  }

  private countFree(): void {
    this.freeStreak++;
    if (this.freeStreak >= this.maxFreeStreak) {
      throw new SearchStalledError(
        `search stalled: ${this.freeStreak} consecutive proposals brought no new in-domain cell (limit ${this.maxFreeStreak}; ` +
          `${this.outOfDomainCount} out of domain and ${this.repeatCount} repeats in all); ${this.evaluated.length} of ${this.budget} ` +
          `distinct cells queried on ${this.benchmark.name} (${this.benchmark.size} cells)`,
      );
    }
  }
}

/**
 * Run an algorithm to the end of its budget and return its result.
 * @throws what the session or algorithm throws; Error when the algorithm returns before
 *   spending the budget (every algorithm here must spend it exactly).
 */
export async function runSearch<C, R extends BenchmarkRecord>(
  algorithm: SearchAlgorithm,
  context: SearchContext<C, R>,
  options: SearchSessionOptions = {},
): Promise<SearchResult> {
  if (context.snapshots !== undefined && context.snapshots.budgets.length > 0 && algorithm.anytime !== true) {
    throw new Error(`${algorithm.name} is not an anytime search (its proposals depend on the budget): it cannot give snapshots at budgets ${context.snapshots.budgets.join(', ')}`);
  }
  // A snapshot names the algorithm as result() does, whatever the log's source tag.
  const snapshots = context.snapshots === undefined ? undefined : { budgets: context.snapshots.budgets, take: (s: BudgetSnapshot) => context.snapshots!.take({ ...s, result: { ...s.result, algorithm: algorithm.name } }) };
  const session = new SearchSession<C, R>({ ...context, snapshots }, { source: algorithm.name, ...options });
  await algorithm.run(session);
  if (!session.done) {
    throw new Error(`${algorithm.name} returned after ${session.history.length} of ${session.budget} distinct queries (it must spend the budget)`);
  }
  return session.result(algorithm.name);
}

function checkBudget<C, R extends BenchmarkRecord>(budget: number, benchmark: SearchBenchmark<C, R>): void {
  if (!Number.isInteger(budget) || budget < 1) throw new RangeError(`search budget must be a positive integer (distinct cells): got ${budget}`);
  if (budget > benchmark.size) throw new RangeError(`search budget ${budget} exceeds the table ${benchmark.name} (${benchmark.size} cells)`);
  if (budget > benchmark.remaining) {
    throw new RangeError(`search budget ${budget} exceeds what ${benchmark.name} still allows (${benchmark.remaining} distinct cells)`);
  }
}

/** What a result says of its best cell: key, search accuracy and (when the table has it) report accuracy. */
function pickedCell(best: Evaluated<unknown>): NonNullable<SearchResult['best']> {
  const { searchAccuracy, reportAccuracy } = best.record;
  return reportAccuracy === undefined ? { key: best.key, searchAccuracy } : { key: best.key, searchAccuracy, reportAccuracy };
}
