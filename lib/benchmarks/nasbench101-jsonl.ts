// Loads the cell lists shipped beside the NAS-Bench-101 subset (cells-1k.jsonl, flops-500.jsonl).
// Parses and checks each line; it does not hash or cost cells (callers verify against those).
import { readFileSync } from 'node:fs';
import { resolveDataFile, type DataFolderOptions } from './data-folder';
import { DataFileError } from './errors';

/** The cell lists, by name, and their paths inside the data folder (datasets README). */
export const NASBENCH101_CELL_FILES = {
  'cells-1k': 'nasbench101/cells-1k.jsonl',
  'flops-500': 'nasbench101/flops-500.jsonl',
} as const;

/** One line of a cell list: a cell as `{matrix, ops}` (unvalidated), its hash, and extras. */
export interface Nasbench101CellLine {
  readonly hash: string;
  readonly matrix: number[][];
  readonly ops: string[];
  /** flops-500 only: validation accuracy as NASLib stores it. */
  readonly val_accuracy?: number;
  /** flops-500 only: FLOPs in millions as NASLib computed them. */
  readonly flops_m?: number;
  /** flops-500 only: parameters in millions. */
  readonly params_m?: number;
}

/**
 * Read a cell list. Every line must be a JSON object with a 32-hex `hash`, a `matrix` array
 * and an `ops` array (cell validity is checked by the caller, with validateCell).
 * @throws DataFileError naming file, line and problem, or the places looked when missing.
 */
export function loadNasbench101CellList(name: keyof typeof NASBENCH101_CELL_FILES, options: DataFolderOptions = {}): Nasbench101CellLine[] {
  const path = resolveDataFile(NASBENCH101_CELL_FILES[name], options);
  const lines = readFileSync(path, 'utf8').split(/\r?\n/).filter((line) => line.trim() !== '');
  return lines.map((line, i) => parseLine(path, i + 1, line));
}

function parseLine(path: string, lineNumber: number, line: string): Nasbench101CellLine {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    throw new DataFileError(path, `${path}:${lineNumber}: not valid JSON (${(error as Error).message})`);
  }
  const record = value as Partial<Nasbench101CellLine> | null;
  if (record === null || typeof record !== 'object' || typeof record.hash !== 'string' || !/^[0-9a-f]{32}$/.test(record.hash)) {
    throw new DataFileError(path, `${path}:${lineNumber}: expected an object with a 32-hex "hash": got ${line.slice(0, 80)}`);
  }
  if (!Array.isArray(record.matrix) || !Array.isArray(record.ops)) {
    throw new DataFileError(path, `${path}:${lineNumber}: expected "matrix" and "ops" arrays for hash ${record.hash}`);
  }
  return record as Nasbench101CellLine;
}
