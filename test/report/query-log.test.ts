import { appendFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DataFileError } from '../../lib/benchmarks/errors';
import { TabularBenchmark, type QueryEvent } from '../../lib/benchmarks/tabular';
import { compressQueryLog, countQueryLogRows, QUERY_LOG_COLUMNS, QueryLog, readQueryLog } from '../../lib/report/query-log';

const HEADER = QUERY_LOG_COLUMNS.join(',');

/** A fake clock that advances 10 ms per reading, so elapsed times are exact. */
function clock(startMs = 1000): () => number {
  let t = startMs - 10;
  return () => (t += 10);
}

function tempFile(name = 'queries.csv'): string {
  return join(mkdtempSync(join(tmpdir(), 'dnas-log-')), 'run', name);
}

const NEW: QueryEvent = { hash: 'a'.repeat(32), source: 'dnas', outcome: 'new', predictedAccuracy: 0.9, trueAccuracy: 0.93048876, flopsM: 12.5 };
const MISS: QueryEvent = { hash: 'b'.repeat(32), source: 'random, seed 1', outcome: 'out-of-domain' };

describe('QueryLog', () => {
  it('numbers rows from 0 and times them from the start of the log', () => {
    const log = QueryLog.inMemory({ now: clock() });
    const rows = [log.append(NEW), log.append(MISS)];
    expect(rows.map((r) => [r.queryIndex, r.elapsedMs])).toEqual([[0, 10], [1, 20]]);
    expect(rows[1]).toMatchObject({ outcome: 'out-of-domain', trueAccuracy: null, predictedAccuracy: null, flopsM: null });
  });

  it('writes the header once and one line per query as it happens', () => {
    const path = tempFile();
    const log = QueryLog.open(path, { now: clock() });
    expect(readFileSync(path, 'utf8')).toBe(`${HEADER}\n`);
    log.append(NEW);
    log.append(MISS);
    expect(readFileSync(path, 'utf8')).toBe(
      `${HEADER}\n0,${'a'.repeat(32)},dnas,new,0.9,0.93048876,,12.5,10\n1,${'b'.repeat(32)},"random, seed 1",out-of-domain,,,,,20\n`,
    );
  });

  it('resumes an existing file: rows read back, index and elapsed time continue', () => {
    const path = tempFile();
    const first = QueryLog.open(path, { now: clock() });
    first.append(NEW);
    first.append(MISS);
    const resumed = QueryLog.open(path, { now: clock(5000) });
    expect(resumed.rows).toEqual(first.rows);
    const row = resumed.append({ ...NEW, outcome: 'repeat' });
    expect([row.queryIndex, row.elapsedMs]).toEqual([2, 30]);
    expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(4);
  });

  it('resumes after skipping rows a checkpoint stands for: only the rest is read back, index and time go on', () => {
    const path = tempFile();
    const first = QueryLog.open(path, { now: clock() });
    for (let i = 0; i < 5; i++) first.append(i % 2 === 0 ? NEW : MISS);
    const resumed = QueryLog.open(path, { now: clock(5000), skipRows: 3 });
    expect([resumed.firstRow, resumed.length]).toEqual([3, 5]);
    expect(resumed.rows).toEqual(first.rows.slice(3));
    expect(countQueryLogRows(path)).toBe(5);
    const row = resumed.append(NEW);
    expect([row.queryIndex, row.elapsedMs]).toEqual([5, 60]);
    // every row skipped: the clock goes on from the last one
    const all = QueryLog.open(path, { now: clock(5000), skipRows: 6 });
    expect([all.rows.length, all.append(MISS).queryIndex, all.rows[0].elapsedMs]).toEqual([0, 6, 70]);
    expect(() => QueryLog.open(path, { skipRows: 9 })).toThrow('holds fewer than the 9 rows to skip');
    expect(() => QueryLog.open(tempFile(), { skipRows: 1 })).toThrow('no rows to skip 1 of');
  });

  it('records what a TabularBenchmark reports', () => {
    const log = QueryLog.inMemory({ now: clock() });
    const bench = new TabularBenchmark<string>({ name: 'toy', records: new Map([['A', { searchAccuracy: 0.9 }]]), keyOf: (c) => c, log });
    bench.query('A', { source: 'evolution' });
    bench.query('A');
    expect(log.rows.map((r) => [r.hash, r.source, r.outcome, r.trueAccuracy])).toEqual([
      ['A', 'evolution', 'new', 0.9],
      ['A', '', 'repeat', 0.9],
    ]);
  });

  it('gives a DataFrame of shape [rows, 9] with the columns in order', () => {
    const log = QueryLog.inMemory({ now: clock() });
    log.append(NEW);
    log.append(MISS);
    log.append(NEW);
    const df = log.toDataFrame();
    expect(df.shape).toEqual([3, 9]);
    expect(df.columns).toEqual([...QUERY_LOG_COLUMNS]);
    expect(df.column('trueAccuracy').values).toEqual([0.93048876, null, 0.93048876]);
  });

  it('gives an empty DataFrame with the 9 columns for an empty log', () => {
    const df = QueryLog.inMemory().toDataFrame();
    expect(df.shape).toEqual([0, 9]);
    expect(df.columns).toEqual([...QUERY_LOG_COLUMNS]);
  });
});

