// A grid's folder for Slurm without a cluster: the spec and script written, a second grid under the
// same name refused, array tasks run by hand give the results of a local run, status counts seeds,
// and the CLI's usage errors. (Against a real cluster: test/slurm/.)
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runGrid, type GridConfig } from '../../lib/experiments/grid';
import { GRID_FILES, gridStatus, prepareGrid, runArrayTask } from '../../lib/experiments/slurm-grid';
import { dnasSync, tempFolder } from '../faults/helpers';

const CONFIGS: GridConfig[] = [{ label: 'random', algo: 'random', budget: 10 }, { label: 're', algo: 're', budget: 10 }];
const part = { grid: CONFIGS, space: 'nb201', experiment: 'hand' };

describe('a grid folder for Slurm', () => {
  it('holds the spec and the script; array tasks run by hand give the local results; status counts them', async () => {
    const root = tempFolder('grid-hand');
    const { dir, script, spec } = prepareGrid({ name: 'hand', parts: [part], seeds: 3, tasks: 4, resultsDir: root }, { partition: 'cpu', cpusPerTask: 2 });
    expect(dir).toBe(join(root, 'grids', 'hand'));
    expect(script).toContain('#SBATCH --array=0-3');
    expect(script).toContain(`node cli/dnas.cjs grid run-task --grid ${dir} --task "$SLURM_ARRAY_TASK_ID"`);
    expect(readFileSync(join(dir, GRID_FILES.script), 'utf8')).toBe(script);
    expect(spec).toMatchObject({ version: 1, seeds: 3, tasks: 4, workersPerTask: 2, resultsDir: root });
    expect(gridStatus(dir).configs.map((c) => [c.done, c.missing])).toEqual([[0, 3], [0, 3]]);
    const ran = [];
    for (let task = 0; task < 4; task++) ran.push(await runArrayTask(dir, task));
    expect(ran.map((r) => r.jobs)).toEqual([2, 2, 1, 1]);
    expect(gridStatus(dir).configs.map((c) => [c.experiment, c.done, c.running, c.failed, c.missing])).toEqual([['hand', 3, 0, 0, 0], ['hand', 3, 0, 0, 0]]);
    // a task run again skips its finished seeds
    expect(await runArrayTask(dir, 0)).toEqual({ jobs: 2, ran: 0, skipped: 2 });
    const reference = tempFolder('grid-hand-local');
    await runGrid(CONFIGS, { seeds: 3, space: 'nb201', experiment: 'hand', resultsDir: reference, workers: 0 });
    for (const c of CONFIGS) {
      for (let k = 0; k < 3; k++) {
        const file = join(`${c.algo}-${c.budget}`, `seed-${k}`, 'result.json');
        expect(readFileSync(join(root, 'hand', file), 'utf8')).toBe(readFileSync(join(reference, 'hand', file), 'utf8'));
      }
    }
  }, 60_000);

  it('refuses another grid under a name in use, more tasks than jobs, and a bad name', () => {
    const root = tempFolder('grid-refused');
    prepareGrid({ name: 'taken', parts: [part], seeds: 1, tasks: 1, resultsDir: root });
    expect(() => prepareGrid({ name: 'taken', parts: [part], seeds: 2, tasks: 1, resultsDir: root })).toThrow(`holds another grid under the name 'taken'`);
    expect(() => prepareGrid({ name: 'many', parts: [part], seeds: 1, tasks: 3, resultsDir: root })).toThrow('array tasks must be an integer in [1, 2] (one job at least each): got 3');
    expect(() => prepareGrid({ name: '../up', parts: [part], seeds: 1, tasks: 1, resultsDir: root })).toThrow('grid name');
    expect(existsSync(join(root, 'grids', 'many'))).toBe(false);
  });
});

describe('dnas grid', () => {
  it('submit --dry-run prints the script and submits nothing; usage errors exit 2 naming what is missing', () => {
    const root = tempFolder('grid-cli');
    const dry = dnasSync(['grid', 'submit', '--slurm', '--dry-run', '--name', 'dry', '--space', 'nb201', '--algo', 'random,re', '--budget', '10,20', '--seeds', '2', '--time', '10:00', '--sbatch-line', '#SBATCH --account=nas'], { DNAS_RESULTS_DIR: root });
    expect(dry.status, dry.stderr).toBe(0);
    const out = JSON.parse(dry.stdout) as { jobs: number; tasks: number; script: string; submitted: null };
    // one task per configuration that runs unless --tasks says otherwise: random and evolution at 10
    // queries are snapshots of their runs at 20 (budget-snapshot.ts), so 2 configs × 2 seeds run
    expect([out.jobs, out.tasks, out.submitted]).toEqual([4, 2, null]);
    expect(out.script).toContain('#SBATCH --time=10:00\n');
    expect(out.script).toContain('#SBATCH --account=nas\n');
    expect(existsSync(join(root, 'grids', 'dry', GRID_FILES.jobs))).toBe(false);
    for (const [args, message] of [
      [['grid', 'submit', '--name', 'x'], 'dnas grid submit needs --slurm'],
      [['grid', 'submit', '--slurm', '--name', 'x', '--space', 'nb201', '--algo', 'random', '--budget', '10'], 'dnas grid submit needs --seeds (or --notebook NAME --scale S)'],
      [['grid', 'submit', '--slurm', '--name', 'x', '--space', 'nb201', '--algo', 'random', '--budget', '10', '--seeds', '2', '--time', '2h', '--dry-run'], 'time must be minutes, MM:SS'],
      [['grid', 'status'], 'dnas grid status needs --grid DIR or --name NAME'],
      [['grid', 'launch'], 'unknown grid command: launch'],
    ] as const) {
      const run = dnasSync([...args], { DNAS_RESULTS_DIR: root });
      expect(run.status, `${args.join(' ')}: ${run.stderr}`).toBe(2);
      expect(run.stderr).toContain(message);
    }
  }, 60_000);
});
