// Checks a reports folder in headless Chromium with every network request blocked: with JavaScript each
// figure must become a Plotly SVG with all its traces drawn, without it each must show its PNG fallback.
// It must not modify the reports (it only writes screenshots) nor let a page load anything but file:/data:.
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath } from '../lib/report/png';
import { explorerFailures } from './check-explorers';
import { INDEX_FILE } from './report-index';

/** Screenshot viewport in CSS pixels (Issue 8: "first viewport 1280×900"). */
export const VIEWPORT = { width: 1280, height: 900 } as const;
/**
 * Trace types whose drawing this check has verified in plotly.js 3.1 (headless Chromium), with the SVG
 * group each visible trace gets: scatter `g.trace.scatter`, bar `g.trace.bars`, box `g.trace.boxes`,
 * heatmap `g.hm` (no `trace` class). Traces with `visible: false | 'legendonly'`, and traces Plotly
 * hides itself (a scatter with no points), get no group.
 */
export const COUNTED_TRACE_TYPES: readonly string[] = ['scatter', 'bar', 'box', 'heatmap'];
/** Selector matching one SVG group per drawn trace of COUNTED_TRACE_TYPES (the legend's `g.traces` is not matched). */
export const TRACE_GROUP_SELECTOR = 'g.trace, g.hm';
/** Page load limit: a report inlines plotly.js (≈ 4.8 MB) and base64 PNGs, ≈ 6 MB in all. */
const LOAD_TIMEOUT_MS = 120_000;
/** Default seconds every figure may take to turn into an SVG after the page loaded (plots draw in ≪ 1 s each). */
const RENDER_TIMEOUT_S = 30;
/** Limit of one screenshot (Playwright waits for the element to be visible and stable). */
const SCREENSHOT_TIMEOUT_MS = 10_000;

/** One figure's outcome with JavaScript on. */
export interface FigureCheck {
  id: string;
  /** `data.length` of the plotted div; null when Plotly never plotted it. */
  traces: number | null;
  /** Traces Plotly draws (`_fullData` with visible === true); hidden ones are `traces - drawable`. */
  drawable: number | null;
  /** SVG trace groups found (TRACE_GROUP_SELECTOR). */
  rendered: number;
  types: string[];
  /** With JavaScript off: the fallback `<img>` is complete with naturalWidth > 0. */
  pngShown: boolean;
}

/** One checked HTML file. */
export interface ReportCheck {
  name: string;
  file: string;
  sizeBytes: number;
  figures: FigureCheck[];
  failures: string[];
  screenshots: string[];
  /** Seconds from navigation to all figures drawn (JavaScript on). */
  loadSeconds: number;
}

/** Everything `checkReports` found. */
export interface CheckSummary {
  folder: string;
  checked: number;
  passed: number;
  failed: number;
  reports: ReportCheck[];
}

/** Arguments of `checkReports`. */
export interface CheckOptions {
  /** Where screenshots go; default `<folder>/screenshots`. */
  screenshotsDir?: string;
  /** Fail when the folder has no index.html; default true (the runner always writes one). */
  requireIndex?: boolean;
  /** Seconds every figure may take to become an SVG after the page loaded; default 30. */
  renderTimeoutS?: number;
}

/**
 * The HTML files to check: index.html first (when present), then every other `*.html`, sorted.
 * @throws Error when the folder does not exist.
 */
export function listHtmlFiles(folder: string): string[] {
  if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new Error(`reports folder not found: ${folder}`);
  const html = readdirSync(folder).filter((f) => f.endsWith('.html')).sort();
  const ordered = html.includes(INDEX_FILE) ? [INDEX_FILE, ...html.filter((f) => f !== INDEX_FILE)] : html;
  return ordered.map((f) => path.join(folder, f));
}

