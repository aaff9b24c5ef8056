// A grid as one Slurm job array: which (configuration, seed) jobs each array task runs, and the
// sbatch script that starts the tasks. Pure: it submits nothing and reads no files (the CLI does).

/**
 * The jobs of array task `task` of `tasks`, as indices into the grid's start order (gridJobOrder):
 * task t takes jobs t, t + tasks, t + 2·tasks, … Strided, so every task gets a share of each
 * algorithm (the expensive ones included) and the tasks end close together; within a task the jobs
 * stay grouped by algorithm, as the grid orders them. The same arguments give the same slice on
 * every node, so a resubmitted task reruns exactly its own jobs.
 * @throws RangeError when jobs is not an integer ≥ 1, tasks not an integer in [1, jobs], or task not in [0, tasks).
 */
export function arrayTaskJobs(jobs: number, tasks: number, task: number): number[] {
  if (!Number.isInteger(jobs) || jobs < 1) throw new RangeError(`a grid needs at least one job: got ${jobs}`);
  if (!Number.isInteger(tasks) || tasks < 1 || tasks > jobs) throw new RangeError(`array tasks must be an integer in [1, ${jobs}] (one job at least each): got ${tasks}`);
  if (!Number.isInteger(task) || task < 0 || task >= tasks) throw new RangeError(`array task id must be an integer in [0, ${tasks - 1}]: got ${task}`);
  const out: number[] = [];
  for (let i = task; i < jobs; i += tasks) out.push(i);
  return out;
}

/** What an sbatch script for a grid array asks of Slurm. */
export interface SbatchOptions {
  /** The job's name in squeue/sacct. */
  readonly jobName: string;
  /** Array tasks (`--array=0-<tasks−1>`). */
  readonly tasks: number;
  /** Tasks running at once (`%N`); absent: as many as Slurm allows. */
  readonly atOnce?: number;
  readonly partition?: string;
  /** Time limit per task in a form sbatch takes: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS. */
  readonly time?: string;
  readonly cpusPerTask?: number;
  /** Memory per task as sbatch takes it, e.g. 4G, 4000M. */
  readonly memory?: string;
  /** Further `#SBATCH …` lines, as given. */
  readonly extra?: readonly string[];
  /** Folder for the tasks' stdout/stderr (`<folder>/<job>_<task>.out|err`). */
  readonly logDir: string;
  /** The shell line each task runs; $SLURM_ARRAY_TASK_ID names its task. */
  readonly command: string;
  /** The working folder the tasks start in (the project checkout on the shared file system). */
  readonly workDir: string;
}

/**
 * The sbatch script of a grid array.
 * @throws RangeError naming the option, the value and what sbatch takes.
 */
export function sbatchScript(options: SbatchOptions): string {
  checkSbatchOptions(options);
  const lines = [
    '#!/bin/bash',
    `#SBATCH --job-name=${options.jobName}`,
    `#SBATCH --array=0-${options.tasks - 1}${options.atOnce === undefined ? '' : `%${options.atOnce}`}`,
    ...(options.partition === undefined ? [] : [`#SBATCH --partition=${options.partition}`]),
    ...(options.time === undefined ? [] : [`#SBATCH --time=${options.time}`]),
    ...(options.cpusPerTask === undefined ? [] : [`#SBATCH --cpus-per-task=${options.cpusPerTask}`]),
    ...(options.memory === undefined ? [] : [`#SBATCH --mem=${options.memory}`]),
    `#SBATCH --output=${options.logDir}/%A_%a.out`,
    `#SBATCH --error=${options.logDir}/%A_%a.err`,
    `#SBATCH --chdir=${options.workDir}`,
    ...(options.extra ?? []),
    'set -euo pipefail',
    options.command,
    '',
  ];
  return lines.join('\n');
}

const NAME = /^[A-Za-z0-9_.-]+$/;
const TIME = /^(\d+|\d+:\d{2}|\d+:\d{2}:\d{2}|\d+-\d+|\d+-\d+:\d{2}|\d+-\d+:\d{2}:\d{2})$/;
const MEMORY = /^\d+[KMGT]?$/;

function checkSbatchOptions(o: SbatchOptions): void {
  if (!NAME.test(o.jobName)) throw new RangeError(`job name must be letters, digits, '.', '_' or '-': got ${JSON.stringify(o.jobName)}`);
  if (!Number.isInteger(o.tasks) || o.tasks < 1) throw new RangeError(`array tasks must be an integer ≥ 1: got ${o.tasks}`);
  if (o.atOnce !== undefined && (!Number.isInteger(o.atOnce) || o.atOnce < 1)) throw new RangeError(`tasks at once (%N) must be an integer ≥ 1: got ${o.atOnce}`);
  if (o.partition !== undefined && !NAME.test(o.partition)) throw new RangeError(`partition must be letters, digits, '.', '_' or '-': got ${JSON.stringify(o.partition)}`);
  if (o.time !== undefined && !TIME.test(o.time)) throw new RangeError(`time must be minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS: got ${JSON.stringify(o.time)}`);
  if (o.cpusPerTask !== undefined && (!Number.isInteger(o.cpusPerTask) || o.cpusPerTask < 1)) throw new RangeError(`CPUs per task must be an integer ≥ 1: got ${o.cpusPerTask}`);
  if (o.memory !== undefined && !MEMORY.test(o.memory)) throw new RangeError(`memory must be a number with an optional K, M, G or T suffix (e.g. 4G): got ${JSON.stringify(o.memory)}`);
  for (const line of o.extra ?? []) {
    if (!/^#SBATCH --?[A-Za-z]/.test(line) || line.includes('\n')) throw new RangeError(`an extra line must be one '#SBATCH --option' line: got ${JSON.stringify(line)}`);
  }
  for (const [name, path] of [['log folder', o.logDir], ['working folder', o.workDir]] as const) {
    if (!path.startsWith('/') || /[\s'"$`\\]/.test(path)) throw new RangeError(`${name} must be an absolute path without spaces, quotes, '$', '\`' or '\\': got ${JSON.stringify(path)}`);
  }
  if (o.command.includes('\n') || o.command.trim() === '') throw new RangeError(`the task command must be one non-empty line: got ${JSON.stringify(o.command)}`);
}
