// Shows Plotly figures in tslab notebooks: interactive in the offline HTML report, with a PNG fallback.
// It must not build figures (callers pass Plotly JSON) nor fetch anything from the network:
// plotly.js is inlined once per kernel process, and saved figures go to the current run's folder.
import { writeFileAtomically } from '../atomic-file';
import { displayBundle } from './display';
import { PlotlyFigure, PngOptions, pngSize, readPlotlyJs, renderPng } from './png';
import { currentRun } from './run-context';

export type { PlotlyFigure } from './png';

/** Options of `showFigure`. */
export interface ShowFigureOptions extends PngOptions {
  /** File stem under `<run>/figures/`; default `figure-<n>` (n counts figures in this process). */
  name?: string;
  /** Inline plotly.js in this output: 'auto' (default) does it for the first figure of the process only. */
  includePlotlyJs?: 'auto' | boolean;
  /** Render the static PNG fallback; default true. Off skips Chromium (the report then needs JS). */
  png?: boolean;
}

/** Arguments of `figureHtml`. */
export interface FigureHtmlOptions {
  /** Put the whole plotly.js bundle in a `<script>` before the figure (once per page suffices). */
  includePlotlyJs: boolean;
  /** The static fallback as base64 PNG, or null for none. */
  pngBase64: string | null;
  /** Id of the figure's `<div>`; must be unique in the page. */
  divId: string;
  /** Size of the fallback image in CSS pixels; default pngSize(figure). */
  width?: number;
  height?: number;
  /** The plotly.js source to inline; default the installed plotly.js-dist-min bundle. */
  plotlyJs?: string;
}

let figureCount = 0;
let plotlyJsSent = false;

/**
 * HTML for one figure: a `<div>` holding the PNG fallback, then a script that replaces the PNG with
 * the interactive plot when JavaScript runs and `window.Plotly` exists (else the PNG stays visible).
 * Pure: same arguments → same string.
 * @throws Error when divId is not a plain HTML id, or the inlined JS would close its `<script>` early.
 */
export function figureHtml(figure: PlotlyFigure, options: FigureHtmlOptions): string {
  if (!/^[A-Za-z][\w-]*$/.test(options.divId)) throw new Error(`divId must be a plain HTML id: got '${options.divId}'`);
  const size = pngSize(figure, { width: options.width, height: options.height });
  const parts = [`<div class="dnas-figure" id="${options.divId}" style="max-width:100%">`];
  if (options.pngBase64 !== null) {
    const alt = escapeHtml(`${figureTitle(figure)} (static image; the interactive figure needs JavaScript)`);
    parts.push(
      `<img src="data:image/png;base64,${options.pngBase64}" width="${size.width}" height="${size.height}"` +
        ` style="max-width:100%;height:auto" alt="${alt}">`,
    );
  }
  parts.push('</div>');
  if (options.includePlotlyJs) parts.push(plotlyScript(options.plotlyJs ?? readPlotlyJs()));
  parts.push(`<script type="text/javascript">${plotScript(figure, options.divId)}</script>`);
  return parts.join('\n');
}

/**
 * Display a figure in the running tslab notebook (await it): an HTML output with inlined plotly.js
 * (first figure only) and a PNG fallback, plus image/png and text/plain representations for exports
 * that do not render HTML. When a run was started (run-context.ts), also writes
 * `figures/<name>.json` (the figure) and `figures/<name>.png` into the run folder.
 * @throws Error outside a tslab kernel, or when Chromium cannot render the PNG (names the executable).
 */
export async function showFigure(figure: PlotlyFigure, options: ShowFigureOptions = {}): Promise<void> {
  figureCount += 1;
  const name = options.name ?? `figure-${figureCount}`;
  const png = options.png === false ? null : await renderPng(figure, options);
  const includePlotlyJs = options.includePlotlyJs === 'auto' || options.includePlotlyJs === undefined ? !plotlyJsSent : options.includePlotlyJs;
  // pid keeps ids unique when several notebooks' outputs share one page (JupyterLab).
  const divId = `dnas-fig-${process.pid}-${figureCount}`;
  const pngBase64 = png === null ? null : png.toString('base64');
  const html = figureHtml(figure, { includePlotlyJs, pngBase64, divId, width: options.width, height: options.height });
  saveFigure(figure, name, png);
  const bundle: Record<string, string> = { 'text/html': html, 'text/plain': `[Plotly figure: ${figureTitle(figure)}]` };
  if (pngBase64 !== null) bundle['image/png'] = pngBase64;
  displayBundle(bundle);
  if (includePlotlyJs) plotlyJsSent = true;
}

function saveFigure(figure: PlotlyFigure, name: string, png: Buffer | null): void {
  const run = currentRun();
  if (run === null) return;
  writeFileAtomically(run.path(`figures/${name}.json`), JSON.stringify(figure) + '\n');
  if (png !== null) writeFileAtomically(run.path(`figures/${name}.png`), png);
}

function plotlyScript(js: string): string {
  if (/<\/script/i.test(js)) throw new Error('plotly.js source contains "</script": it cannot be inlined');
  return `<script type="text/javascript">${js}</script>`;
}

/** JSON that is safe inside a `<script>`: no `<` (so no `</script>`), no line separators. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function plotScript(figure: PlotlyFigure, divId: string): string {
  const fig = scriptJson({ data: figure.data, layout: figure.layout ?? {}, config: figure.config ?? {} });
  return (
    `(function () {\n` +
    `  var div = document.getElementById(${JSON.stringify(divId)});\n` +
    `  if (!div || !window.Plotly) return; // keep the PNG\n` +
    `  var fig = ${fig};\n` +
    `  div.innerHTML = "";\n` +
    `  window.Plotly.newPlot(div, fig.data, fig.layout, Object.assign({ responsive: true }, fig.config));\n` +
    `})();`
  );
}

function figureTitle(figure: PlotlyFigure): string {
  const title = figure.layout?.title;
  if (typeof title === 'string') return title;
  if (title !== null && typeof title === 'object' && typeof (title as { text?: unknown }).text === 'string') {
    return (title as { text: string }).text;
  }
  return 'untitled';
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
