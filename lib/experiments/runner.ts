// Runs many seeds of one (space, algorithm, budget) config on worker threads, each seed writing
// results/<experiment>/<algo>-<budget>/seed-<k>/ (config, manifest, query log, result), resumably;
// a finished seed's query log is gzipped.
// It never chooses search steps itself and never names a concrete space (problems.ts does).
import { existsSync, mkdirSync, readFileSync, rmSync, truncateSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { Presets, SingleBar } from 'cli-progress';
import { writeJsonAtomically } from '../atomic-file';
import { lockFolder, type FolderLock } from '../folder-lock';
import { CorruptFileError, readJsonObject } from '../json-file';
import { runOnWorkerPool } from '../worker-pool';
import { checkFolderName, resultsRoot } from '../project-folders';
import type { QueryEvent, QuerySink } from '../benchmarks/tabular';
import { Rng } from '../random';
import { compressQueryLog, countQueryLogRows, QueryLog, type QueryLogRow } from '../report/query-log';
import { gitState, packageVersions } from '../report/run-context';
import { createAlgorithm } from '../search/algorithms';
import { loadProblem, PROBLEM_CELLS, PROBLEM_NAMES, probeSet } from './problems';
import { runSearch, type SearchResult } from '../search/search';
import { unusableCheckpoint, type SearchCheckpoint, type SearchCheckpoints } from '../search/search-checkpoint';
import type { BudgetSnapshot } from '../search/budget-snapshot';
import { writeDerivedSeed, type DerivedSeed, type SnapshotSource, type TakenSnapshot } from './derived-seed';
import { checkStillHeld, claimFolder, readFinished, SEED_FILES } from './seed-folder';
import { folderTrainingMemo } from './training-memo-folder';

export { SEED_FILES } from './seed-folder';


/** What defines a run besides its seed; equal configs ⇒ a finished seed may be reused. */
export interface SeedRunConfig {
  /** Problem name (`nb101`, `nb201`, …), see problems.ts. */
  readonly space: string;
  /** Algorithm name (`random`, `re`), see algorithms.ts. */
  readonly algo: string;
  /** Distinct in-domain cells per run. */
  readonly budget: number;
  /** JSON options given to the algorithm's factory. */
  readonly algoOptions: Readonly<Record<string, unknown>>;
}

/** Where the process runs, recorded in every manifest (computed once per runSeeds or grid call). */
export interface Provenance {
  readonly node: string;
  readonly packages: Readonly<Record<string, string | null>>;
  readonly gitCommit: string | null;
}

/** One seed's outcome as the runner reports it. */
export interface SeedSummary {
  readonly seed: number;
  readonly dir: string;
  readonly result: SearchResult;
  /** Seconds of the attempt that finished the seed (read back from the manifest when skipped). */
  readonly wallSeconds: number;
  /** True when result.json was already there with the same config (nothing was run). */
  readonly skipped: boolean;
  /** Log rows of an interrupted attempt verified by replaying them (0 for a fresh run; the rows after its checkpoint when it resumed from one). */
  readonly replayedRows: number;
  /** Distinct queries restored from the interrupted attempt's checkpoint instead of replayed (0: none). */
  readonly resumedQueries: number;
  /** The benchmark file searched, and the report metric's file where it is another (from the manifest when skipped). */
  readonly dataFiles: readonly string[];
  /** The seed folder of the longer run this seed was read off (relative, as its manifest says); absent: it ran. */
  readonly derivedFrom?: string;
  /** The seeds of `SeedJob.derived`, in that order (absent when the job had none). */
  readonly derived?: readonly SeedSummary[];
}

/** A unit of work for runSeed (plain data: it is posted to worker threads). */
export interface SeedJob {
  readonly config: SeedRunConfig;
  readonly seed: number;
  /** The seed's folder. */
  readonly dir: string;
  readonly provenance: Provenance;
  /** Simulates a kill: abort the run once this many distinct cells are queried (tests only). */
  readonly stopAfter?: number;
  /** Milliseconds between checkpoints of searches without rounds (default CHECKPOINT_EVERY_MS; tests and benches set it). */
  readonly checkpointEveryMs?: number;
  /**
   * The token of the seed folder's lock taken for this job (folder-lock.ts); the seed checks it is
   * still the holder before it writes its finished files. Absent: the caller holds no lock.
   */
  readonly lockToken?: string;
  /**
   * The same seed at smaller budgets, filled from snapshots of this run (only for an anytime
   * algorithm: budget-snapshot.ts); absent: none.
   */
  readonly derived?: readonly DerivedSeed[];
  /** The folder of the grid's training memo (training-memo-folder.ts) this seed may share trainings through; absent: none. */
  readonly trainingMemo?: string;
}

/** Progress after each finished seed. */
export interface RunProgress {
  readonly done: number;
  readonly total: number;
  readonly seed: number;
  readonly skipped: boolean;
  /** Estimated seconds left from the mean time of the seeds run so far; null before the first. */
  readonly etaSeconds: number | null;
}

/** Options of runSeeds. */
export interface RunSeedsOptions extends Omit<SeedRunConfig, 'algoOptions'> {
  /** Folder under the results folder, e.g. 'table1-nasbench101'. */
  readonly experiment: string;
  readonly seeds: readonly number[];
  readonly algoOptions?: Readonly<Record<string, unknown>>;
  /** Default $DNAS_RESULTS_DIR, else `<project root>/results` (resultsRoot). */
  readonly resultsDir?: string;
  /**
   * Worker threads (default min(2, cores, seeds): this machine has 2 cores and wasm TF.js is
   * single-threaded in Node). 0 runs every seed on this thread, one after another.
   */
  readonly workers?: number;
  /** No progress bar on stderr (default false). */
  readonly quiet?: boolean;
  readonly onProgress?: (progress: RunProgress) => void;
  /** Tests only: abort every seed after this many distinct queries, as a kill would. */
  readonly stopAfter?: number;
  /** Milliseconds between checkpoints of searches without rounds (SeedJob.checkpointEveryMs). */
  readonly checkpointEveryMs?: number;
}

/** What runSeeds returns: every seed in the order asked. */
export interface RunSeedsResult {
  /** `<resultsDir>/<experiment>/<algo>-<budget>`. */
  readonly dir: string;
  readonly seeds: readonly SeedSummary[];
  readonly wallSeconds: number;
}

/** Thrown when a replayed run diverges from the log of its interrupted attempt. */
export class ReplayMismatchError extends Error {
  override name = 'ReplayMismatchError';
}

/** Thrown (as the abort reason) when `stopAfter` ends a run early. */
export class SearchAbortedError extends Error {
  override name = 'SearchAbortedError';
}

/**
 * Run `seeds` of one config, in parallel, each into `<experiment>/<algo>-<budget>/seed-<k>/`.
 * Resume rule: a seed whose result.json exists with the same config is skipped; a seed with
 * only a partial query log is re-run from scratch with the same seed while each replayed
 * query is checked against the logged row (everything but elapsedMs) and only the queries
 * beyond the logged prefix are appended — so a killed and resumed run ends with the same
 * result.json and the same log (timings aside) as an uninterrupted one. A finished seed's log
 * is gzipped (`SEED_FILES.finishedLog`, ~5× smaller: RE at budget 2000 logs ~1.1M queries).
 * @throws RangeError for bad seeds, budget or workers; Error for an unknown space/algorithm or a
 *   seed folder holding another config; ReplayMismatchError; the first seed's failure (the
 *   other workers are then stopped, as a kill would).
 */
export async function runSeeds(options: RunSeedsOptions): Promise<RunSeedsResult> {
  const started = performance.now();
  const { dir, jobs } = seedJobs(options);
  const workers = options.workers ?? defaultWorkers(jobs.length);
  const progress = progressReporter(jobs.length, options, started);
  try {
    const summaries = await runSeedJobs(jobs, workers, (_index, summary) => progress.report(summary));
    return { dir, seeds: summaries, wallSeconds: (performance.now() - started) / 1000 };
  } finally {
    progress.stop();
  }
}

/**
 * The seed folder and one job per seed of a config, its options checked (runSeeds' rules);
 * nothing is run or written. A grid makes these for every config and runs them on one pool.
 * @throws as runSeeds for bad options.
 */
export function seedJobs(options: Omit<RunSeedsOptions, 'workers' | 'quiet' | 'onProgress'>, provenance: Provenance = currentProvenance()): { readonly dir: string; readonly jobs: SeedJob[] } {
  const config = checkOptions(options);
  const dir = join(resultsRoot(options.resultsDir), options.experiment, `${config.algo}-${config.budget}`);
  return { dir, jobs: options.seeds.map((seed) => ({ config, seed, dir: join(dir, `seed-${seed}`), provenance, stopAfter: options.stopAfter, checkpointEveryMs: options.checkpointEveryMs })) };
}

/** Worker threads when none are asked for: one per core, at most 2 (wasm TF.js is single-threaded), at most one per job. */
export function defaultWorkers(jobs: number): number {
  return Math.min(2, availableParallelism(), jobs);
}

/**
 * Run seed jobs — of one config or of many — on `workers` threads (0: on this thread, in order),
 * each thread taking the next job when it finishes one, so the order of `jobs` is the order they
 * start in. `onDone` hears each finished job by its index. Same resume rules as runSeeds. A thread
 * is replaced by a fresh one where the next job's algorithm differs from its last (unless
 * `options.recycleWorkers` is false): threads that ran many kinds of search before run the next
 * one markedly slower (bench/worker-recycle.ts), and a start costs ~2 s, so grids group their jobs
 * by algorithm (gridJobOrder). Results are the same either way.
 * @returns the summaries in the order of `jobs`.
 * @throws RangeError for a bad worker count; the first job's failure (the other threads are then stopped).
 */
export async function runSeedJobs(jobs: readonly SeedJob[], workers: number, onDone: (index: number, summary: SeedSummary) => void = () => {}, options: { readonly recycleWorkers?: boolean } = {}): Promise<SeedSummary[]> {
  if (!Number.isInteger(workers) || workers < 0) throw new RangeError(`workers must be an integer ≥ 0: got ${workers}`);
  // Each seed folder is locked on this thread (whose event loop refreshes the lock) from just before
  // its job starts until it is done, so a second run on the same folder is refused, never interleaved.
  // The folders of a job's derived seeds are locked with it.
  const held = new Map<number, FolderLock[]>();
  const lockOne = async (index: number, dir: string, budget: number, seed: number, config: SeedRunConfig): Promise<string | undefined> => {
    // A finished seed is only read: no lock (and no lock files written and removed for each reused seed).
    if (existsSync(join(dir, SEED_FILES.result))) return undefined;
    const folderLock = await lockFolder(dir, `${config.space} ${config.algo}-${budget} seed ${seed}`);
    held.set(index, [...(held.get(index) ?? []), folderLock]);
    return folderLock.owner.token;
  };
  const lock = async (index: number, job: SeedJob): Promise<SeedJob> => {
    const lockToken = await lockOne(index, job.dir, job.config.budget, job.seed, job.config);
    let derived: DerivedSeed[] | undefined;
    for (const d of job.derived ?? []) (derived ??= []).push({ ...d, lockToken: await lockOne(index, d.dir, d.budget, job.seed, job.config) });
    return { ...job, ...(lockToken === undefined ? {} : { lockToken }), ...(derived === undefined ? {} : { derived }) };
  };
  const done = (index: number, summary: SeedSummary): void => {
    const locks = held.get(index) ?? [];
    held.delete(index);
    for (const folderLock of locks) void folderLock.release();
    onDone(index, summary);
  };
  try {
    return workers === 0 ? await runInline(jobs, lock, done) : await runOnWorkers(jobs, workers, lock, done, options.recycleWorkers ?? true);
  } finally {
    await Promise.all([...held.values()].flat().map((l) => l.release()));
  }
}

/**
 * Run (or skip, or resume) one seed on this thread: see runSeeds for the resume rule. With
 * `job.derived`, the seed's folders at those smaller budgets are filled too: from snapshots of this
 * run (derived-seed.ts) where it took them, else by running each on its own (the run was finished
 * before, or resumed from a checkpoint past that budget).
 * @throws Error when the folder holds another config; ReplayMismatchError; the algorithm's errors;
 *   SearchAbortedError when `stopAfter` is reached.
 */
export async function runSeed(job: SeedJob): Promise<SeedSummary> {
  const derived = job.derived ?? [];
  const open = derived.filter((target) => !existsSync(join(target.dir, SEED_FILES.result)));
  const run = await runOneSeed(job, open.map((target) => target.budget));
  if (derived.length === 0) return run.summary;
  const summaries: SeedSummary[] = [];
  for (const target of derived) {
    const snapshot = run.snapshots.find((s) => s.budget === target.budget);
    const stored = { ...run.stored, budget: target.budget };
    summaries.push(snapshot === undefined || run.source === null
      ? (await runOneSeed({ ...job, config: { ...job.config, budget: target.budget }, dir: target.dir, lockToken: target.lockToken, derived: undefined }, [])).summary
      : writeDerivedSeed(target, job.seed, stored, snapshot, run.source));
  }
  return { ...run.summary, derived: summaries };
}

/** One seed run (or read back when finished), with the snapshots it took at `snapshotBudgets`. */
interface SeedRun {
  readonly summary: SeedSummary;
  /** The config.json it stores. */
  readonly stored: Record<string, unknown>;
  readonly snapshots: readonly TakenSnapshot[];
  /** Where the snapshots' rows are: null when nothing was run (the seed was finished before). */
  readonly source: SnapshotSource | null;
}

async function runOneSeed(job: SeedJob, snapshotBudgets: readonly number[]): Promise<SeedRun> {
  const problem = await loadProblem(job.config.space);
  const algorithm = createAlgorithm(job.config.algo, job.config.algoOptions);
  // The report metric's file is part of the config where it is a second file (nb101-30k): a finished
  // seed is reused only while both files are the ones it was run on.
  const reportData = problem.reportData === null ? {} : { reportDataSha256: problem.reportData.sha256 };
  const stored = { ...job.config, settings: algorithm.settings, seed: job.seed, dataSha256: problem.dataSha256, ...reportData };
  mkdirSync(job.dir, { recursive: true });
  claimFolder(join(job.dir, SEED_FILES.config), stored);
  const finished = readFinished(job.dir, job.seed);
  if (finished !== null) return { summary: finished, stored, snapshots: [], source: null };
  const startedAt = new Date();
  const started = performance.now();
  const logPath = join(job.dir, SEED_FILES.log);
  dropCutRow(logPath);
  const controller = new AbortController();
  const checkpointPath = join(job.dir, SEED_FILES.checkpoint);
  const found = readCheckpoint(checkpointPath, algorithm.name, logPath);
  // The rows a checkpoint stands for are not read back: they are neither replayed nor held in memory.
  const log = QueryLog.open(logPath, { skipRows: found.checkpoint?.proposals ?? 0 });
  const sink = new ReplayingSink(log, logPath, checkpointPath, () => {
    if (job.stopAfter !== undefined && sink.newCount >= job.stopAfter) {
      controller.abort(new SearchAbortedError(`seed ${job.seed} stopped after ${sink.newCount} distinct queries (stopAfter ${job.stopAfter})`));
    }
  });
  const manifest = {
    config: stored, seed: job.seed, dataFile: problem.dataFile, dataSha256: problem.dataSha256, reportDataFile: problem.reportData?.file ?? null, backend: algorithm.backend?.() ?? null,
    ...job.provenance, replayedRows: sink.prefixLength, resumedQueries: 0, checkpointIgnored: found.ignored,
    startedAt: startedAt.toISOString(), finishedAt: null as string | null, wallSeconds: null as number | null,
  };
  writeJsonAtomically(join(job.dir, SEED_FILES.manifest), manifest);
  let resumedQueries = 0;
  const written = { count: 0, seconds: 0 };
  const checkpoints: SearchCheckpoints = {
    resumeFrom: found.checkpoint,
    everyMs: job.checkpointEveryMs,
    save: (checkpoint) => {
      const t = performance.now();
      writeJsonAtomically(checkpointPath, checkpoint);
      written.count++;
      written.seconds += (performance.now() - t) / 1000;
    },
    resumed: (checkpoint) => {
      sink.skip(checkpoint.proposals, checkpoint.queried.length);
      resumedQueries = checkpoint.queried.length;
    },
  };
  const benchmark = problem.makeBenchmark({ budget: job.config.budget, log: sink });
  const taken: TakenSnapshot[] = [];
  const snapshots = snapshotBudgets.length === 0 ? undefined : { budgets: snapshotBudgets, take: (s: BudgetSnapshot) => taken.push({ ...s, seconds: (performance.now() - started) / 1000 }) };
  const result = await runSearch(algorithm, { space: problem.space, benchmark, rng: new Rng(job.seed), budget: job.config.budget, signal: controller.signal, probe: () => probeSet(problem), checkpoints, snapshots, ...(job.trainingMemo === undefined ? {} : { memo: folderTrainingMemo(job.trainingMemo) }) });
  sink.checkFullyReplayed();
  checkStillHeld(job.dir, job.lockToken);
  // Before result.json, which marks the seed finished: a kill in between leaves an unfinished
  // seed that is simply run again (from scratch, the plain CSV being gone). Timed with the run.
  rmSync(checkpointPath, { force: true });
  compressQueryLog(logPath);
  const wallSeconds = (performance.now() - started) / 1000;
  const replayedRows = sink.replayedRows;
  const finalManifest = { ...manifest, backend: algorithm.backend?.() ?? null, replayedRows, resumedQueries, checkpointsWritten: written.count, checkpointWriteSeconds: written.seconds, finishedAt: new Date().toISOString(), wallSeconds };
  writeJsonAtomically(join(job.dir, SEED_FILES.manifest), finalManifest);
  writeJsonAtomically(join(job.dir, SEED_FILES.result), { seed: job.seed, config: stored, ...result });
  const summary = { seed: job.seed, dir: job.dir, result, wallSeconds, skipped: false, replayedRows, resumedQueries, dataFiles: [problem.dataFile, ...(problem.reportData === null ? [] : [problem.reportData.file])] };
  return { summary, stored, snapshots: taken, source: { dir: job.dir, log: join(job.dir, SEED_FILES.finishedLog), manifest: finalManifest } };
}

/**
 * The checkpoint an interrupted attempt left, when the run can resume from it; else why not (a
 * checkpoint of another version or algorithm, one ahead of the log, a damaged file: the run then
 * replays from the first query, which gives the same result, only slower).
 */
function readCheckpoint(path: string, algorithm: string, logPath: string): { checkpoint: SearchCheckpoint | null; ignored: string | null } {
  if (!existsSync(path)) return { checkpoint: null, ignored: null };
  let value: unknown;
  try {
    value = readJsonObject(path);
  } catch (error) {
    if (!(error instanceof CorruptFileError)) throw error;
    return { checkpoint: null, ignored: `${path}: ${error.corrupt.reason}` };
  }
  // The log is counted only when there is a checkpoint to check against it.
  const why = unusableCheckpoint(value, algorithm, countQueryLogRows(logPath));
  return why === null ? { checkpoint: value as SearchCheckpoint, ignored: null } : { checkpoint: null, ignored: `${path}: ${why}` };
}

/**
 * The query sink of a (possibly resumed) run: for the first `prefixLength` events it checks
 * each against the row already in the log; after that it appends. Checked fields: hash,
 * source, outcome, accuracies and FLOPs (elapsedMs is a timing, not a result).
 */
class ReplayingSink implements QuerySink {
  readonly prefixLength: number;
  private index = 0;
  private news = 0;
  private skipped = 0;

  constructor(
    private readonly log: QueryLog,
    private readonly path: string,
    private readonly checkpointPath: string,
    private readonly afterEach: () => void,
  ) {
    this.prefixLength = log.length;
  }

  /** Distinct cells charged so far (replayed and restored ones included). */
  get newCount(): number {
    return this.news;
  }

  /** Logged rows checked by replaying them (those a checkpoint stood for are not). */
  get replayedRows(): number {
    return this.prefixLength - this.skipped;
  }

  /**
   * Go on after the first `rows` logged rows without replaying them: the run resumed from a
   * checkpoint that stands for them (and for `queries` distinct cells); the log was opened after them.
   * @throws Error after the first event, or for another row count than the log skipped.
   */
  skip(rows: number, queries: number): void {
    if (this.index !== 0) throw new Error(`${this.path}: a checkpoint can be resumed only before the first query (${this.index} made)`);
    if (rows !== this.log.firstRow) throw new Error(`${this.path}: the checkpoint resumed stands for ${rows} rows, the log was opened after ${this.log.firstRow}`);
    this.index = this.skipped = rows;
    this.news = queries;
  }

  append(event: QueryEvent): void {
    if (this.index < this.log.firstRow) {
      throw new ReplayMismatchError(`${this.path}: the run did not resume from its checkpoint ${this.checkpointPath}, which stands for the log's first ${this.log.firstRow} rows; delete the checkpoint to replay from the first query`);
    }
    if (this.index < this.prefixLength) this.check(event, this.log.rows[this.index - this.log.firstRow]);
    else this.log.append(event);
    this.index++;
    if (event.outcome === 'new') this.news++;
    this.afterEach();
  }

  /** @throws ReplayMismatchError when the finished run made fewer queries than the old log holds. */
  checkFullyReplayed(): void {
    if (this.index < this.prefixLength) {
      throw new ReplayMismatchError(`${this.path}: the replayed run ended after ${this.index} queries but the log holds ${this.prefixLength} rows`);
    }
  }

  private check(event: QueryEvent, row: QueryLogRow): void {
    const replayed: Record<string, string | number | null> = {
      hash: event.hash, source: event.source, outcome: event.outcome, predictedAccuracy: event.predictedAccuracy ?? null,
      trueAccuracy: event.trueAccuracy ?? null, predictedFlopsM: event.predictedFlopsM ?? null, flopsM: event.flopsM ?? null,
    };
    for (const [field, value] of Object.entries(replayed)) {
      const logged = row[field as keyof QueryLogRow];
      if (!Object.is(logged, value)) {
        throw new ReplayMismatchError(
          `${this.path}: replay diverged at row ${this.index} (queryIndex ${row.queryIndex}), field ${field}: logged ${JSON.stringify(logged)}, replayed ${JSON.stringify(value)}; the run is not deterministic or the log belongs to another run`,
        );
      }
    }
  }
}





/** A kill can cut the last CSV row mid-write; drop that fragment so the log can be resumed. */
function dropCutRow(path: string): void {
  if (!existsSync(path)) return;
  const bytes = readFileSync(path);
  if (bytes.length === 0 || bytes[bytes.length - 1] === 0x0a) return;
  truncateSync(path, bytes.lastIndexOf(0x0a) + 1);
}

function checkOptions(options: RunSeedsOptions): SeedRunConfig {
  if (!PROBLEM_NAMES.includes(options.space)) throw new Error(`unknown search space '${options.space}' (registered: ${PROBLEM_NAMES.join(', ')})`);
  if (!Number.isInteger(options.budget) || options.budget < 1) throw new RangeError(`budget must be a positive integer (distinct cells): got ${options.budget}`);
  const cells = PROBLEM_CELLS[options.space];
  if (options.budget > cells) throw new RangeError(`budget must be at most the ${cells} cells of ${options.space}'s table (distinct cells): got ${options.budget}`);
  if (options.seeds.length === 0) throw new RangeError('seeds must not be empty');
  for (const seed of options.seeds) {
    if (!Number.isSafeInteger(seed) || seed < 0) throw new RangeError(`seeds must be non-negative integers: got ${seed}`);
  }
  if (new Set(options.seeds).size !== options.seeds.length) throw new RangeError(`seeds must be distinct: got ${options.seeds.join(', ')}`);
  checkFolderName('experiment', options.experiment);
  const algoOptions = options.algoOptions ?? {};
  createAlgorithm(options.algo, algoOptions);
  return { space: options.space, algo: options.algo, budget: options.budget, algoOptions };
}

/** Node version, installed package versions and git commit of this checkout. */
export function currentProvenance(): Provenance {
  return { node: process.version, packages: packageVersions(), gitCommit: gitState().gitCommit };
}

type Report = (index: number, summary: SeedSummary) => void;
type BeforeStart = (index: number, job: SeedJob) => Promise<SeedJob>;

async function runInline(jobs: readonly SeedJob[], beforeStart: BeforeStart, report: Report): Promise<SeedSummary[]> {
  const out: SeedSummary[] = [];
  for (const [index, job] of jobs.entries()) {
    const summary = await runSeed(await beforeStart(index, job));
    report(index, summary);
    out.push(summary);
  }
  return out;
}

/** A pool of `workers` threads running run-worker.ts; on the first failure all threads stop. */
function runOnWorkers(jobs: readonly SeedJob[], workers: number, beforeStart: BeforeStart, report: Report, recycle: boolean): Promise<SeedSummary[]> {
  return runOnWorkerPool<SeedJob, SeedSummary>(join(__dirname, 'run-worker.ts'), jobs, workers, {
    beforeStart,
    onDone: report,
    toError: (reply) => rebuildError(jobs[reply.index], reply),
  }, { recycle: (previous, next) => recycle && previous.config.algo !== next.config.algo });
}

/** The worker's error as an Error of the same name, so callers can tell an abort from a bug. */
function rebuildError(job: SeedJob, msg: { name: string; message: string; stack?: string }): Error {
  const where = `${job.config.space} ${job.config.algo}-${job.config.budget} seed ${job.seed}`;
  const Kind = msg.name === 'SearchAbortedError' ? SearchAbortedError : msg.name === 'ReplayMismatchError' ? ReplayMismatchError : Error;
  const error = new Kind(`${where}: ${msg.message}`);
  if (Kind === Error) error.name = msg.name;
  if (msg.stack !== undefined) error.stack = `${error.name}: ${where}: ${msg.message}\n(worker stack) ${msg.stack}`;
  return error;
}

/** Feeds the caller's callback and (unless quiet) a cli-progress bar on stderr. */
function progressReporter(total: number, options: RunSeedsOptions, startedMs: number): { report: (summary: SeedSummary) => void; stop: () => void } {
  const label = `${options.algo}-${options.budget}`;
  const bar = options.quiet ? null : new SingleBar({ format: `search ${label} [{bar}] {value}/{total} seeds | ETA {etaText}`, stream: process.stderr }, Presets.shades_classic);
  bar?.start(total, 0, { etaText: '?' });
  let done = 0;
  let ran = 0;
  return {
    report: (summary) => {
      done++;
      if (!summary.skipped) ran++;
      // Skipped seeds cost ~nothing, so the rate comes from the seeds actually run (all workers together).
      const etaSeconds = ran === 0 ? null : ((performance.now() - startedMs) / 1000 / ran) * (total - done);
      bar?.update(done, { etaText: etaSeconds === null ? '?' : `${Math.round(etaSeconds)}s` });
      options.onProgress?.({ done, total, seed: summary.seed, skipped: summary.skipped, etaSeconds });
    },
    stop: () => bar?.stop(),
  };
}
