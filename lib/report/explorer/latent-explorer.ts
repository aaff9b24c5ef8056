// The latent explorer on the Node side: the data a page embeds (models with their factors in slider
// order, base cells, the space's table), the HTML of the explorer inside a notebook's report or as a
// standalone page, and its display in a tslab notebook. The page itself is explorer-page.ts.
import { join } from 'node:path';
import { writeFileAtomically } from '../../atomic-file';
import { spearman } from '../../analysis/correlation';
import { latentSpread } from '../../analysis/latent-spread';
import type { Controller } from '../../controller/controller';
import type { SearchProblem } from '../../experiments/problems';
import { displayBundle } from '../display';
import { readPlotlyJs } from '../png';
import { currentRun, RUN_ENV } from '../run-context';
import { encodeAccuracies, encodeGaps, EXPLORER_DATA_VERSION, EXPLORER_PAGE_PREFIX, type ExplorerData, type ExplorerFactor, type ExplorerModel, type ExplorerTable } from './explorer-data';
import { explorerScript, explorerWasmBase64 } from './explorer-bundle';

/** The shortest hash prefix the explorer's NAS-Bench-101 table tries (bytes); longer ones only if it is not unique. */
const MIN_PREFIX_BYTES = 5;

/**
 * The table a page embeds: every cell's report accuracy (search accuracy where the table has no
 * report metric), exact (float32, as the tables store them). NAS-Bench-201: by token index (all
 * 15,625 cells); NAS-Bench-101: sorted hash prefixes of the shortest unique length from
 * MIN_PREFIX_BYTES bytes, as gaps.
 * @throws Error for a space the explorer does not know, or a table whose hashes share a 6-byte prefix.
 */
