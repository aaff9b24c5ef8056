// NAS-Bench-101 as a TabularBenchmark: the CSV subset or the official TFRecord, keyed by the
// graph hash of the pruned cell. Glue only: parsing lives in the loaders, budgets in tabular.ts.
import { InvalidCellError, validateCell, type Cell } from '../spaces/nasbench101/cell';
import { networkFlopsM } from '../spaces/nasbench101/cost';
import { hashCell } from '../spaces/nasbench101/graph';
import type { Nasbench101Space } from '../spaces/nasbench101/space';
import type { DataFolderOptions } from './data-folder';
import { loadNasbench101Csv, type Nasbench101CsvRecord } from './nasbench101-csv';
import { readNasbench101TfRecord, type Nasbench101TfRecord, type Nasbench101TfRecordOptions } from './nasbench101-tfrecord';
import { TabularBenchmark, type BenchmarkRecord, type QuerySink } from './tabular';

/**
 * What a NAS-Bench-101 query names: a cell `{matrix, ops}` (validated and pruned here, so an
 * unpruned 7×7 cell works) or a table key `{hash}`. A cell that also carries a `hash` (like the
 * rows of cells-1k.jsonl) must agree with it.
 */
export type Nasbench101Query = Cell | { readonly hash: string };

/** Options shared by both NAS-Bench-101 benchmarks. */
export interface Nasbench101BenchmarkOptions extends DataFolderOptions {
  /** Distinct cells that may be queried; omitted = unlimited. */
  readonly budget?: number;
  readonly log?: QuerySink;
  /**
   * The enumerated space: when given, the query log gets each cell's FLOPs (multiply-accumulates,
   * in millions) from the exact cost model, since neither data file stores FLOPs.
   */
  readonly space?: Nasbench101Space;
}

/** FLOPs (millions) of a table key's cell, recovered from the space by hash; undefined when absent. */
function flopsFromSpace(space: Nasbench101Space | undefined): ((key: string) => number | undefined) | undefined {
  if (space === undefined) return undefined;
  return (key) => {
    const index = space.indexOfHash(key);
    return index < 0 ? undefined : networkFlopsM(space.cellAt(index));
  };
}

const HASH_RE = /^[0-9a-f]{32}$/;

/**
 * The table key of a query: the NAS-Bench-101 graph hash of the pruned cell, or the given hash
 * (lower-cased; the official hashes are lowercase hex).
 * @throws InvalidCellError for an invalid cell, a malformed hash, or a cell whose hash disagrees.
 */
export function nasbench101Key(query: Nasbench101Query): string {
  const given = (query as { hash?: unknown }).hash;
  if ((query as { matrix?: unknown }).matrix === undefined) {
    if (typeof given !== 'string' || !HASH_RE.test(given.toLowerCase())) {
      throw new InvalidCellError(`a query needs {matrix, ops} or {hash}: hash must be 32 hex characters, got ${JSON.stringify(given)}`);
    }
    return given.toLowerCase();
  }
  const hash = hashCell(validateCell(query).pruned);
  if (given !== undefined && given !== hash) throw new InvalidCellError(`cell and hash disagree: the cell hashes to ${hash}, the query says ${JSON.stringify(given)}`);
  return hash;
}

/**
 * NAS-Bench-101 from `nasbench101/val-subset-30k.csv` (30,001 cells, one run, no test accuracy).
 * Out-of-subset cells throw OutOfDomainError (free, counted).
 * @throws DataFileError when the CSV is missing or malformed; RangeError for a bad budget.
 */
export function loadNasbench101Benchmark(options: Nasbench101BenchmarkOptions = {}): TabularBenchmark<Nasbench101Query, Nasbench101CsvRecord> {
  return nasbench101Table('nasbench101-30k', loadNasbench101Csv(options), options);
}

/**
 * NAS-Bench-101 from the official `nasbench_only108.tfrecord` (all 423,624 cells, three runs,
 * test accuracy). `runs` picks mean-of-runs or one random run per cell (see readNasbench101TfRecord).
 * @throws DataFileError when the file is missing or corrupt; RangeError for a bad budget or
 *   runs: 'random' without an rng.
 */
export function loadNasbench101TfRecordBenchmark(
  options: Nasbench101BenchmarkOptions & Nasbench101TfRecordOptions = {},
): TabularBenchmark<Nasbench101Query, Nasbench101TfRecord> {
  return nasbench101Table(`nasbench101-tfrecord-${options.runs ?? 'mean'}`, readNasbench101TfRecord(options), options);
}

/** A TabularBenchmark over loaded NAS-Bench-101 records, keyed by the graph hash. */
function nasbench101Table<R extends BenchmarkRecord>(
  name: string,
  data: { readonly records: ReadonlyMap<string, R>; readonly sha256: string },
  options: Nasbench101BenchmarkOptions,
): TabularBenchmark<Nasbench101Query, R> {
  return new TabularBenchmark<Nasbench101Query, R>({
    name,
    records: data.records,
    flopsMOf: flopsFromSpace(options.space),
    keyOf: nasbench101Key,
    budget: options.budget,
    log: options.log,
    dataChecksum: data.sha256,
  });
}
