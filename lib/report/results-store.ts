// The results store: finds what searches and notebook runs left under the results folder and loads
// it into Arquero tables (one row per seed, summaries per configuration, notebook run lists).
// It only reads: it never writes, moves or reruns anything, and it computes no paper metric itself.
import * as aq from 'arquero';
import type { ColumnTable } from 'arquero';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { checkFolderName, resultsRoot } from '../project-folders';
import { CorruptFileError, readJsonObject, type CorruptFile } from '../json-file';

export { CorruptFileError, type CorruptFile };

/*
 * Layout of the results folder (resultsRoot(): $DNAS_RESULTS_DIR, else <project>/results).
 *
 * Search experiments, written by lib/experiments/runner.ts (runSeeds, `dnas search`):
 *   <experiment>/<algo>-<budget>/seed-<k>/
 *     config.json       the config the seed was run with: space, algo, budget, algoOptions,
 *                       settings (defaults filled in), seed, dataSha256 of the benchmark file
 *     manifest.json     provenance: data file and checksum, backend, node, package versions, git
 *                       commit, startedAt, finishedAt and wallSeconds (null until finished)
 *     query-log.csv     every query of a running or interrupted seed (plain CSV) ...
 *     query-log.csv.gz  ... gzipped once the seed finished (read it with readQueryLog)
 *     result.json       the SearchResult (lib/search/search.ts) plus seed and config; written
 *                       last, so its presence is what marks a seed finished
 *
 * Notebook runs, written by lib/report/run-context.ts (startRun):
 *   <notebook>/<runId>/    runId = UTC start time + config hash, e.g. 20261124T181546Z-ab00bef4
 *     config.json, manifest.json (RunManifest: scale, seed, backend, startedAt, wallSeconds, …),
 *     tables/*.csv, figures/*.json (Plotly), summary.json and whatever else the notebook wrote.
 *
 * A top-level folder may hold both kinds (an experiment and a notebook of the same name).
 */

/** Names of the files inside a seed folder, as lib/experiments/runner.ts (SEED_FILES) writes them. */
const SEED_FILE = { config: 'config.json', manifest: 'manifest.json', result: 'result.json', log: 'query-log.csv' } as const;
/** A configuration folder: `<algo>-<budget>` (the algorithm name may itself hold dashes). */
const CONFIG_FOLDER = /^(.+)-(\d+)$/;
/** A seed folder: `seed-<k>`. */
const SEED_FOLDER = /^seed-(\d+)$/;
/** The columns that identify one search configuration in run and summary tables. */
const CONFIG_KEYS = ['experiment', 'space', 'algo', 'budget'] as const;

/** Where to read from; every loader takes it. */
export interface ResultsOptions {
  /** Default $DNAS_RESULTS_DIR, else `<project root>/results` (resultsRoot). */
  readonly resultsDir?: string;
}

/** One `<algo>-<budget>` folder of an experiment. */
export interface SearchConfigInfo {
  readonly algo: string;
  /** Distinct in-domain queries per seed. */
  readonly budget: number;
  /** Problem name from the seeds' config.json (`nb101`, `nb201`, …); null when no seed has one yet. */
  readonly space: string | null;
  /** Absolute path of the folder. */
  readonly dir: string;
  /** Seeds whose result.json exists and is a JSON object, ascending. */
  readonly finishedSeeds: readonly number[];
  /** Seeds without result.json (interrupted or still running), ascending. */
  readonly unfinishedSeeds: readonly number[];
  /** Seeds whose result.json exists but cannot be read (truncated, empty, not an object), ascending. */
  readonly corruptSeeds: readonly number[];
  /** Files of this folder that could not be read, and why (the rest is still listed). */
  readonly corrupt: readonly CorruptFile[];
}


/** One search experiment: a top-level folder holding `<algo>-<budget>/seed-<k>/` folders. */
export interface ExperimentInfo {
  readonly name: string;
  readonly dir: string;
  /** Ordered by algorithm name, then budget. */
  readonly configs: readonly SearchConfigInfo[];
}

/** One notebook's folder of runs. */
export interface NotebookInfo {
  readonly name: string;
  readonly dir: string;
  /** Run folders holding a manifest.json. */
  readonly runs: number;
}