describe('QueryLog.open on a damaged file', () => {
  function damaged(text: string): string {
    const path = tempFile();
    QueryLog.open(path);
    writeFileSync(path, text);
    return path;
  }

  it('rejects another header', () => {
    const path = damaged('a,b\n');
    expect(() => QueryLog.open(path)).toThrow(DataFileError);
    expect(() => QueryLog.open(path)).toThrow(`header is "a,b" (expected "${HEADER}")`);
  });

  it('rejects a last row cut mid-write', () => {
    const path = damaged(`${HEADER}\n0,h,s,new,,,,,1\n1,h,s,ne`);
    expect(() => QueryLog.open(path)).toThrow('last row (line 3) has no newline');
  });

  it('rejects a gap in the query index', () => {
    const path = damaged(`${HEADER}\n0,h,s,new,,,,,1\n2,h,s,new,,,,,2\n`);
    expect(() => QueryLog.open(path)).toThrow('row 2 (line 3): queryIndex is "2" (expected 1)');
  });

  it('rejects an unknown outcome', () => {
    const path = damaged(`${HEADER}\n0,h,s,old,,,,,1\n`);
    expect(() => QueryLog.open(path)).toThrow('outcome is "old" (expected one of new, repeat, out-of-domain)');
  });

  it('rejects a non-numeric accuracy', () => {
    const path = damaged(`${HEADER}\n0,h,s,new,high,,,,1\n`);
    expect(() => QueryLog.open(path)).toThrow('predictedAccuracy is "high" (expected a number or empty)');
  });

  it('rejects a row without elapsed time', () => {
    const path = tempFile();
    QueryLog.open(path);
    appendFileSync(path, '0,h,s,new,,,,,\n');
    expect(() => QueryLog.open(path)).toThrow('elapsedMs is empty (expected a number)');
  });
});

describe('compressQueryLog', () => {
  it('replaces a finished log by its gzip, whose rows read back unchanged', () => {
    const path = tempFile();
    const log = QueryLog.open(path, { now: clock() });
    log.append(NEW);
    log.append(MISS);
    const text = readFileSync(path, 'utf8');
    const gz = compressQueryLog(path);
    expect(gz).toBe(`${path}.gz`);
    expect(existsSync(path)).toBe(false);
    expect(gunzipSync(readFileSync(gz)).toString('utf8')).toBe(text);
    expect(readQueryLog(gz)).toEqual(log.rows);
  });
  it('leaves no plain CSV behind, so opening the path again starts a new log', () => {
    // The runner compresses only finished seeds; a rerun of the folder starts a new plain log.
    const path = tempFile();
    QueryLog.open(path, { now: clock() }).append(NEW);
    compressQueryLog(path);
    expect(QueryLog.open(path).length).toBe(0);
  });
});

describe('readQueryLog', () => {
  it('reads a plain CSV log as QueryLog.open does', () => {
    const path = tempFile();
    const log = QueryLog.open(path, { now: clock() });
    log.append(MISS);
    expect(readQueryLog(path)).toEqual(log.rows);
  });
  it('checks a gzipped log as strictly as a plain one', () => {
    const path = tempFile();
    QueryLog.open(path);
    appendFileSync(path, '0,x,s,old,,,,,1\n');
    expect(() => readQueryLog(compressQueryLog(path))).toThrow('outcome is "old" (expected one of new, repeat, out-of-domain)');
  });
});
