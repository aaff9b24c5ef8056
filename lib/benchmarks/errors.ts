// The errors a tabular benchmark and its data loaders throw, each naming the value and the limit.
// Plain classes only: no I/O and no benchmark logic here.

/**
 * Thrown by `TabularBenchmark.query` when a new (never queried) cell would exceed the query
 * budget. Budgets count distinct cells, as in NAS-Bench-101's "number of queries" protocol
 * (Ying et al. 2019, §5): re-querying a cell never throws this.
 */
export class BudgetExceededError extends Error {
  override name = 'BudgetExceededError';
  /**
   * @param budget the budget in distinct cells.
   * @param queried distinct cells already queried when the refused query arrived.
   * @param benchmark the benchmark's name, for the message.
   */
  constructor(
    readonly budget: number,
    readonly queried: number,
    benchmark: string,
  ) {
    super(`query budget exhausted on ${benchmark}: ${queried} distinct cells already queried (budget ${budget}); re-querying a queried cell stays free`);
  }
}

/**
 * Thrown by `TabularBenchmark.query` for a key the table does not hold (e.g. a valid cell
 * outside a 30k-cell subset). Such a query costs no budget; it is counted and logged.
 */
export class OutOfDomainError extends Error {
  override name = 'OutOfDomainError';
  /**
   * @param key the key (e.g. NAS-Bench-101 hash) that was looked up.
   * @param benchmark the benchmark's name.
   * @param size how many keys the table holds.
   */
  constructor(
    readonly key: string,
    benchmark: string,
    size: number,
  ) {
    super(`out of domain: cell ${key} is not in the table ${benchmark} (${size} cells); the query cost no budget`);
  }
}

/**
 * Thrown when a data file is missing, malformed or corrupt. The message names the file and,
 * where known, the line/record, the column or byte offset, the value found and what was expected.
 */
export class DataFileError extends Error {
  override name = 'DataFileError';
  /**
   * @param file path of the offending file (or the relative path looked for).
   * @param message what is wrong, already naming value and expectation.
   */
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(message);
  }
}
