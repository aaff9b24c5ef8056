import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NB101_DATA } from '../real-data';

const ROOT = join(__dirname, '..', '..');
const CELLS_1K = join(NB101_DATA, 'cells-1k.jsonl');

/** Run the real `dnas` entry (bin of package.json) and parse its JSON. */
function dnas(...args: string[]): unknown {
  return JSON.parse(execFileSync(process.execPath, [join(ROOT, 'cli', 'dnas.cjs'), ...args], { cwd: ROOT, encoding: 'utf8' }));
}

// The first cell of cells-1k: a real 7-vertex cell whose hash and parameter count are in the data.
const first = JSON.parse(readFileSync(CELLS_1K, 'utf8').split('\n')[0]) as { hash: string; matrix: number[][]; ops: string[] };
const cellArg = JSON.stringify({ matrix: first.matrix, ops: first.ops });

describe('dnas cell', () => {
  it('prints the official hash of a cell', () => {
    expect(dnas('cell', 'hash', '--cell', cellArg)).toEqual({ hash: first.hash });
  });
  it('prints the parameter count the benchmark reports for that cell', () => {
    // val-subset-30k.csv: 00005c142e6f48ac74fdcf73e3439874 has 8,555,530 parameters.
    expect(dnas('cell', 'params', '--cell', cellArg)).toEqual({ hash: first.hash, params: 8555530 });
  });
  it('prints FLOPs in millions and the 27-token encoding', () => {
    const flops = dnas('cell', 'flops', '--cell', cellArg) as { flopsM: number };
    expect(flops.flopsM).toBeGreaterThan(0);
    const encoded = dnas('cell', 'encode', '--cell', cellArg) as { tokens: number[] };
    expect(encoded.tokens).toHaveLength(27);
  });
  it('fails with the validation message and exit code 1 on an invalid cell', () => {
    const bad = JSON.stringify({ matrix: [[0, 1], [1, 0]], ops: ['input', 'output'] });
    const run = spawnSync(process.execPath, [join(ROOT, 'cli', 'dnas.cjs'), 'cell', 'hash', '--cell', bad], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('matrix is not strictly upper-triangular: matrix[1][0] = 1');
  });
  it('fails with usage and exit code 2 on an unknown command', () => {
    const run = spawnSync(process.execPath, [join(ROOT, 'cli', 'dnas.cjs'), 'frobnicate'], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('unknown command: frobnicate');
  });
});

describe('dnas query', () => {
  it('returns the table row of a hash', () => {
    const row = dnas('query', '--hash', first.hash) as { valAccuracy: number; params: number };
    // val-subset-30k.csv, first row: val_acc_108 = 0.9304887652397156, params = 8555530.
    expect(row.valAccuracy).toBeCloseTo(0.9304887652397156, 12);
    expect(row.params).toBe(8555530);
  });
  it('reports an out-of-domain hash as an error, exit code 1', () => {
    const run = spawnSync(process.execPath, [join(ROOT, 'cli', 'dnas.cjs'), 'query', '--hash', 'ffffffffffffffffffffffffffffffff'], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/OutOfDomain|not in the table|out of domain/i);
  });
});
