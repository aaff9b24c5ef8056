// Grids as Slurm job arrays against a real single-node cluster (cluster.ts): an array gives the
// results of the same grid run locally; a cancelled task and a resubmission finish the grid with the
// same results; `grid status` tells done, running, failed and missing seeds apart and shows a failed
// task's error; Slurm's own error comes back for a submission it refuses.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGrid, runGrids, type GridConfig } from '../../lib/experiments/grid';
import { gridStatus, runGridOnSlurm, type GridStatus } from '../../lib/experiments/slurm-grid';
import { dnasSync, tempFolder } from '../faults/helpers';
import { startCluster, type TestCluster } from './cluster';

let cluster: TestCluster | null = null;
beforeAll(async () => {
  cluster = await startCluster();
  // squeue and scancel, called by the library in this process, find the cluster through SLURM_CONF.
  process.env.SLURM_CONF = cluster.conf;
}, 60_000);
afterAll(() => cluster?.stop());

/** `dnas grid …` against the test cluster, with `results` as the results folder. */
const grid = (args: string[], results: string) => dnasSync(['grid', ...args], { SLURM_CONF: cluster!.conf, DNAS_RESULTS_DIR: results });

/** Poll `grid status` until no task of the grid is queued or running. */
async function finished(dir: string, timeoutMs = 120_000): Promise<GridStatus> {
  for (const started = Date.now(); Date.now() - started < timeoutMs; await new Promise((r) => setTimeout(r, 250))) {
    const status = gridStatus(dir);
    if (status.jobs.every((j) => j.queue.length === 0)) return status;
  }
  throw new Error(`grid ${dir} still queued after ${timeoutMs} ms: ${JSON.stringify(gridStatus(dir).jobs)}`);
}

/** Every seed's result.json of `configs` × `seeds` under `<results>/<experiment>/`. */
function results(root: string, experiment: string, configs: readonly GridConfig[], seeds: number): string[] {
  return configs.flatMap((c) => Array.from({ length: seeds }, (_, k) => readFileSync(join(root, experiment, `${c.algo}-${c.budget}`, `seed-${k}`, 'result.json'), 'utf8')));
}

const local = async (configs: GridConfig[], experiment: string, seeds: number): Promise<string[]> => {
  const root = tempFolder('slurm-local');
  await runGrid(configs, { seeds, space: 'nb201', experiment, resultsDir: root, workers: 1 });
  return results(root, experiment, configs, seeds);
};

