// Tests for cli/report-index.ts (the reports' index page) on a temp folder of fake executed notebooks and
// a fake results tree, and one small run of cli/check-reports.ts on hand-written pages in headless Chromium.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addBackLink, collectReportEntries, executionWindow, notebookHeading, parseIndexArgs, stdoutHeadline, writeReportIndex,
} from '../../cli/report-index';
import type { NotebookJson } from '../../cli/notebook-params';
import { figureFailures } from '../../cli/check-reports';
import { figureHtml } from '../../lib/report/plot';

const ROOT = path.resolve(__dirname, '..', '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');
/** A valid 1×1 PNG, the smallest fallback image Chromium decodes. */
const PNG_1X1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

let scratch: string;
let outDir: string;
let resultsDir: string;

function markdown(text: string): NotebookJson['cells'][number] {
  return { cell_type: 'markdown', source: text, metadata: {} };
}

/** An executed code cell: nbclient's timing metadata (busy at `start`, idle at `end`) and its stdout. */
function code(source: string, stdout: string, start: string, end: string): NotebookJson['cells'][number] {
  const outputs = stdout === '' ? [] : [{ output_type: 'stream', name: 'stdout', text: stdout.split(/(?<=\n)/) }];
  return { cell_type: 'code', source, metadata: { execution: { 'iopub.status.busy': start, 'iopub.status.idle': end } }, outputs, execution_count: 1 };
}

function notebook(cells: NotebookJson['cells']): NotebookJson {
  return { cells, metadata: {}, nbformat: 4, nbformat_minor: 5 };
}

function writeJson(file: string, value: unknown): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(value, null, 2));
}

/** A notebook run folder as lib/report/run-context.ts writes it. */
function writeRun(name: string, runId: string, startedAt: string, extra: { config?: object; summary?: object; wallSeconds?: number | null } = {}): void {
  const dir = path.join(resultsDir, name, runId);
  writeJson(path.join(dir, 'config.json'), extra.config ?? {});
  writeJson(path.join(dir, 'manifest.json'), {
    notebook: name, runId, scale: 'smoke', seed: 99, backend: 'wasm', startedAt, finishedAt: null, wallSeconds: extra.wallSeconds ?? null, configHash: 'abcd1234',
  });
  if (extra.summary !== undefined) writeJson(path.join(dir, 'summary.json'), extra.summary);
}

// "alpha" has a paper-claim paragraph longer than 300 characters, a title with HTML in it, a verdict, and
// two runs: one during its execution (10:00) and a newer one (12:00) from another execution.
const ALPHA = notebook([
  markdown('# Table 9 <b> & "quoted" results\n\nIntro paragraph that is not the claim.\n\n' +
    `**Paper claim (Paper X, Table 9).** ${'The method wins by a wide margin on every budget. '.repeat(10)}\n\nMore.`),
  code('const scale = "smoke";', '', '2026-01-01T10:00:00.000Z', '2026-01-01T10:00:01.000Z'),
  code('console.log(…)', 'first line\n\nsecond line\nthird line\nfourth line\n', '2026-01-01T10:00:01.000Z', '2026-01-01T10:00:20.000Z'),
  code('run.finish()', 'done in 19.5 s; results in /tmp/x\n', '2026-01-01T10:00:20.000Z', '2026-01-01T10:00:21.000Z'),
]);
// "beta" has no paper claim (its first paragraph stands in), no verdict, and no run folder at all.
const BETA = notebook([
  markdown('# Fig 2: *beta* with `code`\n\nFirst paragraph, with a [link](https://example.org).\n\nSecond paragraph.'),
  code('lib.x()', '', '2026-01-01T11:00:00.000Z', '2026-01-01T11:00:05.000Z'),
  code('console.log(a)', 'ρ = 0.62\n', '2026-01-01T11:00:05.000Z', '2026-01-01T11:00:06.000Z'),
  code('console.log(b)', 'done in 6 s; results in /tmp/y\n', '2026-01-01T11:00:06.000Z', '2026-01-01T11:00:07.000Z'),
]);