/**
 * Check every HTML file of a reports folder in one headless Chromium (network blocked: any request that
 * is not file: or data: is aborted and counted as a failure). Per file, with JavaScript on: no console
 * error or page error; each `.dnas-figure` holds a non-empty `svg.main-svg` whose trace groups number
 * the traces Plotly draws; index.html's links lead to existing files and every other page links back to
 * it. With JavaScript off: each `.dnas-figure` shows its PNG. Screenshots: `<name>.png` and
 * `<name>-nojs.png` (first 1280×900 viewport), `<name>-figure.png` (the first figure, JavaScript on).
 * @throws Error when the folder does not exist or Chromium cannot start (names the executable).
 */
export async function checkReports(folder: string, options: CheckOptions = {}): Promise<CheckSummary> {
  const root = path.resolve(folder);
  const files = listHtmlFiles(root);
  const shots = path.resolve(options.screenshotsDir ?? path.join(root, 'screenshots'));
  mkdirSync(shots, { recursive: true });
  const reports: ReportCheck[] = [];
  if ((options.requireIndex ?? true) && !files.some((f) => path.basename(f) === INDEX_FILE)) {
    reports.push({ name: 'index', file: path.join(root, INDEX_FILE), sizeBytes: 0, figures: [], failures: [`${INDEX_FILE} is missing in ${root}`], screenshots: [], loadSeconds: 0 });
  }
  const browser = await launch();
  try {
    const renderTimeoutMs = (options.renderTimeoutS ?? RENDER_TIMEOUT_S) * 1000;
    for (const file of files) reports.push(await checkFile(browser, file, shots, renderTimeoutMs));
  } finally {
    await browser.close();
  }
  const failed = reports.filter((r) => r.failures.length > 0).length;
  return { folder: root, checked: reports.length, passed: reports.length - failed, failed, reports };
}

async function launch(): Promise<Browser> {
  // Required lazily, as in lib/report/png.ts: importing this module must not load playwright.
  const { chromium } = require('playwright-core') as typeof import('playwright-core');
  try {
    return await chromium.launch({ executablePath: chromiumPath(), args: [...CHROMIUM_ARGS] });
  } catch (err) {
    throw new Error(`cannot start Chromium at ${chromiumPath()}: ${(err as Error).message.split('\n')[0]}`);
  }
}

/** A context whose pages can load only file: and data: URLs; every other request is aborted and recorded. */
async function offlineContext(browser: Browser, javaScriptEnabled: boolean, failures: string[]): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: VIEWPORT, javaScriptEnabled });
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
    failures.push(`network request blocked${javaScriptEnabled ? '' : ' (JavaScript off)'}: ${url.slice(0, 200)}`);
    return route.abort();
  });
  return context;
}

/** Console errors and uncaught exceptions of a page, as failure messages. */
function watchErrors(page: Page, failures: string[], label: string): void {
  page.on('console', (msg) => {
    if (msg.type() === 'error') failures.push(`console error${label}: ${msg.text().slice(0, 500)}`);
  });
  page.on('pageerror', (err) => failures.push(`page error${label}: ${err.message.slice(0, 500)}`));
}

async function checkFile(browser: Browser, file: string, shots: string, renderTimeoutMs: number): Promise<ReportCheck> {
  const name = path.basename(file, '.html');
  const check: ReportCheck = { name, file, sizeBytes: statSync(file).size, figures: [], failures: [], screenshots: [], loadSeconds: 0 };
  const url = pathToFileURL(file).href;
  // Each pass on its own: a page that breaks one still gets the other.
  await checkWithJs(browser, url, check, shots, renderTimeoutMs).catch((err: Error) => check.failures.push(`check with JavaScript aborted: ${err.message.split('\n')[0]}`));
  await checkWithoutJs(browser, url, check, shots).catch((err: Error) => check.failures.push(`check without JavaScript aborted: ${err.message.split('\n')[0]}`));
  return check;
}

