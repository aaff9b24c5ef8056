import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RESULTS_DIR_ENV } from '../../lib/project-folders';
import {
  compareExperiments,
  listExperiments,
  listNotebookRuns,
  listNotebooks,
  listResults,
  loadSearchRuns,
  NOTEBOOK_RUN_COLUMNS,
  RUN_COLUMNS,
  summarizeRuns,
  SUMMARY_COLUMNS,
} from '../../lib/report/results-store';
import type { SearchResult } from '../../lib/search/search';

const SHA = '01a9f485e865f1b6a3bbc92070236a852550d5a02c7abb618fa025de87542538';

function writeJson(file: string, value: unknown): void {
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, JSON.stringify(value, null, 2) + '\n');
}

/** A seed folder as lib/experiments/runner.ts writes it; `best` undefined leaves it unfinished. */
function writeSeed(root: string, experiment: string, algo: string, budget: number, seed: number, run: { best?: number; outOfDomain?: number; wallSeconds?: number; partialLog?: boolean; space?: string } = {}): string {
  const dir = join(root, experiment, `${algo}-${budget}`, `seed-${seed}`);
  const config = { space: run.space ?? 'nb101', algo, budget, algoOptions: {}, settings: {}, seed, dataSha256: SHA };
  writeJson(join(dir, 'config.json'), config);
  const finished = run.best !== undefined;
  writeJson(join(dir, 'manifest.json'), {
    config, seed, dataFile: '/data/val-subset-30k.csv', dataSha256: SHA, backend: null, node: 'v20.20.2', packages: {}, gitCommit: null,
    replayedRows: 0, startedAt: '2026-11-24T17:56:41.643Z', finishedAt: finished ? '2026-11-24T17:56:51.941Z' : null, wallSeconds: finished ? (run.wallSeconds ?? 1) : null,
  });
  if (run.partialLog) writeFileSync(join(dir, 'query-log.csv'), 'queryIndex,hash\n0,abc\n');
  if (finished) {
    const result: SearchResult = {
      algorithm: algo, budget, queried: budget, best: { key: `best-${seed}`, searchAccuracy: run.best! }, trajectory: [run.best!], accuracies: [run.best!],
      proposals: budget + (run.outOfDomain ?? 0), outOfDomain: run.outOfDomain ?? 0, repeats: 0, queriedByOrigin: { main: budget },
    };
    writeJson(join(dir, 'result.json'), { seed, config, ...result });
    writeFileSync(join(dir, 'query-log.csv.gz'), '');
  }
  return dir;
}

/** A notebook run folder as lib/report/run-context.ts writes it. */
function writeNotebookRun(root: string, notebook: string, runId: string, startedAt: string, wallSeconds: number | null): void {
  const dir = join(root, notebook, runId);
  writeJson(join(dir, 'config.json'), {});
  writeJson(join(dir, 'manifest.json'), {
    notebook, runId, scale: 'smoke', seed: 0, config: {}, configHash: runId.slice(-8), gitCommit: null, gitDirty: null, node: 'v20.20.2', packages: {},
    backend: wallSeconds === null ? null : 'wasm', startedAt, finishedAt: wallSeconds === null ? null : startedAt, wallSeconds,
  });
  mkdirSync(join(dir, 'tables'), { recursive: true });
}

/**
 * alpha: random-10 seeds 0–2 finished (0.90, 0.92, 0.97) + seed 3 interrupted; re-10 one seed
 * (std undefined); dnas-20 only a config (never ran). beta: random-10 two seeds. gamma: nothing
 * finished. nb-one: three notebook runs, one killed. scratch and alpha/notes: neither kind.
 */
