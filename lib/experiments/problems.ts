// The composition root of searches run by name: space name → (search space, fresh benchmark per run).
// lib/experiments is the floor above lib/search that binds spaces, benchmarks and algorithms;
// search algorithms never import it.
import type { CellView } from '../analysis/controller-scores';
import { NASBENCH101_COMPLETE_CSV, loadNasbench101Complete } from '../benchmarks/nasbench101-complete';
import { loadNasbench101Csv, NASBENCH101_CSV, NASBENCH101_CSV_ROWS, type Nasbench101CsvRecord } from '../benchmarks/nasbench101-csv';
import { nasbench101Key, type Nasbench101Query } from '../benchmarks/nasbench101';
import { loadNasbench201Csv, nasbench201CsvPath } from '../benchmarks/nasbench201-csv';
import { TabularBenchmark, type BenchmarkRecord, type QuerySink, type RecordTable } from '../benchmarks/tabular';
import type { SearchSpace } from '../spaces/search-space';
import { nasbench101SearchSpace } from '../spaces/nasbench101/search-space';
import { loadNasbench101Space, NASBENCH101_SIZE } from '../spaces/nasbench101/space';
import type { Cell } from '../spaces/nasbench101/cell';
import type { Nb201Cell } from '../spaces/nasbench201/cell';
import type { Nb201Dataset } from '../spaces/nasbench201/cost';
import { NB201_SIZE, nasbench201SearchSpace } from '../spaces/nasbench201/search-space';
import { Rng } from '../random';
import type { ProbeSet, SearchBenchmark } from '../search/search';
import { NASBENCH101_CELL_VIEW, nasbench201CellView } from './cell-views';

/** A search problem: a space and a way to make a fresh, budgeted benchmark for each run. */
export interface SearchProblem<C = unknown> {
  /** Registry name (`nb101`, `nb101-30k`, `nb201`, `nb201-cifar100`, `nb201-imagenet16-120`). */
  readonly name: string;
  /**
   * Which table column searches see (`searchAccuracy`) and which one reports give for the cell a
   * search picks (`reportAccuracy`); report is null when the table has no such column.
   */
  readonly metrics: { readonly search: string; readonly report: string | null };
  readonly space: SearchSpace<C>;
  /** Path and sha256 of the benchmark's data file, for manifests. */
  readonly dataFile: string;
  readonly dataSha256: string;
  /** The data file inside the data folder (e.g. `nasbench201/cifar10.csv`): machine-independent, for cache keys. */
  readonly dataName: string;
  /** The file the report metric comes from when it is not `dataFile` (path and sha256, for manifests); else null. */
  readonly reportData: { readonly file: string; readonly sha256: string } | null;
  /** How the interpretability analyses read this space's token sequences. */
  readonly view: CellView<C>;
  /** Every search accuracy in the table (fractions of 1), in `tableKeys()` order, e.g. for exact random-search expectations. */
  tableAccuracies(): Float64Array;
  /** Every report accuracy in the table, in `tableKeys()` order; null when the table has no report metric. */
  tableReportAccuracies(): Float64Array | null;
  /** Every table key, sorted (a fixed order to draw labelled cells from). */
  tableKeys(): readonly string[];
  /** The cell of a table key, as the space hands cells out, with its record. @throws RangeError for a key the table lacks. */
  tableEntry(key: string): { readonly cell: C; readonly record: BenchmarkRecord };
  /** A benchmark with its own budget of distinct cells and query log; tables are shared, not copied. */
  makeBenchmark(options: { budget: number; log?: QuerySink }): SearchBenchmark<C>;
}

/**
 * Loaders by name:
 * - 'nb101': the whole NAS-Bench-101 space on the complete table (test accuracy at 108 epochs of
 *   the first run, the only metric every cell has): searches see it and reports give it.
 * - 'nb101-30k': the 30,001-cell sample; searches see validation accuracy at 108 epochs, reports
 *   give the test accuracy of the cell picked (the NAS-Bench protocol); cells outside the sample are
 *   out of domain (free).
 * - 'nb201': NAS-Bench-201 on CIFAR-10; 'nb201-cifar100' and 'nb201-imagenet16-120' the same space
 *   on its other two tables; searches see 200-epoch validation accuracy, reports give 200-epoch test accuracy.
 */
