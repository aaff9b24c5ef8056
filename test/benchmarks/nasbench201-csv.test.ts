// Tests of the NAS-Bench-201 table loader: the three real tables, and one temp file per
// validation rule, written in the real format with one field altered.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DataFileError } from '../../lib/benchmarks/errors';
import {
  loadNasbench201Csv,
  NASBENCH201_CSV_HEADER,
  nasbench201CsvPath,
  type Nasbench201CsvData,
} from '../../lib/benchmarks/nasbench201-csv';
import { parseNb201Cell } from '../../lib/spaces/nasbench201/cell';
import { networkFlopsM, type Nb201Dataset } from '../../lib/spaces/nasbench201/cost';
import { SHARED_DATASETS, tempDir, writeText } from './fixtures';

const HEADER = NASBENCH201_CSV_HEADER.join(',');
/** The first two real CIFAR-10 rows: a valid base the bad cases alter one field of. */
const ROW_A = '0,|avg_pool_3x3~0|+|nor_conv_1x1~0|skip_connect~1|+|nor_conv_1x1~0|skip_connect~1|skip_connect~2|,129306,0.8198266665690103,0.63364,0.6955';
const ROW_B = '1,|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|,802426,0.9076933332438152,0.82834,0.8822';
const DATASETS: Nb201Dataset[] = ['cifar10', 'cifar100', 'imagenet16-120'];

/** Load a CIFAR-10 table made of these lines from a temp file. */
function loadLines(...lines: string[]): Nasbench201CsvData {
  const file = writeText(tempDir(), 'bad.csv', `${lines.join('\n')}\n`);
  return loadNasbench201Csv('cifar10', { file });
}

/** ROW_B with field `i` (0-based) replaced. */
function rowBWith(i: number, value: string): string {
  const fields = ROW_B.split(',');
  fields[i] = value;
  return fields.join(',');
}

