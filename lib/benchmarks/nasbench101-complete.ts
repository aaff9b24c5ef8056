// Loads and checks NAS-Bench-101's complete test table (test-108-all.csv: every one of the 423,624
// cells) as one Float32 column aligned with the enumerated space's hash order, cached on disk.
// It only parses, validates and caches the file: no querying, budgets or searching here.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buf as crc32 } from 'crc-32';
import { cacheRoot } from '../project-folders';
import type { Nasbench101Space } from '../spaces/nasbench101/space';
import { resolveDataFile, type DataFolderOptions } from './data-folder';
import { DataFileError } from './errors';

/** Path of the complete table inside the data folder (datasets README). */
export const NASBENCH101_COMPLETE_CSV = 'nasbench101/test-108-all.csv';

/** The exact header the loader accepts. */
export const NASBENCH101_COMPLETE_HEADER = 'hash,test_acc_108';

/** Cache file name inside the cache folder. */
export const COMPLETE_CACHE_FILE = 'nasbench101-test-108.bin';

/**
 * The complete table: `testAccuracy[i]` is the test accuracy at 108 epochs (first of the three
 * official runs, fraction of 1) of the cell at index `i` of the space (ascending hash order).
 * Float32 holds the file's values exactly: the release stores float32 accuracies, and the loader
 * refuses any value that float32 would round (so a query returns the file's value to the digit).
 */
export interface Nasbench101CompleteTable {
  /** Absolute path of the CSV the column came from. */
  readonly path: string;
  /** sha256 of the CSV's bytes, hex (run manifests and the cache check). */
  readonly sha256: string;
  /** One accuracy per cell of the space, in the space's index order. */
  readonly testAccuracy: Float32Array;
  /** True when the column came from the cache rather than a parse of the CSV. */
  readonly fromCache: boolean;
}

/** Where to read from and whether to trust the cache. */
export interface LoadCompleteOptions extends DataFolderOptions {
  /** An explicit CSV path (skips the data-folder search). */
  readonly file?: string;
  /** Cache folder (default: $DNAS_CACHE_DIR, else `<project root>/.cache`). */
  readonly cacheDir?: string;
  /** Parse the CSV even when a valid cache exists, and rewrite the cache (default false). */
  readonly rebuild?: boolean;
  /** Neither read nor write the cache (tests of the parser; default false). */
  readonly noCache?: boolean;
}

/**
 * Read `nasbench101/test-108-all.csv` (or `options.file`) into a column aligned with `space`.
 * The CSV's sha256 is computed on every call; a cache written from a file with the same sha256
 * and the same space size is used instead of parsing (≈0.1 s against ≈1.5 s).
 * Checks on a parse: the exact header; a final newline (a file cut inside its last field fails);
 * exactly `space.size` rows; row i's hash is 32 lowercase hex characters and equals the space's
 * hash at index i (so hashes ascend and none is missing or extra); every accuracy is a plain
 * decimal in [0, 1] that float32 holds exactly.
 * @throws DataFileError naming the file, the line, the value found and the one expected; or the
 *   places looked when the file is missing.
 */
export function loadNasbench101Complete(space: Nasbench101Space, options: LoadCompleteOptions = {}): Nasbench101CompleteTable {
  const path = options.file ?? resolveDataFile(NASBENCH101_COMPLETE_CSV, options);
  const bytes = readFileSync(path);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const cachePath = join(cacheRoot(options.cacheDir), COMPLETE_CACHE_FILE);
  if (!options.noCache && !options.rebuild) {
    const cached = readCompleteCache(cachePath, sha256, space.size);
    if (cached !== null) return { path, sha256, testAccuracy: cached, fromCache: true };
  }
  const testAccuracy = parseCompleteCsv(path, bytes, space);
  if (!options.noCache) writeCompleteCache(cachePath, sha256, testAccuracy);
  return { path, sha256, testAccuracy, fromCache: false };
}

const HEX = /^[0-9a-f]{32}$/;
// A plain decimal in [0, 1]: no sign, exponent, hex or blanks (strict numbers, issue of data files).
const DECIMAL = /^(?:0(?:\.\d+)?|1(?:\.0+)?|\.\d+)$/;

/**
 * Parse and check the CSV bytes against the space (see loadNasbench101Complete).
 * @throws DataFileError naming file, line, value and expectation.
 */
