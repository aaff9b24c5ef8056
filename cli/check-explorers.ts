// The report check's part for latent explorers (lib/report/explorer/): in a loaded page, each explorer
// must start, move its first factor when its slider gets the End key, and then show what Node gives
// for the page's z: the decoder's tokens (the embedded model decoded here on TF.js's wasm backend),
// those tokens printed, the drawn cell valid or not as the space says, and the embedded table's
// accuracy for it. Screenshots of each explorer before and after the move.
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { initBackend } from '../lib/backend';
import { Controller } from '../lib/controller/controller';
import { fromBase64, readTable, type ExplorerData } from '../lib/report/explorer/explorer-data';
import type { ExplorerState } from '../lib/report/explorer/explorer-page';
import { explorerSpace } from '../lib/report/explorer/explorer-space';

/** Seconds an explorer may take to start (it compiles TF.js's WebAssembly binary and builds its table). */
const START_TIMEOUT_MS = 60_000;

/** Check every `.dnas-explorer` of a loaded page; returns failure messages and adds screenshot paths. */
export async function explorerFailures(page: Page, name: string, shots: string, screenshots: string[]): Promise<string[]> {
  const ids = await page.evaluate(() => Array.from(document.querySelectorAll('.dnas-explorer')).map((e) => e.id));
  const failures: string[] = [];
  for (const [k, id] of ids.entries()) {
    const where = `explorer ${id}`;
    const started = await page.waitForSelector(`#${id}[data-ready="true"], #${id}[data-ready="failed"]`, { timeout: START_TIMEOUT_MS }).then((e) => e?.getAttribute('data-ready'), () => null);
    if (started !== 'true') {
      failures.push(`${where}: ${started === 'failed' ? `did not start: ${(await page.textContent(`#${id}`))?.slice(0, 300)}` : `not started within ${START_TIMEOUT_MS / 1000} s`}`);
      continue;
    }
    const data = JSON.parse((await page.textContent(`#${id}-data`)) ?? 'null') as ExplorerData;
    const state = (): Promise<ExplorerState> => page.evaluate((i) => (window as unknown as { dnasExplorer: { state(id: string): ExplorerState } }).dnasExplorer.state(i), id);
    const shot = async (when: string): Promise<void> => {
      const file = path.join(shots, `${name}-explorer-${k}-${when}.png`);
      await page.locator(`#${id}`).screenshot({ path: file, timeout: 10_000 });
      screenshots.push(file);
    };
    await initBackend({ force: 'wasm', quiet: true });
    // Node's side, built once per explorer: each embedded model and the table read back.
    const space = explorerSpace(data.space, data.dataset);
    const controllers = data.models.map((m) => Controller.fromSaved(m.manifest, fromBase64(m.weights), space.grammar));
    const node: NodeSide = { space, controllers, table: readTable(data.table) };
    try {
      const before = await state();
      failures.push(...(await matchesNode(page, id, node, before, 'before the move')));
      await shot('before');
      const slider = page.locator(`#${id} input[type="range"]`).first();
      await slider.focus();
      await page.keyboard.press('End');
      const after = await state();
      const factor = Number(await slider.getAttribute('data-factor'));
      if (after.z[factor] === before.z[factor]) failures.push(`${where}: the End key did not move z${factor}`);
      failures.push(...(await matchesNode(page, id, node, after, 'after the move')));
      await shot('after');
    } finally {
      for (const c of controllers) c.dispose();
    }
  }
  return failures;
}

/** What the page is held to: the space, each embedded model as a Node controller, the embedded table. */
interface NodeSide {
  readonly space: ReturnType<typeof explorerSpace>;
  readonly controllers: readonly Controller[];
  readonly table: ReturnType<typeof readTable>;
}

/** The page's state for z against Node's decoder, space and the embedded table. */
async function matchesNode(page: Page, id: string, node: NodeSide, state: ExplorerState, when: string): Promise<string[]> {
  const where = `explorer ${id} (${when})`;
  const tokens = node.controllers[state.model].decode([state.z as number[]])[0];
  if (tokens.join(' ') !== state.tokens.join(' ')) return [`${where}: the page decoded [${state.tokens.join(' ')}], Node decodes [${tokens.join(' ')}] for the same z`];
  const printed = (await page.textContent(`#${id} .dnas-explorer-tokens`)) ?? '';
  if (printed !== tokens.join(' ')) return [`${where}: the page prints tokens "${printed}", its state holds "${tokens.join(' ')}"`];
  const cell = node.space.cell(tokens);
  if ((cell === null) !== !state.valid) return [`${where}: the page says the decode is ${state.valid ? 'valid' : 'invalid'}, the space says the opposite`];
  if (cell !== null) {
    const accuracy = node.table.accuracy(tokens, cell.key);
    if (accuracy !== state.trueAccuracy) return [`${where}: the page shows accuracy ${state.trueAccuracy} for ${cell.key}, the embedded table holds ${accuracy}`];
  }
  return [];
}
