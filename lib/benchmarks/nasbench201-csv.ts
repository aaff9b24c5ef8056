// Loads and checks one NAS-Bench-201 table (nasbench201/<dataset>.csv: all 15,625 cells).
// It only parses and validates the file: no querying, budgets or searching here.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InvalidNb201CellError, parseNb201Cell, type Nb201Cell } from '../spaces/nasbench201/cell';
import { NB201_DATASETS, networkFlopsM, type Nb201Dataset } from '../spaces/nasbench201/cost';
import { NB201_SIZE } from '../spaces/nasbench201/search-space';
import { checkCsvHeader, parseCsvRows, requireFinalNewline, strictInteger, strictNumber } from './csv-rows';
import { resolveDataFile, type DataFolderOptions } from './data-folder';
import { DataFileError } from './errors';
import type { BenchmarkRecord } from './tabular';

/** Path of a data set's table inside the data folder (datasets README). */
export function nasbench201CsvPath(dataset: Nb201Dataset): string {
  return `nasbench201/${dataset}.csv`;
}

/** Path of a data set's 200-epoch test accuracies inside the data folder (datasets README). */
export function nasbench201TestCsvPath(dataset: Nb201Dataset): string {
  return `nasbench201/${dataset}-test.csv`;
}

/** The exact header of a `*-test.csv` file. */
export const NASBENCH201_TEST_CSV_HEADER = ['index', 'arch', 'test_acc_200'] as const;

/** The exact header the loader accepts, in order. */
export const NASBENCH201_CSV_HEADER = ['index', 'arch', 'params', 'val_acc_200', 'val_acc_12', 'test_acc_12'] as const;

/** One cell of a NAS-Bench-201 table. */
export interface Nasbench201CsvRecord extends BenchmarkRecord {
  /** NAS-Bench-201's own architecture index (0..15,624). */
  readonly index: number;
  /** The official cell string: the table key. */
  readonly arch: string;
  readonly cell: Nb201Cell;
  /** Validation accuracy after the full 200-epoch schedule. */
  readonly valAccuracy: number;
  readonly valAccuracyByEpochs: Readonly<Record<12 | 200, number>>;
  /** Test accuracy after the 12-epoch schedule. */
  readonly testAccuracy12: number;
  /** Test accuracy after the 200-epoch schedule (`*-test.csv`); absent when loaded without that file. */
  readonly testAccuracy?: number;
  readonly params: number;
  /** FLOPs from the cost model (`networkFlopsM`): the table does not store them. */
  readonly flopsM: number;
}

/** A loaded table: records by cell string plus the file's identity for run manifests. */
export interface Nasbench201CsvData {
  readonly dataset: Nb201Dataset;
  /** Absolute path read. */
  readonly path: string;
  /** sha256 of the file bytes, hex. */
  readonly sha256: string;
  readonly records: ReadonlyMap<string, Nasbench201CsvRecord>;
  /** The `*-test.csv` file joined in (path, sha256), or null when loaded without it. */
  readonly test: { readonly path: string; readonly sha256: string } | null;
}

/** Where the two files of a data set come from. */
export interface Nasbench201LoadOptions extends DataFolderOptions {
  /** An explicit path of the main table (skips the data-folder search). */
  readonly file?: string;
  /**
   * The 200-epoch test accuracies: an explicit path, null to load without them (records then have
   * no `testAccuracy`/`reportAccuracy`), or omitted for `<dataset>-test.csv` from the same folder as the main table.
   */
  readonly testFile?: string | null;
}

/**
 * Read and validate `nasbench201/<dataset>.csv` (or `options.file`). Checks: a known data set; the
 * exact header; 6 fields a row; index an integer in 0..15,624 and arch a cell string, each unique;
 * accuracies in [0, 1]; params a positive integer; exactly 15,625 rows. ~0.2 s a table.
 * @throws RangeError for an unknown data set; DataFileError naming file, line, column, value and
 *   expectation for the first bad row, the row count when rows are missing, or the places looked
 *   when the file is missing.
 */
