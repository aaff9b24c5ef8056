import { describe, expect, it } from 'vitest';
import { nasbench101Key } from '../../lib/benchmarks/nasbench101';
import { Rng } from '../../lib/random';
import { loadProblem, PROBLEM_NAMES } from '../../lib/experiments/problems';
import type { Cell } from '../../lib/spaces/nasbench101/cell';
import { hashCell } from '../../lib/spaces/nasbench101/graph';
import { buildSpaceCacheFirst } from '../space-cache';

buildSpaceCacheFirst();

describe('loadProblem', () => {
  it('registers NAS-Bench-101 as nb101', () => {
    expect(PROBLEM_NAMES).toContain('nb101');
  });
  it('gives remembered keys equal to the official hash for uniform draws and mutants', async () => {
    const problem = await loadProblem('nb101');
    const rng = new Rng('problems-keys');
    for (let i = 0; i < 200; i++) {
      const cell = problem.space.sampleUniform(rng) as Cell;
      const child = problem.space.mutate(cell, rng) as Cell;
      // Fresh copies are never in the memo, so they are hashed from scratch.
      expect(problem.space.key(cell)).toBe(hashCell(structuredClone(cell)));
      expect(problem.space.key(child)).toBe(nasbench101Key(structuredClone(child)));
    }
  });
  it('makes independent benchmarks over the shared 30,001-cell table', async () => {
    const problem = await loadProblem('nb101');
    const a = problem.makeBenchmark({ budget: 1 });
    const b = problem.makeBenchmark({ budget: 1 });
    expect(a.lookup({ hash: '00005c142e6f48ac74fdcf73e3439874' } as never).outcome).toBe('new');
    expect([a.size, a.remaining, b.remaining]).toEqual([30_001, 0, 1]);
    expect(problem.dataSha256).toMatch(/^[0-9a-f]{64}$/);
  });
  it('rejects an unknown space and lists the registered ones', () => {
    expect(() => loadProblem('nb999')).toThrow("unknown search space 'nb999' (registered: nb101)");
  });
});