/** Everything found under the results folder. */
export interface ResultsListing {
  /** Absolute path of the results folder read. */
  readonly resultsDir: string;
  readonly experiments: readonly ExperimentInfo[];
  readonly notebooks: readonly NotebookInfo[];
  /**
   * Folders that are neither a configuration with seeds nor a run with a manifest, relative to
   * the results folder (`scratch`, `table1/old-stuff`): listed so nothing is skipped unseen.
   */
  readonly unrecognised: readonly string[];
  /** Files that could not be read (a truncated config.json or result.json, a malformed manifest), each named. */
  readonly corrupt: readonly CorruptFile[];
}

/** A seed folder without a readable result.json: counted, never loaded. */
export interface UnfinishedSeed {
  readonly experiment: string;
  readonly space: string | null;
  readonly algo: string;
  readonly budget: number;
  readonly seed: number;
  readonly dir: string;
  /**
   * Why it is not loaded, e.g. `no result.json; query-log.csv holds a partial run (interrupted or still
   * running)`, or `corrupt: <file>: <what is wrong>`.
   */
  readonly reason: string;
}

/** What loadSearchRuns returns: the finished seeds as a table and the unfinished ones as a list. */
export interface SearchRuns {
  /**
   * One row per finished seed, ordered by algo, budget, seed. Columns: experiment, space, algo,
   * budget, seed, bestAccuracy (search accuracy of the best queried cell, fraction of 1),
   * bestKey, bestReportAccuracy (the table's report accuracy of that cell; null when the table has
   * none or the result predates it), queried, outOfDomain, proposals, repeats (counts of proposals), wallSeconds (from
   * manifest.json; null when absent), dataSha256 (of the benchmark file), dir.
   */
  readonly runs: ColumnTable;
  /** Seeds not loaded: unfinished ones, and finished ones whose files cannot be read (reason `corrupt: …`). */
  readonly unfinished: readonly UnfinishedSeed[];
  /** The unreadable files behind the corrupt seeds. */
  readonly corrupt: readonly CorruptFile[];
}

/** Columns of SearchRuns.runs, in order. */
export const RUN_COLUMNS = [
  'experiment', 'space', 'algo', 'budget', 'seed', 'bestAccuracy', 'bestKey', 'bestReportAccuracy', 'queried',
  'outOfDomain', 'proposals', 'repeats', 'wallSeconds', 'dataSha256', 'dir',
] as const;

/** Columns of summarizeRuns' table, in order. */
export const SUMMARY_COLUMNS = [
  'experiment', 'space', 'algo', 'budget', 'seeds', 'unfinished', 'mean', 'std', 'min', 'max',
  'meanReport', 'meanOutOfDomain', 'meanWallSeconds',
] as const;

/** Columns of listNotebookRuns' table, in order. */
export const NOTEBOOK_RUN_COLUMNS = [
  'runId', 'startedAt', 'finished', 'scale', 'seed', 'backend', 'wallSeconds', 'configHash', 'gitCommit', 'dir',
] as const;

/**
 * Everything under the results folder: experiments with their configurations, notebooks with
 * their run counts, folders of neither kind, and files that cannot be read (listed, never fatal).
 * @param resultsDir default $DNAS_RESULTS_DIR, else `<project root>/results`.
 * @throws Error when the results folder is missing or not a folder.
 */
export function listResults(resultsDir?: string): ResultsListing {
  const root = checkResultsDir(resultsDir);
  const experiments: ExperimentInfo[] = [];
  const notebooks: NotebookInfo[] = [];
  const unrecognised: string[] = [];
  const corrupt: CorruptFile[] = [];
  for (const name of subfolders(root)) {
    const scan = scanFolder(root, name);
    corrupt.push(...scan.configs.flatMap((c) => c.corrupt), ...scan.corruptRuns);
    if (scan.configs.length > 0) experiments.push({ name, dir: join(root, name), configs: scan.configs });
    if (scan.runs.length > 0) notebooks.push({ name, dir: join(root, name), runs: scan.runs.length });
    if (scan.configs.length === 0 && scan.runs.length === 0) unrecognised.push(name);
    else unrecognised.push(...scan.other.map((sub) => `${name}/${sub}`));
  }
  return { resultsDir: root, experiments, notebooks, unrecognised, corrupt };
}

/**
 * The search experiments under the results folder, by name, each with its configurations
 * (algo, budget, space, finished and unfinished seeds).
 * @param resultsDir default $DNAS_RESULTS_DIR, else `<project root>/results`.
 * @throws Error when the results folder is missing or not a folder.
 */
export function listExperiments(resultsDir?: string): ExperimentInfo[] {
  return [...listResults(resultsDir).experiments];
}

