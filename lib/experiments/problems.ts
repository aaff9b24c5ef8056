// The composition root of searches run by name: space name → (search space, fresh benchmark per run).
// lib/experiments is the floor above lib/search that binds spaces, benchmarks and algorithms;
// search algorithms never import it.
import type { CellView } from '../analysis/controller-scores';
import { loadNasbench101Csv, NASBENCH101_CSV } from '../benchmarks/nasbench101-csv';
import { nasbench101Key, type Nasbench101Query } from '../benchmarks/nasbench101';
import { loadNasbench201Csv, nasbench201CsvPath } from '../benchmarks/nasbench201-csv';
import { TabularBenchmark, type BenchmarkRecord, type QuerySink } from '../benchmarks/tabular';
import type { SearchSpace } from '../spaces/search-space';
import { nasbench101SearchSpace } from '../spaces/nasbench101/search-space';
import { loadNasbench101Space } from '../spaces/nasbench101/space';
import type { Cell } from '../spaces/nasbench101/cell';
import type { Nb201Cell } from '../spaces/nasbench201/cell';
import type { Nb201Dataset } from '../spaces/nasbench201/cost';
import { nasbench201SearchSpace } from '../spaces/nasbench201/search-space';
import type { SearchBenchmark } from '../search/search';
import { NASBENCH101_CELL_VIEW, nasbench201CellView } from './cell-views';

/** A search problem: a space and a way to make a fresh, budgeted benchmark for each run. */
export interface SearchProblem<C = unknown> {
  /** Registry name (`nb101`, `nb201`, `nb201-cifar100`, `nb201-imagenet16-120`). */
  readonly name: string;
  readonly space: SearchSpace<C>;
  /** Path and sha256 of the benchmark's data file, for manifests. */
  readonly dataFile: string;
  readonly dataSha256: string;
  /** The data file inside the data folder (e.g. `nasbench201/cifar10.csv`): machine-independent, for cache keys. */
  readonly dataName: string;
  /** How the interpretability analyses read this space's token sequences. */
  readonly view: CellView<C>;
  /** Every validation accuracy in the table (fractions of 1), e.g. for exact random-search expectations. */
  tableAccuracies(): Float64Array;
  /** Every table key, sorted (a fixed order to draw labelled cells from). */
  tableKeys(): readonly string[];
  /** The cell of a table key, as the space hands cells out, with its record. @throws RangeError for a key the table lacks. */
  tableEntry(key: string): { readonly cell: C; readonly record: BenchmarkRecord };
  /** A benchmark with its own budget of distinct cells and query log; tables are shared, not copied. */
  makeBenchmark(options: { budget: number; log?: QuerySink }): SearchBenchmark<C>;
}

/**
 * Loaders by name: 'nb101' is NAS-Bench-101 on the 30k validation subset; 'nb201' NAS-Bench-201 on
 * CIFAR-10 (the data set searches report first), 'nb201-cifar100' and 'nb201-imagenet16-120' the
 * same space on its other two tables.
 */
const LOADERS: Readonly<Record<string, () => Promise<SearchProblem>>> = {
  nb101: loadNasbench101Problem as () => Promise<SearchProblem>,
  nb201: () => nasbench201Problem('nb201', 'cifar10'),
  'nb201-cifar100': () => nasbench201Problem('nb201-cifar100', 'cifar100'),
  'nb201-imagenet16-120': () => nasbench201Problem('nb201-imagenet16-120', 'imagenet16-120'),
};

/** The NAS-Bench-201 problem names by data set. */
export const NB201_PROBLEMS: Readonly<Record<Nb201Dataset, string>> = { cifar10: 'nb201', cifar100: 'nb201-cifar100', 'imagenet16-120': 'nb201-imagenet16-120' };

/** Registered problem names (the CLI's `--space` values). */
export const PROBLEM_NAMES: readonly string[] = Object.keys(LOADERS);

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
 * The problem registered under `name`, loaded once per thread (space cache ≈ 0.03 s, CSV ≈ 0.3 s).
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
 * NAS-Bench-101: the enumerated space and `nasbench101/val-subset-30k.csv` (30,001 cells).
 * The benchmark keys cells through `space.key`, which knows the hash of every cell the space
 * handed out (stored for uniform draws, computed once for mutants and decoded cells; see
 * nasbench101SearchSpace), so a proposal is hashed at most once however many times the
 * benchmark and the session ask. `{hash}` queries and cells carrying a hash go through
 * `nasbench101Key`, which checks them.
 */
async function loadNasbench101Problem(): Promise<SearchProblem<unknown>> {
  const nb101 = await loadNasbench101Space({ quiet: true });
  const space = nasbench101SearchSpace(nb101);
  const keyOf = (query: Nasbench101Query): string => (isBareCell(query) ? space.key(query) : nasbench101Key(query));
  const data = loadNasbench101Csv();
  let keys: string[] | null = null;
  const problem: SearchProblem<Cell> = {
    name: 'nb101',
    space,
    dataFile: data.path,
    dataSha256: data.sha256,
    dataName: NASBENCH101_CSV,
    view: NASBENCH101_CELL_VIEW,
    tableAccuracies: () => Float64Array.from(Array.from(data.records.values(), (r) => r.valAccuracy)),
    tableKeys: () => (keys ??= [...data.records.keys()].sort()),
    tableEntry(key) {
      const record = data.records.get(key);
      const index = nb101.indexOfHash(key);
      if (record === undefined) throw new RangeError(`${key} is not a cell of the table ${NASBENCH101_CSV} (${data.records.size} cells)`);
      if (index < 0) throw new Error(`table cell ${key} is not in the enumerated space (rebuild the space cache)`);
      return { cell: nb101.cellAt(index), record };
    },
    makeBenchmark: ({ budget, log }) =>
      new TabularBenchmark<Cell>({ name: 'nasbench101-30k', records: data.records, keyOf, budget, log, dataChecksum: data.sha256 }),
  };
  return problem as SearchProblem<unknown>;
}

/**
 * NAS-Bench-201 on one data set's table (all 15,625 cells, validation accuracy after 200 epochs).
 * Keys are the official cell strings; every cell the space proposes is in the table, so searches
 * never meet an out-of-domain cell here.
 */
async function nasbench201Problem(name: string, dataset: Nb201Dataset): Promise<SearchProblem> {
  const space = nasbench201SearchSpace(dataset);
  const data = loadNasbench201Csv(dataset);
  let keys: string[] | null = null;
  const problem: SearchProblem<Nb201Cell> = {
    name,
    space,
    dataFile: data.path,
    dataSha256: data.sha256,
    dataName: nasbench201CsvPath(dataset),
    view: nasbench201CellView(dataset),
    tableAccuracies: () => Float64Array.from(Array.from(data.records.values(), (r) => r.valAccuracy)),
    tableKeys: () => (keys ??= [...data.records.keys()].sort()),
    tableEntry(key) {
      const record = data.records.get(key);
      if (record === undefined) throw new RangeError(`${key} is not a cell of the table ${nasbench201CsvPath(dataset)} (${data.records.size} cells)`);
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