describe('a grid as a Slurm job array', () => {
  it('gives every seed the result of the same grid run locally, and status counts them done', async () => {
    const configs: GridConfig[] = [{ label: 'random', algo: 'random', budget: 20 }, { label: 'bananas', algo: 'bananas', budget: 20 }];
    const remote = tempFolder('slurm-array');
    const submit = grid(['submit', '--slurm', '--name', 'pair', '--space', 'nb201', '--algo', 'random,bananas', '--budget', '20', '--seeds', '4', '--tasks', '3'], remote);
    expect(submit.status, submit.stderr).toBe(0);
    const { dir, jobs, tasks, submitted } = JSON.parse(submit.stdout) as { dir: string; jobs: number; tasks: number; submitted: { jobId: string } };
    expect([jobs, tasks]).toEqual([8, 3]);
    expect(submitted.jobId).toMatch(/^\d+$/);
    const status = await finished(dir);
    expect(status.configs.map((c) => [c.algo, c.done, c.running, c.failed, c.missing])).toEqual([['random', 4, 0, 0, 0], ['bananas', 4, 0, 0, 0]]);
    expect(status.taskErrors).toEqual([]);
    expect(results(remote, 'pair', configs, 4)).toEqual(await local(configs, 'pair', 4));
  }, 180_000);

  it('a task cancelled mid-run (scancel) and a resubmission finish the grid with the same results', async () => {
    const configs: GridConfig[] = [{ label: 'bananas', algo: 'bananas', budget: 60 }];
    const remote = tempFolder('slurm-cancel');
    const args = ['submit', '--slurm', '--name', 'cancelled', '--space', 'nb201', '--algo', 'bananas', '--budget', '60', '--seeds', '4', '--tasks', '2'];
    const first = grid(args, remote);
    expect(first.status, first.stderr).toBe(0);
    const { dir, submitted } = JSON.parse(first.stdout) as { dir: string; submitted: { jobId: string } };
    // Cancel task 0 once one of its seeds is running.
    let seen: GridStatus | null = null;
    for (const started = Date.now(); Date.now() - started < 60_000; await new Promise((r) => setTimeout(r, 100))) {
      const status = gridStatus(dir);
      if (status.configs[0].running > 0 && status.jobs[0].queue.some((t) => t.id === `${submitted.jobId}_0` && t.state === 'RUNNING')) {
        seen = status;
        break;
      }
    }
    expect(seen, 'task 0 was never seen running a seed').not.toBeNull();
    expect(spawnSync('scancel', [`${submitted.jobId}_0`], { env: cluster!.env }).status).toBe(0);
    const cut = await finished(dir);
    expect(cut.configs[0].done).toBeLessThan(4);
    expect(cut.configs[0].running).toBe(0);
    const again = grid(args, remote);
    expect(again.status, again.stderr).toBe(0);
    const whole = await finished(dir);
    expect(whole.configs[0].done).toBe(4);
    expect(whole.jobs).toHaveLength(2);
    expect(results(remote, 'cancelled', configs, 4)).toEqual(await local(configs, 'cancelled', 4));
  }, 180_000);

  it('dnas grid cancel stops every task of the grid; status then counts the seeds left as missing', async () => {
    const remote = tempFolder('slurm-grid-cancel');
    const submit = grid(['submit', '--slurm', '--name', 'stopped', '--space', 'nb201', '--algo', 'bananas', '--budget', '60', '--seeds', '4', '--tasks', '2'], remote);
    expect(submit.status, submit.stderr).toBe(0);
    const { dir, submitted } = JSON.parse(submit.stdout) as { dir: string; submitted: { jobId: string } };
    for (const started = Date.now(); gridStatus(dir).configs[0].running === 0 && Date.now() - started < 60_000; ) await new Promise((r) => setTimeout(r, 100));
    const cancel = grid(['cancel', '--grid', dir], remote);
    expect(cancel.status, cancel.stderr).toBe(0);
    expect(JSON.parse(cancel.stdout)).toEqual({ cancelled: [submitted.jobId] });
    const status = await finished(dir);
    expect(status.configs[0].done).toBeLessThan(4);
    expect(status.configs[0].running).toBe(0);
    expect(status.configs[0].done + status.configs[0].missing).toBe(4);
  }, 120_000);

  it('status names a failed task with its error, and counts its seeds failed, the other task\'s done', async () => {
    const remote = tempFolder('slurm-failed');
    // Seed 0 (task 0 of 2 runs seeds 0 and 2) holds another config: that task fails on it.
    mkdirSync(join(remote, 'broken', 'random-20', 'seed-0'), { recursive: true });
    writeFileSync(join(remote, 'broken', 'random-20', 'seed-0', 'config.json'), '{"space":"nb201","algo":"random","budget":99}\n');
    const submit = grid(['submit', '--slurm', '--name', 'broken', '--space', 'nb201', '--algo', 'random', '--budget', '20', '--seeds', '4', '--tasks', '2'], remote);
    expect(submit.status, submit.stderr).toBe(0);
    const status = await finished((JSON.parse(submit.stdout) as { dir: string }).dir);
    expect(status.configs.map((c) => [c.done, c.running, c.failed, c.missing])).toEqual([[2, 0, 2, 0]]);
    expect(status.taskErrors).toHaveLength(1);
    expect(status.taskErrors[0].task).toBe(0);
    expect(status.taskErrors[0].error).toContain('holds a different config');
  }, 120_000);

  it('runGridOnSlurm (the notebooks\' executor "slurm") waits for the array; runGrids then reuses every seed; a second call submits nothing', async () => {
    const root = tempFolder('slurm-notebook');
    const parts = [{ grid: [{ label: 'random', algo: 'random', budget: 20 }], space: 'nb201', experiment: 'from-notebook' }];
    const status = await runGridOnSlurm(parts, { name: 'from-notebook', seeds: 3, resultsDir: root, pollSeconds: 0.5 });
    expect(status.configs.map((c) => c.done)).toEqual([3]);
    const skipped: boolean[] = [];
    const [runs] = await runGrids(parts, { seeds: 3, resultsDir: root, workers: 0, onProgress: (_c, p) => skipped.push(p.skipped) });
    expect([runs[0].results.length, skipped]).toEqual([3, [true, true, true]]);
    expect(gridStatus(status.dir).jobs).toHaveLength(1);
    await runGridOnSlurm(parts, { name: 'from-notebook', seeds: 3, resultsDir: root, pollSeconds: 0.5 });
    expect(gridStatus(status.dir).jobs).toHaveLength(1);
  }, 120_000);

  it('a submission Slurm refuses gives Slurm\'s error, at once', () => {
    const started = Date.now();
    const run = grid(['submit', '--slurm', '--name', 'nowhere', '--space', 'nb201', '--algo', 'random', '--budget', '20', '--seeds', '2', '--partition', 'nope'], tempFolder('slurm-refused'));
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/sbatch refused .*array\.sbatch \(exit 1\): sbatch: error: invalid partition specified: nope/);
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});