/**
 * The notebooks under the results folder that hold at least one run (a folder with manifest.json).
 * @param resultsDir default $DNAS_RESULTS_DIR, else `<project root>/results`.
 * @throws Error when the results folder is missing or not a folder.
 */
export function listNotebooks(resultsDir?: string): NotebookInfo[] {
  return [...listResults(resultsDir).notebooks];
}

/**
 * Load every seed of one experiment: finished seeds (result.json present) as table rows,
 * unfinished ones (no result.json: interrupted or still running) in a separate list. A seed whose
 * files cannot be read (malformed JSON, a missing field, another seed than its folder says) is
 * listed as unfinished with reason `corrupt: …` naming the file, and the rest still loads.
 * @param experiment a top-level folder name under the results folder (checkFolderName's rules).
 * @throws Error when the results folder is missing, the name is not a folder name, or the
 *   experiment is unknown (the message lists the known ones).
 */
export function loadSearchRuns(experiment: string, options: ResultsOptions = {}): SearchRuns {
  checkFolderName('experiment', experiment);
  const root = checkResultsDir(options.resultsDir);
  const info = findExperiment(root, experiment);
  const rows: Record<(typeof RUN_COLUMNS)[number], unknown>[] = [];
  const unfinished: UnfinishedSeed[] = [];
  const corrupt: CorruptFile[] = [...info.configs.flatMap((c) => c.corrupt.filter((f) => f.file.endsWith(SEED_FILE.result)))];
  const corruptSeed = (config: SearchConfigInfo, seed: number, file: CorruptFile): void => {
    unfinished.push({ experiment, space: config.space, algo: config.algo, budget: config.budget, seed, dir: join(config.dir, `seed-${seed}`), reason: `corrupt: ${file.file}: ${file.reason}` });
  };
  for (const config of info.configs) {
    for (const seed of config.finishedSeeds) {
      try {
        rows.push(readSeedRow(experiment, config, seed));
      } catch (error) {
        if (!(error instanceof CorruptFileError)) throw error;
        corrupt.push(error.corrupt);
        corruptSeed(config, seed, error.corrupt);
      }
    }
    for (const seed of config.corruptSeeds) corruptSeed(config, seed, config.corrupt.find((f) => f.file === join(config.dir, `seed-${seed}`, SEED_FILE.result))!);
    for (const seed of config.unfinishedSeeds) unfinished.push(unfinishedSeed(experiment, config, seed));
  }
  return { runs: columnTable(RUN_COLUMNS, rows), unfinished, corrupt };
}

/**
 * Summarise runs per configuration (experiment, space, algo, budget): finished seeds, unfinished
 * seeds, mean, sample standard deviation (n − 1; null for a single seed), min and max of
 * bestAccuracy, mean outOfDomain and mean wallSeconds. A configuration whose seeds are all
 * unfinished still gets a row (seeds 0, statistics null), so nothing drops out unseen.
 * @param runs what loadSearchRuns returned, or just its `runs` table (then `unfinished` is 0).
 * @returns columns SUMMARY_COLUMNS, ordered by space, algo, budget, experiment.
 * @throws Error when the table lacks one of the columns it needs.
 */
export function summarizeRuns(runs: SearchRuns | ColumnTable): ColumnTable {
  const table = isSearchRuns(runs) ? runs.runs : runs;
  const unfinished = isSearchRuns(runs) ? runs.unfinished : [];
  const needed = [...CONFIG_KEYS, 'bestAccuracy', 'bestReportAccuracy', 'outOfDomain', 'wallSeconds'];
  const missing = needed.filter((c) => !table.columnNames().includes(c));
  if (missing.length > 0) throw new Error(`summarizeRuns needs columns ${needed.join(', ')}: missing ${missing.join(', ')}`);
  const finishedRows = table.numRows() === 0 ? [] : (table
    .groupby(...CONFIG_KEYS)
    .rollup({
      seeds: aq.op.count(),
      mean: aq.op.mean('bestAccuracy'),
      std: aq.op.stdev('bestAccuracy'),
      min: aq.op.min('bestAccuracy'),
      max: aq.op.max('bestAccuracy'),
      meanReport: aq.op.mean('bestReportAccuracy'),
      meanOutOfDomain: aq.op.mean('outOfDomain'),
      meanWallSeconds: aq.op.mean('wallSeconds'),
    })
    .objects() as Record<string, unknown>[]);
  const byKey = new Map<string, Record<string, unknown>>();
  for (const row of finishedRows) byKey.set(configKey(row), { ...row, unfinished: 0 });
  for (const seed of unfinished) {
    const key = configKey(seed);
    const row = byKey.get(key) ?? { ...pick(seed, CONFIG_KEYS), seeds: 0, unfinished: 0 };
    row.unfinished = (row.unfinished as number) + 1;
    byKey.set(key, row);
  }
  // Arquero leaves undefined where a statistic has no value (stdev of one seed): JSON needs null.
  const rows = [...byKey.values()].map((row) => Object.fromEntries(SUMMARY_COLUMNS.map((c) => [c, row[c] ?? null])));
  return columnTable(SUMMARY_COLUMNS, rows).orderby('space', 'algo', 'budget', 'experiment').reify();
}

