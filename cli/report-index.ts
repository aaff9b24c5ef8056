// Builds <out>/index.html: one offline page listing every executed notebook report in a folder, with the
// paper claim it reproduces, its run's provenance (results/<notebook>/<runId>/) and headline numbers.
// It must not execute notebooks, write into the results folder, or put a script or a URL in the page.
import { existsSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { projectRoot, resultsRoot } from '../lib/project-folders';
import { EXPLORER_PAGE_PREFIX } from '../lib/report/explorer/explorer-data';
import { listNotebookRuns } from '../lib/report/results-store';
import { NotebookCell, NotebookJson, cellSource } from './notebook-params';

/** The index's file name inside the reports folder; reports link back to it by this relative name. */
export const INDEX_FILE = 'index.html';
/** The claim shown per report is cut at a word boundary below this many characters (Issue 8: "~300 chars"). */
export const CLAIM_MAX_CHARS = 300;
/** Stdout lines shown as headline numbers when summary.json has no verdict (Issue 8: "the last 3"). */
export const HEADLINE_LINES = 3;
/** Marks a report that already carries the back link, so adding it twice is a no-op. */
const BACK_LINK_MARKER = '<!-- dnas:index-link -->';
/** The notebooks' provenance line ("done in 4.6 s; results in /…"): run facts, not headline numbers. */
const PROVENANCE_LINE = /^done in [\d.]+ ?s\b/;

/** The run folder a report was matched to, with the fields the index shows. */
export interface RunInfo {
  runId: string;
  /** Absolute path of results/<notebook>/<runId>/. */
  dir: string;
  /** ISO time from manifest.json; null when the manifest lacks it. */
  startedAt: string | null;
  scale: string | null;
  /** config.json's `seed` (manifest.json's when the config has none); null when neither has one. */
  seed: unknown;
  /** config.json's `seeds` (a count or a list) when present, else null. */
  seeds: unknown;
  backend: string | null;
  /** manifest.json's wallSeconds; null while the run is unfinished (or was killed). */
  wallSeconds: number | null;
  /** How the run was picked: started during the notebook's execution, or the newest (no execution times). */
  match: 'execution-window' | 'newest';
}

/** Headline numbers of one report: summary.json's verdict, else the notebook's last printed lines. */
export interface Headline {
  source: 'verdict' | 'stdout' | 'none';
  lines: string[];
}

/** One row of the index: a notebook whose executed copy or HTML report lies in the reports folder. */
export interface ReportEntry {
  /** Notebook name (file stem). */
  name: string;
  /** `<name>.html` when the report exists, else null (the notebook failed or is still running). */
  report: string | null;
  /** `<name>.ipynb` when the executed notebook exists, else null. */
  notebook: string | null;
  /** The first markdown heading (plain text); the name when there is none. */
  title: string;
  /** The "Paper claim …" paragraph, else the first paragraph after the heading, ≤ CLAIM_MAX_CHARS. */
  claim: string;
  /** First and last execution timestamps recorded by nbclient (ISO), or null when not executed. */
  executed: { start: string; end: string } | null;
  run: RunInfo | null;
  /** Why no run folder was matched; null when `run` is set. */
  runMissing: string | null;
  headline: Headline;
  /** The runner's failure message for this notebook, when it failed in this invocation. */
  failure: string | null;
}

/** Arguments of `collectReportEntries` and `writeReportIndex`. */
export interface ReportIndexOptions {
  /** The reports folder holding `<name>.ipynb` / `<name>.html`; the index is written here. */
  outDir: string;
  /** Default $DNAS_RESULTS_DIR, else `<project root>/results` (resultsRoot). */
  resultsDir?: string;
  /** Failure messages by notebook name, from the runner (shown on the notebook's row). */
  failures?: Record<string, string>;
  /** Injectable clock for the "generated" line; default `() => new Date()`. */
  clock?: () => Date;
}

/**
 * Title and claim from a notebook's markdown: the first heading (any level) is the title; the claim is
 * the paragraph starting with "**Paper claim" after it when there is one, else the first paragraph
 * after the heading. Markdown emphasis, code ticks and link targets are dropped; the claim is cut at a
 * word boundary to ≤ `maxChars` characters, ending with "…" when cut. Pure.
 */
export function notebookHeading(notebook: NotebookJson, maxChars: number = CLAIM_MAX_CHARS): { title: string | null; claim: string } {
  const markdown = notebook.cells.filter((c) => c.cell_type === 'markdown').map(cellSource);
  const at = markdown.findIndex((text) => /^#{1,6}\s+\S/m.test(text));
  if (at < 0) return { title: null, claim: truncate(firstParagraph(paragraphs(markdown.join('\n\n'))), maxChars) };
  const lines = markdown[at].split('\n');
  const headingLine = lines.findIndex((l) => /^#{1,6}\s+\S/.test(l));
  const title = plainText(lines[headingLine].replace(/^#{1,6}\s+/, ''));
  // Paragraphs after the heading: the rest of its cell, then the following markdown cells.
  const after = paragraphs([lines.slice(headingLine + 1).join('\n'), ...markdown.slice(at + 1)].join('\n\n'));
  const claim = after.find((p) => /^\*\*paper claim/i.test(p)) ?? firstParagraph(after);
  return { title, claim: truncate(plainText(claim), maxChars) };
}

/**
 * The first and last execution timestamps nbclient recorded in the cells' `metadata.execution`
 * (`iopub.status.busy`, `iopub.status.idle`, …), or null when no cell carries any (never executed).
 */
export function executionWindow(notebook: NotebookJson): { start: string; end: string } | null {
  const times = notebook.cells
    .flatMap((c) => Object.values((c.metadata?.execution ?? {}) as Record<string, unknown>))
    .filter((t): t is string => typeof t === 'string' && Number.isFinite(Date.parse(t)))
    .sort((a, b) => Date.parse(a) - Date.parse(b));
  return times.length === 0 ? null : { start: times[0], end: times[times.length - 1] };
}

/**
 * The last `count` non-empty stdout lines of the notebook's second-to-last non-empty code cell; when that
 * cell printed nothing, of the latest code cell that did. The runner's provenance line
 * ("done in … s; results in …") is skipped: it is not a result. Pure.
 */
export function stdoutHeadline(notebook: NotebookJson, count: number = HEADLINE_LINES): string[] {
  const code = notebook.cells.filter((c) => c.cell_type === 'code' && cellSource(c).trim() !== '');
  const printed = code.map(stdoutLines);
  const chosen = printed.length >= 2 && printed[printed.length - 2].length > 0
    ? printed[printed.length - 2]
    : [...printed].reverse().find((lines) => lines.length > 0) ?? [];
  return chosen.slice(-count);
}

function stdoutLines(cell: NotebookCell): string[] {
  const text = (cell.outputs ?? [])
    .map((o) => o as { output_type?: string; name?: string; text?: string | string[] })
    .filter((o) => o.output_type === 'stream' && o.name === 'stdout')
    .map((o) => (Array.isArray(o.text) ? o.text.join('') : o.text ?? ''))
    .join('');
  return text.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !PROVENANCE_LINE.test(l));
}

/**
 * Every notebook with an executed copy (`<name>.ipynb`) or an HTML report (`<name>.html`) in the reports
 * folder, sorted by name, each matched to its run folder: the newest run of that notebook whose
 * manifest `startedAt` lies within the notebook's recorded execution (first to last nbclient timestamp);
 * the newest run outright when the notebook carries no execution times. A report without a matching
 * run keeps its row, with `runMissing` saying why.
 * @throws Error when the reports folder does not exist.
 */
export function collectReportEntries(options: ReportIndexOptions): ReportEntry[] {
  const outDir = path.resolve(options.outDir);
  if (!existsSync(outDir)) throw new Error(`reports folder not found: ${outDir}`);
  const files = readdirSync(outDir);
  const names = new Set(
    files.filter((f) => (f.endsWith('.ipynb') || f.endsWith('.html')) && f !== INDEX_FILE && !f.startsWith(EXPLORER_PAGE_PREFIX)).map((f) => f.replace(/\.(ipynb|html)$/, '')),
  );
  return [...names].sort().map((name) => collectEntry(outDir, name, files, options));
}

function collectEntry(outDir: string, name: string, files: string[], options: ReportIndexOptions): ReportEntry {
  const report = files.includes(`${name}.html`) ? `${name}.html` : null;
  const notebookFile = files.includes(`${name}.ipynb`) ? `${name}.ipynb` : null;
  const notebook = notebookFile === null ? null : readNotebook(path.join(outDir, notebookFile));
  const heading = notebook === null ? { title: null, claim: '' } : notebookHeading(notebook);
  const executed = notebook === null ? null : executionWindow(notebook);
  const found = findRun(name, executed, options.resultsDir);
  const run = 'run' in found ? found.run : null;
  return {
    name, report, notebook: notebookFile,
    title: heading.title ?? name,
    claim: notebookFile === null ? `(no executed notebook ${name}.ipynb beside the report)` : heading.claim,
    executed, run,
    runMissing: 'missing' in found ? found.missing : null,
    headline: headline(run, notebook),
    failure: options.failures?.[name] ?? null,
  };
}

/** A notebook file, or an empty notebook when it is not readable JSON (a run may be writing it). */
function readNotebook(file: string): NotebookJson | null {
  try {
    const nb = JSON.parse(readFileSync(file, 'utf8')) as NotebookJson;
    return Array.isArray(nb.cells) ? nb : null;
  } catch {
    return null;
  }
}

function findRun(name: string, executed: { start: string; end: string } | null, resultsDir: string | undefined): { run: RunInfo } | { missing: string } {
  let rows: Record<string, unknown>[];
  try {
    rows = listNotebookRuns(name, { resultsDir: resultsRoot(resultsDir) }).objects() as Record<string, unknown>[];
  } catch (err) {
    return { missing: (err as Error).message };
  }
  if (executed === null) return { run: runInfo(rows[0], 'newest') };
  const [start, end] = [Date.parse(executed.start), Date.parse(executed.end)];
  // Rows come newest first; a run outside the window belongs to another execution of the notebook.
  const inWindow = rows.find((r) => typeof r.startedAt === 'string' && Date.parse(r.startedAt) >= start && Date.parse(r.startedAt) <= end);
  if (inWindow !== undefined) return { run: runInfo(inWindow, 'execution-window') };
  const newest = rows[0];
  return {
    missing: `no run of '${name}' started between ${executed.start} and ${executed.end} (the notebook's execution); ` +
      `newest run: ${String(newest.runId)} started ${String(newest.startedAt)}`,
  };
}

function runInfo(row: Record<string, unknown>, match: RunInfo['match']): RunInfo {
  const dir = String(row.dir);
  const config = readJsonOr(path.join(dir, 'config.json'));
  return {
    runId: String(row.runId), dir,
    startedAt: typeof row.startedAt === 'string' ? row.startedAt : null,
    scale: typeof row.scale === 'string' ? row.scale : null,
    seed: config.seed ?? row.seed ?? null,
    seeds: config.seeds ?? null,
    backend: typeof row.backend === 'string' ? row.backend : null,
    wallSeconds: typeof row.wallSeconds === 'number' ? row.wallSeconds : null,
    match,
  };
}

function headline(run: RunInfo | null, notebook: NotebookJson | null): Headline {
  const verdict = run === null ? undefined : readJsonOr(path.join(run.dir, 'summary.json')).verdict;
  if (typeof verdict === 'string' && verdict.trim() !== '') return { source: 'verdict', lines: [verdict.trim()] };
  if (Array.isArray(verdict) && verdict.length > 0 && verdict.every((v) => typeof v === 'string')) return { source: 'verdict', lines: verdict as string[] };
  const lines = notebook === null ? [] : stdoutHeadline(notebook);
  return lines.length > 0 ? { source: 'stdout', lines } : { source: 'none', lines: [] };
}

/** A JSON object from a file; {} when the file is missing or not a JSON object (the index shows what exists). */
function readJsonOr(file: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * The index page: self-contained HTML (inline CSS, no scripts, no URLs), one row per entry with the
 * title linked to its report, the claim, the run's date, scale, seed(s), backend and wall time, and the
 * headline numbers; rows without a run folder or report say so. Every text is HTML-escaped. Pure.
 */
export function renderIndexHtml(entries: readonly ReportEntry[], context: { generatedAt: Date; outDir: string; resultsDir: string; explorers?: readonly string[] }): string {
  const explorers = context.explorers ?? [];
  const explorerList = explorers.length === 0 ? '' : `<h2>Latent explorers</h2>
<p class="meta">Standalone pages the notebooks wrote beside their reports: move each latent factor and watch the decoded cell (they need JavaScript).</p>
<ul>
${explorers.map((f) => `<li><a href="${escapeHtml(encodeURI(f))}">${escapeHtml(f.replace(/\.html$/, ''))}</a></li>`).join('\n')}
</ul>
`;
  const missing = entries.filter((e) => e.run === null).length;
  const noReport = entries.filter((e) => e.report === null).length;
  const counts = `${entries.length} notebook${entries.length === 1 ? '' : 's'}` +
    (missing > 0 ? `, ${missing} without a run folder` : '') + (noReport > 0 ? `, ${noReport} without an HTML report` : '');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Notebook reports</title>
<style>${INDEX_CSS}</style>
</head>
<body>
<h1>Notebook reports</h1>
<p class="meta">${escapeHtml(counts)} · generated ${escapeHtml(formatDate(context.generatedAt.toISOString()))} · reports in <code>${escapeHtml(context.outDir)}</code> · runs from <code>${escapeHtml(context.resultsDir)}</code></p>
<table>
<thead><tr><th class="nb">Notebook</th><th class="claim">Reproduces</th><th class="run">Run</th><th class="headline">Headline</th></tr></thead>
<tbody>
${entries.map(entryRow).join('\n')}
</tbody>
</table>
${explorerList}<p class="meta">A report's run is the newest run folder of its notebook that started during the notebook's execution (nbclient's cell times); a notebook without execution times gets the newest run. Headline: summary.json's <code>verdict</code>, else the last ${HEADLINE_LINES} lines printed by the second-to-last code cell.</p>
</body>
</html>
`;
}

const INDEX_CSS = [
  'body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#222}',
  'h1{font-size:22px;margin:0 0 4px}',
  '.meta{color:#666;font-size:12px}',
  'table{border-collapse:collapse;width:100%;margin-top:12px;table-layout:fixed}',
  'th,td{border-top:1px solid #ddd;padding:8px;vertical-align:top;text-align:left;overflow-wrap:anywhere}',
  'th{background:#f5f5f5;font-size:12px;text-transform:uppercase;letter-spacing:.03em}',
  'th.nb{width:19%}th.claim{width:36%}th.run{width:15%}th.headline{width:30%}',
  'td.claim,td.run,td.headline{font-size:13px}td.headline ul{margin:0;padding-left:16px}',
  '.name{color:#666;font-size:12px;font-family:monospace;word-break:break-all}',
  '.warn{color:#a00;font-weight:600}',
  '.note{color:#666;font-size:12px}',
  'code{font-size:12px}',
].join('\n');

function entryRow(e: ReportEntry): string {
  const title = e.report === null
    ? `<strong>${escapeHtml(e.title)}</strong><br><span class="warn">no HTML report (the notebook failed, was interrupted, or is still running)</span>`
    : `<a href="${escapeHtml(encodeURIComponent(e.report))}"><strong>${escapeHtml(e.title)}</strong></a>`;
  const failure = e.failure === null ? '' : `<br><span class="warn">failed in this run:</span> <span class="note">${escapeHtml(truncate(e.failure, 400))}</span>`;
  return `<tr id="${escapeHtml(e.name)}">
<td class="nb">${title}<br><span class="name">${escapeHtml(e.name)}</span>${failure}</td>
<td class="claim">${escapeHtml(e.claim)}</td>
<td class="run">${runCell(e)}</td>
<td class="headline">${headlineCell(e.headline)}</td>
</tr>`;
}

function runCell(e: ReportEntry): string {
  if (e.run === null) return `<span class="warn">run folder not found</span><br><span class="note">${escapeHtml(e.runMissing ?? '')}</span>`;
  const r = e.run;
  const lines = [
    r.startedAt === null ? 'start time unknown' : formatDate(r.startedAt),
    `scale ${r.scale ?? '?'}`,
    formatSeeds(r.seed, r.seeds),
    `backend ${r.backend ?? 'none recorded'}`,
    r.wallSeconds === null ? 'unfinished (no wall time)' : `wall ${formatSeconds(r.wallSeconds)}`,
  ];
  const match = r.match === 'newest' ? '<br><span class="note">newest run (the notebook has no execution times)</span>' : '';
  return lines.map(escapeHtml).join('<br>') + `<br><span class="name">${escapeHtml(r.runId)}</span>${match}`;
}

function headlineCell(h: Headline): string {
  if (h.source === 'none') return '<span class="note">no verdict and no printed lines</span>';
  const items = h.lines.map((l) => `<li>${escapeHtml(l)}</li>`).join('');
  return `<ul>${items}</ul><span class="note">${h.source === 'verdict' ? 'summary.json verdict' : 'printed output'}</span>`;
}

/** "seed 0", "20 seeds", "seeds 0, 1, 2", "seed 0 · 20 seeds"; "seed not recorded" when neither is set. */
function formatSeeds(seed: unknown, seeds: unknown): string {
  const parts: string[] = [];
  if (seed !== null && seed !== undefined) parts.push(`seed ${typeof seed === 'string' ? seed : JSON.stringify(seed)}`);
  if (typeof seeds === 'number') parts.push(`${seeds} seed${seeds === 1 ? '' : 's'}`);
  else if (Array.isArray(seeds)) parts.push(`seeds ${truncate(seeds.map((s) => String(s)).join(', '), 60)}`);
  else if (seeds !== null && seeds !== undefined) parts.push(`seeds ${JSON.stringify(seeds)}`);
  return parts.length === 0 ? 'seed not recorded' : parts.join(' · ');
}

/** `2026-11-24 17:39 UTC` from an ISO time; the input unchanged when it does not parse. */
function formatDate(iso: string): string {
  const t = Date.parse(iso);
  return Number.isFinite(t) ? new Date(t).toISOString().slice(0, 16).replace('T', ' ') + ' UTC' : iso;
}

/** `4.6 s`, `12 min 3 s`, `2 h 5 min`. */
function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const s = Math.round(seconds);
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

function paragraphs(text: string): string[] {
  return text.split(/\n\s*\n/).map((p) => p.trim()).filter((p) => p !== '');
}

/** The first paragraph that is not itself a heading, or ''. */
function firstParagraph(list: string[]): string {
  return list.find((p) => !/^#{1,6}\s/.test(p)) ?? '';
}

/** Markdown to one line of plain text: links keep their text, emphasis and code ticks go, lists become "•". */
function plainText(markdown: string): string {
  return markdown
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/^\s*[-*+]\s+/gm, '• ')
    .replace(/\*\*|__|`/g, '')
    .replace(/(^|[\s(])[*_]([^*_\s][^*_]*?)[*_](?=[\s).,;:!?]|$)/g, '$1$2')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Cut to ≤ max characters at a word boundary, ending with "…" when cut. */
function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return (space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.]+$/, '') + '…';
}

/** Escape text for HTML content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/**
 * Put a small "← all reports" link to index.html at the top of a report's `<body>` (nbconvert writes
 * the page; this edits the written file). Idempotent: a report that has the link is left untouched.
 * @returns true when the link was added, false when it was already there.
 * @throws Error naming the file when it has no `<body>` tag.
 */
export function addBackLink(htmlFile: string): boolean {
  const html = readFileSync(htmlFile, 'utf8');
  if (html.includes(BACK_LINK_MARKER)) return false;
  const body = /<body\b[^>]*>/i.exec(html);
  if (body === null) throw new Error(`cannot add the index link to ${htmlFile}: no <body> tag`);
  const at = body.index + body[0].length;
  const link = `\n${BACK_LINK_MARKER}<nav class="dnas-index-link" style="font:13px system-ui,sans-serif;padding:8px 16px">` +
    `<a href="${INDEX_FILE}">← all reports</a></nav>`;
  writeAtomically(htmlFile, html.slice(0, at) + link + html.slice(at));
  return true;
}

/**
 * Collect the entries, write `<outDir>/index.html`, and add the back link to every report in the folder.
 * @returns the index's path and its entries.
 * @throws Error when the reports folder does not exist or a report has no `<body>` tag.
 */
export function writeReportIndex(options: ReportIndexOptions): { file: string; entries: ReportEntry[] } {
  const outDir = path.resolve(options.outDir);
  const entries = collectReportEntries(options);
  for (const e of entries) if (e.report !== null) addBackLink(path.join(outDir, e.report));
  const explorers = readdirSync(outDir).filter((f) => f.startsWith(EXPLORER_PAGE_PREFIX) && f.endsWith('.html')).sort();
  for (const f of explorers) addBackLink(path.join(outDir, f));
  const html = renderIndexHtml(entries, { generatedAt: (options.clock ?? (() => new Date()))(), outDir, resultsDir: resultsRoot(options.resultsDir), explorers });
  const file = path.join(outDir, INDEX_FILE);
  writeAtomically(file, html);
  return { file, entries };
}

/** Write through a temporary file and a rename, so a reader never sees half a page. */
function writeAtomically(file: string, text: string): void {
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, file);
}

const USAGE = `Usage: npx tsx cli/report-index.ts [--out DIR] [--results DIR]
  --out DIR      reports folder to index (default reports/); index.html is written there
  --results DIR  results folder holding the notebooks' run folders (default $DNAS_RESULTS_DIR, else results/)
Prints the index path and one line per notebook on stderr; exit 2 on bad arguments or a missing folder.`;

/** Parse `--out DIR` / `--results DIR` (also `--flag=value`). @throws Error on an unknown flag or a missing value. */
export function parseIndexArgs(argv: string[]): { outDir: string; resultsDir: string } {
  const options = { outDir: path.join(projectRoot(), 'reports'), resultsDir: resultsRoot() };
  for (let i = 0; i < argv.length; i++) {
    const eq = argv[i].indexOf('=');
    const [flag, inline] = eq < 0 ? [argv[i], undefined] : [argv[i].slice(0, eq), argv[i].slice(eq + 1)];
    const value = inline ?? argv[++i];
    if (flag !== '--out' && flag !== '--results') throw new Error(`unknown argument ${flag} (known: --out, --results)`);
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === '--out') options.outDir = path.resolve(value);
    else options.resultsDir = path.resolve(value);
  }
  return options;
}

function main(argv: string[]): number {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  const { file, entries } = writeReportIndex(parseIndexArgs(argv));
  process.stderr.write(`[report-index] wrote ${file}\n`);
  for (const e of entries) {
    const run = e.run === null ? `run folder not found (${e.runMissing})` : `run ${e.run.runId}`;
    process.stderr.write(`[report-index]   ${e.name}: ${e.report ?? 'no HTML report'}; ${run}\n`);
  }
  return 0;
}

if (require.main === module) {
  try {
    process.exit(main(process.argv.slice(2)));
  } catch (err) {
    process.stderr.write(`[report-index] ${(err as Error).message}\n`);
    process.exit(2);
  }
}
