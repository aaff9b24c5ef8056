import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DataFileError } from '../../lib/benchmarks/errors';
import { NASBENCH101_CSV, loadNasbench101Csv, type Nasbench101CsvData } from '../../lib/benchmarks/nasbench101-csv';
import { SHARED_DATASETS, tempDir, writeText } from './fixtures';

const HEADER = 'hash,val_acc_4,val_acc_12,val_acc_36,val_acc_108,train_time_108_s,params';
/** The first two real rows of the subset: a valid base the bad cases alter one field of. */
const ROW_A = '00005c142e6f48ac74fdcf73e3439874,0.3604767620563507,0.42197516560554504,0.9001402258872986,0.9304887652397156,1768.9759521484375,8555530';
const ROW_B = '0000718c96730a92ea6d5242f8ce77e2,0.11318109184503555,0.35536858439445496,0.8254206776618958,0.8959335088729858,1203.2879638671875,5878154';

/** Load a CSV made of these lines from a temp file. */
function loadLines(...lines: string[]): Nasbench101CsvData {
  const file = writeText(tempDir(), 'bad.csv', `${lines.join('\n')}\n`);
  return loadNasbench101Csv({ file });
}

/** ROW_B with field `i` (0-based) replaced. */
function rowBWith(i: number, value: string): string {
  const cells = ROW_B.split(',');
  cells[i] = value;
  return cells.join(',');
}

describe('loadNasbench101Csv on the real subset', () => {
  let data: Nasbench101CsvData;
  beforeAll(() => {
    data = loadNasbench101Csv({ dataDir: SHARED_DATASETS });
  });

  it('holds all 30,001 cells keyed by hash', () => {
    expect(data.records.size).toBe(30001);
    for (const [key, r] of data.records) expect(key).toBe(r.hash);
  });

  it('matches the datasets README: mean validation accuracy 0.9105, max 0.9491', () => {
    const accuracies = [...data.records.values()].map((r) => r.valAccuracy);
    expect(accuracies.reduce((a, b) => a + b, 0) / accuracies.length).toBeCloseTo(0.9105, 4);
    expect(Math.max(...accuracies)).toBeCloseTo(0.9491, 4);
  });

  it('maps every column of a row into the record', () => {
    expect(data.records.get('00005c142e6f48ac74fdcf73e3439874')).toEqual({
      hash: '00005c142e6f48ac74fdcf73e3439874',
      searchAccuracy: 0.9304887652397156,
      valAccuracy: 0.9304887652397156,
      valAccuracyByEpochs: { 4: 0.3604767620563507, 12: 0.42197516560554504, 36: 0.9001402258872986, 108: 0.9304887652397156 },
      params: 8555530,
      trainingTimeS: 1768.9759521484375,
    });
  });

  it('reports the sha256 of the file bytes', () => {
    const bytes = readFileSync(join(SHARED_DATASETS, NASBENCH101_CSV));
    expect(data.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(data.path).toBe(join(SHARED_DATASETS, NASBENCH101_CSV));
  });
});

describe('loadNasbench101Csv validation', () => {
  it('accepts a small well-formed file', () => {
    expect(loadLines(HEADER, ROW_A, ROW_B).records.size).toBe(2);
  });

  it('rejects a different header', () => {
    expect(() => loadLines(HEADER.replace('params', 'n_params'), ROW_A)).toThrow(/:1: header is "hash,.*,n_params" \(expected "hash,.*,params"\)/);
  });

  it('rejects a row with a missing field', () => {
    expect(() => loadLines(HEADER, ROW_A, ROW_B.replace(/,5878154$/, ''))).toThrow(/bad\.csv: not valid CSV: .*expect 7, got 6 on line 3/);
  });

  it('rejects a hash that is not 32 lowercase hex characters', () => {
    expect(() => loadLines(HEADER, ROW_A, rowBWith(0, 'XYZ'))).toThrow(/bad\.csv:3: column hash: got "XYZ" \(expected 32 lowercase hex characters\)/);
  });

  it('rejects a duplicate hash', () => {
    expect(() => loadLines(HEADER, ROW_A, ROW_A)).toThrow(/bad\.csv:3: column hash: duplicate value 00005c142e6f48ac74fdcf73e3439874/);
  });

  it('rejects an accuracy above 1', () => {
    // Percent instead of fraction is the likely mistake.
    expect(() => loadLines(HEADER, ROW_A, rowBWith(4, '89.59'))).toThrow(/bad\.csv:3: column val_acc_108: got "89\.59" \(expected an accuracy in \[0, 1\]\)/);
  });

  it('rejects an empty accuracy instead of reading it as 0', () => {
    expect(() => loadLines(HEADER, ROW_A, rowBWith(1, ''))).toThrow(/column val_acc_4: got "" \(expected an accuracy in \[0, 1\]\)/);
  });

  it('rejects a training time that is not > 0', () => {
    expect(() => loadLines(HEADER, ROW_A, rowBWith(5, '-3'))).toThrow(/column train_time_108_s: got "-3" \(expected a finite number of seconds > 0\)/);
  });

  it('rejects a fractional parameter count', () => {
    expect(() => loadLines(HEADER, ROW_A, rowBWith(6, '5878154.5'))).toThrow(/column params: got "5878154\.5" \(expected a positive integer\)/);
  });

  it('rejects a parameter count of 0', () => {
    expect(() => loadLines(HEADER, ROW_A, rowBWith(6, '0'))).toThrow(/column params: got "0" \(expected a positive integer\)/);
  });

  it('names the places looked when the file is missing', () => {
    const dir = tempDir();
    expect(() => loadNasbench101Csv({ dataDir: dir })).toThrow(DataFileError);
    expect(() => loadNasbench101Csv({ dataDir: dir })).toThrow(`${NASBENCH101_CSV} not found; looked in: ${join(dir, NASBENCH101_CSV)}`);
  });
});