/**
 * Summaries of several experiments in one table, configurations side by side (ordered by
 * space, algo, budget, then experiment in the order the rows come).
 * @param names experiment folder names; at least one, each once.
 * @throws RangeError for an empty or repeating list; Error as loadSearchRuns for each name.
 */
export function compareExperiments(names: readonly string[], options: ResultsOptions = {}): ColumnTable {
  if (names.length === 0) throw new RangeError('compareExperiments needs at least one experiment name: got 0');
  const repeated = names.find((name, i) => names.indexOf(name) !== i);
  if (repeated !== undefined) throw new RangeError(`experiment '${repeated}' is named more than once`);
  const loaded = names.map((name) => loadSearchRuns(name, options));
  const runs = loaded.map((l) => l.runs).reduce((all, t) => all.concat(t));
  return summarizeRuns({ runs, unfinished: loaded.flatMap((l) => l.unfinished), corrupt: loaded.flatMap((l) => l.corrupt) });
}

/**
 * The runs of one notebook, newest first (by startedAt, then runId). Columns NOTEBOOK_RUN_COLUMNS:
 * runId, startedAt (ISO time), finished (finishedAt recorded), scale, seed, backend, wallSeconds
 * (null while unfinished or killed), configHash, gitCommit, dir.
 * @param notebook the notebook name (folder under the results folder), without `.ipynb`.
 * A run whose manifest.json cannot be read is left out (listResults names it as corrupt).
 * @throws Error when the results folder is missing, the name is not a folder name, or the
 *   notebook has no runs there (the message lists the notebooks that do).
 */
export function listNotebookRuns(notebook: string, options: ResultsOptions = {}): ColumnTable {
  checkFolderName('notebook', notebook);
  const root = checkResultsDir(options.resultsDir);
  const scan = existsSync(join(root, notebook)) && isFolder(join(root, notebook)) ? scanFolder(root, notebook) : null;
  if (scan === null || scan.runs.length === 0) {
    const known = listResults(root).notebooks.map((n) => n.name);
    const kind = scan !== null && scan.configs.length > 0 ? ` ('${notebook}' is a search experiment: use loadSearchRuns)` : '';
    throw new Error(`unknown notebook '${notebook}' in ${root}${kind}: notebooks with runs are ${known.join(', ') || 'none'}`);
  }
  const rows = scan.runs.flatMap((runId) => {
    try {
      return [notebookRunRow(join(root, notebook, runId), runId)];
    } catch (error) {
      if (error instanceof CorruptFileError) return [];
      throw error;
    }
  });
  rows.sort((a, b) => compareDesc(a.startedAt, b.startedAt) || compareDesc(a.runId, b.runId));
  return columnTable(NOTEBOOK_RUN_COLUMNS, rows);
}

interface FolderScan {
  readonly configs: SearchConfigInfo[];
  /** Run folder names (holding manifest.json). */
  readonly runs: string[];
  /** Subfolders of neither kind. */
  readonly other: string[];
  /** Run folders whose manifest.json cannot be read (still counted in `runs`). */
  readonly corruptRuns: CorruptFile[];
}

/** Sort one top-level folder's subfolders into configurations, notebook runs and others. */
function scanFolder(root: string, name: string): FolderScan {
  const dir = join(root, name);
  const configs: SearchConfigInfo[] = [];
  const runs: string[] = [];
  const other: string[] = [];
  for (const sub of subfolders(dir)) {
    const match = CONFIG_FOLDER.exec(sub);
    const seeds = match === null ? [] : seedFolders(join(dir, sub));
    if (match !== null && seeds.length > 0) configs.push(configInfo(join(dir, sub), match[1], Number(match[2]), seeds));
    else if (existsSync(join(dir, sub, 'manifest.json'))) runs.push(sub);
    else other.push(sub);
  }
  configs.sort((a, b) => (a.algo < b.algo ? -1 : a.algo > b.algo ? 1 : a.budget - b.budget));
  const corruptRuns = runs.flatMap((run) => readableOrCorrupt(join(dir, run, 'manifest.json')));
  return { configs, runs, other, corruptRuns };
}

