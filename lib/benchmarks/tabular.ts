// A space-agnostic tabular benchmark: look up a cell's recorded metrics, charge a budget of
// distinct cells, and report each query to a log. It never trains, validates cells or reads files.
import { BudgetExceededError, OutOfDomainError } from './errors';

/**
 * What a table holds for one cell. Accuracies are fractions of 1.
 * Two named fields say which metric does what: `searchAccuracy` is the signal a search sees and
 * ranks by, `reportAccuracy` the metric a report gives for the cell a search picked (NAS-Bench
 * protocol: search on validation, report test). Which source column each one is depends on the
 * table (the complete NAS-Bench-101 table has only test accuracy, so both are test accuracy there).
 * Optional fields are absent when the source lacks them.
 */
export interface BenchmarkRecord {
  /** The accuracy searches see and rank by: the problem's search metric. */
  readonly searchAccuracy: number;
  /** The accuracy reported for a picked cell (test accuracy), when the table has it. */
  readonly reportAccuracy?: number;
  /** Validation accuracy at the benchmark's full budget (NAS-Bench-101: 108 epochs), when the source has it. */
  readonly valAccuracy?: number;
  /** Validation accuracy per training budget in epochs (NAS-Bench-101: 4, 12, 36, 108). */
  readonly valAccuracyByEpochs?: Readonly<Record<number, number>>;
  /** Test accuracy at the full budget, when the source has it. */
  readonly testAccuracy?: number;
  /** Trainable parameters of the whole network. */
  readonly params?: number;
  /** FLOPs of the whole network, in millions. */
  readonly flopsM?: number;
  /** Training time at the full budget, in seconds. */
  readonly trainingTimeS?: number;
}

/** How a query went: a newly charged cell, a free repeat, or a key the table lacks. */
export type QueryOutcome = 'new' | 'repeat' | 'out-of-domain';

/** What `lookup` answers: the outcome, the cell's key, and its record unless out of domain. */
export type LookupAnswer<R> =
  | { readonly outcome: 'new' | 'repeat'; readonly key: string; readonly record: R }
  | { readonly outcome: 'out-of-domain'; readonly key: string };

/** One query as the benchmark reports it; the log adds its index and time. */
export interface QueryEvent {
  /** The table key of the queried cell (NAS-Bench-101: its graph hash). */
  readonly hash: string;
  /** Which sampler/algorithm asked (e.g. 'dnas', 'random'); '' when untagged. */
  readonly source: string;
  readonly outcome: QueryOutcome;
  readonly predictedAccuracy?: number;
  /** The table's search accuracy (`searchAccuracy`); absent for out-of-domain queries. */
  readonly trueAccuracy?: number;
  readonly predictedFlopsM?: number;
  readonly flopsM?: number;
}

/**
 * Anything that records queries. `QueryLog` (lib/report/query-log.ts) implements it; the
 * interface lives here so the benchmark never imports from the report floor above it.
 */
export interface QuerySink {
  append(event: QueryEvent): unknown;
}

/**
 * A table a benchmark can answer from: a `Map` of records, or a column-backed view that builds a
 * record on demand (the complete NAS-Bench-101 table: 423,624 cells in one Float32 column).
 */
export interface RecordTable<R> {
  get(key: string): R | undefined;
  readonly size: number;
}

/** Construction options of a `TabularBenchmark`. */
export interface TabularBenchmarkOptions<C, R extends BenchmarkRecord = BenchmarkRecord> {
  /** Shown in error messages and manifests, e.g. 'nasbench101-30k'. */
  readonly name: string;
  /** The table: key → record. Not copied; do not mutate it afterwards. */
  readonly records: RecordTable<R>;
  /** Cell → table key; validates the cell (throwing its own error) as the caller wishes. */
  readonly keyOf: (cell: C) => string;
  /** Distinct cells that may be queried (non-negative integer); omitted = unlimited. */
  readonly budget?: number;
  /** Receives every query, including free repeats and out-of-domain ones. */
  readonly log?: QuerySink;
  /** sha256 of the data file, recorded in run manifests. */
  readonly dataChecksum?: string;
  /** FLOPs (millions) of a key's cell for the log when its record has none (e.g. a cost model). */
  readonly flopsMOf?: (key: string) => number | undefined;
}

/** Per-query options. */
export interface QueryOptions {
  /** Sampler/algorithm tag stored in the log (default ''). */
  readonly source?: string;
  /** The asker's own prediction for this cell, logged next to the truth. */
  readonly predicted?: { readonly accuracy?: number; readonly flopsM?: number };
}

/** The best cell queried so far by search accuracy. */
export interface BestSoFar<R extends BenchmarkRecord = BenchmarkRecord> {
  readonly key: string;
  readonly record: R;
}

/**
 * A tabular benchmark with a budget of DISTINCT cells (NAS-Bench-101 protocol, Ying et al.
 * 2019 §5: search cost is the number of unique architectures queried). Re-querying is free
 * and returns the same record; a key missing from the table throws `OutOfDomainError`, costs
 * nothing and is counted in `outOfDomainCount`.
 * @typeParam C what a query names (a cell, a `{hash}`, …); `keyOf` turns it into a key.
 * @typeParam R the record type the table holds (e.g. Nasbench101CsvRecord).
 */
