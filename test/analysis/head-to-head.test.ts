// Tests of the head-to-head comparison (lib/analysis/head-to-head.ts): verdicts on literal per-seed
// bests (clear win, clear loss, tie), the sign of the difference, the sentence, and the errors.
import { describe, expect, it } from 'vitest';
import { describeHeadToHead, headToHead, type HeadToHeadRow, type SeedBests } from '../../lib/analysis/head-to-head';

// Eight seeds each. 'dnas' beats 're' on every seed at 150 and loses to 'bananas' on every seed at
// 150 (fully separated groups: U at its extreme, two-sided p ≈ 0.001); at 300 dnas and re interleave.
const CONFIGS: readonly SeedBests[] = [
  { algo: 'dnas', budget: 150, bests: [0.935, 0.936, 0.937, 0.938, 0.939, 0.94, 0.941, 0.942] },
  { algo: 're', budget: 150, bests: [0.925, 0.926, 0.927, 0.928, 0.929, 0.93, 0.931, 0.932] },
  { algo: 'bananas', budget: 150, bests: [0.945, 0.946, 0.947, 0.948, 0.949, 0.95, 0.951, 0.952] },
  { algo: 'dnas', budget: 300, bests: [0.94, 0.942, 0.944, 0.946, 0.948, 0.95, 0.952, 0.954] },
  { algo: 're', budget: 300, bests: [0.941, 0.943, 0.945, 0.947, 0.949, 0.951, 0.953, 0.955] },
];

describe('headToHead', () => {
  it('says better when the method clearly wins, with a positive difference', () => {
    const [row] = headToHead(CONFIGS, 'dnas', ['re'], [150]);
    expect(row).toMatchObject({ budget: 150, method: 'dnas', rival: 're', verdict: 'better' });
    expect(row.methodMean).toBeCloseTo(0.9385, 12);
    expect(row.rivalMean).toBeCloseTo(0.9285, 12);
    expect(row.difference).toBeCloseTo(0.01, 12);
    // 8 vs 8 fully separated: z = (32 − 0.5)/√(64·17/12) ≈ 3.31, p ≈ 0.00094.
    expect(row.p).toBeLessThan(0.05);
    expect(row.p).toBeCloseTo(0.00094, 4);
  });

  it('says worse when the method clearly loses, with a negative difference', () => {
    const [row] = headToHead(CONFIGS, 'dnas', ['bananas'], [150]);
    expect(row.verdict).toBe('worse');
    expect(row.difference).toBeCloseTo(-0.01, 12);
    expect(row.p).toBeLessThan(0.05);
  });

  it('says no significant difference for interleaved bests, whatever the sign', () => {
    // re is 0.001 higher on every seed, but the groups interleave: p is far above 0.05.
    const [row] = headToHead(CONFIGS, 'dnas', ['re'], [300]);
    expect(row.verdict).toBe('no significant difference');
    expect(row.difference).toBeCloseTo(-0.001, 12);
    expect(row.p).toBeGreaterThan(0.5);
  });

  it('gives one row per budget and rival, budgets outer, rivals inner', () => {
    const rows = headToHead(CONFIGS, 'dnas', ['re', 'bananas'], [150]);
    expect(rows.map((r) => [r.budget, r.rival, r.verdict])).toEqual([
      [150, 're', 'better'],
      [150, 'bananas', 'worse'],
    ]);
    const byBudget = headToHead(CONFIGS, 'dnas', ['re'], [150, 300]);
    expect(byBudget.map((r) => [r.budget, r.verdict])).toEqual([
      [150, 'better'],
      [300, 'no significant difference'],
    ]);
  });

  it('honours alpha: a loss at p ≈ 0.001 is no significant difference at alpha 0.0005', () => {
    expect(headToHead(CONFIGS, 'dnas', ['bananas'], [150], 0.0005)[0].verdict).toBe('no significant difference');
  });

  it('rejects a rival that did not run at a budget, listing what is available', () => {
    expect(() => headToHead(CONFIGS, 'dnas', ['bananas'], [300])).toThrow(RangeError);
    expect(() => headToHead(CONFIGS, 'dnas', ['bananas'], [300])).toThrow(
      'no runs of bananas at 300 queries (have: dnas-150, re-150, bananas-150, dnas-300, re-300)',
    );
  });

  it('rejects a method that did not run at a budget', () => {
    expect(() => headToHead(CONFIGS, 'ls', ['re'], [150])).toThrow('no runs of ls at 150 queries (have: dnas-150, re-150, bananas-150, dnas-300, re-300)');
  });

  it('rejects a configuration with fewer than 2 seeds (the Mann–Whitney test needs 2)', () => {
    const oneSeed: SeedBests[] = [
      { algo: 'dnas', budget: 150, bests: [0.94] },
      { algo: 're', budget: 150, bests: [0.93, 0.931] },
    ];
    expect(() => headToHead(oneSeed, 'dnas', ['re'], [150])).toThrow(RangeError);
    expect(() => headToHead(oneSeed, 'dnas', ['re'], [150])).toThrow('group a needs at least 2 values: got 1');
    expect(() => headToHead(oneSeed, 're', ['dnas'], [150])).toThrow('group b needs at least 2 values: got 1');
  });
});

describe('describeHeadToHead', () => {
  it('writes the doc comment example exactly: a loss in capitals with a minus sign', () => {
    const row: HeadToHeadRow = {
      budget: 300, method: 'dnas', rival: 'bananas', methodMean: 0.9412, rivalMean: 0.945,
      difference: 0.9412 - 0.945, p: 0.0012, verdict: 'worse',
    };
    expect(describeHeadToHead(row)).toBe('300 queries: dnas 94.12% vs bananas 94.50% (−0.38 points, p = 0.0012): dnas LOSES');
  });

  it('says wins, LOSES or no significant difference for computed rows', () => {
    const [win, loss] = headToHead(CONFIGS, 'dnas', ['re', 'bananas'], [150]);
    const [tie] = headToHead(CONFIGS, 'dnas', ['re'], [300]);
    expect(describeHeadToHead(win)).toBe('150 queries: dnas 93.85% vs re 92.85% (+1.00 points, p = 0.00094): dnas wins');
    expect(describeHeadToHead(loss)).toMatch(/^150 queries: dnas 93\.85% vs bananas 94\.85% \(−1\.00 points, p = 0\.00094\): dnas LOSES$/);
    expect(describeHeadToHead(tie)).toMatch(/\(−0\.10 points, p = 0\.\d+\): no significant difference$/);
  });
});
