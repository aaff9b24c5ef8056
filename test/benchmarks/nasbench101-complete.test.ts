import { copyFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DataFileError } from '../../lib/benchmarks/errors';
import { COMPLETE_CACHE_FILE, NASBENCH101_COMPLETE_CSV, loadNasbench101Complete, parseCompleteCsv } from '../../lib/benchmarks/nasbench101-complete';
import { loadProblem } from '../../lib/experiments/problems';
import { Rng } from '../../lib/random';
import { loadNasbench101Space, type Nasbench101Space } from '../../lib/spaces/nasbench101/space';
import { buildSpaceCacheFirst } from '../space-cache';
import { SHARED_DATASETS, realCells, tempDir, writeText } from './fixtures';

/** The first three real rows of test-108-all.csv (hash order): a valid base the bad cases alter. */
const ROWS = [
  '00005c142e6f48ac74fdcf73e3439874,0.9211738705635071',
  '0000718c96730a92ea6d5242f8ce77e2,0.8916265964508057',
];
const HEADER = 'hash,test_acc_108';

/** A three-cell stand-in for the space: the parser only needs its size and hash order. */
function tinySpace(hashes: string[]): Nasbench101Space {
  return {
    size: hashes.length,
    hashAt: (i) => hashes[i],
    cellAt: () => {
      throw new Error('not needed');
    },
    indexOfHash: (h) => hashes.indexOf(h),
    has: (h) => hashes.includes(h),
  };
}

const SPACE = tinySpace(ROWS.map((r) => r.split(',')[0]));

/** Parse these exact bytes as `bad.csv` against the two-cell space; returns the error thrown. */
function parseError(text: string): DataFileError {
  const file = writeText(tempDir(), 'bad.csv', text);
  try {
    parseCompleteCsv(file, readFileSync(file), SPACE);
  } catch (e) {
    expect(e).toBeInstanceOf(DataFileError);
    return e as DataFileError;
  }
  throw new Error('expected a DataFileError');
}

describe('parseCompleteCsv', () => {
  it('reads a well-formed file into a column in the space order', () => {
    const file = writeText(tempDir(), 'ok.csv', `${HEADER}\n${ROWS.join('\n')}\n`);
    expect(Array.from(parseCompleteCsv(file, readFileSync(file), SPACE))).toEqual([0.9211738705635071, 0.8916265964508057]);
  });

  // Each bad case below must name the file and the line, and say what was expected.
  it('rejects a file cut inside its last field, naming the file and the cut line', () => {
    // Cut after "0.89": the field still parses as a number, so only the missing newline shows the cut.
    const e = parseError(`${HEADER}\n${ROWS[0]}\n${ROWS[1].slice(0, 37)}`);
    expect(e.message).toMatch(/bad\.csv:3: the file does not end with a newline: it was cut inside line 3/);
  });

  it('rejects a wrong hash, naming the line and the expected hash', () => {
    const e = parseError(`${HEADER}\n${ROWS[0]}\n${'f'.repeat(32)},0.5\n`);
    expect(e.message).toContain(`bad.csv:3: column hash: got ${'f'.repeat(32)} (expected 0000718c96730a92ea6d5242f8ce77e2, the space's cell at index 1`);
  });

  it('rejects an accuracy outside [0, 1], naming line and value', () => {
    const e = parseError(`${HEADER}\n${ROWS[0]}\n0000718c96730a92ea6d5242f8ce77e2,1.5\n`);
    expect(e.message).toContain('bad.csv:3: column test_acc_108: got "1.5" (expected a plain decimal accuracy in [0, 1])');
  });

  it('rejects numbers in forms a strict reader refuses (exponent, hex, blank)', () => {
    for (const value of ['9e-1', '0x1', '', ' 0.5']) {
      expect(parseError(`${HEADER}\n${ROWS[0]}\n0000718c96730a92ea6d5242f8ce77e2,${value}\n`).message).toContain(`got ${JSON.stringify(value)}`);
    }
  });

  it('rejects a missing row, naming the line where the expected hash is absent', () => {
    const e = parseError(`${HEADER}\n${ROWS[1]}\n`);
    expect(e.message).toContain('bad.csv:2: column hash: got 0000718c96730a92ea6d5242f8ce77e2 (expected 00005c142e6f48ac74fdcf73e3439874');
    expect(e.message).toContain('a row is missing before it');
  });

  it('rejects a file that ends early, naming how many rows it had', () => {
    const e = parseError(`${HEADER}\n${ROWS[0]}\n`);
    expect(e.message).toContain('bad.csv:3: the file ends after 1 rows (expected 2; the next expected hash is 0000718c96730a92ea6d5242f8ce77e2)');
  });

  it('rejects an extra row, naming its line and the expected count', () => {
    const e = parseError(`${HEADER}\n${ROWS.join('\n')}\n${ROWS[1]}\n`);
    expect(e.message).toContain('bad.csv:4: extra row "0000718c96730a92ea6d5242f8ce77e2,0.8916265964508057" (expected exactly 2 rows');
  });

  it('rejects a different header', () => {
    expect(parseError(`hash,val_acc_108\n${ROWS.join('\n')}\n`).message).toContain('bad.csv:1: header is "hash,val_acc_108" (expected "hash,test_acc_108")');
  });

  it('rejects a value float32 would round, since the release stores float32 accuracies', () => {
    expect(parseError(`${HEADER}\n${ROWS[0]}\n0000718c96730a92ea6d5242f8ce77e2,0.1\n`).message).toContain('float32 would round');
  });
});