describe('loadNasbench201Csv on the real tables', () => {
  const tables = new Map<Nb201Dataset, Nasbench201CsvData>();
  beforeAll(() => {
    for (const dataset of DATASETS) tables.set(dataset, loadNasbench201Csv(dataset, { dataDir: SHARED_DATASETS }));
  });

  it('holds all 15,625 cells of each data set, keyed by the official cell string', () => {
    for (const dataset of DATASETS) {
      const data = tables.get(dataset)!;
      expect(data.dataset).toBe(dataset);
      expect(data.records.size).toBe(15_625);
      expect(new Set([...data.records.values()].map((r) => r.index)).size).toBe(15_625);
      for (const [key, r] of data.records) expect(key).toBe(r.arch);
    }
  });

  it('reports the path read and the sha256 of its bytes', () => {
    for (const dataset of DATASETS) {
      const data = tables.get(dataset)!;
      const path = join(SHARED_DATASETS, nasbench201CsvPath(dataset));
      expect(data.path).toBe(path);
      expect(data.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(data.sha256).toBe(createHash('sha256').update(readFileSync(path)).digest('hex'));
    }
  });

  it('matches the datasets README: best CIFAR-10 val_acc_200 0.9161, at index 6111', () => {
    const records = [...tables.get('cifar10')!.records.values()];
    const best = records.reduce((a, b) => (b.valAccuracy > a.valAccuracy ? b : a));
    expect(best.valAccuracy).toBe(0.9160666665039064);
    expect(best.index).toBe(6111);
  });

  it('matches the datasets README best values for CIFAR-100 (0.7349) and ImageNet16-120 (0.4673)', () => {
    const best = (dataset: Nb201Dataset) => Math.max(...[...tables.get(dataset)!.records.values()].map((r) => r.valAccuracy));
    expect(best('cifar100')).toBeCloseTo(0.7349, 4);
    expect(best('imagenet16-120')).toBeCloseTo(0.4673, 4);
  });

  it('maps every column of a row into the record, with FLOPs from the cost model', () => {
    const arch = ROW_B.split(',')[1];
    const cell = parseNb201Cell(arch);
    expect(tables.get('cifar10')!.records.get(arch)).toEqual({
      index: 1,
      arch,
      cell,
      searchAccuracy: 0.9076933332438152,
      valAccuracy: 0.9076933332438152,
      valAccuracyByEpochs: { 12: 0.82834, 200: 0.9076933332438152 },
      testAccuracy12: 0.8822,
      // cifar10-test.csv, index 1: the 200-epoch test accuracy, also the report metric.
      testAccuracy: 0.9366,
      reportAccuracy: 0.9366,
      params: 802426,
      flopsM: networkFlopsM(cell, 'cifar10'),
    });
    // The same cell on ImageNet16-120 has its own (16×16 input) FLOPs.
    expect(tables.get('imagenet16-120')!.records.get(arch)!.flopsM).toBe(networkFlopsM(cell, 'imagenet16-120'));
  });
});

describe('loadNasbench201Csv validation', () => {
  it('rejects a different header', () => {
    expect(() => loadLines(HEADER.replace('val_acc_200', 'val_acc'), ROW_A)).toThrow(DataFileError);
    expect(() => loadLines(HEADER.replace('val_acc_200', 'val_acc'), ROW_A)).toThrow(
      /bad\.csv:1: header is "index,arch,params,val_acc,val_acc_12,test_acc_12" \(expected "index,arch,params,val_acc_200,val_acc_12,test_acc_12"\)/,
    );
  });

  it('rejects an arch that is not a cell string', () => {
    // NAS-Bench-101's op name in the first edge.
    const arch = ROW_B.split(',')[1].replace('nor_conv_3x3~0|+', 'conv3x3~0|+');
    expect(() => loadLines(HEADER, ROW_A, rowBWith(1, arch))).toThrow(DataFileError);
    expect(() => loadLines(HEADER, ROW_A, rowBWith(1, arch))).toThrow(
      `bad.csv:3: column arch: got ${JSON.stringify(arch)} (expected a NAS-Bench-201 cell string)`,
    );
  });

  it('rejects an accuracy above 1', () => {
    // Percent instead of fraction is the likely mistake.
    expect(() => loadLines(HEADER, ROW_A, rowBWith(3, '90.77'))).toThrow(/bad\.csv:3: column val_acc_200: got "90\.77" \(expected an accuracy in \[0, 1\]\)/);
  });

  it('rejects a negative or empty accuracy instead of reading it as a number', () => {
    expect(() => loadLines(HEADER, ROW_A, rowBWith(5, '-0.1'))).toThrow(/bad\.csv:3: column test_acc_12: got "-0\.1" \(expected an accuracy in \[0, 1\]\)/);
    expect(() => loadLines(HEADER, ROW_A, rowBWith(4, ''))).toThrow(/bad\.csv:3: column val_acc_12: got "" \(expected an accuracy in \[0, 1\]\)/);
  });

  it('rejects a parameter count that is not a positive integer', () => {
    expect(() => loadLines(HEADER, ROW_A, rowBWith(2, '802426.5'))).toThrow(/bad\.csv:3: column params: got "802426\.5" \(expected a positive integer\)/);
    expect(() => loadLines(HEADER, ROW_A, rowBWith(2, '0'))).toThrow(/bad\.csv:3: column params: got "0" \(expected a positive integer\)/);
  });

  it('rejects an index outside 0..15624', () => {
    expect(() => loadLines(HEADER, ROW_A, rowBWith(0, '15625'))).toThrow(/bad\.csv:3: column index: got "15625" \(expected an integer in 0\.\.15624\)/);
  });

  it('rejects a duplicate arch', () => {
    // Same cell under a new index: only the arch check can catch it.
    const arch = ROW_A.split(',')[1];
    expect(() => loadLines(HEADER, ROW_A, rowBWith(1, arch))).toThrow(`bad.csv:3: column arch: duplicate value ${arch} (expected each cell once)`);
  });

  it('rejects a duplicate index', () => {
    // Two different cells under index 0: a misaligned join of the source tables.
    expect(() => loadLines(HEADER, ROW_A, rowBWith(0, '0'))).toThrow(/bad\.csv:3: column index: duplicate value 0 \(expected each index once\)/);
  });

  it('rejects a row with a missing field', () => {
    expect(() => loadLines(HEADER, ROW_A, ROW_B.replace(/,0\.8822$/, ''))).toThrow(/bad\.csv: not valid CSV: .*line 3/);
  });

  it('rejects a well-formed table with too few rows, naming the count', () => {
    expect(() => loadLines(HEADER, ROW_A, ROW_B)).toThrow(DataFileError);
    expect(() => loadLines(HEADER, ROW_A, ROW_B)).toThrow('bad.csv: 2 cells (expected all 15625 of NAS-Bench-201)');
  });

  it('rejects an unknown data set with a RangeError listing the known ones', () => {
    expect(() => loadNasbench201Csv('cifar1000' as Nb201Dataset)).toThrow(RangeError);
    expect(() => loadNasbench201Csv('cifar1000' as Nb201Dataset)).toThrow(
      "unknown NAS-Bench-201 data set 'cifar1000' (expected one of cifar10, cifar100, imagenet16-120)",
    );
  });

  it('names the places looked when the file is missing', () => {
    const dir = tempDir();
    const path = nasbench201CsvPath('cifar100');
    expect(() => loadNasbench201Csv('cifar100', { dataDir: dir })).toThrow(DataFileError);
    expect(() => loadNasbench201Csv('cifar100', { dataDir: dir })).toThrow(`${path} not found; looked in: ${join(dir, path)}`);
  });
});