/** [] when `file` is a readable JSON object, else the one CorruptFile naming it. */
function readableOrCorrupt(file: string): CorruptFile[] {
  try {
    readJsonObject(file);
    return [];
  } catch (error) {
    if (error instanceof CorruptFileError) return [error.corrupt];
    throw error;
  }
}

function configInfo(dir: string, algo: string, budget: number, seeds: number[]): SearchConfigInfo {
  const withResult = seeds.filter((k) => existsSync(join(dir, `seed-${k}`, SEED_FILE.result)));
  const corrupt: CorruptFile[] = [];
  const corruptSeeds = withResult.filter((k) => {
    const bad = readableOrCorrupt(join(dir, `seed-${k}`, SEED_FILE.result));
    corrupt.push(...bad);
    return bad.length > 0;
  });
  const finishedSeeds = withResult.filter((k) => !corruptSeeds.includes(k));
  const unfinishedSeeds = seeds.filter((k) => !withResult.includes(k));
  // Every seed of a folder was claimed with the same config (runner.ts claimFolder): the first readable one is enough.
  let space: string | null = null;
  for (const k of seeds) {
    const file = join(dir, `seed-${k}`, SEED_FILE.config);
    if (!existsSync(file)) continue;
    try {
      space = stringField(readJsonObject(file), 'space', file);
      break;
    } catch (error) {
      if (!(error instanceof CorruptFileError)) throw error;
      corrupt.push(error.corrupt);
    }
  }
  return { algo, budget, space, dir, finishedSeeds, unfinishedSeeds, corruptSeeds, corrupt };
}

/** Seed numbers of the `seed-<k>` folders in `dir`, ascending. */
function seedFolders(dir: string): number[] {
  return subfolders(dir)
    .map((sub) => SEED_FOLDER.exec(sub))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
}

function findExperiment(root: string, experiment: string): ExperimentInfo {
  const dir = join(root, experiment);
  const scan = existsSync(dir) && isFolder(dir) ? scanFolder(root, experiment) : null;
  if (scan !== null && scan.configs.length > 0) return { name: experiment, dir, configs: scan.configs };
  const known = listResults(root).experiments.map((e) => e.name);
  const kind = scan !== null && scan.runs.length > 0 ? ` ('${experiment}' holds notebook runs: use listNotebookRuns)` : '';
  throw new Error(`unknown experiment '${experiment}' in ${root}${kind}: known experiments are ${known.join(', ') || 'none'}`);
}

/** One finished seed as a table row; checks the fields it reads. */
function readSeedRow(experiment: string, config: SearchConfigInfo, seed: number): Record<(typeof RUN_COLUMNS)[number], unknown> {
  const dir = join(config.dir, `seed-${seed}`);
  const file = join(dir, SEED_FILE.result);
  const result = readJsonObject(file);
  if (result.seed !== undefined && result.seed !== seed) {
    throw new CorruptFileError({ file, reason: `holds seed ${JSON.stringify(result.seed)} but lies in folder seed-${seed}` });
  }
  const best = result.best as Record<string, unknown> | null | undefined;
  if (best === null || typeof best !== 'object' || typeof best.searchAccuracy !== 'number') {
    throw new CorruptFileError({ file, reason: `expected best.searchAccuracy to be a number, got best = ${JSON.stringify(best)}` });
  }
  if (best.reportAccuracy !== undefined && typeof best.reportAccuracy !== 'number') {
    throw new CorruptFileError({ file, reason: `expected best.reportAccuracy to be a number or absent, got ${JSON.stringify(best.reportAccuracy)}` });
  }
  // result.json carries the config since the runner's first version; config.json is the fallback.
  const stored = isRecord(result.config) ? result.config : readJsonObject(join(dir, SEED_FILE.config));
  const manifestFile = join(dir, SEED_FILE.manifest);
  const manifest = existsSync(manifestFile) ? readJsonObject(manifestFile) : {};
  const wallSeconds = manifest.wallSeconds ?? null;
  if (wallSeconds !== null && typeof wallSeconds !== 'number') throw new CorruptFileError({ file: manifestFile, reason: `expected wallSeconds to be a number or null, got ${JSON.stringify(wallSeconds)}` });
  return {
    experiment,
    space: stringField(stored, 'space', file),
    algo: config.algo,
    budget: config.budget,
    seed,
    bestAccuracy: best.searchAccuracy,
    bestKey: typeof best.key === 'string' ? best.key : null,
    bestReportAccuracy: best.reportAccuracy ?? null,
    queried: numberField(result, 'queried', file),
    outOfDomain: numberField(result, 'outOfDomain', file),
    proposals: numberField(result, 'proposals', file),
    repeats: typeof result.repeats === 'number' ? result.repeats : null,
    wallSeconds,
    dataSha256: typeof stored.dataSha256 === 'string' ? stored.dataSha256 : null,
    dir,
  };
}

