// The latent explorer in Chromium (network blocked, as the report check runs): it loads, a slider
// moved by keyboard changes z, and the page's decoded tokens, printed tokens and drawn cell equal
// what the Node decoder gives for that z; the true accuracy shown is the table's; no console error.
// Screenshots before and after the move go to <reports>/screenshots/.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../lib/backend';
import { createController, type Controller } from '../../lib/controller/index';
import { loadProblem, type SearchProblem } from '../../lib/experiments/problems';
import { Rng } from '../../lib/random';
import { cellDiff, cellGraphFigure } from '../../lib/report/figures/cell-graph';
import { EXPLORER_FIGURE_TITLE } from '../../lib/report/explorer/explorer-data';
import type { ExplorerState } from '../../lib/report/explorer/explorer-page';
import { explorerSpace } from '../../lib/report/explorer/explorer-space';
import { explorerData, explorerModel, writeExplorerPage } from '../../lib/report/explorer/latent-explorer';
import { CHROMIUM_ARGS, chromiumPath } from '../../lib/report/png';

const reports = mkdtempSync(join(tmpdir(), 'dnas-explorer-'));
let browser: Browser;

beforeAll(async () => {
  await initBackend({ force: 'wasm', quiet: true });
  const { chromium } = require('playwright-core') as typeof import('playwright-core');
  browser = await chromium.launch({ executablePath: chromiumPath(), args: [...CHROMIUM_ARGS] });
});
afterAll(async () => {
  await browser?.close();
  rmSync(reports, { recursive: true, force: true });
});

/** A small controller pretrained briefly on the space's cells, so that codes decode to different cells. */
function smallController<C>(problem: SearchProblem<C>, cells: readonly (readonly number[])[], seed = 5): Controller {
  const controller = createController(problem.space, { hidden: 16, latentDim: 6, seed, learningRate: 0.03 });
  const rng = new Rng('explorer-test');
  for (let step = 0; step < 40; step++) controller.pretrainStep(rng.sampleIndices(cells.length, 100).map((i) => cells[i] as number[]), rng);
  return controller;
}

/** An offline page: only file: and data: load; console errors and page errors are collected. */
async function openOffline(file: string, errors: string[]): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
    errors.push(`network request blocked: ${url.slice(0, 100)}`);
    return route.abort();
  });
  const page = await context.newPage();
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(`console: ${msg.text()}`); });
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector('#explorer[data-ready="true"]', { timeout: 60_000 });
  return page;
}

const stateOf = (page: Page): Promise<ExplorerState> => page.evaluate(() => (window as unknown as { dnasExplorer: { state(id: string): ExplorerState } }).dnasExplorer.state('explorer'));

describe.each(['nb201', 'nb101'] as const)('the latent explorer on %s', (spaceName) => {
  it('decodes, draws and looks up exactly as Node does, before and after a slider moved by keyboard', async () => {
    const problem = await loadProblem(spaceName);
    const keys = problem.tableKeys();
    const rng = new Rng(`explorer-${spaceName}`);
    const cells = rng.sampleIndices(keys.length, 600).map((i) => problem.space.encode(problem.tableEntry(keys[i]).cell));
    const controller = smallController(problem, cells);
    const other = smallController(problem, cells, 6);
    const model = explorerModel(controller, 'test model', cells.slice(0, 200));
    const data = explorerData({ problem, models: [model, explorerModel(other, 'second model', cells.slice(0, 200))], bases: cells.slice(0, 3).map((tokens, i) => ({ label: `cell ${i}`, tokens })) });
    const file = join(reports, `latent-explorer-${spaceName}-test.html`);
    await writeExplorerPage(file, data, `explorer test (${spaceName})`);
    const errors: string[] = [];
    const page = await openOffline(file, errors);
    const shots = join(reports, 'screenshots');
    mkdirSync(shots, { recursive: true });
    const space = explorerSpace(spaceName);
    const report = problem.tableReportAccuracies() ?? problem.tableAccuracies();
    const accuracyOf = (key: string): number => report[keys.indexOf(key)];

    const check = async (state: ExplorerState): Promise<void> => {
      expect(state.tokens).toEqual(controller.decode([state.z as number[]])[0]);
      expect(await page.textContent('.dnas-explorer-tokens')).toBe(state.tokens.join(' '));
      const cell = space.cell(state.tokens);
      expect(state.valid).toBe(cell !== null);
      if (cell === null) return;
      expect(state.key).toBe(cell.key);
      // float32 in the page's table, float64 here: the same value once rounded to float32; shown in percent.
      expect(state.trueAccuracy).toBe(Math.fround(accuracyOf(cell.key)));
      expect(await page.textContent(`td[data-field="${data.metric}"]`)).toBe(`${(100 * Math.fround(accuracyOf(cell.key))).toFixed(2)}%`);
      const base = space.cell(state.baseTokens)!;
      const drawn = await page.evaluate(() => JSON.parse(JSON.stringify((document.getElementById('explorer-figure') as unknown as { data: unknown }).data)));
      expect(drawn).toEqual(JSON.parse(JSON.stringify(cellGraphFigure(cell.dag, { title: EXPLORER_FIGURE_TITLE, highlight: cellDiff(base.dag, cell.dag) }).data)));
    };

    const before = await stateOf(page);
    expect(before.z).toEqual(controller.encode([cells[0]]).mu[0]);
    await check(before);
    await page.screenshot({ path: join(shots, `latent-explorer-${spaceName}-before.png`) });
    const first = model.factors[0].index;
    await page.focus(`#explorer-z${first}`);
    await page.keyboard.press('End');
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowLeft');
    const after = await stateOf(page);
    expect(after.z[first]).not.toBe(before.z[first]);
    expect(after.z.filter((_, d) => d !== first)).toEqual(before.z.filter((_, d) => d !== first));
    await check(after);
    await page.screenshot({ path: join(shots, `latent-explorer-${spaceName}-after.png`) });
    expect(existsSync(join(shots, `latent-explorer-${spaceName}-after.png`))).toBe(true);
    // "traverse" animates the second factor over its range and puts it back on the base cell's value.
    const second = model.factors[1].index;
    const seen = new Set<number>();
    await page.click(`button[aria-label="traverse z${second}"]`);
    for (let i = 0; i < 40 && seen.size < 5; i++) {
      seen.add((await stateOf(page)).z[second]);
      await page.waitForTimeout(50);
    }
    expect(seen.size).toBeGreaterThanOrEqual(5);
    await page.waitForFunction(() => (window as unknown as { dnasExplorer: { state(id: string): ExplorerState } }).dnasExplorer.state('explorer').traversing === null, null, { timeout: 10_000 });
    const traversed = await stateOf(page);
    expect(traversed.z[second]).toBe(before.z[second]);
    await check(traversed);
    // A model switched during a traversal stops it (the sliders it moved are replaced).
    await page.click(`button[aria-label="traverse z${second}"]`);
    // Another model from the list: its own code of the same base cell, decoded as Node decodes it with that model.
    await page.selectOption('#explorer-model', '1');
    await page.waitForTimeout(300);
    const switched = await stateOf(page);
    expect([switched.model, switched.baseTokens, switched.traversing]).toEqual([1, cells[0], null]);
    expect(switched.z).toEqual(other.encode([cells[0]]).mu[0]);
    expect(switched.tokens).toEqual(other.decode([switched.z as number[]])[0]);
    expect(await page.textContent('.dnas-explorer-tokens')).toBe(switched.tokens.join(' '));
    expect(errors).toEqual([]);
    controller.dispose();
    other.dispose();
  }, 180_000);
});
