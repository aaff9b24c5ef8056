// Loads and checks NAS-Bench-101's 30k-cell validation subset (val-subset-30k.csv).
// It only parses and validates the file: no querying, budgets or cell hashing here.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { checkCsvHeader, parseCsvRows, requireFinalNewline, strictInteger, strictNumber } from './csv-rows';
import { resolveDataFile, type DataFolderOptions } from './data-folder';
import { DataFileError } from './errors';
import type { BenchmarkRecord } from './tabular';

/** Path of the subset inside the data folder (datasets README). */
export const NASBENCH101_CSV = 'nasbench101/val-subset-30k.csv';

/** The exact header the loader accepts, in order. */
export const NASBENCH101_CSV_HEADER = ['hash', 'val_acc_4', 'val_acc_12', 'val_acc_36', 'val_acc_108', 'train_time_108_s', 'params'] as const;

/** Rows of the subset (datasets README: 30,001 cells). */
export const NASBENCH101_CSV_ROWS = 30_001;

/** NAS-Bench-101's training budgets in epochs (Ying et al. 2019, §2.3). */
export const NASBENCH101_EPOCHS = [4, 12, 36, 108] as const;

/**
 * One cell of the subset: a single training run, no test accuracy in this file (datasets README);
 * searches see the 108-epoch validation accuracy (`searchAccuracy`). The `nb101-30k` problem adds
 * each cell's test accuracy from the complete table as `reportAccuracy`.
 */
export interface Nasbench101CsvRecord extends BenchmarkRecord {
  /** NAS-Bench-101 graph hash of the pruned cell: 32 lowercase hex characters. */
  readonly hash: string;
  /** Validation accuracy after 108 epochs. */
  readonly valAccuracy: number;
  readonly valAccuracyByEpochs: Readonly<Record<4 | 12 | 36 | 108, number>>;
  readonly params: number;
  /** Training time of the 108-epoch run, seconds. */
  readonly trainingTimeS: number;
}

/** A loaded subset: records by hash plus the file's identity for run manifests. */
export interface Nasbench101CsvData {
  /** Absolute path read. */
  readonly path: string;
  /** sha256 of the file bytes, hex. */
  readonly sha256: string;
  readonly records: ReadonlyMap<string, Nasbench101CsvRecord>;
}

const HASH_RE = /^[0-9a-f]{32}$/;

/**
 * Read and validate `nasbench101/val-subset-30k.csv` (or `options.file`). Checks: a final newline;
 * the exact header; exactly 30,001 rows (not for an explicit `options.file`, e.g. a test's small table); 7 fields per row; hash = 32 lowercase hex, unique; accuracies in [0, 1]; training
 * time finite and > 0; params a positive integer. ~0.3 s for the 30,001-row file.
 * @param options.file an explicit CSV path (skips the data-folder search);
 *   otherwise `dataDir`/env/root as in `resolveDataFile`.
 * @throws DataFileError naming file, line, column, value and expectation for the first bad row,
 *   or listing the places looked when the file is missing.
 */
export function loadNasbench101Csv(options: DataFolderOptions & { file?: string } = {}): Nasbench101CsvData {
  const file = options.file ?? resolveDataFile(NASBENCH101_CSV, options);
  const bytes = readFileSync(file);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const text = bytes.toString('utf8');
  requireFinalNewline(file, text);
  const rows = parseCsvRows(file, text);
  checkCsvHeader(file, rows[0]?.record, NASBENCH101_CSV_HEADER);
  const records = new Map<string, Nasbench101CsvRecord>();
  for (let i = 1; i < rows.length; i++) {
    const record = toRecord(file, rows[i].info.lines, rows[i].record);
    if (records.has(record.hash)) {
      throw new DataFileError(file, `${file}:${rows[i].info.lines}: column hash: duplicate value ${record.hash} (expected each hash once)`);
    }
    records.set(record.hash, record);
  }
  if (options.file === undefined && records.size !== NASBENCH101_CSV_ROWS) {
    throw new DataFileError(file, `${file}: ${records.size} rows (expected the ${NASBENCH101_CSV_ROWS} of the datasets README)`);
  }
  return { path: file, sha256, records };
}



function toRecord(file: string, line: number, cells: string[]): Nasbench101CsvRecord {
  const bad = (column: string, value: string, expected: string): DataFileError =>
    new DataFileError(file, `${file}:${line}: column ${column}: got ${JSON.stringify(value)} (expected ${expected})`);
  const [hash, a4, a12, a36, a108, time, params] = cells;
  if (!HASH_RE.test(hash)) throw bad('hash', hash, '32 lowercase hex characters');
  const accuracy = (column: string, text: string): number => {
    const x = strictNumber(text);
    if (!(x >= 0 && x <= 1)) throw bad(column, text, 'an accuracy in [0, 1]');
    return x;
  };
  const byEpochs = { 4: accuracy('val_acc_4', a4), 12: accuracy('val_acc_12', a12), 36: accuracy('val_acc_36', a36), 108: accuracy('val_acc_108', a108) };
  const trainingTimeS = strictNumber(time);
  if (!(Number.isFinite(trainingTimeS) && trainingTimeS > 0)) throw bad('train_time_108_s', time, 'a finite number of seconds > 0');
  const paramCount = strictInteger(params);
  if (!(Number.isSafeInteger(paramCount) && paramCount > 0)) throw bad('params', params, 'a positive integer');
  return { hash, searchAccuracy: byEpochs[108], valAccuracy: byEpochs[108], valAccuracyByEpochs: byEpochs, params: paramCount, trainingTimeS };
}