async function checkWithJs(browser: Browser, url: string, check: ReportCheck, shots: string, renderTimeoutMs: number): Promise<void> {
  const context = await offlineContext(browser, true, check.failures);
  try {
    const page = await context.newPage();
    watchErrors(page, check.failures, '');
    const start = Date.now();
    await page.goto(url, { waitUntil: 'load', timeout: LOAD_TIMEOUT_MS });
    const drawn = await page
      .waitForFunction(() => Array.from(document.querySelectorAll('.dnas-figure')).every((d) => d.querySelector('svg.main-svg') !== null), null, { timeout: renderTimeoutMs })
      .then(() => true, () => false);
    check.loadSeconds = (Date.now() - start) / 1000;
    if (!drawn) check.failures.push(`not every figure became a Plotly SVG within ${renderTimeoutMs / 1000} s of the page load`);
    check.figures = await page.evaluate(readFigures, TRACE_GROUP_SELECTOR);
    for (const f of check.figures) check.failures.push(...figureFailures(f));
    check.failures.push(...(await linkFailures(page, check)));
    check.screenshots.push(await screenshot(page, path.join(shots, `${check.name}.png`)));
    check.failures.push(...(await explorerFailures(page, check.name, shots, check.screenshots)));
    const firstDrawn = check.figures.findIndex((f) => f.traces !== null);
    if (firstDrawn >= 0) {
      const figureShot = path.join(shots, `${check.name}-figure.png`);
      await page.locator('.dnas-figure').nth(firstDrawn).screenshot({ path: figureShot, timeout: SCREENSHOT_TIMEOUT_MS });
      check.screenshots.push(figureShot);
    }
  } finally {
    await context.close();
  }
}

/** Runs in the page: what each `.dnas-figure` holds after Plotly ran. */
function readFigures(selector: string): FigureCheck[] {
  return Array.from(document.querySelectorAll<HTMLElement>('.dnas-figure')).map((div) => {
    const plotted = div as HTMLElement & { data?: unknown[]; _fullData?: { visible?: unknown; type?: string }[] };
    const svg = div.querySelector('svg.main-svg');
    const nonEmpty = svg !== null && svg.childElementCount > 0 && svg.getBoundingClientRect().width > 0;
    const full = plotted._fullData ?? null;
    return {
      id: div.id,
      traces: nonEmpty && Array.isArray(plotted.data) ? plotted.data.length : null,
      drawable: nonEmpty && full !== null ? full.filter((t) => t.visible === true).length : null,
      rendered: div.querySelectorAll(selector).length,
      types: full === null ? [] : [...new Set(full.map((t) => String(t.type)))],
      pngShown: false,
    };
  });
}

/** Failure messages for one figure drawn with JavaScript on. */
export function figureFailures(f: FigureCheck): string[] {
  if (f.traces === null || f.drawable === null) return [`figure ${f.id}: no non-empty Plotly SVG (svg.main-svg) and no plotted data`];
  const unknown = f.types.filter((t) => !COUNTED_TRACE_TYPES.includes(t));
  if (unknown.length > 0) return [`figure ${f.id}: trace type ${unknown.join(', ')} is not one this check counts (${COUNTED_TRACE_TYPES.join(', ')})`];
  if (f.rendered !== f.drawable) {
    const hidden = f.traces - f.drawable;
    return [`figure ${f.id}: ${f.rendered} trace groups drawn, expected ${f.drawable} (data.length ${f.traces}${hidden > 0 ? `, ${hidden} hidden` : ''})`];
  }
  return [];
}

/** index.html: every link leads to an existing file; any other page: a link back to index.html. */
async function linkFailures(page: Page, check: ReportCheck): Promise<string[]> {
  const hrefs = await page.evaluate(() => Array.from(document.querySelectorAll('a[href]')).map((a) => a.getAttribute('href') ?? ''));
  if (check.name !== path.basename(INDEX_FILE, '.html')) {
    return hrefs.includes(INDEX_FILE) ? [] : [`no link back to ${INDEX_FILE}`];
  }
  const dir = path.dirname(check.file);
  return hrefs
    .filter((h) => !h.startsWith('#'))
    .filter((h) => /^[a-z][a-z0-9+.-]*:/i.test(h) || !existsSync(path.join(dir, decodeURIComponent(h.split('#')[0]))))
    .map((h) => `link to ${h} does not lead to a file in the folder`);
}

