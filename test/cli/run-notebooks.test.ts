// End-to-end tests for cli/run-notebooks.ts: fixture notebooks run through nbconvert + the tslab
// kernel + headless Chromium, into temp folders (never reports/ or results/).
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverNotebooks, parseArgs } from '../../cli/run-notebooks';

const ROOT = path.resolve(__dirname, '..', '..');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'notebooks');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

let scratch: string;

/** Run the runner on the fixtures with output and results in the scratch folder. */
function runCli(args: string[]): Promise<CliResult> {
  const all = [path.join(ROOT, 'cli', 'run-notebooks.ts'), '--dir', FIXTURES, '--out', path.join(scratch, 'out'), '--results', path.join(scratch, 'results'), ...args];
  return new Promise((resolve) => {
    execFile(TSX, all, { cwd: ROOT, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** All text of a notebook cell's outputs (streams and text/html), to search. */
function outputText(cell: any): string {
  return (cell.outputs ?? []).map((o: any) => [o.text, o.data?.['text/html']].flat().filter(Boolean).join('')).join('\n');
}

function source(cell: any): string {
  return Array.isArray(cell.source) ? cell.source.join('') : cell.source;
}

beforeAll(() => {
  scratch = mkdtempSync(path.join(tmpdir(), 'dnas-runner-test-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('parseArgs', () => {
  it('reads names, scale, repeated params and both --flag forms', () => {
    const options = parseArgs(['a.ipynb', 'b', '--scale=full', '--param', 'seed=3', '--param=label=x=y', '--out', '/tmp/o']);
    expect(options).toMatchObject({ names: ['a', 'b'], scale: 'full', params: { seed: '3', label: 'x=y' }, outDir: '/tmp/o' });
  });

  it('throws on a scale other than smoke or full', () => {
    expect(() => parseArgs(['--scale', 'big'])).toThrow("--scale must be one of smoke, full: got 'big'");
  });

  it('throws on a --param without key=value', () => {
    expect(() => parseArgs(['--param', 'seed'])).toThrow("--param needs key=value: got 'seed'");
  });

  it('throws on an unknown option', () => {
    expect(() => parseArgs(['--sclae', 'full'])).toThrow(/unknown option --sclae/);
  });

  it('throws on a non-positive timeout', () => {
    expect(() => parseArgs(['--timeout', '0'])).toThrow(/--timeout must be a positive number of seconds: got '0'/);
  });
});

describe('discoverNotebooks', () => {
  it('lists the folder sorted, or checks the named ones', () => {
    expect(discoverNotebooks(FIXTURES, [])).toEqual(['fixture-fails', 'fixture-figure']);
    expect(discoverNotebooks(FIXTURES, ['fixture-figure'])).toEqual(['fixture-figure']);
  });

  it('throws on an unknown name, listing the available notebooks', () => {
    expect(() => discoverNotebooks(FIXTURES, ['nope'])).toThrow("unknown notebook 'nope' in " + FIXTURES + ' (available: fixture-fails, fixture-figure)');
  });
});

describe('run-notebooks (end to end)', () => {
  let run: CliResult;
  beforeAll(async () => {
    run = await runCli(['fixture-figure', '--param', 'points=5', '--param', 'label=over']);
  }, 120_000);

  it('exits 0 and prints a JSON summary with the report paths', () => {
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary.failed).toBeNull();
    expect(summary.notebooks.map((n: any) => n.name)).toEqual(['fixture-figure']);
    expect(summary.notebooks[0].report).toBe(path.join(scratch, 'out', 'fixture-figure.html'));
  });

  it('executes the notebook with the overridden parameters injected', () => {
    const nb = JSON.parse(readFileSync(path.join(scratch, 'out', 'fixture-figure.ipynb'), 'utf8'));
    expect(source(nb.cells[1])).toContain('const points: number = 5; // injected by run-notebooks (was 3)');
    expect(outputText(nb.cells[3])).toContain('scale=smoke points=5 label=over n=5');
  });

  it('gives each figure an output with HTML, PNG and text', () => {
    const nb = JSON.parse(readFileSync(path.join(scratch, 'out', 'fixture-figure.ipynb'), 'utf8'));
    const figures = nb.cells[4].outputs.filter((o: any) => o.output_type === 'display_data');
    expect(figures.map((o: any) => Object.keys(o.data).sort())).toEqual([
      ['image/png', 'text/html', 'text/plain'],
      ['image/png', 'text/html', 'text/plain'],
    ]);
  });

  it('writes an offline HTML report with plotly.js inlined exactly once and PNG fallbacks', () => {
    const html = readFileSync(path.join(scratch, 'out', 'fixture-figure.html'), 'utf8');
    expect(html.split('plotly.js v3.1.2').length - 1).toBe(1);
    expect(html).toContain('<img src="data:image/png;base64,iVBORw0KGgo');
    // The offline template drops require.js and MathJax, the only scripts loaded by URL.
    expect(html).not.toMatch(/<script[^>]+src=/);
  });

  it('writes index.html linking the report to its run, and links the report back to it', () => {
    const summary = JSON.parse(run.stdout);
    expect(summary.index).toEqual({ file: path.join(scratch, 'out', 'index.html'), error: null });
    const index = readFileSync(summary.index.file, 'utf8');
    const runId = readdirSync(path.join(scratch, 'results', 'fixture-figure'))[0];
    expect(index).toContain('<a href="fixture-figure.html">');
    expect(index).toContain(runId);
    expect(readFileSync(path.join(scratch, 'out', 'fixture-figure.html'), 'utf8')).toContain('<a href="index.html">← all reports</a>');
  });

  it('saves the run manifest and the figures under the results folder', () => {
    const runs = readdirSync(path.join(scratch, 'results', 'fixture-figure'));
    expect(runs).toHaveLength(1);
    const dir = path.join(scratch, 'results', 'fixture-figure', runs[0]);
    const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ notebook: 'fixture-figure', scale: 'smoke', seed: 7, config: { points: 5, label: 'over' }, backend: 'none' });
    expect(manifest.wallSeconds).toBeGreaterThan(0);
    expect(JSON.parse(readFileSync(path.join(dir, 'figures', 'ys.json'), 'utf8')).data[0].y).toHaveLength(5);
    expect(existsSync(path.join(dir, 'figures', 'figure-2.png'))).toBe(true);
  });
});

describe('run-notebooks (failures)', () => {
  it('rejects a parameter the notebook does not declare, before running anything', async () => {
    const result = await runCli(['fixture-figure', '--param', 'pionts=5']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("notebook 'fixture-figure': parameter 'pionts' is not declared in the parameters cell (declared: scale, points, label)");
  }, 60_000);

  it('rejects an unknown notebook name, listing the available ones', async () => {
    const result = await runCli(['fixture-missing']);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("unknown notebook 'fixture-missing'");
    expect(result.stderr).toContain('available: fixture-fails, fixture-figure');
  }, 60_000);

  it('checks typed parameters against their [domain] before any kernel starts, and takes scale only from --scale', async () => {
    for (const [param, message] of [
      ['points=1.5', `parameter 'points' must be an integer ≥ 1: got "1.5"`],
      ['points=0', `parameter 'points' must be an integer ≥ 1: got "0"`],
      ['points=-1', `parameter 'points' must be an integer ≥ 1: got "-1"`],
      ['points=three', `parameter 'points' must be an integer ≥ 1: got "three"`],
      ['scale=full', 'scale is set only with --scale smoke|full: got --param scale=full'],
    ]) {
      const started = Date.now();
      const result = await runCli(['fixture-figure', '--param', param]);
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain(message);
      expect(result.stderr).not.toContain('starting kernel');
      expect(Date.now() - started).toBeLessThan(15_000);
    }
  }, 120_000);

  it('stops at a failing cell, exits non-zero, names the notebook, the cell and the error, and keeps the previous report', async () => {
    // A run that succeeds first: its executed notebook and report must survive the failing run.
    expect((await runCli(['fixture-fails', '--param', 'fail=false'])).code).toBe(0);
    const good = path.join(scratch, 'out', 'fixture-fails');
    const before = [readFileSync(`${good}.ipynb`, 'utf8'), readFileSync(`${good}.html`, 'utf8')];
    expect(before[0]).toContain('must not run');
    const result = await runCli(['fixture-fails']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("notebook 'fixture-fails' failed in cell 4 of 5, id cell-4 (\"if (fail) throw new Error(\"fixture failure on purpose\");\")");
    expect(result.stderr).toContain('Error: fixture failure on purpose');
    expect(JSON.parse(result.stdout).failed.name).toBe('fixture-fails');
    expect([readFileSync(`${good}.ipynb`, 'utf8'), readFileSync(`${good}.html`, 'utf8')]).toEqual(before);
    // The partial notebook is kept under failed/; the cell after the failure never ran.
    const partial = path.join(scratch, 'out', 'failed', 'fixture-fails.ipynb');
    expect(result.stderr).toContain(`(partially executed notebook: ${partial})`);
    const nb = JSON.parse(readFileSync(partial, 'utf8'));
    expect(outputText(nb.cells[2])).toContain('before the failure');
    expect(outputText(nb.cells[4])).toBe('');
    expect(readdirSync(path.join(scratch, 'out', '.running'))).toEqual([]);
  }, 180_000);
});
