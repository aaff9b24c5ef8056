import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
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

describe('dnas space stats', () => {
  it('reports the complete table covering the whole space, with the datasets README facts', () => {
    const stats = dnas('space', 'stats') as {
      space: { size: number };
      table: { rows: number; coverageOfSpace: number; best: { hash: string }; below20Percent: number; thresholds: Record<string, number>; file: string };
      sample: { rows: number; coverageOfSpace: number; spearmanValTest: number };
    };
    expect(stats.space.size).toBe(423_624);
    expect([stats.table.rows, stats.table.coverageOfSpace]).toEqual([423_624, 1]);
    expect(stats.table.file).toMatch(/nasbench101\/test-108-all\.csv$/);
    expect(stats.table.best.hash).toBe('ba0a27cafe7d648aa57f7d5dd64c0b48');
    expect(stats.table.below20Percent).toBe(2673);
    // README thresholds: top 0.01% ≥ 0.94231, top 0.1% ≥ 0.93970, top 1% ≥ 0.93610.
    expect(stats.table.thresholds['top 0.01%']).toBeCloseTo(0.94231, 5);
    expect(stats.table.thresholds['top 0.1%']).toBeCloseTo(0.9397, 4);
    expect(stats.table.thresholds['top 1%']).toBeCloseTo(0.9361, 4);
    expect(stats.sample.rows).toBe(30_001);
    expect(stats.sample.spearmanValTest).toBeCloseTo(0.971, 3);
  });
});

describe('dnas query', () => {
  it('prints both metrics of a cell in the 30k sample', () => {
    const row = dnas('query', '--hash', first.hash) as { testAccuracy: number; valAccuracy: number; params: number; files: { inSample: boolean } };
    // test-108-all.csv, first row: 0.9211738705635071; val-subset-30k.csv, first row: val_acc_108 = 0.9304887652397156, params = 8555530.
    expect(row.testAccuracy).toBe(0.9211738705635071);
    expect(row.valAccuracy).toBe(0.9304887652397156);
    expect(row.params).toBe(8555530);
    expect(row.files.inSample).toBe(true);
  });
  it('prints the test accuracy of a cell outside the sample, with no validation accuracy', () => {
    // The best cell of the complete table (datasets README) is not among the 30,001 sampled ones.
    const row = dnas('query', '--hash', 'ba0a27cafe7d648aa57f7d5dd64c0b48') as { testAccuracy: number; valAccuracy: number | null; files: { inSample: boolean } };
    expect(row.testAccuracy).toBe(0.9466145634651184);
    expect(row.valAccuracy).toBeNull();
    expect(row.files.inSample).toBe(false);
  });
  it('reports a hash that names no cell of the space as an error, exit code 1', () => {
    const run = spawnSync(process.execPath, [join(ROOT, 'cli', 'dnas.cjs'), 'query', '--hash', 'ffffffffffffffffffffffffffffffff'], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('ffffffffffffffffffffffffffffffff is not a cell of NAS-Bench-101 (423624 cells)');
  });
});

/**
 * A results folder in the runner's layout: alpha/random-10 with seeds 0 (0.90) and 1 (0.94)
 * finished and seed 2 interrupted, beta/random-10 with one seed (0.92), one notebook run.
 */
function resultsFixture(): string {
  const root = mkdtempSync(join(tmpdir(), 'dnas-cli-results-'));
  const seed = (experiment: string, k: number, best?: number): void => {
    const dir = join(root, experiment, 'random-10', `seed-${k}`);
    mkdirSync(dir, { recursive: true });
    const config = { space: 'nb101', algo: 'random', budget: 10, algoOptions: {}, settings: {}, seed: k, dataSha256: 'abc' };
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ config, seed: k, wallSeconds: best === undefined ? null : 1 }));
    if (best === undefined) return writeFileSync(join(dir, 'query-log.csv'), 'queryIndex\n0\n');
    const result = { seed: k, config, algorithm: 'random', budget: 10, queried: 10, best: { key: 'k', searchAccuracy: best }, trajectory: [], accuracies: [], proposals: 15, outOfDomain: 5, repeats: 0, queriedByOrigin: { main: 10 } };
    writeFileSync(join(dir, 'result.json'), JSON.stringify(result));
  };
  seed('alpha', 0, 0.9);
  seed('alpha', 1, 0.94);
  seed('alpha', 2);
  seed('beta', 0, 0.92);
  const run = join(root, 'nb-one', '20260101T000000Z-aaaaaaaa');
  mkdirSync(run, { recursive: true });
  writeFileSync(join(run, 'manifest.json'), JSON.stringify({ notebook: 'nb-one', runId: '20260101T000000Z-aaaaaaaa', scale: 'smoke', seed: 0, startedAt: '2026-01-01T00:00:00.000Z', finishedAt: null, wallSeconds: null }));
  return root;
}