function unfinishedSeed(experiment: string, config: SearchConfigInfo, seed: number): UnfinishedSeed {
  const dir = join(config.dir, `seed-${seed}`);
  const reason = existsSync(join(dir, SEED_FILE.log))
    ? `no ${SEED_FILE.result}; ${SEED_FILE.log} holds a partial run (interrupted or still running)`
    : `no ${SEED_FILE.result} and no query log (never started past its config)`;
  return { experiment, space: config.space, algo: config.algo, budget: config.budget, seed, dir, reason };
}

function notebookRunRow(dir: string, runId: string): Record<(typeof NOTEBOOK_RUN_COLUMNS)[number], unknown> & { startedAt: string | null; runId: string } {
  const file = join(dir, 'manifest.json');
  const m = readJsonObject(file);
  if (m.runId !== undefined && m.runId !== runId) throw new CorruptFileError({ file, reason: `holds runId ${JSON.stringify(m.runId)} but lies in folder ${runId}` });
  const startedAt = typeof m.startedAt === 'string' ? m.startedAt : null;
  return {
    runId, startedAt, finished: typeof m.finishedAt === 'string', scale: m.scale ?? null, seed: m.seed ?? null, backend: m.backend ?? null,
    wallSeconds: typeof m.wallSeconds === 'number' ? m.wallSeconds : null, configHash: m.configHash ?? null, gitCommit: m.gitCommit ?? null, dir,
  };
}

/** The results folder, checked to exist. */
function checkResultsDir(resultsDir: string | undefined): string {
  const root = resultsRoot(resultsDir);
  if (!existsSync(root)) throw new Error(`results folder not found: ${root} (pass resultsDir / --results, or set DNAS_RESULTS_DIR)`);
  if (!isFolder(root)) throw new Error(`results folder is not a folder: ${root}`);
  return root;
}

/** Subfolder names of `dir` (dot-folders aside), sorted. */
function subfolders(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => !e.name.startsWith('.') && (e.isDirectory() || (e.isSymbolicLink() && isFolder(join(dir, e.name)))))
    .map((e) => e.name)
    .sort();
}

function isFolder(path: string): boolean {
  return statSync(path).isDirectory();
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function numberField(obj: Record<string, unknown>, key: string, file: string): number {
  const value = obj[key];
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new CorruptFileError({ file, reason: `expected ${key} to be a number, got ${JSON.stringify(value)}` });
  return value;
}

function stringField(obj: Record<string, unknown>, key: string, file: string): string {
  const value = obj[key];
  if (typeof value !== 'string') throw new CorruptFileError({ file, reason: `expected ${key} to be a string, got ${JSON.stringify(value)}` });
  return value;
}

function isSearchRuns(value: SearchRuns | ColumnTable): value is SearchRuns {
  return 'runs' in value && 'unfinished' in value && Array.isArray((value as SearchRuns).unfinished);
}

/** A table with exactly these columns in this order, also when there are no rows. */
function columnTable(columns: readonly string[], rows: readonly Record<string, unknown>[]): ColumnTable {
  return aq.table(Object.fromEntries(columns.map((c) => [c, rows.map((r) => r[c] ?? null)])));
}

function configKey(row: Record<string, unknown> | UnfinishedSeed): string {
  return JSON.stringify(CONFIG_KEYS.map((k) => (row as Record<string, unknown>)[k] ?? null));
}

function pick(obj: object, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((k) => [k, (obj as Record<string, unknown>)[k] ?? null]));
}

/** Descending order with nulls last. */
function compareDesc(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? 1 : -1;
}
