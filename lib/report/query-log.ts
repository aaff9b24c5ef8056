// The query log: one row per benchmark query, kept in memory and appended to a CSV row by row
// so an interrupted run loses nothing; a finished log can be gzipped. It never queries
// benchmarks or decides budgets itself.
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gunzipSync, gzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { DataFileError } from '../benchmarks/errors';
import type { QueryEvent, QueryOutcome, QuerySink } from '../benchmarks/tabular';
import { loadDanfo, type DataFrame } from './danfo';

/** The CSV header, in column order. */
export const QUERY_LOG_COLUMNS = [
  'queryIndex',
  'hash',
  'source',
  'outcome',
  'predictedAccuracy',
  'trueAccuracy',
  'predictedFlopsM',
  'flopsM',
  'elapsedMs',
] as const;

const OUTCOMES: readonly QueryOutcome[] = ['new', 'repeat', 'out-of-domain'];

/** One logged query. Absent numbers are null (an empty CSV cell). */
export interface QueryLogRow {
  /** 0, 1, 2, … over every query in the log, repeats and out-of-domain ones included. */
  readonly queryIndex: number;
  /** The table key (NAS-Bench-101: graph hash). */
  readonly hash: string;
  readonly source: string;
  readonly outcome: QueryOutcome;
  readonly predictedAccuracy: number | null;
  readonly trueAccuracy: number | null;
  readonly predictedFlopsM: number | null;
  readonly flopsM: number | null;
  /** Milliseconds since the log started; a resumed log continues from its last row. */
  readonly elapsedMs: number;
}

/** Options of a log. */
export interface QueryLogOptions {
  /** Clock in milliseconds (default: performance.now); tests pass a fake one. */
  readonly now?: () => number;
  /**
   * `open` only: the first rows of an existing file are counted, not read back (a resumed run's
   * checkpoint stands for them, and a long log's rows cost memory): `rows` then starts at this index.
   */
  readonly skipRows?: number;
}

/**
 * Records every benchmark query (implements `QuerySink`, so a `TabularBenchmark` takes it
 * as `log`). With a path, each row is appended to the CSV at once with appendFileSync.
 */
export class QueryLog implements QuerySink {
  private readonly entries: QueryLogRow[];
  private readonly now: () => number;
  private readonly startMs: number;
  private readonly offsetMs: number;

  private constructor(
    /** The CSV file, or undefined for an in-memory log. */
    readonly path: string | undefined,
    rows: QueryLogRow[],
    options: QueryLogOptions,
    /** Index of `rows[0]`: rows before it are in the file only (QueryLogOptions.skipRows). */
    readonly firstRow = 0,
    /** Elapsed time of the last row read back (the last skipped one when none after it was). */
    lastElapsedMs = rows.length > 0 ? rows[rows.length - 1].elapsedMs : 0,
  ) {
    this.entries = rows;
    this.now = options.now ?? (() => performance.now());
    this.startMs = this.now();
    this.offsetMs = lastElapsedMs;
  }

  /** A log kept only in memory. */
  static inMemory(options: QueryLogOptions = {}): QueryLog {
    return new QueryLog(undefined, [], options);
  }

  /**
   * A log backed by the CSV at `path`: created (with its folders and header) when missing or
   * empty, otherwise read back and resumed: the index and elapsed time continue.
   * @throws DataFileError when an existing file has another header, a malformed row, a
   *   non-contiguous index, or a last row cut mid-write.
   */
  static open(path: string, options: QueryLogOptions = {}): QueryLog {
    const skip = options.skipRows ?? 0;
    if (!Number.isInteger(skip) || skip < 0) throw new RangeError(`skipRows must be an integer ≥ 0: got ${skip}`);
    if (!existsSync(path) || statSync(path).size === 0) {
      if (skip > 0) throw new DataFileError(path, `${path}: no rows to skip ${skip} of (the file is missing or empty)`);
      mkdirSync(dirname(path), { recursive: true });
      appendFileSync(path, `${QUERY_LOG_COLUMNS.join(',')}\n`);
      return new QueryLog(path, [], options);
    }
    if (skip === 0) return new QueryLog(path, readQueryLogCsv(path), options);
    // Read back from the last skipped row on (its time is where the clock goes on when nothing follows it).
    const bytes = readFileSync(path);
    const header = bytes.indexOf(0x0a) + 1;
    let start = header;
    for (let row = 0; row < skip - 1; row++) {
      const end = bytes.indexOf(0x0a, start);
      if (end < 0) break;
      start = end + 1;
    }
    const text = bytes.subarray(0, header).toString('utf8') + bytes.subarray(start).toString('utf8');
    const rows = parseQueryLogCsv(path, text, skip - 1);
    if (rows.length === 0) throw new DataFileError(path, `${path}: holds fewer than the ${skip} rows to skip`);
    return new QueryLog(path, rows.slice(1), options, skip, rows[rows.length - 1].elapsedMs);
  }