const LOADERS: Readonly<Record<string, () => Promise<SearchProblem>>> = {
  nb101: loadNasbench101WholeProblem as () => Promise<SearchProblem>,
  'nb101-30k': loadNasbench101SampleProblem as () => Promise<SearchProblem>,
  nb201: () => nasbench201Problem('nb201', 'cifar10'),
  'nb201-cifar100': () => nasbench201Problem('nb201-cifar100', 'cifar100'),
  'nb201-imagenet16-120': () => nasbench201Problem('nb201-imagenet16-120', 'imagenet16-120'),
};

/** The NAS-Bench-201 problem names by data set. */
export const NB201_PROBLEMS: Readonly<Record<Nb201Dataset, string>> = { cifar10: 'nb201', cifar100: 'nb201-cifar100', 'imagenet16-120': 'nb201-imagenet16-120' };

/** Registered problem names (the CLI's `--space` values). */
export const PROBLEM_NAMES: readonly string[] = Object.keys(LOADERS);

/**
 * Cells each problem's table holds (its loader checks the file has exactly these): the most
 * distinct cells a search on it can query, known without loading the table.
 */
export const PROBLEM_CELLS: Readonly<Record<string, number>> = {
  nb101: NASBENCH101_SIZE,
  'nb101-30k': NASBENCH101_CSV_ROWS,
  nb201: NB201_SIZE,
  'nb201-cifar100': NB201_SIZE,
  'nb201-imagenet16-120': NB201_SIZE,
};

const cache = new Map<string, Promise<SearchProblem>>();

/**
 * The NAS-Bench-201 problem of a data set named as the tables are (`cifar10`, `cifar100`, `imagenet16-120`).
 * @throws RangeError naming the data set and the known ones.
 */
export function loadNasbench201Problem(dataset: string): Promise<SearchProblem> {
  if (!Object.hasOwn(NB201_PROBLEMS, dataset)) throw new RangeError(`unknown NAS-Bench-201 data set '${dataset}' (expected one of ${Object.keys(NB201_PROBLEMS).join(', ')})`);
  return loadProblem(NB201_PROBLEMS[dataset as Nb201Dataset]);
}

/**
 * The problem registered under `name`, loaded once per thread (from the caches: well under a second).
 * @throws Error naming an unknown problem and the registered ones; the loaders' DataFileError.
 */
export function loadProblem(name: string): Promise<SearchProblem> {
  const loader = Object.hasOwn(LOADERS, name) ? LOADERS[name] : undefined;
  if (loader === undefined) throw new Error(`unknown search space '${name}' (registered: ${PROBLEM_NAMES.join(', ')})`);
  let problem = cache.get(name);
  if (problem === undefined) {
    problem = loader();
    cache.set(name, problem);
  }
  return problem;
}

/**
 * NAS-Bench-101 on the complete table: the enumerated space and `nasbench101/test-108-all.csv`,
 * one Float32 column in the space's hash order, so a record is built on demand from a cell's index
 * (no 423,624-entry Map). Every valid cell is in the table: searches never meet an out-of-domain cell.
 * The benchmark keys cells through `space.key`, which knows the hash of every cell the space handed
 * out (see nasbench101SearchSpace), so a proposal is hashed at most once; `{hash}` queries and cells
 * carrying a hash go through `nasbench101Key`, which checks them.
 */