function fixture(): string {
  const root = mkdtempSync(join(tmpdir(), 'dnas-results-'));
  writeSeed(root, 'alpha', 'random', 10, 0, { best: 0.9, outOfDomain: 10, wallSeconds: 2 });
  writeSeed(root, 'alpha', 'random', 10, 1, { best: 0.92, outOfDomain: 20, wallSeconds: 4 });
  writeSeed(root, 'alpha', 'random', 10, 2, { best: 0.97, outOfDomain: 30, wallSeconds: 6 });
  writeSeed(root, 'alpha', 'random', 10, 3, { partialLog: true });
  writeSeed(root, 'alpha', 're', 10, 0, { best: 0.95 });
  writeSeed(root, 'alpha', 'dnas', 20, 0);
  mkdirSync(join(root, 'alpha', 'notes'));
  writeSeed(root, 'beta', 'random', 10, 0, { best: 0.91 });
  writeSeed(root, 'beta', 'random', 10, 1, { best: 0.93 });
  writeSeed(root, 'gamma', 'nao', 10, 0, { partialLog: true, space: 'nb201' });
  writeNotebookRun(root, 'nb-one', '20260101T000000Z-aaaaaaaa', '2026-01-01T00:00:00.000Z', 5);
  writeNotebookRun(root, 'nb-one', '20260102T000000Z-bbbbbbbb', '2026-01-02T00:00:00.000Z', null);
  writeNotebookRun(root, 'nb-one', '20250601T000000Z-cccccccc', '2025-06-01T00:00:00.000Z', 3);
  mkdirSync(join(root, 'scratch', 'junk'), { recursive: true });
  return root;
}

const savedEnv = process.env[RESULTS_DIR_ENV];
afterEach(() => {
  if (savedEnv === undefined) delete process.env[RESULTS_DIR_ENV];
  else process.env[RESULTS_DIR_ENV] = savedEnv;
});

describe('listExperiments', () => {
  it('lists every experiment with its configs and finished and unfinished seeds', () => {
    const root = fixture();
    const experiments = listExperiments(root);
    expect(experiments.map((e) => e.name)).toEqual(['alpha', 'beta', 'gamma']);
    const alpha = experiments[0].configs.map(({ algo, budget, space, finishedSeeds, unfinishedSeeds }) => ({ algo, budget, space, finishedSeeds, unfinishedSeeds }));
    expect(alpha).toEqual([
      { algo: 'dnas', budget: 20, space: 'nb101', finishedSeeds: [], unfinishedSeeds: [0] },
      { algo: 'random', budget: 10, space: 'nb101', finishedSeeds: [0, 1, 2], unfinishedSeeds: [3] },
      { algo: 're', budget: 10, space: 'nb101', finishedSeeds: [0], unfinishedSeeds: [] },
    ]);
    expect(experiments[2].configs[0].space).toBe('nb201');
  });
  it('reads $DNAS_RESULTS_DIR when no folder is given', () => {
    process.env[RESULTS_DIR_ENV] = fixture();
    expect(listExperiments().map((e) => e.name)).toEqual(['alpha', 'beta', 'gamma']);
  });
  it('names folders of neither kind instead of skipping them unseen', () => {
    const listing = listResults(fixture());
    expect(listing.notebooks).toEqual([expect.objectContaining({ name: 'nb-one', runs: 3 })]);
    expect(listing.unrecognised).toEqual(['alpha/notes', 'scratch']);
    expect(listNotebooks(listing.resultsDir).map((n) => n.name)).toEqual(['nb-one']);
  });
  it('fails on a missing results folder, naming it', () => {
    const missing = join(fixture(), 'missing');
    expect(() => listExperiments(missing)).toThrow(`results folder not found: ${missing}`);
  });
  it('fails on a results path that is a file', () => {
    const file = join(fixture(), 'alpha', 'random-10', 'seed-0', 'config.json');
    expect(() => listExperiments(file)).toThrow(`results folder is not a folder: ${file}`);
  });
});

