import { describe, expect, it } from 'vitest';
import { nasbench101Key } from '../../lib/benchmarks/nasbench101';
import { Rng } from '../../lib/random';
import { loadProblem, PROBLEM_NAMES } from '../../lib/experiments/problems';
import type { Cell } from '../../lib/spaces/nasbench101/cell';
import { formatNb201Cell, type Nb201Cell } from '../../lib/spaces/nasbench201/cell';
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
  it.each([
    { name: 'nb101', cells: 423_624, dataName: 'nasbench101/test-108-all.csv' },
    { name: 'nb101-30k', cells: 30_001, dataName: 'nasbench101/val-subset-30k.csv' },
  ])('makes independent benchmarks over the shared table of $name ($cells cells)', async ({ name, cells, dataName }) => {
    const problem = await loadProblem(name);
    const a = problem.makeBenchmark({ budget: 1 });
    const b = problem.makeBenchmark({ budget: 1 });
    expect(a.lookup({ hash: '00005c142e6f48ac74fdcf73e3439874' } as never).outcome).toBe('new');
    expect([a.size, a.remaining, b.remaining]).toEqual([cells, 0, 1]);
    expect(problem.dataSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(problem.dataName).toBe(dataName);
  });
  it('gives nb101-30k validation accuracy to search on and the complete table test accuracy to report', async () => {
    const problem = await loadProblem('nb101-30k');
    const { record } = problem.tableEntry('00005c142e6f48ac74fdcf73e3439874');
    // val-subset-30k.csv and test-108-all.csv, first rows.
    expect([record.searchAccuracy, record.reportAccuracy]).toEqual([0.9304887652397156, 0.9211738705635071]);
    expect(problem.metrics).toEqual({ search: 'val_acc_108', report: 'test_acc_108 (first run)' });
    expect(problem.reportData!.file).toMatch(/test-108-all\.csv$/);
    expect(problem.tableReportAccuracies()!.length).toBe(30_001);
  });
  it('rejects an unknown space and lists the registered ones', () => {
    expect(() => loadProblem('nb999')).toThrow(
      "unknown search space 'nb999' (registered: nb101, nb101-30k, nb201, nb201-cifar100, nb201-imagenet16-120)",
    );
  });
});

describe('loadProblem for NAS-Bench-201', () => {
  const NB201_NAMES = ['nb201', 'nb201-cifar100', 'nb201-imagenet16-120'];

  it('registers the three data sets under their names', () => {
    for (const name of NB201_NAMES) expect(PROBLEM_NAMES).toContain(name);
  });

  it('gives nb201 the 15,625 CIFAR-10 validation accuracies of its table', async () => {
    const problem = await loadProblem('nb201');
    const accuracies = problem.tableAccuracies();
    expect(accuracies).toHaveLength(15_625);
    // The datasets README's best CIFAR-10 value, exact.
    expect(Math.max(...accuracies)).toBe(0.9160666665039064);
    expect([problem.name, problem.dataName, problem.space.size]).toEqual(['nb201', 'nasbench201/cifar10.csv', 15_625]);
  });

  it('finds every cell the space samples or mutates to in the table (never out of domain)', async () => {
    const problem = await loadProblem('nb201');
    const benchmark = problem.makeBenchmark({ budget: 15_625 });
    const rng = new Rng('problems-nb201-domain');
    const outcomes = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const cell = problem.space.sampleUniform(rng);
      outcomes.add(benchmark.lookup(cell).outcome);
      outcomes.add(benchmark.lookup(problem.space.mutate(cell, rng)).outcome);
    }
    expect(benchmark.outOfDomainCount).toBe(0);
    expect(outcomes.has('out-of-domain')).toBe(false);
    expect(outcomes.has('new')).toBe(true);
    expect(benchmark.size).toBe(15_625);
  });

  it('answers a lookup with the table record of the cell string', async () => {
    const problem = await loadProblem('nb201');
    // Index 6111, the README's best CIFAR-10 cell.
    const key = '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_1x1~2|';
    const answer = problem.makeBenchmark({ budget: 1 }).lookup(problem.tableEntry(key).cell);
    expect(answer.outcome).toBe('new');
    expect(answer.key).toBe(key);
    expect(answer.outcome !== 'out-of-domain' && answer.record.valAccuracy).toBe(0.9160666665039064);
  });

  it('lists 15,625 sorted table keys whose entries format back to the key', async () => {
    const problem = await loadProblem('nb201');
    const keys = problem.tableKeys();
    expect(keys).toHaveLength(15_625);
    expect([...keys].sort()).toEqual(keys);
    expect(new Set(keys).size).toBe(15_625);
    for (const key of keys.slice(0, 200)) {
      const entry = problem.tableEntry(key);
      expect(formatNb201Cell(entry.cell as Nb201Cell)).toBe(key);
      expect(problem.space.key(entry.cell)).toBe(key);
    }
  });

  it('throws RangeError for a table entry of an unknown key', async () => {
    const problem = await loadProblem('nb201');
    expect(() => problem.tableEntry('|conv~0|')).toThrow(RangeError);
    expect(() => problem.tableEntry('|conv~0|')).toThrow('|conv~0| is not a cell of the table nasbench201/cifar10.csv (15625 cells)');
  });

  it('reads token sequences back to cells through its view', async () => {
    const problem = await loadProblem('nb201');
    const rng = new Rng('problems-nb201-view');
    for (let i = 0; i < 50; i++) {
      const cell = problem.space.sampleUniform(rng);
      expect(problem.view.cellOf(problem.space.encode(cell))).toEqual(cell);
    }
    expect(problem.view.attributeNames).toEqual(['e0to1', 'e0to2', 'e1to2', 'e0to3', 'e1to3', 'e2to3']);
  });

  it('binds each problem to its own table and costs', async () => {
    const problems = await Promise.all(NB201_NAMES.map((name) => loadProblem(name)));
    expect(new Set(problems.map((p) => p.dataSha256)).size).toBe(3);
    for (const p of problems) expect(p.dataSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(problems.map((p) => p.dataName)).toEqual(['nasbench201/cifar10.csv', 'nasbench201/cifar100.csv', 'nasbench201/imagenet16-120.csv']);
    // Same cell, three classifier widths: 10, 100, 120 classes.
    const cell = problems[0].space.sampleUniform(new Rng('problems-nb201-costs'));
    expect(new Set(problems.map((p) => p.space.params(cell))).size).toBe(3);
  });
});
