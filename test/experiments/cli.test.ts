import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSeedRange, runSearchCli } from '../../lib/experiments/cli';
import { buildSpaceCacheFirst } from '../space-cache';

const root = mkdtempSync(join(tmpdir(), 'dnas-search-cli-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

buildSpaceCacheFirst();

describe('runSearchCli', () => {
  it('summarises every seed of the range: best accuracy, its test accuracy, out-of-domain count, mean ± std', async () => {
    const summary = await runSearchCli({ space: 'nb101-30k', algo: 'random', budget: 20, seeds: [0, 2], resultsDir: root, workers: 0, quiet: true });
    expect(summary.perSeed.map((s) => s.seed)).toEqual([0, 1, 2]);
    expect(summary.dir).toBe(join(root, 'search', 'random-20'));
    for (const s of summary.perSeed) {
      expect(s.bestAccuracy).toBeGreaterThan(0);
      expect(s.bestAccuracy).toBeLessThanOrEqual(1);
      expect(s.bestHash).toMatch(/^[0-9a-f]{32}$/);
      // 20 in-domain cells at 7.1% coverage: far more than 20 proposals, almost all free.
      expect(s.proposals).toBeGreaterThan(20 + s.outOfDomain - 1);
      expect(s.outOfDomain).toBeGreaterThan(20);
      // The 30k problem reports the test accuracy of the validation-best cell (complete table).
      expect(s.bestReportAccuracy).toBeGreaterThan(0);
    }
    expect(summary.bestReportAccuracy!.mean).toBeCloseTo(summary.perSeed.reduce((a, s) => a + s.bestReportAccuracy!, 0) / 3, 12);
    expect(summary.bestAccuracy.count).toBe(3);
    expect(summary.bestAccuracy.mean).toBeCloseTo(summary.perSeed.reduce((a, s) => a + s.bestAccuracy, 0) / 3, 12);
    expect(JSON.parse(JSON.stringify(summary))).toEqual(summary);
  });
  it('rejects a seed range that runs backwards', async () => {
    await expect(runSearchCli({ space: 'nb101', algo: 'random', budget: 5, seeds: [3, 1], resultsDir: root })).rejects.toThrow(
      'seed range must be integers 0 ≤ first ≤ last: got 3-1',
    );
  });
});

describe('parseSeedRange', () => {
  it('reads A-B as an inclusive range and A as a single seed', () => {
    expect(parseSeedRange('0-19')).toEqual([0, 19]);
    expect(parseSeedRange('7')).toEqual([7, 7]);
  });
  it('rejects text that is not A-B', () => {
    expect(() => parseSeedRange('a-b')).toThrow("--seeds must be A-B or A with non-negative integers: got 'a-b'");
  });
  it('rejects an empty range', () => {
    expect(() => parseSeedRange('5-2')).toThrow("--seeds range is empty: got '5-2' (2 < 5)");
  });
});
