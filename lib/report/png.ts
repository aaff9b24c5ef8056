// Renders Plotly figures to PNG in one shared headless Chromium (playwright-core) for static fallbacks.
// It must not display anything or know about notebooks; the browser starts on first use and is
// closed by `closePngRenderer()` or, at the latest, when the process exits (playwright kills it).
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';

/** Environment variable naming the Chromium executable (default `/usr/bin/chromium`, Debian's package). */
export const CHROMIUM_ENV = 'DNAS_CHROMIUM';

/** Chromium flags for a headless, offline, sandbox-less start (STACK-NOTES "Plotly and reports"). */
export const CHROMIUM_ARGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A Plotly figure as JSON: traces, layout and optional config, exactly what `Plotly.newPlot` takes. */
export interface PlotlyFigure {
  data: readonly object[];
  layout?: Record<string, unknown>;
  config?: Record<string, unknown>;
}

/** Size of a rendered PNG. */
export interface PngOptions {
  /** CSS pixels; default `layout.width`, else 700 (Plotly.toImage's default). */
  width?: number;
  /** CSS pixels; default `layout.height`, else 450 (Plotly.toImage's default). */
  height?: number;
  /** Device-pixel ratio of the bitmap; default 1 (keeps notebooks small). */
  scale?: number;
}

let plotlyJs: string | null = null;
let pagePromise: Promise<Page> | null = null;
let browser: Browser | null = null;

/** Absolute path of the minified plotly.js browser bundle (it cannot be `import`ed in Node). */
export function plotlyJsPath(): string {
  return require.resolve('plotly.js-dist-min/plotly.min.js');
}

/** The plotly.js bundle's source text (≈ 4.8 MB), read once per process. */
export function readPlotlyJs(): string {
  if (plotlyJs === null) plotlyJs = readFileSync(plotlyJsPath(), 'utf8');
  return plotlyJs;
}

/** The Chromium executable: `$DNAS_CHROMIUM`, else `/usr/bin/chromium`. */
export function chromiumPath(): string {
  return process.env[CHROMIUM_ENV] || '/usr/bin/chromium';
}

async function openPage(): Promise<Page> {
  // Required lazily: importing this module (e.g. from a unit test of figureHtml) must not load playwright.
  const { chromium } = require('playwright-core') as typeof import('playwright-core');
  // handleSIGINT off: Jupyter interrupts the kernel with SIGINT, which must not kill the process.
  browser = await chromium.launch({ executablePath: chromiumPath(), args: [...CHROMIUM_ARGS], handleSIGINT: false });
  const page = await browser.newPage();
  await page.setContent('<!DOCTYPE html><html><body></body></html>');
  await page.addScriptTag({ content: readPlotlyJs() });
  return page;
}

function sharedPage(): Promise<Page> {
  if (pagePromise === null) {
    pagePromise = openPage().catch((err: unknown) => {
      pagePromise = null;
      const why = err instanceof Error ? err.message.split('\n')[0] : String(err);
      throw new Error(`cannot start Chromium at ${chromiumPath()} (set ${CHROMIUM_ENV}): ${why}`);
    });
  }
  return pagePromise;
}

/**
 * Render a figure to PNG with `Plotly.toImage` in the shared headless Chromium.
 * The first call starts the browser (≈ 2 s); later calls reuse it.
 * @param figure Plotly figure JSON (`data`, `layout`).
 * @param options Bitmap size; see PngOptions.
 * @returns The PNG file bytes.
 * @throws Error when Chromium cannot start (names the executable) or Plotly rejects the figure.
 */
export async function renderPng(figure: PlotlyFigure, options: PngOptions = {}): Promise<Buffer> {
  const size = pngSize(figure, options);
  const page = await sharedPage();
  const dataUrl = await page.evaluate(
    ({ fig, opts }) => (globalThis as any).Plotly.toImage(fig, { format: 'png', ...opts }) as Promise<string>,
    { fig: { data: figure.data, layout: figure.layout ?? {} }, opts: size },
  );
  return Buffer.from(dataUrl.slice(dataUrl.indexOf(',') + 1), 'base64');
}

/**
 * The bitmap size a render will use: explicit options, then the figure's layout, then Plotly's defaults.
 * @throws Error when a dimension is not a positive finite number.
 */
export function pngSize(figure: PlotlyFigure, options: PngOptions = {}): Required<PngOptions> {
  const layout = figure.layout ?? {};
  const size = {
    width: options.width ?? numberOr(layout.width, 700),
    height: options.height ?? numberOr(layout.height, 450),
    scale: options.scale ?? 1,
  };
  for (const [key, value] of Object.entries(size)) {
    if (!(Number.isFinite(value) && value > 0)) throw new Error(`PNG ${key} must be a positive number: got ${value}`);
  }
  return size;
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' ? value : fallback;
}

/** Close the shared browser, if one was started. Safe to call more than once. */
export async function closePngRenderer(): Promise<void> {
  const open = browser;
  browser = null;
  pagePromise = null;
  if (open !== null) await open.close();
}
