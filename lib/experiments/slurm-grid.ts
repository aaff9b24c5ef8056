// A grid handed to Slurm as one job array, and gathered back: the grid's folder under
// `<results>/grids/<name>/` holds its spec, the sbatch script, the submitted job ids, the tasks'
// logs and the errors of failed tasks. Each task runs its slice (slurm-array.ts) of the grid's
// jobs through the same runner as a local run, into the same seed folders, so a notebook run
// afterwards reuses every seed; finished seeds are skipped and interrupted ones resumed, so a
// resubmission finishes a grid with the results of an uninterrupted local run.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeJsonAtomically, writeFileAtomically } from '../atomic-file';
import { canonicalJson } from '../canonical-json';
import { lockIsLive } from '../folder-lock';
import { readJsonObject } from '../json-file';
import { checkFolderName, projectRoot, resultsRoot } from '../project-folders';
import { gridJobs, type GridJobs, type GridPart } from './grid';
import { runSeedJobs, SEED_FILES, type Provenance } from './runner';
import { arrayTaskJobs, sbatchScript, type SbatchOptions } from './slurm-array';

/** What a grid folder's `grid.json` holds: everything a task needs to rebuild the grid's job list. */
export interface GridSpec {
  readonly version: 1;
  readonly name: string;
  readonly parts: readonly GridPart[];
  /** Seeds 0..seeds−1 of every config. */
  readonly seeds: number;
  /** The results folder every task writes into (absolute; shared by all nodes). */
  readonly resultsDir: string;
  readonly tasks: number;
  /** Worker threads in each task (its CPUs). */
  readonly workersPerTask: number;
}

/**
 * Array tasks when none are asked for: one per configuration that runs (each runs its share of the
 * seeds, strided over the grid: slurm-array.ts; configurations filled from another's snapshots do not
 * count), at most 1,000. A task costs a process start (a few seconds: the runtime, the tables,
 * TF.js), so one per seed would cost more than short seeds take.
 */
export function defaultTasks(parts: readonly GridPart[]): number {
  const running = gridJobs(parts, { seeds: 1 }, LISTED_ONLY).cells.filter((c) => c.derivedFrom === undefined).length;
  return Math.max(1, Math.min(running, 1000));
}

/**
 * Provenance for job lists that are only listed (status, checks), never run: a run records its own
 * (runArrayTask), and listing needs neither git nor the installed packages' versions.
 */
const LISTED_ONLY: Provenance = { node: process.version, packages: {}, gitCommit: null };

/** The files of a grid folder. */
export const GRID_FILES = { spec: 'grid.json', script: 'array.sbatch', jobs: 'jobs.json', logs: 'slurm', errors: 'task-errors' } as const;

/** `<results>/grids/<name>`. */
export function gridFolder(name: string, resultsDir?: string): string {
  checkFolderName('grid name', name);
  return join(resultsRoot(resultsDir), 'grids', name);
}

/** Slurm settings of a submission (SbatchOptions without what the grid decides). */
export type SlurmSettings = Pick<SbatchOptions, 'partition' | 'time' | 'cpusPerTask' | 'memory' | 'atOnce' | 'extra'>;

/**
 * Write a grid's folder: its spec (a folder holding another grid under the same name is refused)
 * and its sbatch script. Nothing is submitted.
 * @returns the folder and the script.
 * @throws RangeError for a bad grid or Slurm setting; Error when the folder holds another grid.
 */
