// The pure parts of a grid as a Slurm job array: the task → jobs partition and the sbatch script.
import { describe, expect, it } from 'vitest';
import { arrayTaskJobs, sbatchScript, type SbatchOptions } from '../../lib/experiments/slurm-array';

describe('arrayTaskJobs', () => {
  it('gives every job to exactly one task, strided, the same on every call', () => {
    for (const [jobs, tasks] of [[1, 1], [7, 3], [360, 16], [16, 16]]) {
      const slices = Array.from({ length: tasks }, (_, t) => arrayTaskJobs(jobs, tasks, t));
      expect(slices.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: jobs }, (_, i) => i));
      // balanced: slice sizes differ by at most one
      const sizes = slices.map((s) => s.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
    expect(arrayTaskJobs(7, 3, 1)).toEqual([1, 4]);
    expect(arrayTaskJobs(7, 3, 1)).toEqual(arrayTaskJobs(7, 3, 1));
  });

  it('refuses counts and ids outside their range, naming the value and the limit', () => {
    expect(() => arrayTaskJobs(0, 1, 0)).toThrow('a grid needs at least one job: got 0');
    expect(() => arrayTaskJobs(5, 6, 0)).toThrow('array tasks must be an integer in [1, 5] (one job at least each): got 6');
    expect(() => arrayTaskJobs(5, 2, 2)).toThrow('array task id must be an integer in [0, 1]: got 2');
    expect(() => arrayTaskJobs(5, 2, -1)).toThrow(RangeError);
  });
});

describe('sbatchScript', () => {
  const base: SbatchOptions = { jobName: 'table1-nb201', tasks: 8, logDir: '/shared/results/table1/slurm', workDir: '/shared/dnas', command: 'node cli/dnas.cjs grid run-task --task "$SLURM_ARRAY_TASK_ID"' };

  it('writes the array, the resources asked for, the log paths and the task command', () => {
    const script = sbatchScript({ ...base, atOnce: 4, partition: 'cpu', time: '2:00:00', cpusPerTask: 2, memory: '4G', extra: ['#SBATCH --account=nas'] });
    expect(script.split('\n')).toEqual([
      '#!/bin/bash',
      '#SBATCH --job-name=table1-nb201',
      '#SBATCH --array=0-7%4',
      '#SBATCH --partition=cpu',
      '#SBATCH --time=2:00:00',
      '#SBATCH --cpus-per-task=2',
      '#SBATCH --mem=4G',
      '#SBATCH --output=/shared/results/table1/slurm/%A_%a.out',
      '#SBATCH --error=/shared/results/table1/slurm/%A_%a.err',
      '#SBATCH --chdir=/shared/dnas',
      '#SBATCH --account=nas',
      'set -euo pipefail',
      'node cli/dnas.cjs grid run-task --task "$SLURM_ARRAY_TASK_ID"',
      '',
    ]);
    // options not given are left to Slurm's defaults
    expect(sbatchScript(base)).not.toMatch(/--partition|--time|--mem|--cpus-per-task|--array=0-7%/);
  });

  it('refuses what sbatch would not take, naming the option and the value', () => {
    expect(() => sbatchScript({ ...base, time: '2h' })).toThrow('time must be minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS: got "2h"');
    expect(() => sbatchScript({ ...base, memory: '4 GB' })).toThrow('memory must be a number with an optional K, M, G or T suffix (e.g. 4G): got "4 GB"');
    expect(() => sbatchScript({ ...base, partition: 'cpu;rm' })).toThrow(`partition must be letters, digits, '.', '_' or '-': got "cpu;rm"`);
    expect(() => sbatchScript({ ...base, atOnce: 0 })).toThrow('tasks at once (%N) must be an integer ≥ 1: got 0');
    expect(() => sbatchScript({ ...base, extra: ['--account=nas'] })).toThrow(`an extra line must be one '#SBATCH --option' line: got "--account=nas"`);
    expect(() => sbatchScript({ ...base, logDir: 'results/slurm' })).toThrow('log folder must be an absolute path');
    expect(() => sbatchScript({ ...base, command: 'a\nb' })).toThrow('the task command must be one non-empty line');
  });
});