describe('dnas results', () => {
  const results = resultsFixture();
  it('ls prints experiments with their configs and seed counts, and notebooks with run counts', () => {
    const listing = dnas('results', 'ls', '--results', results) as Record<string, unknown>;
    expect(listing).toEqual({
      resultsDir: results,
      experiments: [
        { name: 'alpha', configs: [{ algo: 'random', budget: 10, space: 'nb101', seeds: 2, unfinished: 1, corrupt: 0 }] },
        { name: 'beta', configs: [{ algo: 'random', budget: 10, space: 'nb101', seeds: 1, unfinished: 0, corrupt: 0 }] },
      ],
      notebooks: [{ name: 'nb-one', runs: 1 }],
      unrecognised: [],
      corrupt: [],
    });
  });
  it('show prints the summary row of each config and the unfinished seeds', () => {
    const shown = dnas('results', 'show', 'alpha', '--results', results) as { summary: Record<string, unknown>[]; unfinished: Record<string, unknown>[] };
    expect(shown.summary).toHaveLength(1);
    // mean(0.90, 0.94) = 0.92; sample std = √((0.02² + 0.02²)/1) = √0.0008.
    expect(shown.summary[0]).toMatchObject({ experiment: 'alpha', space: 'nb101', algo: 'random', budget: 10, seeds: 2, unfinished: 1, min: 0.9, max: 0.94, meanOutOfDomain: 5 });
    expect(shown.summary[0].mean as number).toBeCloseTo(0.92, 12);
    expect(shown.summary[0].std as number).toBeCloseTo(Math.sqrt(0.0008), 12);
    expect(shown.unfinished).toEqual([{ algo: 'random', budget: 10, seed: 2, reason: expect.stringContaining('partial run') }]);
  });
  it('compare prints the rows of all named experiments side by side', () => {
    const compared = dnas('results', 'compare', 'beta', 'alpha', '--results', results) as { experiments: string[]; summary: Record<string, unknown>[] };
    expect(compared.experiments).toEqual(['beta', 'alpha']);
    expect(compared.summary.map((r) => [r.experiment, r.seeds])).toEqual([['alpha', 2], ['beta', 1]]);
  });
  it('fails with exit code 1 naming the known experiments for an unknown one', () => {
    const run = spawnSync(process.execPath, [join(ROOT, 'cli', 'dnas.cjs'), 'results', 'show', 'gamma', '--results', results], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`unknown experiment 'gamma' in ${results}: known experiments are alpha, beta`);
  });
  it('fails with usage and exit code 2 without a results subcommand', () => {
    const run = spawnSync(process.execPath, [join(ROOT, 'cli', 'dnas.cjs'), 'results', 'list'], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('dnas results needs one of ls|show|compare: got list');
  });
});

describe('dnas controller pretrain', () => {
  const cacheDir = mkdtempSync(join(tmpdir(), 'dnas-pretrain-'));
  afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));
  const run = (...args: string[]) => JSON.parse(execFileSync(process.execPath, [join(ROOT, 'cli', 'dnas.cjs'), 'controller', 'pretrain', ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, DNAS_CACHE_DIR: cacheDir } })) as Record<string, unknown>;

  it('trains, then loads from the cache, printing the held-out scores in JSON', () => {
    const first = run('--space', 'nb201', '--scale', 'smoke', '--steps', '20');
    for (const field of ['heldOutExactReconstruction', 'validDecodeRate', 'klNats', 'activeFactors', 'mig', 'migShuffled', 'seconds', 'cached']) expect(first, field).toHaveProperty(field);
    expect(first.cached).toBe(false);
    expect(first.space).toBe('nb201');
    expect(first.validDecodeRate).toBe(1);
    const again = run('--space', 'nb201', '--scale', 'smoke', '--steps', '20');
    expect(again.cached).toBe(true);
    expect(again.key).toBe(first.key);
    expect(again.heldOutExactReconstruction).toBe(first.heldOutExactReconstruction);
  }, 120_000);

  it('searches with the improved DNAS on a pretrained latent space given by --latent-model, with settings from --options', () => {
    const model = run('--space', 'nb201', '--scale', 'smoke', '--steps', '20');
    const results = mkdtempSync(join(tmpdir(), 'dnas-acq-cli-'));
    try {
      const args = ['search', '--space', 'nb201', '--algo', 'dnas-acq', '--budget', '20', '--seeds', '0-1', '--workers', '0', '--latent-model', String(model.dir), '--options', '{"starts": 3, "regionDraws": 20}'];
      const search = () => JSON.parse(execFileSync(process.execPath, [join(ROOT, 'cli', 'dnas.cjs'), ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, DNAS_CACHE_DIR: cacheDir, DNAS_RESULTS_DIR: results } }));
      const first = search();
      expect(first.perSeed.map((s: { skipped: boolean }) => s.skipped)).toEqual([false, false]);
      const config = JSON.parse(readFileSync(join(first.dir, 'seed-0', 'config.json'), 'utf8'));
      expect(config.algoOptions).toEqual({ starts: 3, regionDraws: 20, latentModel: model.dir });
      expect(config.settings.latentModelSha256).toMatch(/^[0-9a-f]{16}$/);
      expect(search().perSeed.map((s: { skipped: boolean }) => s.skipped)).toEqual([true, true]);
    } finally {
      rmSync(results, { recursive: true, force: true });
    }
  }, 120_000);

  it('refuses --latent-model for a search that has no latent space, and --options that is not a JSON object (exit code 2)', () => {
    for (const extra of [['--algo', 'random', '--latent-model', '/tmp'], ['--algo', 'random', '--options', '[1]'], ['--algo', 'random', '--options', '{oops']]) {
      const result = spawnSync(process.execPath, [join(ROOT, 'cli', 'dnas.cjs'), 'search', '--space', 'nb201', '--budget', '5', '--seeds', '0', ...extra], { encoding: 'utf8', env: { ...process.env, DNAS_CACHE_DIR: cacheDir } });
      expect(result.status, extra.join(' ')).toBe(2);
      expect(result.stderr).toMatch(/--latent-model is for dnas-acq|--options must be a JSON object|--options is not valid JSON/);
    }
  }, 60_000);

  it('states β in textbook units', () => {
    const out = run('--space', 'nb201', '--scale', 'smoke', '--steps', '5', '--beta', '4');
    expect(out.beta).toBe(4);
    expect(out.textbookBeta).toBe(4);
  }, 120_000);

  it('fails with usage and exit code 2 for an unknown space or a non-numeric β', () => {
    for (const args of [['--space', 'nb301'], ['--space', 'nb201', '--beta', 'high']]) {
      const result = spawnSync(process.execPath, [join(ROOT, 'cli', 'dnas.cjs'), 'controller', 'pretrain', ...args], { encoding: 'utf8', env: { ...process.env, DNAS_CACHE_DIR: cacheDir } });
      expect(result.status).toBe(2);
    }
  }, 60_000);
});