export function prepareGrid(spec: Omit<GridSpec, 'version' | 'resultsDir' | 'workersPerTask'> & { readonly resultsDir?: string }, slurm: SlurmSettings = {}): { readonly dir: string; readonly script: string; readonly spec: GridSpec; readonly jobs: GridJobs } {
  const resultsDir = resolve(resultsRoot(spec.resultsDir));
  const full: GridSpec = { version: 1, name: spec.name, parts: spec.parts, seeds: spec.seeds, resultsDir, tasks: spec.tasks, workersPerTask: slurm.cpusPerTask ?? 1 };
  const jobs = gridJobs(full.parts, full, LISTED_ONLY);
  arrayTaskJobs(jobs.order.length, full.tasks, 0); // refuses more tasks than jobs before anything is written
  const dir = gridFolder(full.name, resultsDir);
  const script = sbatchScript({
    ...slurm, jobName: `dnas-${full.name}`, tasks: full.tasks, logDir: join(dir, GRID_FILES.logs), workDir: projectRoot(),
    command: `node cli/dnas.cjs grid run-task --grid ${dir} --task "$SLURM_ARRAY_TASK_ID"`,
  });
  const specPath = join(dir, GRID_FILES.spec);
  if (existsSync(specPath) && canonicalJson(readJsonObject(specPath)) !== canonicalJson(full)) {
    throw new Error(`${specPath} holds another grid under the name '${full.name}'; choose another name or delete ${dir}`);
  }
  mkdirSync(join(dir, GRID_FILES.logs), { recursive: true });
  writeJsonAtomically(specPath, full);
  writeFileAtomically(join(dir, GRID_FILES.script), script);
  return { dir, script, spec: full, jobs };
}

/** A submission of a grid's array. */
export interface Submission {
  readonly jobId: string;
  readonly submittedAt: string;
}

/**
 * Submit a prepared grid's script with `sbatch --parsable` and record the job id.
 * @throws Error with sbatch's own message when Slurm refuses it (an unknown partition, a time over
 *   the partition's limit), or when sbatch is missing.
 */
export function submitGrid(dir: string): Submission {
  const run = spawnSync('sbatch', ['--parsable', join(dir, GRID_FILES.script)], { encoding: 'utf8', timeout: 60_000 });
  if (run.error !== undefined) throw new Error(`sbatch could not be run (${run.error.message}); is Slurm installed and on PATH?`);
  if (run.status !== 0) throw new Error(`sbatch refused ${join(dir, GRID_FILES.script)} (exit ${run.status}): ${run.stderr.trim()}`);
  const jobId = run.stdout.trim().split(';')[0];
  if (!/^\d+$/.test(jobId)) throw new Error(`sbatch printed no job id: got ${JSON.stringify(run.stdout.trim())}`);
  const submission = { jobId, submittedAt: new Date().toISOString() };
  writeJsonAtomically(join(dir, GRID_FILES.jobs), { submissions: [...submissions(dir), submission] });
  return submission;
}

/** The grid's spec, read back. @throws CorruptFileError naming the file; Error for another version. */
export function readGridSpec(dir: string): GridSpec {
  const path = join(dir, GRID_FILES.spec);
  const spec = readJsonObject(path) as unknown as GridSpec;
  if (spec.version !== 1) throw new Error(`${path}: a grid spec of version ${String(spec.version)} (this code reads 1)`);
  return spec;
}

function submissions(dir: string): Submission[] {
  const path = join(dir, GRID_FILES.jobs);
  return existsSync(path) ? ((readJsonObject(path) as { submissions?: Submission[] }).submissions ?? []) : [];
}

/**
 * Run array task `task` of a grid: its slice of the grid's jobs, on `workersPerTask` threads,
 * through the runner (finished seeds skipped, interrupted ones resumed, seed folders locked). A
 * failure is written to `task-errors/task-<k>.json` (read by gridStatus) and rethrown; the task
 * run again with success removes it.
 */
export async function runArrayTask(dir: string, task: number): Promise<{ readonly jobs: number; readonly ran: number; readonly skipped: number }> {
  const spec = readGridSpec(dir);
  const { cells, order } = gridJobs(spec.parts, spec);
  const slice = arrayTaskJobs(order.length, spec.tasks, task);
  const jobs = slice.map((i) => cells[order[i].cell].jobs[order[i].seed]);
  const errorFile = join(dir, GRID_FILES.errors, `task-${task}.json`);
  try {
    const done = await runSeedJobs(jobs, Math.min(spec.workersPerTask, jobs.length));
    rmSync(errorFile, { force: true });
    return { jobs: jobs.length, ran: done.filter((s) => !s.skipped).length, skipped: done.filter((s) => s.skipped).length };
  } catch (error) {
    mkdirSync(join(dir, GRID_FILES.errors), { recursive: true });
    writeJsonAtomically(errorFile, { task, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error), at: new Date().toISOString(), host: process.env.SLURMD_NODENAME ?? null, jobId: process.env.SLURM_ARRAY_JOB_ID ?? null });
    throw error;
  }
}