async function checkWithoutJs(browser: Browser, url: string, check: ReportCheck, shots: string): Promise<void> {
  const context = await offlineContext(browser, false, check.failures);
  try {
    const page = await context.newPage();
    watchErrors(page, check.failures, ' (JavaScript off)');
    await page.goto(url, { waitUntil: 'load', timeout: LOAD_TIMEOUT_MS });
    // Playwright's evaluate runs even where the page's own scripts are disabled.
    const shown = await page.evaluate(() => Array.from(document.querySelectorAll('.dnas-figure')).map((div) => {
      const img = div.querySelector('img');
      return { id: div.id, ok: img !== null && img.complete && img.naturalWidth > 0, hasImg: img !== null };
    }));
    for (const s of shown) {
      const figure = check.figures.find((f) => f.id === s.id);
      if (figure !== undefined) figure.pngShown = s.ok;
      if (!s.ok) check.failures.push(`figure ${s.id} (JavaScript off): ${s.hasImg ? 'the PNG fallback did not load' : 'no PNG fallback <img>'}`);
    }
    if (shown.length !== check.figures.length) check.failures.push(`${shown.length} figures without JavaScript, ${check.figures.length} with it`);
    check.screenshots.push(await screenshot(page, path.join(shots, `${check.name}-nojs.png`)));
  } finally {
    await context.close();
  }
}

async function screenshot(page: Page, file: string): Promise<string> {
  await page.screenshot({ path: file, timeout: SCREENSHOT_TIMEOUT_MS });
  return file;
}

const USAGE = `Usage: npx tsx cli/check-reports.ts [FOLDER] [--screenshots DIR] [--render-timeout SECONDS]
  FOLDER                 reports folder (default reports/): index.html and every other *.html in it
  --screenshots DIR      where screenshots go (default FOLDER/screenshots)
  --render-timeout S     seconds every figure may take to draw after the page loaded (default ${RENDER_TIMEOUT_S})
Prints a JSON summary on stdout; exit 1 when any page fails a check, 2 on bad arguments.`;

/**
 * Parse `[FOLDER] [--screenshots DIR] [--render-timeout SECONDS]` (also `--flag=value`).
 * @throws Error on an unknown flag, a flag without its value, or a timeout that is not a positive number.
 */
export function parseCheckArgs(argv: string[]): { folder: string } & CheckOptions {
  const parsed: { folder: string } & CheckOptions = { folder: 'reports' };
  for (let i = 0; i < argv.length; i++) {
    if (!argv[i].startsWith('--')) { parsed.folder = argv[i]; continue; }
    const eq = argv[i].indexOf('=');
    const [flag, inline] = eq < 0 ? [argv[i], undefined] : [argv[i].slice(0, eq), argv[i].slice(eq + 1)];
    const value = inline ?? argv[++i];
    if (flag !== '--screenshots' && flag !== '--render-timeout') throw new Error(`unknown option ${flag} (known: --screenshots, --render-timeout)`);
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === '--screenshots') parsed.screenshotsDir = value;
    else if (Number(value) > 0) parsed.renderTimeoutS = Number(value);
    else throw new Error(`--render-timeout must be a positive number of seconds: got '${value}'`);
  }
  return parsed;
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  const { folder, ...options } = parseCheckArgs(argv);
  const summary = await checkReports(folder, options);
  process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
  for (const r of summary.reports) {
    process.stderr.write(`[check-reports] ${r.failures.length === 0 ? 'ok  ' : 'FAIL'} ${r.name} (${r.figures.length} figures, ${(r.sizeBytes / 1e6).toFixed(2)} MB)\n`);
    for (const f of r.failures) process.stderr.write(`[check-reports]      ${f}\n`);
  }
  return summary.failed === 0 ? 0 : 1;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: Error) => {
      process.stderr.write(`[check-reports] ${err.message}\n`);
      process.exit(2);
    },
  );
}
