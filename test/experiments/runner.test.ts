import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { QUERY_LOG_COLUMNS } from '../../lib/report/query-log';
import { ReplayMismatchError, runSeeds, SearchAbortedError, SEED_FILES, type RunSeedsOptions } from '../../lib/experiments/runner';
import { buildSpaceCacheFirst } from '../space-cache';

const root = mkdtempSync(join(tmpdir(), 'dnas-runner-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
buildSpaceCacheFirst();

/** A small real config: RE on NAS-Bench-101, budget 30, population 10 so evolution starts early. */
function options(experiment: string, extra: Partial<RunSeedsOptions> = {}): RunSeedsOptions {
  return { experiment, space: 'nb101', algo: 're', budget: 30, algoOptions: { populationSize: 10, tournamentSize: 3 }, seeds: [5], resultsDir: root, workers: 0, quiet: true, ...extra };
}

const seedDir = (experiment: string, seed = 5): string => join(root, experiment, 're-30', `seed-${seed}`);
const read = (experiment: string, file: string, seed = 5): string => readFileSync(join(seedDir(experiment, seed), file), 'utf8');
/** A finished seed's query log as CSV text (the runner gzips it when the seed finishes). */
const finishedLog = (experiment: string, seed = 5): string => gunzipSync(readFileSync(join(seedDir(experiment, seed), SEED_FILES.finishedLog))).toString('utf8');
/** A finished seed's query log without its timing column, which is the only thing reruns may change. */
function logWithoutTimes(experiment: string, seed = 5): string[] {
  const timeColumn = QUERY_LOG_COLUMNS.indexOf('elapsedMs');
  return finishedLog(experiment, seed).trimEnd().split('\n').map((line) => line.split(',').filter((_, i) => i !== timeColumn).join(','));
}

describe('runSeeds', () => {
  it('writes config, manifest, query log and result per seed, and the same seed gives the same log', async () => {
    const a = await runSeeds(options('same-a'));
    await runSeeds(options('same-b'));
    expect(a.seeds[0].result.queried).toBe(30);
    expect(logWithoutTimes('same-a')).toEqual(logWithoutTimes('same-b'));
    // Every proposal is a row, free ones included; only the gzipped copy stays.
    expect(logWithoutTimes('same-a')).toHaveLength(1 + a.seeds[0].result.proposals);
    expect(existsSync(join(seedDir('same-a'), SEED_FILES.log))).toBe(false);
    expect(read('same-a', SEED_FILES.result)).toBe(read('same-b', SEED_FILES.result));
    const manifest = JSON.parse(read('same-a', SEED_FILES.manifest));
    expect(manifest).toMatchObject({ seed: 5, replayedRows: 0, backend: null, node: process.version });
    expect(manifest.dataSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest.wallSeconds).toBeGreaterThan(0);
    expect(manifest.packages['@tensorflow/tfjs']).toBe('4.22.0');
  });
  it('resumes a run killed midway to the same result and log as an uninterrupted run', async () => {
    await runSeeds(options('whole'));
    await expect(runSeeds(options('killed', { stopAfter: 17 }))).rejects.toThrow(SearchAbortedError);
    expect(existsSync(join(seedDir('killed'), SEED_FILES.result))).toBe(false);
    // A kill can also cut the last row mid-write.
    appendFileSync(join(seedDir('killed'), SEED_FILES.log), '999,0123abc');
    const resumed = await runSeeds(options('killed'));
    // 17 charged cells were written before the kill, plus any free repeats among them.
    expect(resumed.seeds[0].replayedRows).toBeGreaterThanOrEqual(17);
    expect(read('killed', SEED_FILES.result)).toBe(read('whole', SEED_FILES.result));
    expect(logWithoutTimes('killed')).toEqual(logWithoutTimes('whole'));
  });
  it('skips a finished seed without touching its files', async () => {
    await runSeeds(options('skip'));
    const before = finishedLog('skip') + read('skip', SEED_FILES.manifest);
    const again = await runSeeds(options('skip'));
    expect(again.seeds[0].skipped).toBe(true);
    expect(finishedLog('skip') + read('skip', SEED_FILES.manifest)).toBe(before);
  });
  it('refuses to reuse a seed folder that holds another config', async () => {
    await runSeeds(options('clash'));
    await expect(runSeeds(options('clash', { algoOptions: { populationSize: 20, tournamentSize: 3 } }))).rejects.toThrow(/config\.json holds a different config/);
  });
  it('refuses to resume from a log that the replay contradicts', async () => {
    await expect(runSeeds(options('tampered', { stopAfter: 12 }))).rejects.toThrow(SearchAbortedError);
    const path = join(seedDir('tampered'), SEED_FILES.log);
    const lines = readFileSync(path, 'utf8').split('\n');
    lines[2] = lines[2].replace(/^(\d+),[0-9a-f]{32}/, '$1,ffffffffffffffffffffffffffffffff');
    writeFileSync(path, lines.join('\n'));
    await expect(runSeeds(options('tampered'))).rejects.toThrow(ReplayMismatchError);
    await expect(runSeeds(options('tampered'))).rejects.toThrow(/replay diverged at row 1 \(queryIndex 1\), field hash/);
  });
  it('reports progress after every seed', async () => {
    const seen: string[] = [];
    await runSeeds(options('progress', { seeds: [1, 2], onProgress: (p) => seen.push(`${p.done}/${p.total}:${p.seed}`) }));
    expect(seen).toEqual(['1/2:1', '2/2:2']);
  });
  it('gives the same results on worker threads as on this thread, and stops all workers on a failure', async () => {
    const seeds = [1, 2, 3];
    const inline = await runSeeds(options('threads-inline', { seeds }));
    const threaded = await runSeeds(options('threads-2', { seeds, workers: 2 }));
    expect(threaded.seeds.map((s) => s.result)).toEqual(inline.seeds.map((s) => s.result));
    await expect(runSeeds(options('threads-killed', { seeds, workers: 2, stopAfter: 5 }))).rejects.toThrow(SearchAbortedError);
  }, 30_000);
  it('rejects an empty seed list', async () => {
    await expect(runSeeds(options('bad', { seeds: [] }))).rejects.toThrow('seeds must not be empty');
  });
  it('rejects a negative or fractional seed', async () => {
    await expect(runSeeds(options('bad', { seeds: [-1] }))).rejects.toThrow('seeds must be non-negative integers: got -1');
  });
  it('rejects a repeated seed', async () => {
    await expect(runSeeds(options('bad', { seeds: [1, 1] }))).rejects.toThrow('seeds must be distinct: got 1, 1');
  });
  it('rejects an unknown algorithm and lists the registered ones', async () => {
    await expect(runSeeds(options('bad', { algo: 'nope' }))).rejects.toThrow("unknown search algorithm 'nope' (registered: random, re, nao, semi, dnas, dnas-acq, ls, bananas)");
  });
  it('rejects an unknown space', async () => {
    await expect(runSeeds(options('bad', { space: 'nb999' }))).rejects.toThrow("unknown search space 'nb999' (registered: nb101, nb101-30k, nb201, nb201-cifar100, nb201-imagenet16-120)");
  });
  it('rejects a budget that is not a positive integer', async () => {
    await expect(runSeeds(options('bad', { budget: 0 }))).rejects.toThrow('budget must be a positive integer (distinct cells): got 0');
  });
  it('rejects a negative worker count', async () => {
    await expect(runSeeds(options('bad', { workers: -1 }))).rejects.toThrow('workers must be an integer ≥ 0: got -1');
  });
});