  /** Record one query; returns the stored row (also appended to the file when there is one). */
  append(event: QueryEvent): QueryLogRow {
    const row: QueryLogRow = {
      queryIndex: this.length,
      hash: event.hash,
      source: event.source,
      outcome: event.outcome,
      predictedAccuracy: event.predictedAccuracy ?? null,
      trueAccuracy: event.trueAccuracy ?? null,
      predictedFlopsM: event.predictedFlopsM ?? null,
      flopsM: event.flopsM ?? null,
      elapsedMs: Math.round((this.offsetMs + this.now() - this.startMs) * 1000) / 1000,
    };
    this.entries.push(row);
    if (this.path !== undefined) appendFileSync(this.path, `${QUERY_LOG_COLUMNS.map((c) => csvField(row[c])).join(',')}\n`);
    return row;
  }

  /** The rows so far, oldest first, from index `firstRow` on (all of them unless opened with skipRows). */
  get rows(): readonly QueryLogRow[] {
    return this.entries;
  }

  /** Number of rows, skipped ones included. */
  get length(): number {
    return this.firstRow + this.entries.length;
  }

  /** The rows as a Danfo DataFrame `[rows, 9]` in `QUERY_LOG_COLUMNS` order (loads danfojs on first use). */
  toDataFrame(): DataFrame {
    const { DataFrame } = loadDanfo();
    const columns = [...QUERY_LOG_COLUMNS];
    // Danfo rejects empty column arrays, so an empty log is built from (no) rows instead.
    if (this.entries.length === 0) return new DataFrame([], { columns });
    const data: Record<string, unknown[]> = {};
    for (const c of columns) data[c] = this.entries.map((r) => r[c]);
    return new DataFrame(data, { columns });
  }
}

/** Rows in a plain log file (its lines after the header; 0 when it is missing or empty), without reading them back. */
export function countQueryLogRows(path: string): number {
  if (!existsSync(path)) return 0;
  const bytes = readFileSync(path);
  let lines = 0;
  for (let at = bytes.indexOf(0x0a); at >= 0; at = bytes.indexOf(0x0a, at + 1)) lines++;
  return Math.max(0, lines - 1);
}

/** Suffix `compressQueryLog` adds to a finished log's path. */
export const COMPRESSED_LOG_SUFFIX = '.gz';

/**
 * Gzip a finished log in place: `<path>` becomes `<path>.gz` (written to a temporary file and
 * renamed, then the plain CSV is removed), byte for byte the same CSV once unzipped. Every row
 * stays, out-of-domain proposals and repeats included; the hashes repeat so much (regularized
 * evolution at budget 2000: ~1.1M rows over a few tens of thousands of cells) that the file
 * shrinks ~5×. Only for finished logs: `QueryLog.open` resumes plain CSVs only.
 * @returns the path of the gzipped log.
 * @throws fs errors when `path` is missing or unwritable.
 */
export function compressQueryLog(path: string): string {
  const target = `${path}${COMPRESSED_LOG_SUFFIX}`;
  writeFileSync(`${target}.tmp`, gzipSync(readFileSync(path)));
  renameSync(`${target}.tmp`, target);
  unlinkSync(path);
  return target;
}

/**
 * Write the header and first `rows` rows of a log (plain or gzipped) as a gzipped log at `target`
 * (through a temporary file), byte for byte those lines: the log of a run that stopped after them.
 * @throws DataFileError when `source` is not a valid log or holds fewer than `rows` rows.
 */