describe('loadNasbench101Complete on the real file', () => {
  buildSpaceCacheFirst();
  let space: Nasbench101Space;
  beforeAll(async () => {
    space = await loadNasbench101Space({ quiet: true });
  });

  it('holds every cell of the space with the README facts: mean 0.8968, max 0.94661 at ba0a27ca…, 2,673 cells below 0.2', () => {
    const table = loadNasbench101Complete(space, { dataDir: SHARED_DATASETS, noCache: true });
    const column = table.testAccuracy;
    expect(column.length).toBe(423_624);
    let sum = 0;
    let below = 0;
    for (const x of column) {
      sum += x;
      if (x < 0.2) below++;
    }
    expect(sum / column.length).toBeCloseTo(0.8968, 4);
    expect(below).toBe(2673);
    expect(column[space.indexOfHash('ba0a27cafe7d648aa57f7d5dd64c0b48')]).toBe(0.9466145634651184);
    expect(column.reduce((a, b) => Math.max(a, b), 0)).toBe(0.9466145634651184);
    // The first cell: NNI's documentation prints 0.92117387 for its per-run test accuracy.
    expect(column[0]).toBe(0.9211738705635071);
  });

  it('gives the same column from the cache as from the file, and rebuilds it when the file changes', () => {
    const cacheDir = tempDir();
    const first = loadNasbench101Complete(space, { dataDir: SHARED_DATASETS, cacheDir });
    const second = loadNasbench101Complete(space, { dataDir: SHARED_DATASETS, cacheDir });
    expect([first.fromCache, second.fromCache]).toEqual([false, true]);
    expect(Buffer.from(second.testAccuracy.buffer).equals(Buffer.from(first.testAccuracy.buffer))).toBe(true);
    // A copy with one value changed has another sha256: the cache must not answer for it.
    const copy = join(tempDir(), 'test-108-all.csv');
    copyFileSync(join(SHARED_DATASETS, NASBENCH101_COMPLETE_CSV), copy);
    const text = readFileSync(copy, 'latin1').replace('00005c142e6f48ac74fdcf73e3439874,0.9211738705635071', '00005c142e6f48ac74fdcf73e3439874,0.5');
    writeFileSync(copy, text, 'latin1');
    const changed = loadNasbench101Complete(space, { file: copy, cacheDir });
    expect(changed.fromCache).toBe(false);
    expect(changed.testAccuracy[0]).toBe(0.5);
    expect(statSync(join(cacheDir, COMPLETE_CACHE_FILE)).size).toBe(56 + 4 * 423_624);
  });
});

describe("the 'nb101' problem: the whole space on the complete table", () => {
  buildSpaceCacheFirst();

  it('answers a query by matrix and by hash with the file value, as search and report metric', async () => {
    const problem = await loadProblem('nb101');
    const [cell] = realCells(1);
    const row = readFileSync(join(SHARED_DATASETS, NASBENCH101_COMPLETE_CSV), 'latin1').split('\n').find((l) => l.startsWith(cell.hash))!;
    const fileValue = Number(row.split(',')[1]);
    const bench = problem.makeBenchmark({ budget: 1 });
    const byMatrix = bench.lookup({ matrix: cell.matrix, ops: cell.ops });
    const byHash = bench.lookup({ hash: cell.hash } as never);
    for (const answer of [byMatrix, byHash]) {
      expect(answer.outcome === 'out-of-domain' ? null : [answer.record.searchAccuracy, answer.record.reportAccuracy]).toEqual([fileValue, fileValue]);
    }
    // The second lookup was a repeat: free, so a budget of one cell suffices for both.
    expect([byMatrix.outcome, byHash.outcome]).toEqual(['new', 'repeat']);
  });

  it('never answers out of domain for a valid cell of the space: uniform draws and their mutants', async () => {
    const problem = await loadProblem('nb101');
    const bench = problem.makeBenchmark({ budget: 4000 });
    const rng = new Rng(5);
    let outOfDomain = 0;
    for (let i = 0; i < 1000; i++) {
      const cell = problem.space.sampleUniform(rng);
      // Mutants are what evolution proposes: the 30k sample answered ~93% of them out of domain.
      for (const c of [cell, problem.space.mutate(cell, rng)]) if (bench.lookup(c).outcome === 'out-of-domain') outOfDomain++;
    }
    expect(outOfDomain).toBe(0);
    expect(bench.outOfDomainCount).toBe(0);
  });
});