export function explorerTable<C>(problem: SearchProblem<C>): ExplorerTable {
  const keys = problem.tableKeys();
  const values = problem.tableReportAccuracies() ?? problem.tableAccuracies();
  if (problem.space.name === 'nb201') {
    const vocab = problem.space.vocabSize;
    const accuracy = new Float32Array(vocab ** problem.space.sequenceLength).fill(Number.NaN);
    keys.forEach((key, i) => {
      const index = problem.space.encode(problem.tableEntry(key).cell).reduceRight((acc, t) => acc * vocab + t, 0);
      accuracy[index] = values[i];
    });
    return { encoding: 'token-index', vocab, accuracy: encodeAccuracies(accuracy) };
  }
  if (problem.space.name !== 'nb101') throw new Error(`the explorer has tables for nb101 and nb201: got ${problem.space.name}`);
  const sorted = keys.map((key, i) => [key, values[i]] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  // Prefixes are read as one JavaScript number: at most 6 bytes (48 bits < 2^53).
  for (let bytes = MIN_PREFIX_BYTES; bytes <= 6; bytes++) {
    const chars = 2 * bytes;
    if (!sorted.every(([key], i) => i === 0 || key.slice(0, chars) !== sorted[i - 1][0].slice(0, chars))) continue;
    return { encoding: 'hash-prefix', prefixBytes: bytes, prefixGaps: encodeGaps(sorted.map(([key]) => parseInt(key.slice(0, chars), 16))), accuracy: encodeAccuracies(sorted.map(([, v]) => v)) };
  }
  throw new Error('two table hashes share their first 6 bytes: the explorer cannot key this table by hash prefixes');
}

/**
 * One model for the explorer: the controller as saved, its factors ordered by |Spearman ρ| of μ_i
 * with accuracy over `cells` when accuracies are given, else by KL (β-VAE) or variance of μ_i,
 * each with its spread over `cells` and its concept where `concepts` names one. `predictors: false`
 * for a controller whose predictors were never trained (the page then shows no prediction).
 * @param cells token sequences of cells (e.g. held-out cells), ≥ 2.
 */
export function explorerModel(controller: Controller, label: string, cells: readonly (readonly number[])[], options: { accuracy?: readonly number[]; concepts?: readonly string[]; predictors?: boolean } = {}): ExplorerModel {
  const { mu, logVar } = controller.encode(cells);
  const spread = latentSpread(mu, logVar);
  const dims = spread.length;
  const column = (d: number): number[] => mu.map((row) => row[d]);
  const byAccuracy = options.accuracy !== undefined;
  const score = (d: number): number => {
    if (byAccuracy) {
      const rho = spearman(column(d), options.accuracy!);
      return Number.isFinite(rho) ? Math.abs(rho) : 0;
    }
    if (logVar === null) return spread[d] ** 2;
    return mu.reduce((sum, row, i) => sum + 0.5 * (row[d] ** 2 + Math.exp(logVar[i][d]) - 1 - logVar[i][d]), 0) / mu.length;
  };
  const factors: ExplorerFactor[] = Array.from({ length: dims }, (_, d) => ({ index: d, concept: options.concepts?.[d] ?? '', score: score(d), spread: spread[d] }))
    .sort((a, b) => b.score - a.score || a.index - b.index);
  const { manifest, bytes } = controller.saved();
  const order = byAccuracy ? '|Spearman ρ| of the factor with accuracy' : logVar === null ? 'variance of the factor' : 'KL of the factor in nats (activity)';
  return { label, manifest, weights: Buffer.from(bytes).toString('base64'), order, predictors: options.predictors ?? true, factors };
}

/** The `count` most accurate cells of the table (report metric, search metric where there is none) as base cells, best first. */
export function topTableBases<C>(problem: SearchProblem<C>, count: number): { label: string; tokens: number[] }[] {
  const keys = problem.tableKeys();
  const values = problem.tableReportAccuracies() ?? problem.tableAccuracies();
  const order = Array.from(keys, (_, i) => i).sort((a, b) => values[b] - values[a] || a - b).slice(0, count);
  return order.map((i, rank) => ({ label: `top ${rank + 1} of the table (${(100 * values[i]).toFixed(2)}%)`, tokens: problem.space.encode(problem.tableEntry(keys[i]).cell) }));
}

/** What `explorerData` needs besides the models. */
export interface ExplorerDataOptions<C> {
  readonly problem: SearchProblem<C>;
  readonly models: readonly ExplorerModel[];
  readonly bases: readonly { readonly label: string; readonly tokens: readonly number[] }[];
}

/** The data of one explorer. @throws RangeError without models or bases. */
export function explorerData<C>(options: ExplorerDataOptions<C>): ExplorerData {
  const { problem, models, bases } = options;
  if (models.length === 0 || bases.length === 0) throw new RangeError(`an explorer needs at least one model and one base cell: got ${models.length} and ${bases.length}`);
  const space = problem.space.name === 'nb101' ? 'nb101' : 'nb201';
  const dataset = problem.name === 'nb201-cifar100' ? 'cifar100' : problem.name === 'nb201-imagenet16-120' ? 'imagenet16-120' : space === 'nb201' ? 'cifar10' : undefined;
  const column = problem.metrics.report ?? problem.metrics.search;
  const where = dataset === undefined ? '' : ` on ${{ cifar10: 'CIFAR-10', cifar100: 'CIFAR-100', 'imagenet16-120': 'ImageNet16-120' }[dataset]}`;
  return { version: EXPLORER_DATA_VERSION, space, ...(dataset === undefined ? {} : { dataset }), metric: `true accuracy${where} (table: ${column})`, models, bases, table: explorerTable(problem) };
}

/**
 * The explorer's HTML: a container (without JavaScript it says so; the report's static traversal
 * figures stay as they are), its data, the page script and the WebAssembly binary (once per page:
 * `includeScript`), and the call that starts it. Needs plotly.js on the page (reports inline it
 * with their first figure; the standalone page inlines it).
 */
export async function explorerHtml(data: ExplorerData, options: { id: string; includeScript: boolean }): Promise<string> {
  if (!/^[A-Za-z][\w-]*$/.test(options.id)) throw new Error(`the explorer's id must be a plain HTML id: got '${options.id}'`);
  const json = JSON.stringify(data).replace(/</g, '\\u003c');
  const parts = [
    `<div class="dnas-explorer" id="${options.id}"><p>The latent explorer needs JavaScript; the static traversal figures show the same decoder.</p></div>`,
    `<script type="application/json" id="${options.id}-data">${json}</script>`,
  ];
  if (options.includeScript) {
    parts.push(`<script type="text/javascript">${scriptSafe(await explorerScript())}</script>`);
    parts.push(`<script type="text/javascript">window.dnasExplorerWasm = "${explorerWasmBase64()}";</script>`);
  }
  parts.push(`<script type="text/javascript">window.dnasExplorer.mount(${JSON.stringify(options.id)}, window.dnasExplorerWasm).catch(function (e) { console.error(e); });</script>`);
  return parts.join('\n');
}

/** A standalone page holding one explorer (plotly.js and the explorer's script inlined). */
export async function explorerPage(data: ExplorerData, title: string): Promise<string> {
  return [
    '<!DOCTYPE html>',
    `<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body>`,
    `<h1>${escapeHtml(title)}</h1>`,
    `<script type="text/javascript">${scriptSafe(readPlotlyJs())}</script>`,
    await explorerHtml(data, { id: 'explorer', includeScript: true }),
    '</body></html>',
  ].join('\n');
}

/** Write `explorerPage` to `path` (atomically). */
export async function writeExplorerPage(path: string, data: ExplorerData, title: string): Promise<void> {
  writeFileAtomically(path, await explorerPage(data, title));
}

/** The name of an explorer's standalone page: `latent-explorer-<space>-<label>.html` (the report index lists these). */
export function explorerPageName(space: string, label: string): string {
  const slug = `${space}-${label}`.toLowerCase().replace(/[^a-z0-9.]+/g, '-').replace(/^-|-$/g, '');
  return `${EXPLORER_PAGE_PREFIX}${slug}.html`;
}

/**
 * Save an explorer as a standalone page in the current run's folder and, when the notebook runner
 * runs the notebook (it names the reports folder in DNAS_REPORTS_DIR), beside its report, where
 * the index links it. @returns the paths written.
 * @throws Error outside a run (startRun first).
 */
export async function saveExplorerPage(data: ExplorerData, options: { label: string; title: string }): Promise<string[]> {
  const run = currentRun();
  if (run === null) throw new Error('saveExplorerPage needs a run: call startRun first');
  const name = explorerPageName(data.space, options.label);
  const page = await explorerPage(data, options.title);
  const paths = [run.path(name)];
  const reports = process.env[RUN_ENV.reportsDir];
  if (reports !== undefined && reports !== '') paths.push(join(reports, name));
  for (const path of paths) writeFileAtomically(path, page);
  return paths;
}

let explorersShown = 0;

/** Show an explorer in the running tslab notebook (its report keeps it; the script is inlined with the first one). */
export async function showLatentExplorer(data: ExplorerData): Promise<void> {
  explorersShown += 1;
  const html = await explorerHtml(data, { id: `dnas-explorer-${process.pid}-${explorersShown}`, includeScript: explorersShown === 1 });
  displayBundle({ 'text/html': html, 'text/plain': `[latent explorer: ${data.models.length} model(s), ${data.bases.length} base cells]` });
}

/** A script's text with every `</script` broken up, so it cannot close its element early. */
function scriptSafe(js: string): string {
  return js.replace(/<\/script/gi, '<\\/script');
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
