// Shared test fixtures for the benchmark tests: temp folders, the shared data folder, real cells.
// Test support only: never imported from lib/.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Cell } from '../../lib/spaces/nasbench101/cell';
import { REAL_DATASETS } from '../real-data';

/** The read-only real data, in the folder the library resolves (see test/real-data.ts). */
export const SHARED_DATASETS = REAL_DATASETS;

/** A fresh empty folder under the OS temp dir. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'dnas-bench-'));
}

/** Write `text` to `<dir>/<name>` and return the path. */
export function writeText(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** The first `n` rows of cells-1k.jsonl: real pruned cells with their official hashes. */
export function realCells(n: number): { hash: string; matrix: number[][]; ops: Cell['ops'] }[] {
  const lines = readFileSync(join(SHARED_DATASETS, 'nasbench101', 'cells-1k.jsonl'), 'utf8').trim().split('\n');
  return lines.slice(0, n).map((line) => JSON.parse(line));
}