describe('loadSearchRuns', () => {
  it('loads one row per finished seed with the result and manifest fields', () => {
    const root = fixture();
    const { runs } = loadSearchRuns('alpha', { resultsDir: root });
    expect(runs.columnNames()).toEqual([...RUN_COLUMNS]);
    expect(runs.numRows()).toBe(4);
    const first = runs.objects()[0] as Record<string, unknown>;
    expect(first).toMatchObject({
      experiment: 'alpha', space: 'nb101', algo: 'random', budget: 10, seed: 0, bestAccuracy: 0.9, bestKey: 'best-0', queried: 10,
      outOfDomain: 10, proposals: 20, repeats: 0, wallSeconds: 2, dataSha256: SHA, dir: join(root, 'alpha', 'random-10', 'seed-0'),
    });
    expect(runs.array('seed')).toEqual([0, 1, 2, 0]);
  });
  it('counts an interrupted seed in the unfinished list and never loads it', () => {
    const root = fixture();
    const { runs, unfinished } = loadSearchRuns('alpha', { resultsDir: root });
    expect(runs.filter((d: { seed: number; algo: string }) => d.algo === 'random' && d.seed === 3).numRows()).toBe(0);
    expect(unfinished.map(({ algo, budget, seed }) => `${algo}-${budget}/seed-${seed}`)).toEqual(['dnas-20/seed-0', 'random-10/seed-3']);
    expect(unfinished[1].reason).toContain('query-log.csv holds a partial run');
    expect(unfinished[0].reason).toContain('no query log');
  });
  it('gives an empty table with all columns when no seed finished', () => {
    const { runs, unfinished } = loadSearchRuns('gamma', { resultsDir: fixture() });
    expect(runs.numRows()).toBe(0);
    expect(runs.columnNames()).toEqual([...RUN_COLUMNS]);
    expect(unfinished).toHaveLength(1);
  });
  it('lists the known experiments when the name is unknown', () => {
    expect(() => loadSearchRuns('alpah', { resultsDir: fixture() })).toThrow(/unknown experiment 'alpah' in .*: known experiments are alpha, beta, gamma$/);
  });
  it('says so when the name is a notebook folder', () => {
    expect(() => loadSearchRuns('nb-one', { resultsDir: fixture() })).toThrow("'nb-one' holds notebook runs: use listNotebookRuns");
  });
  it('lists a malformed result.json as corrupt, naming it, and loads the other seeds', () => {
    const root = fixture();
    const file = join(writeSeed(root, 'delta', 'random', 10, 0, { best: 0.9 }), 'result.json');
    writeSeed(root, 'delta', 'random', 10, 1, { best: 0.8 });
    writeFileSync(file, '{"seed": 0, "best": ');
    const runs = loadSearchRuns('delta', { resultsDir: root });
    expect(runs.runs.array('seed')).toEqual([1]);
    expect(runs.corrupt).toEqual([{ file, reason: expect.stringMatching(/^malformed JSON \(/) }]);
    expect(runs.unfinished).toEqual([expect.objectContaining({ seed: 0, reason: expect.stringMatching(new RegExp(`^corrupt: ${file}: malformed JSON`)) })]);
    expect(summarizeRuns(runs).objects()[0]).toMatchObject({ seeds: 1, unfinished: 1 });
  });
  it('lists a result.json without a best accuracy as corrupt, naming the field', () => {
    const root = fixture();
    const file = join(writeSeed(root, 'delta', 'random', 10, 0, { best: 0.9 }), 'result.json');
    writeJson(file, { seed: 0, queried: 0, best: null, proposals: 0, outOfDomain: 0 });
    expect(loadSearchRuns('delta', { resultsDir: root }).corrupt).toEqual([{ file, reason: 'expected best.searchAccuracy to be a number, got best = null' }]);
  });
  it('lists a result.json holding another seed than its folder as corrupt', () => {
    const root = fixture();
    const dir = writeSeed(root, 'delta', 'random', 10, 4, { best: 0.9 });
    writeFileSync(join(dir, 'result.json'), JSON.stringify({ seed: 5, best: { key: 'k', searchAccuracy: 0.9 }, queried: 10, proposals: 10, outOfDomain: 0 }));
    expect(loadSearchRuns('delta', { resultsDir: root }).corrupt).toEqual([{ file: join(dir, 'result.json'), reason: 'holds seed 5 but lies in folder seed-4' }]);
  });
});

describe('summarizeRuns', () => {
  it('computes seeds, mean, sample std, min, max and mean out-of-domain per config', () => {
    const summary = summarizeRuns(loadSearchRuns('alpha', { resultsDir: fixture() }));
    expect(summary.columnNames()).toEqual([...SUMMARY_COLUMNS]);
    const rows = summary.objects() as Record<string, number | string | null>[];
    expect(rows.map((r) => `${r.algo}-${r.budget}`)).toEqual(['dnas-20', 'random-10', 're-10']);
    const random = rows[1];
    // By hand: mean(0.90, 0.92, 0.97) = 0.93; deviations −0.03, −0.01, 0.04 → Σ² = 0.0026, /(3−1) → std √0.0013.
    expect(random.seeds).toBe(3);
    expect(random.unfinished).toBe(1);
    expect(random.mean as number).toBeCloseTo(0.93, 12);
    expect(random.std as number).toBeCloseTo(Math.sqrt(0.0013), 12);
    expect(random.min).toBe(0.9);
    expect(random.max).toBe(0.97);
    expect(random.meanOutOfDomain).toBe(20);
    expect(random.meanWallSeconds).toBe(4);
  });
  it('reports std null for a single seed and keeps an all-unfinished config as a row', () => {
    const rows = summarizeRuns(loadSearchRuns('alpha', { resultsDir: fixture() })).objects() as Record<string, unknown>[];
    expect(rows[2]).toMatchObject({ algo: 're', seeds: 1, mean: 0.95, std: null });
    expect(rows[0]).toMatchObject({ algo: 'dnas', seeds: 0, unfinished: 1, mean: null, std: null, min: null, max: null });
  });
  it('accepts the runs table alone (unfinished then 0)', () => {
    const rows = summarizeRuns(loadSearchRuns('alpha', { resultsDir: fixture() }).runs).objects() as Record<string, unknown>[];
    expect(rows.map((r) => [r.algo, r.unfinished])).toEqual([['random', 0], ['re', 0]]);
  });
  it('names the columns a foreign table lacks', () => {
    const { runs } = loadSearchRuns('beta', { resultsDir: fixture() });
    expect(() => summarizeRuns(runs.select('experiment', 'algo'))).toThrow('missing space, budget, bestAccuracy, bestReportAccuracy, outOfDomain, wallSeconds');
  });
});

describe('compareExperiments', () => {
  it('puts the same config of several experiments side by side', () => {
    const rows = compareExperiments(['beta', 'alpha'], { resultsDir: fixture() }).objects() as Record<string, unknown>[];
    expect(rows.map((r) => `${r.experiment}:${r.algo}-${r.budget}`)).toEqual(['alpha:dnas-20', 'alpha:random-10', 'beta:random-10', 'alpha:re-10']);
    // beta random-10: mean(0.91, 0.93) = 0.92, std = √((0.01² + 0.01²)/1) = √0.0002.
    expect(rows[2].mean as number).toBeCloseTo(0.92, 12);
    expect(rows[2].std as number).toBeCloseTo(Math.sqrt(0.0002), 12);
  });
  it('rejects an empty list, a repeated name and an unknown name', () => {
    const resultsDir = fixture();
    expect(() => compareExperiments([], { resultsDir })).toThrow('needs at least one experiment name: got 0');
    expect(() => compareExperiments(['alpha', 'alpha'], { resultsDir })).toThrow("experiment 'alpha' is named more than once");
    expect(() => compareExperiments(['alpha', 'omega'], { resultsDir })).toThrow("unknown experiment 'omega'");
  });
});

describe('listNotebookRuns', () => {
  it('lists a notebook’s runs newest first with their manifest fields', () => {
    const root = fixture();
    const runs = listNotebookRuns('nb-one', { resultsDir: root });
    expect(runs.columnNames()).toEqual([...NOTEBOOK_RUN_COLUMNS]);
    expect(runs.array('runId')).toEqual(['20260102T000000Z-bbbbbbbb', '20260101T000000Z-aaaaaaaa', '20250601T000000Z-cccccccc']);
    expect(runs.array('finished')).toEqual([false, true, true]);
    expect(runs.array('wallSeconds')).toEqual([null, 5, 3]);
    expect(runs.objects()[1]).toMatchObject({ scale: 'smoke', seed: 0, backend: 'wasm', configHash: 'aaaaaaaa', dir: join(root, 'nb-one', '20260101T000000Z-aaaaaaaa') });
  });
  it('lists the notebooks with runs when the name is unknown', () => {
    expect(() => listNotebookRuns('nb-two', { resultsDir: fixture() })).toThrow(/unknown notebook 'nb-two' in .*: notebooks with runs are nb-one$/);
    expect(() => listNotebookRuns('alpha', { resultsDir: fixture() })).toThrow("'alpha' is a search experiment: use loadSearchRuns");
  });
  it('leaves out a run whose manifest.json is malformed, and listResults names it as corrupt', () => {
    const root = fixture();
    const file = join(root, 'nb-one', '20260101T000000Z-aaaaaaaa', 'manifest.json');
    writeFileSync(file, '[1, 2]');
    expect(listNotebookRuns('nb-one', { resultsDir: root }).array('runId')).toEqual(['20260102T000000Z-bbbbbbbb', '20250601T000000Z-cccccccc']);
    expect(listResults(root).corrupt).toEqual([{ file, reason: 'malformed JSON: expected an object, got an array' }]);
  });
});
