import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { clearCurrentRun, startRun } from '../../lib/report/run-context';
import { showTable } from '../../lib/report/table';

afterEach(() => clearCurrentRun());

describe('showTable', () => {
  it('writes the rows as CSV into the run folder under tables/', () => {
    const resultsDir = mkdtempSync(join(tmpdir(), 'dnas-table-'));
    const run = startRun({ notebook: 'table-test', scale: 'smoke', seed: 1, config: {}, resultsDir });
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    showTable([{ level: 'top 1%', accuracy: 0.9434094429 }], { name: 'thresholds' });
    log.mockRestore();
    expect(readFileSync(run.path('tables/thresholds.csv'), 'utf8')).toBe('level,accuracy\ntop 1%,0.9434094429\n');
  });
  it('rejects an empty row list', () => {
    expect(() => showTable([])).toThrow('showTable needs at least one row');
  });
});
