// `dnas search`: runs a seed range of one (space, algorithm, budget) config and summarises it as JSON.
// Argument parsing and printing belong to the CLI dispatcher (cli/dnas.ts); this only runs and summarises.
import { summarize, type Summary } from '../analysis/stats';
import { runSeeds, type RunProgress } from './runner';

/** Arguments of runSearchCli; `space`/`algo` are registry names (problems.ts, algorithms.ts). */
export interface SearchCliOptions {
  /** A problems.ts name: 'nb101', 'nb201', 'nb201-cifar100', 'nb201-imagenet16-120'. */
  readonly space: string;
  /** 'random' | 're' now; 'nao' | 'semi' | 'dnas' once registered in algorithms.ts. */
  readonly algo: string;
  /** Distinct in-domain queries per run. */
  readonly budget: number;
  /** Inclusive seed range [first, last]. */
  readonly seeds: readonly [number, number];
  /** Results folder name (default 'search': results/search/<algo>-<budget>/seed-<k>/). */
  readonly experiment?: string;
  readonly resultsDir?: string;
  readonly algoOptions?: Readonly<Record<string, unknown>>;
  /** Worker threads (runner default: min(2, cores, seeds)). */
  readonly workers?: number;
  /** No progress bar (default false; the bar goes to stderr, the JSON to stdout). */
  readonly quiet?: boolean;
  readonly onProgress?: (progress: RunProgress) => void;
}

/** One seed in the summary. */
export interface SearchCliSeed {
  readonly seed: number;
  /** Search accuracy of the seed's pick, its best by search accuracy (fraction of 1). */
  readonly bestAccuracy: number;
  /** The table's report (test) accuracy of that cell; null when the table has none. */
  readonly bestReportAccuracy: number | null;
  readonly bestHash: string;
  readonly outOfDomain: number;
  readonly proposals: number;
  readonly wallSeconds: number;
  /** Finished earlier and reused. */
  readonly skipped: boolean;
  /** An interrupted attempt's queries restored from its checkpoint, and its logged rows replayed (0, 0: a fresh run). */
  readonly resumedQueries: number;
  readonly replayedRows: number;
}

/** The JSON `dnas search` prints. */
export interface SearchCliSummary {
  readonly space: string;
  readonly algo: string;
  readonly budget: number;
  readonly seeds: readonly [number, number];
  readonly dir: string;
  /** The data files the seeds were run on (the benchmark table; the report metric's file where it is another). */
  readonly dataFiles: readonly string[];
  readonly perSeed: readonly SearchCliSeed[];
  /** Over seeds: mean, sample std (n − 1), min, max. */
  readonly bestAccuracy: Summary;
  /** Over seeds, the report accuracy of each pick; null when the table has no report metric. */
  readonly bestReportAccuracy: Summary | null;
  readonly outOfDomain: Summary;
  /** Whole call, seconds (skipped seeds cost ~0). */
  readonly wallSeconds: number;
}

/**
 * Run seeds first..last of one config (resuming finished/partial seeds) and summarise.
 * @throws RangeError for a bad seed range (not integers, first > last); what runSeeds throws.
 */
export async function runSearchCli(options: SearchCliOptions): Promise<SearchCliSummary> {
  const [first, last] = options.seeds;
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(last) || first < 0 || last < first) {
    throw new RangeError(`seed range must be integers 0 ≤ first ≤ last: got ${first}-${last}`);
  }
  const seeds = Array.from({ length: last - first + 1 }, (_, i) => first + i);
  const run = await runSeeds({
    experiment: options.experiment ?? 'search', space: options.space, algo: options.algo, budget: options.budget, seeds,
    algoOptions: options.algoOptions, resultsDir: options.resultsDir, workers: options.workers, quiet: options.quiet, onProgress: options.onProgress,
  });
  const perSeed = run.seeds.map((s) => ({
    seed: s.seed, bestAccuracy: s.result.best!.searchAccuracy, bestReportAccuracy: s.result.best!.reportAccuracy ?? null, bestHash: s.result.best!.key,
    outOfDomain: s.result.outOfDomain, proposals: s.result.proposals, wallSeconds: s.wallSeconds, skipped: s.skipped,
    resumedQueries: s.resumedQueries, replayedRows: s.replayedRows,
  }));
  return {
    space: options.space, algo: options.algo, budget: options.budget, seeds: [first, last], dir: run.dir, dataFiles: [...new Set(run.seeds.flatMap((s) => s.dataFiles))], perSeed,
    bestAccuracy: summarize(perSeed.map((s) => s.bestAccuracy)),
    bestReportAccuracy: perSeed.every((s) => s.bestReportAccuracy !== null) ? summarize(perSeed.map((s) => s.bestReportAccuracy!)) : null,
    outOfDomain: summarize(perSeed.map((s) => s.outOfDomain)),
    wallSeconds: run.wallSeconds,
  };
}

/** Most seeds one call runs: a seed is a folder and a job, so a typo like 0-1000000000 stops here. */
export const MAX_SEEDS_PER_CALL = 10_000;

/**
 * Parse a `--seeds` value: 'A-B' (inclusive) or a single 'A'.
 * @throws RangeError for anything else, a seed beyond Number.MAX_SAFE_INTEGER, or a range of more
 *   than MAX_SEEDS_PER_CALL seeds, naming the text and the limit.
 */
export function parseSeedRange(text: string): [number, number] {
  const match = /^(\d+)(?:-(\d+))?$/.exec(text.trim());
  if (match === null) throw new RangeError(`--seeds must be A-B or A with non-negative integers: got '${text}'`);
  const first = Number(match[1]);
  const last = match[2] === undefined ? first : Number(match[2]);
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(last)) throw new RangeError(`--seeds must be integers ≤ ${Number.MAX_SAFE_INTEGER}: got '${text}'`);
  if (last < first) throw new RangeError(`--seeds range is empty: got '${text}' (${last} < ${first})`);
  if (last - first + 1 > MAX_SEEDS_PER_CALL) throw new RangeError(`--seeds range holds ${last - first + 1} seeds: got '${text}' (max ${MAX_SEEDS_PER_CALL} per call)`);
  return [first, last];
}