/** Per config of a grid: how many seeds are done, running, failed or missing. */
export interface GridConfigStatus {
  readonly experiment: string;
  readonly label: string;
  readonly algo: string;
  readonly budget: number;
  readonly done: number;
  /** Seed folders whose lock a live writer holds (a task runs them: folder-lock.ts lockIsLive). */
  readonly running: number;
  /** Not done, not running, and in the slice of a task that failed. */
  readonly failed: number;
  readonly missing: number;
}

/** What `dnas grid status` prints. */
export interface GridStatus {
  readonly dir: string;
  readonly configs: readonly GridConfigStatus[];
  /** Every submission with its tasks' states from squeue (finished tasks leave squeue: none listed). */
  readonly jobs: readonly (Submission & { readonly queue: readonly { readonly id: string; readonly state: string; readonly reason: string }[] })[];
  /** Failed tasks, with their error. */
  readonly taskErrors: readonly { readonly task: number; readonly error: string; readonly at: string }[];
}

/**
 * The grid's state, from its seed folders, its task error files and squeue. `jobs`: the grid's job
 * list when the caller has it (runGridOnSlurm polls with the one it made), else listed from the spec.
 */
export function gridStatus(dir: string, jobs?: GridJobs): GridStatus {
  const spec = readGridSpec(dir);
  const { cells, order } = jobs ?? gridJobs(spec.parts, spec, LISTED_ONLY);
  const taskErrors = readTaskErrors(dir);
  const failedJobs = new Set(taskErrors.flatMap((e) => arrayTaskJobs(order.length, spec.tasks, e.task).map((i) => `${order[i].cell}/${order[i].seed}`)));
  const configs = cells.map((c, cell) => {
    const counts = { done: 0, running: 0, failed: 0, missing: 0 };
    c.jobs.forEach((job, seed) => {
      if (existsSync(join(job.dir, SEED_FILES.result))) counts.done++;
      else if (lockIsLive(job.dir)) counts.running++;
      // A seed filled from another config's snapshots failed with that config's job.
      else if (failedJobs.has(`${c.derivedFrom ?? cell}/${seed}`)) counts.failed++;
      else counts.missing++;
    });
    return { experiment: c.experiment, label: c.config.label, algo: c.config.algo, budget: c.config.budget, ...counts };
  });
  return { dir, configs, jobs: submissions(dir).map((s) => ({ ...s, queue: squeue(s.jobId) })), taskErrors };
}

/**
 * Cancel every submitted array of the grid (`scancel`); finished seeds stay, and a resubmission
 * goes on from the seeds left.
 * @returns the job ids cancelled.
 * @throws Error with scancel's message when it fails.
 */
export function cancelGrid(dir: string): string[] {
  const ids = submissions(dir).map((s) => s.jobId);
  if (ids.length === 0) return [];
  const run = spawnSync('scancel', ids, { encoding: 'utf8', timeout: 60_000 });
  if (run.error !== undefined) throw new Error(`scancel could not be run (${run.error.message}); is Slurm installed and on PATH?`);
  if (run.status !== 0) throw new Error(`scancel ${ids.join(' ')} failed (exit ${run.status}): ${run.stderr.trim()}`);
  return ids;
}

