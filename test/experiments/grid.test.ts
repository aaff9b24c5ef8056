import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runGrid, table1Grid, table3Grid } from '../../lib/experiments/grid';

const root = mkdtempSync(join(tmpdir(), 'dnas-grid-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('runGrid', () => {
  it('keeps each seed\'s recorded seconds when a rerun reuses the seeds', async () => {
    const grid = [{ label: 'random', algo: 'random', budget: 5 }];
    const first = await runGrid(grid, { seeds: 2, experiment: 'grid-test', resultsDir: root, workers: 0 });
    const again = await runGrid(grid, { seeds: 2, experiment: 'grid-test', resultsDir: root, workers: 0 });
    expect(again[0].results).toEqual(first[0].results);
    expect(first[0].seedSeconds).toBeGreaterThan(0);
    expect(again[0].seedSeconds).toBeCloseTo(first[0].seedSeconds, 9);
    expect(first[0].results.map((r) => r.queried)).toEqual([5, 5]);
  });
});

describe('table grids', () => {
  it('hold the paper\'s Table 1 budgets plus every method at 150 and 300', () => {
    const names = table1Grid('full').map((c) => `${c.algo}-${c.budget}`);
    expect(names).toEqual(['random-150', 'random-300', 'random-2000', 're-150', 're-300', 're-2000', 'nao-150', 'nao-300', 'nao-2000', 'semi-150', 'semi-300', 'semi-2100', 'dnas-150', 'dnas-300']);
  });
  it('hold the 2 × 2 ablation at 200 queries', () => {
    const grid = table3Grid('full');
    expect(grid.map((c) => [c.budget, c.algoOptions?.dense, c.algoOptions?.disentangle])).toEqual([[200, false, false], [200, false, true], [200, true, false], [200, true, true]]);
  });
});