export class TabularBenchmark<C, R extends BenchmarkRecord = BenchmarkRecord> {
  readonly name: string;
  /** Distinct-cell budget; Infinity when none was given. */
  readonly budget: number;
  readonly dataChecksum?: string;
  private readonly records: RecordTable<R>;
  private readonly keyOf: (cell: C) => string;
  private readonly log?: QuerySink;
  private readonly flopsMOf?: (key: string) => number | undefined;
  private readonly queried = new Set<string>();
  private best: BestSoFar<R> | null = null;
  private outOfDomain = 0;

  /** @throws RangeError when `budget` is not a finite non-negative integer. */
  constructor(options: TabularBenchmarkOptions<C, R>) {
    const { budget } = options;
    if (budget !== undefined && !(Number.isInteger(budget) && budget >= 0)) {
      throw new RangeError(`budget must be a finite integer ≥ 0 (distinct cells), or omitted for no limit: got ${budget}`);
    }
    this.name = options.name;
    this.records = options.records;
    this.keyOf = options.keyOf;
    this.budget = budget ?? Infinity;
    this.log = options.log;
    this.dataChecksum = options.dataChecksum;
    this.flopsMOf = options.flopsMOf;
  }

  /**
   * Look a cell up. Order of checks: `keyOf` (its own errors propagate, nothing is counted),
   * repeat (free), table membership, budget.
   * @throws OutOfDomainError when the key is not in the table (free, counted, logged).
   * @throws BudgetExceededError when a new cell would exceed the budget (not logged: no query happened).
   */
  query(cell: C, options: QueryOptions = {}): R {
    const answer = this.lookup(cell, options);
    if (answer.outcome === 'out-of-domain') throw new OutOfDomainError(answer.key, this.name, this.records.size);
    return answer.record;
  }

  /**
   * `query` without the exception for a cell outside the table: the same checks, counts and log,
   * with the outcome returned. Searches that propose ~1M cells use this (an Error per
   * out-of-domain proposal, with its stack trace, cost ~6% of regularized evolution's time).
   * @throws BudgetExceededError when a new cell would exceed the budget (not logged).
   */
  lookup(cell: C, options: QueryOptions = {}): LookupAnswer<R> {
    const key = this.keyOf(cell);
    const record = this.records.get(key);
    if (record === undefined) {
      this.outOfDomain++;
      this.report(key, 'out-of-domain', undefined, options);
      return { outcome: 'out-of-domain', key };
    }
    if (this.queried.has(key)) {
      this.report(key, 'repeat', record, options);
      return { outcome: 'repeat', key, record };
    }
    if (this.queried.size >= this.budget) throw new BudgetExceededError(this.budget, this.queried.size, this.name);
    this.queried.add(key);
    if (this.best === null || record.searchAccuracy > this.best.record.searchAccuracy) this.best = { key, record };
    this.report(key, 'new', record, options);
    return { outcome: 'new', key, record };
  }

  /**
   * Charge again, without a log row, a cell that a resumed run queried before it was stopped
   * (search-checkpoint.ts): the budget and best-so-far are as they were.
   * @throws Error when the cell is not in the table or already charged; BudgetExceededError.
   */
  recall(cell: C): R {
    const key = this.keyOf(cell);
    const record = this.records.get(key);
    if (record === undefined) throw new Error(`cannot recall ${key}: it is not in ${this.name}`);
    if (this.queried.has(key)) throw new Error(`cannot recall ${key}: it is already charged on ${this.name}`);
    if (this.queried.size >= this.budget) throw new BudgetExceededError(this.budget, this.queried.size, this.name);
    this.queried.add(key);
    if (this.best === null || record.searchAccuracy > this.best.record.searchAccuracy) this.best = { key, record };
    return record;
  }

  /** Distinct cells charged so far. */
  get queriedCount(): number {
    return this.queried.size;
  }

  /** Distinct cells still allowed (Infinity without a budget). */
  get remaining(): number {
    return this.budget - this.queried.size;
  }

  /** Queries refused because the key was not in the table. */
  get outOfDomainCount(): number {
    return this.outOfDomain;
  }

  /** Cells in the table. */
  get size(): number {
    return this.records.size;
  }

  /** The best cell by search accuracy among those charged (the first of ties); null before the first. */
  get bestSoFar(): BestSoFar<R> | null {
    return this.best;
  }

  /** True when this cell was already charged (a query would be free). Propagates `keyOf` errors. */
  isQueried(cell: C): boolean {
    return this.queried.has(this.keyOf(cell));
  }

  private report(hash: string, outcome: QueryOutcome, record: BenchmarkRecord | undefined, options: QueryOptions): void {
    if (this.log === undefined) return;
    this.log.append({
      hash,
      source: options.source ?? '',
      outcome,
      predictedAccuracy: options.predicted?.accuracy,
      trueAccuracy: record?.searchAccuracy,
      predictedFlopsM: options.predicted?.flopsM,
      flopsM: record?.flopsM ?? this.flopsMOf?.(hash),
    });
  }
}