async function loadNasbench101WholeProblem(): Promise<SearchProblem<unknown>> {
  const nb101 = await loadNasbench101Space({ quiet: true });
  const space = nasbench101SearchSpace(nb101);
  const complete = loadNasbench101Complete(nb101);
  const column = complete.testAccuracy;
  const records: RecordTable<BenchmarkRecord> = {
    size: column.length,
    get(key) {
      const index = nb101.indexOfHash(key);
      return index < 0 ? undefined : wholeTableRecord(column[index]);
    },
  };
  let keys: string[] | null = null;
  const problem: SearchProblem<Cell> = {
    name: 'nb101',
    metrics: { search: 'test_acc_108 (first run)', report: 'test_acc_108 (first run)' },
    space,
    dataFile: complete.path,
    dataSha256: complete.sha256,
    dataName: NASBENCH101_COMPLETE_CSV,
    reportData: null,
    view: NASBENCH101_CELL_VIEW,
    tableAccuracies: () => Float64Array.from(column),
    tableReportAccuracies: () => Float64Array.from(column),
    // The space's order is ascending hash order, so these are already sorted.
    tableKeys: () => (keys ??= Array.from({ length: nb101.size }, (_, i) => nb101.hashAt(i))),
    tableEntry(key) {
      const index = nb101.indexOfHash(key);
      if (index < 0) throw new RangeError(`${key} is not a cell of the table ${NASBENCH101_COMPLETE_CSV} (${nb101.size} cells)`);
      return { cell: nb101.cellAt(index), record: wholeTableRecord(column[index]) };
    },
    makeBenchmark: ({ budget, log }) =>
      new TabularBenchmark<Nasbench101Query>({ name: 'nasbench101-complete', records, keyOf: nasbench101KeyVia(space), budget, log, dataChecksum: complete.sha256 }),
  };
  return problem as SearchProblem<unknown>;
}

/** A record of the complete table: its one metric, test accuracy, both searched and reported. */
function wholeTableRecord(testAccuracy: number): BenchmarkRecord {
  return { searchAccuracy: testAccuracy, reportAccuracy: testAccuracy, testAccuracy };
}

/**
 * NAS-Bench-101 on the 30,001-cell sample (`nasbench101/val-subset-30k.csv`): records carry the
 * sample's validation accuracy as the search metric and the complete table's test accuracy of the
 * same cell as the report metric. Cells outside the sample are out of domain (free, counted).
 */
async function loadNasbench101SampleProblem(): Promise<SearchProblem<unknown>> {
  const nb101 = await loadNasbench101Space({ quiet: true });
  const space = nasbench101SearchSpace(nb101);
  const sample = loadNasbench101Csv();
  const complete = loadNasbench101Complete(nb101);
  const records = new Map<string, Nasbench101CsvRecord>();
  for (const [hash, record] of sample.records) {
    const index = nb101.indexOfHash(hash);
    if (index < 0) throw new Error(`${sample.path}: cell ${hash} is not in the enumerated space (rebuild the space cache)`);
    const testAccuracy = complete.testAccuracy[index];
    records.set(hash, { ...record, testAccuracy, reportAccuracy: testAccuracy });
  }
  const table = mapTable(records, NASBENCH101_CSV);
  const problem: SearchProblem<Cell> = {
    name: 'nb101-30k',
    metrics: { search: 'val_acc_108', report: 'test_acc_108 (first run)' },
    space,
    dataFile: sample.path,
    dataSha256: sample.sha256,
    dataName: NASBENCH101_CSV,
    reportData: { file: complete.path, sha256: complete.sha256 },
    view: NASBENCH101_CELL_VIEW,
    ...table.columns,
    tableEntry(key) {
      const record = table.record(key);
      return { cell: nb101.cellAt(nb101.indexOfHash(key)), record };
    },
    makeBenchmark: ({ budget, log }) =>
      new TabularBenchmark<Nasbench101Query, Nasbench101CsvRecord>({ name: 'nasbench101-30k', records, keyOf: nasbench101KeyVia(space), budget, log, dataChecksum: sample.sha256 }),
  };
  return problem as SearchProblem<unknown>;
}

/**
 * The table accessors of a problem whose table is a Map: keys sorted once, both metric columns in
 * that order (the report column null when the records carry no report metric), and a checked lookup.
 */
