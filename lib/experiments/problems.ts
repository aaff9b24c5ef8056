// The composition root of searches run by name: space name → (search space, fresh benchmark per run).
// lib/experiments is the floor above lib/search that binds spaces, benchmarks and algorithms;
// search algorithms never import it.
import { loadNasbench101Csv } from '../benchmarks/nasbench101-csv';
import { nasbench101Key, type Nasbench101Query } from '../benchmarks/nasbench101';
import { TabularBenchmark, type QuerySink } from '../benchmarks/tabular';
import type { SearchSpace } from '../spaces/search-space';
import { nasbench101SearchSpace } from '../spaces/nasbench101/search-space';
import { loadNasbench101Space } from '../spaces/nasbench101/space';
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
 * The benchmark keys cells through `space.key`, which knows the hash of every cell the space
 * handed out (stored for uniform draws, computed once for mutants and decoded cells; see
 * nasbench101SearchSpace), so a proposal is hashed at most once however many times the
 * benchmark and the session ask. `{hash}` queries and cells carrying a hash go through
 * `nasbench101Key`, which checks them.
 */
async function loadNasbench101Problem(): Promise<SearchProblem<unknown>> {
  const space = nasbench101SearchSpace(await loadNasbench101Space({ quiet: true }));
  const keyOf = (query: Nasbench101Query): string => (isBareCell(query) ? space.key(query) : nasbench101Key(query));
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

/** A `{matrix, ops}` query without a `hash` of its own to check (what searches propose). */
function isBareCell(query: Nasbench101Query): query is Cell {
  return (query as { matrix?: unknown }).matrix !== undefined && (query as { hash?: unknown }).hash === undefined;
}