export function parseCompleteCsv(file: string, bytes: Buffer, space: Nasbench101Space): Float32Array {
  const fail = (line: number, what: string): never => {
    throw new DataFileError(file, `${file}:${line}: ${what}`);
  };
  const text = bytes.toString('latin1');
  if (text.length === 0) fail(1, `empty file (expected the header "${NASBENCH101_COMPLETE_HEADER}" and ${space.size} rows)`);
  if (text[text.length - 1] !== '\n') {
    const lastLine = text.split('\n').length;
    fail(lastLine, `the file does not end with a newline: it was cut inside line ${lastLine} (expected ${space.size + 1} complete lines)`);
  }
  const firstBreak = text.indexOf('\n');
  const header = text.slice(0, firstBreak).replace(/\r$/, '');
  if (header !== NASBENCH101_COMPLETE_HEADER) fail(1, `header is "${header}" (expected "${NASBENCH101_COMPLETE_HEADER}")`);
  const column = new Float32Array(space.size);
  let row = 0;
  let start = firstBreak + 1;
  while (start < text.length) {
    const end = text.indexOf('\n', start);
    const line = row + 2;
    if (row >= space.size) fail(line, `extra row ${JSON.stringify(text.slice(start, end))} (expected exactly ${space.size} rows, one per cell of the space)`);
    const fields = text.slice(start, end).replace(/\r$/, '').split(',');
    if (fields.length !== 2) fail(line, `${fields.length} fields in ${JSON.stringify(fields.join(','))} (expected 2: hash,test_acc_108)`);
    const [hash, value] = fields;
    if (!HEX.test(hash)) fail(line, `column hash: got ${JSON.stringify(hash)} (expected 32 lowercase hex characters)`);
    const expected = space.hashAt(row);
    if (hash !== expected) {
      const why = hash < expected ? 'out of ascending order or not a cell of the space' : 'a row is missing before it';
      fail(line, `column hash: got ${hash} (expected ${expected}, the space's cell at index ${row}: ${why})`);
    }
    if (!DECIMAL.test(value)) fail(line, `column test_acc_108: got ${JSON.stringify(value)} (expected a plain decimal accuracy in [0, 1])`);
    const x = Number(value);
    if (!(x >= 0 && x <= 1)) fail(line, `column test_acc_108: got ${JSON.stringify(value)} (expected an accuracy in [0, 1])`);
    if (Math.fround(x) !== x) fail(line, `column test_acc_108: got ${value}, which float32 would round to ${Math.fround(x)} (expected the release's float32 values)`);
    column[row] = x;
    row++;
    start = end + 1;
  }
  if (row < space.size) fail(row + 2, `the file ends after ${row} rows (expected ${space.size}; the next expected hash is ${space.hashAt(row)})`);
  return column;
}

// Cache layout, little-endian: magic (8), version u32, count u32, CRC-32 of the column u32,
// 4 bytes padding, the CSV's sha256 (32 bytes), then the Float32 column.
const MAGIC = 'NB101TST';
const VERSION = 1;
const HEADER_BYTES = 56;

/** The cached column when it was written from a CSV with this sha256 and has `count` intact values; else null. */
function readCompleteCache(path: string, sha256: string, count: number): Float32Array | null {
  if (!existsSync(path)) return null;
  const file = readFileSync(path);
  if (file.length !== HEADER_BYTES + 4 * count) return null;
  if (file.toString('latin1', 0, 8) !== MAGIC || file.readUInt32LE(8) !== VERSION || file.readUInt32LE(12) !== count) return null;
  if (file.toString('hex', 24, 56) !== sha256) return null;
  const body = file.subarray(HEADER_BYTES);
  if ((crc32(body) >>> 0) !== file.readUInt32LE(16)) return null;
  return new Float32Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.length) as ArrayBuffer);
}

/** Write the cache atomically (temp file + rename), so a concurrent reader never sees half. */
function writeCompleteCache(path: string, sha256: string, column: Float32Array): void {
  const body = Buffer.from(column.buffer, column.byteOffset, column.byteLength);
  const header = Buffer.alloc(HEADER_BYTES);
  header.write(MAGIC, 0, 'latin1');
  header.writeUInt32LE(VERSION, 8);
  header.writeUInt32LE(column.length, 12);
  header.writeUInt32LE(crc32(body) >>> 0, 16);
  header.write(sha256, 24, 'hex');
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, Buffer.concat([header, body]));
  renameSync(temp, path);
}