beforeAll(() => {
  scratch = mkdtempSync(path.join(tmpdir(), 'dnas-report-index-'));
  outDir = path.join(scratch, 'out');
  resultsDir = path.join(scratch, 'results');
  mkdirSync(outDir, { recursive: true });
  writeJson(path.join(outDir, 'alpha.ipynb'), ALPHA);
  writeJson(path.join(outDir, 'beta.ipynb'), BETA);
  for (const name of ['alpha', 'beta', 'latent-explorer-nb201-beta-0.25']) writeFileSync(path.join(outDir, `${name}.html`), `<!DOCTYPE html><html><head></head><body class="jp-Notebook">\n<p>${name}</p></body></html>`);
  writeRun('alpha', '20260101T100005Z-aaaaaaaa', '2026-01-01T10:00:05.000Z', {
    config: { seed: 3, seeds: [0, 1, 2] }, summary: { verdict: 'DNAS wins <script>alert(1)</script>' }, wallSeconds: 12.5,
  });
  writeRun('alpha', '20260101T120000Z-bbbbbbbb', '2026-01-01T12:00:00.000Z', { config: { seed: 4 }, summary: { verdict: 'the other execution' } });
  // Another notebook's runs, so the results folder exists but 'beta' is unknown in it.
  writeRun('gamma', '20260101T100000Z-cccccccc', '2026-01-01T10:00:00.000Z');
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('notebookHeading', () => {
  it('takes the first heading as the title and the "Paper claim" paragraph, cut to 300 characters', () => {
    const { title, claim } = notebookHeading(ALPHA);
    expect(title).toBe('Table 9 <b> & "quoted" results');
    expect(claim.startsWith('Paper claim (Paper X, Table 9). The method wins by a wide margin')).toBe(true);
    expect(claim.length).toBeLessThanOrEqual(300);
    expect(claim).toMatch(/on every budget\. The method wins…$/); // cut between words, not inside one
  });

  it('falls back to the first paragraph after the heading, as plain text', () => {
    expect(notebookHeading(BETA)).toEqual({ title: 'Fig 2: beta with code', claim: 'First paragraph, with a link.' });
  });
});

describe('stdoutHeadline and executionWindow', () => {
  it('takes the last 3 non-empty stdout lines of the second-to-last code cell', () => {
    expect(stdoutHeadline(ALPHA)).toEqual(['second line', 'third line', 'fourth line']);
  });

  it('uses the latest printing cell, without the provenance line, when the second-to-last printed nothing', () => {
    // Only the last cell prints: its provenance line is dropped, so nothing is left.
    const onlyLast = notebook([ALPHA.cells[1], ALPHA.cells[3]]);
    expect(stdoutHeadline(onlyLast)).toEqual([]);
    const quietSecondToLast = notebook([BETA.cells[2], BETA.cells[1], BETA.cells[3]]);
    expect(stdoutHeadline(quietSecondToLast)).toEqual(['ρ = 0.62']);
  });

  it('spans the first to the last nbclient timestamp, or is null for an unexecuted notebook', () => {
    expect(executionWindow(ALPHA)).toEqual({ start: '2026-01-01T10:00:00.000Z', end: '2026-01-01T10:00:21.000Z' });
    expect(executionWindow(notebook([markdown('# x')]))).toBeNull();
  });
});

describe('collectReportEntries', () => {
  it('matches the run started during the execution, with its seed, seeds, scale, backend, wall time and verdict', () => {
    const [alpha] = collectReportEntries({ outDir, resultsDir });
    expect(alpha).toMatchObject({ name: 'alpha', report: 'alpha.html', notebook: 'alpha.ipynb', runMissing: null, failure: null });
    expect(alpha.run).toMatchObject({
      runId: '20260101T100005Z-aaaaaaaa', startedAt: '2026-01-01T10:00:05.000Z', scale: 'smoke', seed: 3, seeds: [0, 1, 2], backend: 'wasm', wallSeconds: 12.5, match: 'execution-window',
    });
    expect(alpha.headline).toEqual({ source: 'verdict', lines: ['DNAS wins <script>alert(1)</script>'] });
  });

  it('keeps a report without a run folder, saying why, with its printed lines as headline', () => {
    const beta = collectReportEntries({ outDir, resultsDir, failures: { beta: 'cell 3 failed' } })[1];
    expect(beta.run).toBeNull();
    expect(beta.runMissing).toContain("unknown notebook 'beta'");
    expect(beta.headline).toEqual({ source: 'stdout', lines: ['ρ = 0.62'] });
    expect(beta.failure).toBe('cell 3 failed');
  });

  it('reports a run outside the execution window as missing, naming the newest run', () => {
    const other = path.join(scratch, 'window');
    mkdirSync(other);
    // Executed at 10:00 but the only run of 'alpha' in this results folder started at 12:00.
    writeJson(path.join(other, 'alpha.ipynb'), ALPHA);
    const results = path.join(scratch, 'results-late');
    writeJson(path.join(results, 'alpha', '20260101T120000Z-bbbbbbbb', 'manifest.json'), { runId: '20260101T120000Z-bbbbbbbb', startedAt: '2026-01-01T12:00:00.000Z' });
    const [entry] = collectReportEntries({ outDir: other, resultsDir: results });
    expect(entry.report).toBeNull();
    expect(entry.run).toBeNull();
    expect(entry.runMissing).toContain('newest run: 20260101T120000Z-bbbbbbbb');
  });

  it('throws when the reports folder does not exist', () => {
    expect(() => collectReportEntries({ outDir: path.join(scratch, 'nope') })).toThrow(`reports folder not found: ${path.join(scratch, 'nope')}`);
  });
});

describe('writeReportIndex', () => {
  let html: string;
  beforeAll(() => {
    const { file } = writeReportIndex({ outDir, resultsDir, clock: () => new Date('2026-01-02T08:00:00Z') });
    html = readFileSync(file, 'utf8');
  });

  it('links every report and shows the run fields', () => {
    expect(html).toContain('<a href="alpha.html"><strong>');
    expect(html).toContain('<a href="beta.html"><strong>');
    expect(html).toContain('2026-01-01 10:00 UTC<br>scale smoke<br>seed 3 · seeds 0, 1, 2<br>backend wasm<br>wall 12.5 s');
    expect(html).toContain('generated 2026-01-02 08:00 UTC');
  });

  it('lists explorer pages apart from the notebooks, and links them back to the index', () => {
    expect(collectReportEntries({ outDir, resultsDir }).map((e) => e.name)).not.toContain('latent-explorer-nb201-beta-0.25');
    expect(html).toContain('<h2>Latent explorers</h2>');
    expect(html).toContain('<li><a href="latent-explorer-nb201-beta-0.25.html">latent-explorer-nb201-beta-0.25</a></li>');
    expect(readFileSync(path.join(outDir, 'latent-explorer-nb201-beta-0.25.html'), 'utf8')).toContain('← all reports');
  });

  it('marks the report whose run folder is missing', () => {
    const betaRow = html.slice(html.indexOf('<tr id="beta">'));
    expect(betaRow).toContain('run folder not found');
  });

  it('escapes titles and verdicts, and holds no script and no URL', () => {
    expect(html).toContain('Table 9 &lt;b&gt; &amp; &quot;quoted&quot; results');
    expect(html).toContain('DNAS wins &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toMatch(/<script|<b>|https?:/);
  });

  it('adds one "← all reports" link to each report, once', () => {
    const alpha = readFileSync(path.join(outDir, 'alpha.html'), 'utf8');
    expect(alpha).toMatch(/<body class="jp-Notebook">\n<!-- dnas:index-link --><nav [^>]*><a href="index.html">← all reports<\/a><\/nav>\n<p>alpha<\/p>/);
    expect(addBackLink(path.join(outDir, 'alpha.html'))).toBe(false);
    expect(readFileSync(path.join(outDir, 'alpha.html'), 'utf8').split('← all reports').length - 1).toBe(1);
  });

  it('throws on a report without a <body> tag', () => {
    const file = path.join(scratch, 'nobody.html');
    writeFileSync(file, '<html></html>');
    expect(() => addBackLink(file)).toThrow(`cannot add the index link to ${file}: no <body> tag`);
  });
});

describe('report-index command line', () => {
  it('throws on an unknown flag or a flag without its value', () => {
    expect(() => parseIndexArgs(['--outt', 'x'])).toThrow('unknown argument --outt (known: --out, --results)');
    expect(() => parseIndexArgs(['--out'])).toThrow('--out needs a value');
  });

  it('writes the index when run alone', async () => {
    const dir = path.join(scratch, 'alone');
    mkdirSync(dir);
    writeJson(path.join(dir, 'alpha.ipynb'), ALPHA);
    const code = await new Promise<number>((resolve) => {
      execFile(TSX, [path.join(ROOT, 'cli', 'report-index.ts'), '--out', dir, '--results', resultsDir], { cwd: ROOT }, (err) => resolve(err ? ((err as { code?: number }).code ?? 1) : 0));
    });
    expect(code).toBe(0);
    expect(readFileSync(path.join(dir, 'index.html'), 'utf8')).toContain('20260101T100005Z-aaaaaaaa');
  }, 20_000);
});

describe('figureFailures', () => {
  const drawn = { id: 'f', traces: 3, drawable: 2, rendered: 2, types: ['scatter'], pngShown: true };

  it('accepts a figure whose drawn trace groups match its visible traces (one hidden)', () => {
    expect(figureFailures(drawn)).toEqual([]);
  });

  it('names a missing trace group, a trace type it cannot count, and a figure never plotted', () => {
    expect(figureFailures({ ...drawn, rendered: 1 })).toEqual(['figure f: 1 trace groups drawn, expected 2 (data.length 3, 1 hidden)']);
    expect(figureFailures({ ...drawn, types: ['scatter', 'scattergl'] })).toEqual(['figure f: trace type scattergl is not one this check counts (scatter, bar, box, heatmap)']);
    expect(figureFailures({ ...drawn, traces: null, drawable: null })).toEqual(['figure f: no non-empty Plotly SVG (svg.main-svg) and no plotted data']);
  });
});

describe('check-reports (headless Chromium)', () => {
  const folder = (): string => path.join(scratch, 'pages');
  let result: { code: number; summary: any; stderr: string };

  beforeAll(async () => {
    mkdirSync(folder());
    const back = '<a href="index.html">← all reports</a>';
    const figure = { data: [{ type: 'scatter', x: [1, 2, 3], y: [2, 1, 3] }, { type: 'bar', x: [1, 2, 3], y: [1, 2, 1] }], layout: { width: 400, height: 300 } };
    const plotted = figureHtml(figure, { includePlotlyJs: true, pngBase64: PNG_1X1, divId: 'fig-a' });
    writeFileSync(path.join(folder(), 'index.html'), '<!DOCTYPE html><html><body><a href="good.html">good</a> <a href="bad.html">bad</a></body></html>');
    writeFileSync(path.join(folder(), 'good.html'), `<!DOCTYPE html><html><body>${back}${plotted}</body></html>`);
    // A console error, a figure without its PNG fallback, and a request for a network URL.
    writeFileSync(path.join(folder(), 'bad.html'), `<!DOCTYPE html><html><body>${back}<script>console.error("boom on purpose")</script>` +
      `<img src="http://example.invalid/x.png"><div class="dnas-figure" id="fig-b"></div></body></html>`);
    result = await new Promise((resolve) => {
      // A figure that never draws would hold the check for the default 30 s: 3 s is plenty for one small plot.
      execFile(TSX, [path.join(ROOT, 'cli', 'check-reports.ts'), folder(), '--render-timeout', '3'], { cwd: ROOT, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, summary: stdout ? JSON.parse(stdout) : null, stderr });
      });
    });
  }, 60_000);

  it('passes a page whose figure is drawn with JavaScript and shows its PNG without', () => {
    const good = result.summary.reports.find((r: any) => r.name === 'good');
    expect(good.failures).toEqual([]);
    expect(good.figures).toEqual([{ id: 'fig-a', traces: 2, drawable: 2, rendered: 2, types: ['scatter', 'bar'], pngShown: true }]);
    expect(good.sizeBytes).toBeGreaterThan(4_000_000); // plotly.js inlined
    for (const shot of good.screenshots) expect(existsSync(shot)).toBe(true);
    expect(result.summary.reports.find((r: any) => r.name === 'index').failures).toEqual([]);
  });

  it('fails a page with a console error, a network request and a figure that never draws, and exits 1', () => {
    expect(result.code, result.stderr).toBe(1);
    expect(result.summary).toMatchObject({ checked: 3, passed: 2, failed: 1 });
    const bad = result.summary.reports.find((r: any) => r.name === 'bad').failures.join('\n');
    expect(bad).toContain('console error: boom on purpose');
    expect(bad).toContain('network request blocked: http://example.invalid/x.png');
    expect(bad).toContain('figure fig-b: no non-empty Plotly SVG');
    expect(bad).toContain('figure fig-b (JavaScript off): no PNG fallback <img>');
  });
});
