// gridTime: per-configuration time shares of a grid and its wall time held against a goal.
import { describe, expect, it } from 'vitest';
import { gridTime } from '../../lib/experiments/grid-time';

const run = (algo: string, budget: number, ranSeconds: number, seeds: number, group?: string, readOffSeeds = 0) => ({
  config: { label: algo, algo, budget },
  results: Array.from({ length: seeds }, () => ({}) as never),
  ranSeconds,
  readOffSeeds,
  ...(group !== undefined ? { group } : {}),
});

describe('gridTime', () => {
  const runs = [run('random', 150, 6, 20), run('semi', 2100, 1200, 20), run('bananas', 300, 594, 20)];

  it('sorts configurations by their seed time, with shares of the total and seconds per seed', () => {
    const t = gridTime(runs, { workers: 2, gridSeconds: 0 });
    expect(t.rows.map((r) => `${r.method}-${r.queries}`)).toEqual(['semi-2100', 'bananas-300', 'random-150']);
    expect(t.rows[0].secondsPerSeed).toBeCloseTo(60, 12);
    expect(t.rows[0].shareOfGrid).toBeCloseTo(1200 / 1800, 12);
    expect(t.rows.reduce((s, r) => s + r.shareOfGrid, 0)).toBeCloseTo(1, 12);
    expect(t.seedMinutes).toBeCloseTo(30, 12);
    expect(t.estimatedWallMinutes).toBeCloseTo(15, 12);
    expect(t.goalMet).toBeNull();
    expect(t.line).toMatch(/^seed-seconds 30\.0 min \(≈ 15\.0 min of wall time on 2 workers\); this call 0\.0 min; largest: semi-2100 67%, bananas-300 33%, random-150 0%$/);
  });

  it("judges the goal on this call's wall time when it ran the seeds, on the estimate when they were reused", () => {
    const ran = gridTime(runs, { workers: 2, gridSeconds: 31 * 60, goalMinutes: 30 });
    expect(ran.goalMet).toBe(false);
    expect(ran.line).toContain("goal ≤ 30 min of wall time: MISSED (31.0 min, this call's wall time)");
    const reused = gridTime(runs, { workers: 2, gridSeconds: 12, goalMinutes: 30 });
    expect(reused.goalMet).toBe(true);
    expect(reused.line).toContain('goal ≤ 30 min of wall time: met (15.0 min, the estimate (seeds were reused))');
    expect(gridTime(runs, { workers: 1, gridSeconds: 0, goalMinutes: 29 }).goalMet).toBe(false);
  });

  it('charges seeds read off a longer run nothing (their time is in that run)', () => {
    const t = gridTime([run('random', 300, 12, 20), run('random', 150, 0, 20, undefined, 20)], { workers: 2, gridSeconds: 0 });
    expect(t.rows.map((r) => [r.queries, r.seedSeconds, r.secondsPerSeed, r.shareOfGrid, r.readOffSeeds])).toEqual([[300, 12, 0.6, 1, 0], [150, 0, 0, 0, 20]]);
    expect(t.seedMinutes).toBeCloseTo(0.2, 12);
  });

  it('names the group of each row where a notebook runs several grids', () => {
    const t = gridTime([run('nao', 50, 10, 2, 'cifar100'), run('nao', 50, 30, 2, 'cifar10')], { workers: 2, gridSeconds: 0 });
    expect(t.rows.map((r) => r.group)).toEqual(['cifar10', 'cifar100']);
    expect(t.line).toContain('largest: cifar10 nao-50 75%, cifar100 nao-50 25%');
  });

  it('refuses bad workers or a negative wall time, naming the value', () => {
    expect(() => gridTime(runs, { workers: 0, gridSeconds: 0 })).toThrow('workers must be a positive integer: got 0');
    expect(() => gridTime(runs, { workers: 1.5, gridSeconds: 0 })).toThrow('got 1.5');
    expect(() => gridTime(runs, { workers: 2, gridSeconds: -1 })).toThrow('gridSeconds must be ≥ 0: got -1');
  });
});