function mapTable<R extends BenchmarkRecord>(records: ReadonlyMap<string, R>, tableName: string): {
  columns: Pick<SearchProblem, 'tableKeys' | 'tableAccuracies' | 'tableReportAccuracies'>;
  /** @throws RangeError naming the key and the table when the table lacks it. */
  record(key: string): R;
} {
  const keys = [...records.keys()].sort();
  const column = (metric: (r: R) => number | undefined) => Float64Array.from(keys, (k) => metric(records.get(k)!)!);
  const hasReport = keys.length > 0 && records.get(keys[0])!.reportAccuracy !== undefined;
  return {
    columns: {
      tableKeys: () => keys,
      tableAccuracies: () => column((r) => r.searchAccuracy),
      tableReportAccuracies: () => (hasReport ? column((r) => r.reportAccuracy) : null),
    },
    record(key) {
      const record = records.get(key);
      if (record === undefined) throw new RangeError(`${key} is not a cell of the table ${tableName} (${records.size} cells)`);
      return record;
    },
  };
}

/** The table key of a NAS-Bench-101 query: through the space's hash memo for bare cells, else checked by `nasbench101Key`. */
function nasbench101KeyVia(space: SearchSpace<Cell>): (query: Nasbench101Query) => string {
  return (query) => (isBareCell(query) ? space.key(query) : nasbench101Key(query));
}

/**
 * NAS-Bench-201 on one data set's table (all 15,625 cells): searches see validation accuracy
 * after 200 epochs, reports give the 200-epoch test accuracy (`<dataset>-test.csv`).
 * Keys are the official cell strings; every cell the space proposes is in the table, so searches
 * never meet an out-of-domain cell here.
 */
async function nasbench201Problem(name: string, dataset: Nb201Dataset): Promise<SearchProblem> {
  const space = nasbench201SearchSpace(dataset);
  const data = loadNasbench201Csv(dataset);
  const table = mapTable(data.records, nasbench201CsvPath(dataset));
  const problem: SearchProblem<Nb201Cell> = {
    name,
    metrics: { search: 'val_acc_200', report: 'test_acc_200' },
    space,
    dataFile: data.path,
    dataSha256: data.sha256,
    dataName: nasbench201CsvPath(dataset),
    reportData: data.test === null ? null : { file: data.test.path, sha256: data.test.sha256 },
    view: nasbench201CellView(dataset),
    ...table.columns,
    tableEntry(key) {
      const record = table.record(key);
      return { cell: record.cell, record };
    },
    makeBenchmark: ({ budget, log }) =>
      new TabularBenchmark<Nb201Cell>({ name: `nasbench201-${dataset}`, records: data.records, keyOf: space.key, budget, log, dataChecksum: data.sha256 }),
  };
  return problem as SearchProblem<unknown>;
}

/** A `{matrix, ops}` query without a `hash` of its own to check (what searches propose). */
function isBareCell(query: Nasbench101Query): query is Cell {
  return (query as { matrix?: unknown }).matrix !== undefined && (query as { hash?: unknown }).hash === undefined;
}

/** Cells in a problem's probe set (see probeSet). */
export const PROBE_CELLS = 200;

const probes = new WeakMap<SearchProblem, ProbeSet<unknown>>();

/**
 * The problem's probe cells: PROBE_CELLS table cells drawn by `Rng('probe')` (the same for every
 * seed and algorithm) with their search accuracy, for the diagnostics a search reports about its
 * own model (a predictor's τ, reconstruction); see ProbeSet. Built once per problem and thread.
 */
export function probeSet<C>(problem: SearchProblem<C>): ProbeSet<C> {
  let probe = probes.get(problem as SearchProblem) as ProbeSet<C> | undefined;
  if (probe === undefined) {
    const keys = problem.tableKeys();
    const entries = new Rng('probe').sampleIndices(keys.length, Math.min(PROBE_CELLS, keys.length)).map((i) => problem.tableEntry(keys[i]));
    probe = { cells: entries.map((e) => e.cell), accuracy: entries.map((e) => e.record.searchAccuracy) };
    probes.set(problem as SearchProblem, probe as ProbeSet<unknown>);
  }
  return probe;
}
