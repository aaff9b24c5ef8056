import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { OutOfDomainError } from '../../lib/benchmarks/errors';
import { loadNasbench101Benchmark, loadNasbench101TfRecordBenchmark, nasbench101Key, type Nasbench101Query } from '../../lib/benchmarks/nasbench101';
import type { Nasbench101CsvRecord } from '../../lib/benchmarks/nasbench101-csv';
import { writeNasbench101TfRecord } from '../../lib/benchmarks/nasbench101-tfrecord';
import type { TabularBenchmark } from '../../lib/benchmarks/tabular';
import { InvalidCellError, type Cell } from '../../lib/spaces/nasbench101/cell';
import { realCells, SHARED_DATASETS, tempDir } from './fixtures';

/** The first real cell of cells-1k.jsonl, which is also the first row of the 30k CSV. */
const [FIRST] = realCells(1);
const FIRST_CELL: Cell = { matrix: FIRST.matrix, ops: FIRST.ops };

/** The smallest useful cell: input → conv3x3 → output (not among the 30k subset's hashes). */
const SMALL: Cell = { matrix: [[0, 1, 0], [0, 0, 1], [0, 0, 0]], ops: ['input', 'conv3x3-bn-relu', 'output'] };
const SMALL_UNPRUNED: Cell = {
  // Vertex 2 (maxpool) has no way to the output: pruning removes it, the hash must not change.
  matrix: [[0, 1, 1, 0], [0, 0, 0, 1], [0, 0, 0, 0], [0, 0, 0, 0]],
  ops: ['input', 'conv3x3-bn-relu', 'maxpool3x3', 'output'],
};

describe('nasbench101Key', () => {
  it('is the official hash of a cell', () => {
    expect(nasbench101Key(FIRST_CELL)).toBe(FIRST.hash);
  });

  it('hashes the pruned cell, so an unpruned cell keys like its pruned form', () => {
    expect(nasbench101Key(SMALL_UNPRUNED)).toBe(nasbench101Key(SMALL));
  });

  it('passes a {hash} query through, lower-cased', () => {
    expect(nasbench101Key({ hash: FIRST.hash.toUpperCase() })).toBe(FIRST.hash);
  });

  it('accepts a cell carrying its own matching hash', () => {
    expect(nasbench101Key(FIRST)).toBe(FIRST.hash);
  });

  it('rejects a malformed hash', () => {
    expect(() => nasbench101Key({ hash: 'abc' })).toThrow(InvalidCellError);
  });

  it('rejects a cell whose hash disagrees', () => {
    expect(() => nasbench101Key({ ...FIRST, hash: '0'.repeat(32) })).toThrow('cell and hash disagree');
  });

  it('rejects an invalid cell with the cell validator', () => {
    expect(() => nasbench101Key({ matrix: [[0, 1], [1, 0]], ops: ['input', 'output'] })).toThrow(InvalidCellError);
  });
});

describe('loadNasbench101Benchmark on the real subset', () => {
  let bench: TabularBenchmark<Nasbench101Query, Nasbench101CsvRecord>;
  beforeAll(() => {
    bench = loadNasbench101Benchmark({ dataDir: SHARED_DATASETS, budget: 2 });
  });

  it('answers a real cell and its hash with the same record, charging once', () => {
    const byCell = bench.query(FIRST_CELL);
    expect(byCell.valAccuracy).toBe(0.9304887652397156);
    expect(bench.query({ hash: FIRST.hash })).toBe(byCell);
    expect(bench.queriedCount).toBe(1);
    expect(bench.size).toBe(30001);
    expect(bench.dataChecksum).toMatch(/^[0-9a-f]{64}$/);
  });

  it('treats a valid cell outside the subset as out of domain', () => {
    // Valid, but the subset (7% of the space) does not hold it: a free, counted miss.
    expect(() => bench.query(SMALL)).toThrow(OutOfDomainError);
    expect(bench.outOfDomainCount).toBe(1);
  });
});

describe('loadNasbench101TfRecordBenchmark', () => {
  it('serves the official format with test accuracy', () => {
    const file = join(tempDir(), 'only108.tfrecord');
    const evaluation = { currentEpoch: 108, trainingTime: 500, trainAccuracy: 1, validationAccuracy: 0.93, testAccuracy: 0.92 };
    const metrics = { evaluationData: [evaluation, evaluation, evaluation], trainableParameters: 1234 };
    writeNasbench101TfRecord(file, [0, 1, 2].map(() => ({ epochs: 108, cell: FIRST_CELL, metrics })));
    const bench = loadNasbench101TfRecordBenchmark({ file });
    expect(bench.query({ hash: FIRST.hash })).toMatchObject({ valAccuracy: 0.93, testAccuracy: 0.92, params: 1234 });
  });
});

describe('loadNasbench101Benchmark with the enumerated space', () => {
  it('logs each queried cell with FLOPs from the cost model, in-domain or not', async () => {
    const { loadNasbench101Space } = await import('../../lib/spaces/nasbench101/space');
    const { networkFlopsM } = await import('../../lib/spaces/nasbench101/cost');
    const space = await loadNasbench101Space({ quiet: true });
    const events: { hash: string; outcome: string; flopsM?: number }[] = [];
    const benchmark = loadNasbench101Benchmark({ space, log: { append: (e) => events.push(e) } });
    // the first CSV row (in the table), then the first cell of the space that the 30k table lacks
    const { loadNasbench101Csv } = await import('../../lib/benchmarks/nasbench101-csv');
    const inTable = loadNasbench101Csv().records;
    let outside = 0;
    while (inTable.has(space.hashAt(outside))) outside++;
    benchmark.query({ hash: '00005c142e6f48ac74fdcf73e3439874' });
    expect(() => benchmark.query(space.cellAt(outside))).toThrow(/out of domain/);
    expect(events.map((e) => e.outcome)).toEqual(['new', 'out-of-domain']);
    expect(events[0].flopsM).toBe(networkFlopsM(space.cellAt(space.indexOfHash('00005c142e6f48ac74fdcf73e3439874'))));
    expect(events[1].flopsM).toBe(networkFlopsM(space.cellAt(outside)));
  });
});