export function writeQueryLogPrefix(source: string, target: string, rows: number): void {
  const bytes = readFileSync(source);
  const text = (source.endsWith(COMPRESSED_LOG_SUFFIX) ? gunzipSync(bytes) : bytes).toString('utf8');
  const held = parseQueryLogCsv(source, text).length;
  // Rows are lines: no field of a log holds a newline (hashes, source tags and numbers).
  if (held !== text.split('\n').length - 2) throw new DataFileError(source, `${source}: a row spans several lines; its first ${rows} rows cannot be cut out as lines`);
  if (rows > held) throw new DataFileError(source, `${source}: holds ${held} rows, fewer than the ${rows} asked for`);
  let end = 0;
  for (let line = 0; line <= rows; line++) end = text.indexOf('\n', end) + 1;
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(`${target}.tmp`, gzipSync(Buffer.from(text.slice(0, end), 'utf8')));
  renameSync(`${target}.tmp`, target);
}

/**
 * The rows of a log file, plain CSV or gzipped by `compressQueryLog` (told apart by the `.gz`
 * suffix), checked as `QueryLog.open` checks them.
 * @throws DataFileError as QueryLog.open does; zlib errors for a damaged gzip file.
 */
export function readQueryLog(path: string): QueryLogRow[] {
  const bytes = readFileSync(path);
  return parseQueryLogCsv(path, (path.endsWith(COMPRESSED_LOG_SUFFIX) ? gunzipSync(bytes) : bytes).toString('utf8'));
}

/** One CSV cell: '' for null, quoted when the text holds a comma, quote or newline. */
function csvField(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Read an existing log file back, checking every row. */
function readQueryLogCsv(path: string): QueryLogRow[] {
  return parseQueryLogCsv(path, readFileSync(path, 'utf8'));
}

/** Parse a log's text (read from `path`, named in errors), checking every row; `firstIndex`: the queryIndex of its first row. */
function parseQueryLogCsv(path: string, text: string, firstIndex = 0): QueryLogRow[] {
  const lines = text.split('\n').length - 1;
  if (!text.endsWith('\n')) {
    throw new DataFileError(path, `${path}: last row (line ${lines + 1}) has no newline: the file was cut mid-write; delete that line to resume`);
  }
  let table: string[][];
  try {
    table = parse(text, { relax_quotes: false }) as string[][];
  } catch (e) {
    throw new DataFileError(path, `${path}: not a valid query-log CSV: ${(e as Error).message}`);
  }
  const header = table[0].join(',');
  if (header !== QUERY_LOG_COLUMNS.join(',')) {
    throw new DataFileError(path, `${path}: header is "${header}" (expected "${QUERY_LOG_COLUMNS.join(',')}")`);
  }
  return table.slice(1).map((cells, i) => parseRow(path, cells, firstIndex + i));
}

function parseRow(path: string, cells: string[], i: number): QueryLogRow {
  const where = `${path}: row ${i + 1} (line ${i + 2})`;
  const [index, hash, source, outcome, predictedAccuracy, trueAccuracy, predictedFlopsM, flopsM, elapsedMs] = cells;
  if (Number(index) !== i || index === '') throw new DataFileError(path, `${where}: queryIndex is ${JSON.stringify(index)} (expected ${i})`);
  if (!(OUTCOMES as readonly string[]).includes(outcome)) {
    throw new DataFileError(path, `${where}: outcome is ${JSON.stringify(outcome)} (expected one of ${OUTCOMES.join(', ')})`);
  }
  const elapsed = optionalNumber(where, 'elapsedMs', elapsedMs, path);
  if (elapsed === null) throw new DataFileError(path, `${where}: elapsedMs is empty (expected a number)`);
  return {
    queryIndex: i,
    hash,
    source,
    outcome: outcome as QueryOutcome,
    predictedAccuracy: optionalNumber(where, 'predictedAccuracy', predictedAccuracy, path),
    trueAccuracy: optionalNumber(where, 'trueAccuracy', trueAccuracy, path),
    predictedFlopsM: optionalNumber(where, 'predictedFlopsM', predictedFlopsM, path),
    flopsM: optionalNumber(where, 'flopsM', flopsM, path),
    elapsedMs: elapsed,
  };
}

/** '' → null; a number literal (NaN included, since a predictor may have logged one) → number. */
function optionalNumber(where: string, column: string, text: string, path: string): number | null {
  if (text === '') return null;
  const value = Number(text);
  if (Number.isNaN(value) && text !== 'NaN') throw new DataFileError(path, `${where}: ${column} is ${JSON.stringify(text)} (expected a number or empty)`);
  return value;
}