export function loadNasbench201Csv(dataset: Nb201Dataset, options: Nasbench201LoadOptions = {}): Nasbench201CsvData {
  if (!Object.hasOwn(NB201_DATASETS, dataset)) {
    throw new RangeError(`unknown NAS-Bench-201 data set '${dataset}' (expected one of ${Object.keys(NB201_DATASETS).join(', ')})`);
  }
  const file = options.file ?? resolveDataFile(nasbench201CsvPath(dataset), options);
  const bytes = readFileSync(file);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const text = bytes.toString('utf8');
  requireFinalNewline(file, text);
  const rows = parseCsvRows(file, text);
  checkCsvHeader(file, rows[0]?.record, NASBENCH201_CSV_HEADER);
  const records = new Map<string, Nasbench201CsvRecord>();
  const indices = new Set<number>();
  for (let i = 1; i < rows.length; i++) {
    const line = rows[i].info.lines;
    const record = toRecord(file, line, rows[i].record, dataset);
    if (records.has(record.arch)) throw new DataFileError(file, `${file}:${line}: column arch: duplicate value ${record.arch} (expected each cell once)`);
    if (indices.has(record.index)) throw new DataFileError(file, `${file}:${line}: column index: duplicate value ${record.index} (expected each index once)`);
    records.set(record.arch, record);
    indices.add(record.index);
  }
  if (records.size !== NB201_SIZE) throw new DataFileError(file, `${file}: ${records.size} cells (expected all ${NB201_SIZE} of NAS-Bench-201)`);
  if (options.testFile === null) return { dataset, path: file, sha256, records, test: null };
  const testFile = options.testFile ?? join(dirname(file), basename(nasbench201TestCsvPath(dataset)));
  const test = readTestAccuracies(testFile, records);
  const joined = new Map<string, Nasbench201CsvRecord>();
  for (const [arch, record] of records) {
    const testAccuracy = test.byArch.get(arch)!;
    joined.set(arch, { ...record, testAccuracy, reportAccuracy: testAccuracy });
  }
  return { dataset, path: file, sha256, records: joined, test: { path: testFile, sha256: test.sha256 } };
}

/**
 * Read `<dataset>-test.csv` and check it against the main table: a final newline, the exact header,
 * 3 fields a row, every (index, arch) pair exactly as in the main table, each cell once, accuracies
 * in [0, 1], all 15,625 cells.
 * @throws DataFileError naming file, line, value and expectation.
 */
function readTestAccuracies(file: string, main: ReadonlyMap<string, Nasbench201CsvRecord>): { sha256: string; byArch: Map<string, number> } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    throw new DataFileError(file, `${file} not found: the 200-epoch test accuracies belong beside the main table (datasets README; pass testFile: null to load without them)`);
  }
  const text = bytes.toString('utf8');
  requireFinalNewline(file, text);
  const rows = parseCsvRows(file, text);
  checkCsvHeader(file, rows[0]?.record, NASBENCH201_TEST_CSV_HEADER);
  const byArch = new Map<string, number>();
  for (let i = 1; i < rows.length; i++) {
    const line = rows[i].info.lines;
    const bad = (column: string, value: string, expected: string): DataFileError =>
      new DataFileError(file, `${file}:${line}: column ${column}: got ${JSON.stringify(value)} (expected ${expected})`);
    const fields = rows[i].record;
    if (fields.length !== 3) throw bad('*', fields.join(','), '3 fields: index,arch,test_acc_200');
    const [indexText, arch, accText] = fields;
    const record = main.get(arch);
    if (record === undefined) throw bad('arch', arch, 'a cell string of the main table');
    if (strictInteger(indexText) !== record.index) throw bad('index', indexText, `${record.index}, the main table's index of ${arch}`);
    if (byArch.has(arch)) throw bad('arch', arch, 'each cell once');
    const x = strictNumber(accText);
    if (!(x >= 0 && x <= 1)) throw bad('test_acc_200', accText, 'an accuracy in [0, 1]');
    byArch.set(arch, x);
  }
  if (byArch.size !== NB201_SIZE) throw new DataFileError(file, `${file}: ${byArch.size} cells (expected all ${NB201_SIZE} of NAS-Bench-201)`);
  return { sha256: createHash('sha256').update(bytes).digest('hex'), byArch };
}


function toRecord(file: string, line: number, fields: string[], dataset: Nb201Dataset): Nasbench201CsvRecord {
  const bad = (column: string, value: string, expected: string): DataFileError =>
    new DataFileError(file, `${file}:${line}: column ${column}: got ${JSON.stringify(value)} (expected ${expected})`);
  const [indexText, arch, paramsText, a200, a12, t12] = fields;
  const index = strictInteger(indexText);
  if (!(Number.isInteger(index) && index >= 0 && index < NB201_SIZE)) throw bad('index', indexText, `an integer in 0..${NB201_SIZE - 1}`);
  let cell: Nb201Cell;
  try {
    cell = parseNb201Cell(arch);
  } catch (e) {
    if (e instanceof InvalidNb201CellError) throw bad('arch', arch, 'a NAS-Bench-201 cell string');
    throw e;
  }
  const accuracy = (column: string, text: string): number => {
    const x = strictNumber(text);
    if (!(x >= 0 && x <= 1)) throw bad(column, text, 'an accuracy in [0, 1]');
    return x;
  };
  const params = strictInteger(paramsText);
  if (!(Number.isSafeInteger(params) && params > 0)) throw bad('params', paramsText, 'a positive integer');
  const byEpochs = { 12: accuracy('val_acc_12', a12), 200: accuracy('val_acc_200', a200) };
  return { index, arch, cell, searchAccuracy: byEpochs[200], valAccuracy: byEpochs[200], valAccuracyByEpochs: byEpochs, testAccuracy12: accuracy('test_acc_12', t12), params, flopsM: networkFlopsM(cell, dataset) };
}