/** A job's array tasks in the queue: id (`<job>_<task>`), state, reason. Empty once all left it. */
function squeue(jobId: string): { id: string; state: string; reason: string }[] {
  const run = spawnSync('squeue', ['--noheader', '--array', '--jobs', jobId, '--format', '%i|%T|%r'], { encoding: 'utf8', timeout: 60_000 });
  // A job that left the queue is "Invalid job id" for squeue: nothing queued.
  if (run.error !== undefined || run.status !== 0) return [];
  return run.stdout.trim().split('\n').filter((l) => l !== '').map((line) => {
    const [id, state, reason] = line.split('|');
    return { id, state, reason };
  });
}

function readTaskErrors(dir: string): { task: number; error: string; at: string }[] {
  const folder = join(dir, GRID_FILES.errors);
  if (!existsSync(folder)) return [];
  return readdirSync(folder).filter((f) => /^task-\d+\.json$/.test(f)).map((f) => readJsonObject(join(folder, f)) as { task: number; error?: string; at?: string })
    .filter((e): e is { task: number; error: string; at: string } => typeof e.error === 'string').sort((a, b) => a.task - b.task);
}

/** Options of runGridOnSlurm. */
export interface RunGridOnSlurmOptions {
  /** The grid folder's name (results/grids/<name>). */
  readonly name: string;
  readonly seeds: number;
  /** Array tasks (default: defaultTasks, one per configuration). */
  readonly tasks?: number;
  readonly resultsDir?: string;
  readonly slurm?: SlurmSettings;
  /** Seconds between looks at the queue (default 10). */
  readonly pollSeconds?: number;
  /** Each look's status. */
  readonly onStatus?: (status: GridStatus) => void;
  /** Print a line whenever the count of finished seeds changes (default false). */
  readonly progress?: boolean;
}

/**
 * A grid run as a Slurm job array and waited for: prepared and submitted (nothing is submitted
 * when every seed is done already), then polled until none of its tasks is queued. The seeds are
 * then on disk where runGrids finds and reuses them.
 * @returns the last status.
 * @throws Error naming the failed tasks' errors, or the seeds still missing, when the array left
 *   the queue without every seed done; what prepareGrid and submitGrid throw.
 */
export async function runGridOnSlurm(parts: readonly GridPart[], options: RunGridOnSlurmOptions): Promise<GridStatus> {
  const tasks = options.tasks ?? defaultTasks(parts);
  const prepared = prepareGrid({ name: options.name, parts, seeds: options.seeds, tasks, resultsDir: options.resultsDir }, options.slurm);
  const { dir } = prepared;
  const jobs = prepared.jobs.order.length;
  const notDone = (s: GridStatus) => s.configs.reduce((n, c) => n + c.running + c.failed + c.missing, 0);
  let status = gridStatus(dir, prepared.jobs);
  const submitted = notDone(status) > 0 ? submitGrid(dir) : null;
  if (options.progress === true) console.log(submitted === null ? `slurm ${options.name}: every seed is done already` : `slurm ${options.name}: job ${submitted.jobId}, ${jobs} seeds in ${tasks} tasks`);
  let printed = -1;
  for (;;) {
    status = gridStatus(dir, prepared.jobs);
    options.onStatus?.(status);
    const done = status.configs.reduce((n, c) => n + c.done, 0);
    if (options.progress === true && done !== printed) {
      console.log(`slurm ${options.name}: ${done} of ${jobs} seeds done, ${status.configs.reduce((n, c) => n + c.running, 0)} running`);
      printed = done;
    }
    if (status.jobs.every((j) => j.queue.length === 0)) break;
    await new Promise((resolve) => setTimeout(resolve, (options.pollSeconds ?? 10) * 1000));
  }
  const left = notDone(status);
  if (left > 0) {
    const errors = status.taskErrors.map((e) => `task ${e.task}: ${e.error}`).join('; ');
    throw new Error(`the Slurm array of ${dir} ended with ${left} of ${jobs} seeds not done${errors === '' ? ' (no task reported an error: a task cancelled or past its time limit? see its log in slurm/)' : `: ${errors}`}; submit again to finish them`);
  }
  return status;
}
