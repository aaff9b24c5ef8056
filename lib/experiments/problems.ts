// The composition root of searches run by name: space name → (search space, fresh benchmark per run).
// lib/experiments is the floor above lib/search that binds spaces, benchmarks and algorithms;
// search algorithms never import it.
import { loadNasbench101Csv } from '../benchmarks/nasbench101-csv';
import { nasbench101Key, type Nasbench101Query } from '../benchmarks/nasbench101';
import { TabularBenchmark, type QuerySink } from '../benchmarks/tabular';
import type { SearchSpace } from '../spaces/search-space';
import { nasbench101SearchSpace } from '../spaces/nasbench101/search-space';
import { loadNasbench101Space, type Nasbench101Space } from '../spaces/nasbench101/space';
import type { Cell } from '../spaces/nasbench101/cell';
import type { SearchBenchmark } from '../search/search';

/** A search problem: a space and a way to make a fresh, budgeted benchmark for each run. */
export interface SearchProblem<C = unknown> {
  /** Registry name (`nb101`). */
  readonly name: string;
  readonly space: SearchSpace<C>;
  /** Path and sha256 of the benchmark's data file, for manifests. */
  readonly dataFile: string;
  readonly dataSha256: string;
  /** Every validation accuracy in the table (fractions of 1), e.g. for exact random-search expectations. */
  tableAccuracies(): Float64Array;
  /** A benchmark with its own budget of distinct cells and query log; tables are shared, not copied. */
  makeBenchmark(options: { budget: number; log?: QuerySink }): SearchBenchmark<C>;
}

/** Loaders by name; 'nb101' is NAS-Bench-101 on the 30k validation subset. */
const LOADERS: Readonly<Record<string, () => Promise<SearchProblem>>> = {
  nb101: loadNasbench101Problem as () => Promise<SearchProblem>,
};

/** Registered problem names (the CLI's `--space` values). */
export const PROBLEM_NAMES: readonly string[] = Object.keys(LOADERS);

const cache = new Map<string, Promise<SearchProblem>>();

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
 * Keys are remembered per cell object: a cell drawn from the enumerated space comes with its
 * hash (the space stores it), and a cell hashed once by the benchmark is not hashed again by
 * `space.key`. Hashing costs ~60 µs a cell and random proposals are 93% out of domain, so this
 * makes uniform proposals ~10× cheaper. Cells are immutable values here: never edit one in place.
 */
async function loadNasbench101Problem(): Promise<SearchProblem<unknown>> {
  const keys = new WeakMap<object, string>();
  const base = nasbench101SearchSpace(rememberingSpace(await loadNasbench101Space({ quiet: true }), keys));
  const keyOf = (query: Nasbench101Query): string => {
    let key = keys.get(query);
    if (key === undefined) {
      key = nasbench101Key(query);
      keys.set(query, key);
    }
    return key;
  };
  const space: SearchSpace<Cell> = { ...base, key: keyOf };
  const data = loadNasbench101Csv();
  const problem: SearchProblem<Cell> = {
    name: 'nb101',
    space,
    dataFile: data.path,
    dataSha256: data.sha256,
    tableAccuracies: () => Float64Array.from(Array.from(data.records.values(), (r) => r.valAccuracy)),
    makeBenchmark: ({ budget, log }) =>
      new TabularBenchmark<Cell>({ name: 'nasbench101-30k', records: data.records, keyOf, budget, log, dataChecksum: data.sha256 }),
  };
  return problem as SearchProblem<unknown>;
}

/** The enumerated space, recording the stored hash of every cell it hands out. */
function rememberingSpace(space: Nasbench101Space, keys: WeakMap<object, string>): Nasbench101Space {
  return {
    size: space.size,
    hashAt: (index) => space.hashAt(index),
    cellAt: (index) => {
      const cell = space.cellAt(index);
      keys.set(cell, space.hashAt(index));
      return cell;
    },
    indexOfHash: (hash) => space.indexOfHash(hash),
    has: (hash) => space.has(hash),
  };
}
