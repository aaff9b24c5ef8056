// The latent explorer in a report page (bundled by explorer-bundle.ts; runs in the browser only):
// one slider per latent factor around a base cell's code, and at every move the decoded cell drawn,
// what changed against the base marked, its validity, predicted accuracy and FLOPs, and its true
// accuracy from the embedded table with its percentile. It decodes with the Controller class and the
// WebAssembly kernels Node uses, so the tokens are the Node decoder's for the same z.
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { Controller } from '../../controller/controller';
import { cellDiff, cellGraphFigure } from '../figures/cell-graph';
import { EXPLORER_DATA_VERSION, EXPLORER_FIGURE_TITLE, fromBase64, readTable, type ExplorerData, type TableReader } from './explorer-data';
import { explorerSpace, type ExplorerCell, type ExplorerSpace } from './explorer-space';

declare const Plotly: { react(div: HTMLElement, data: unknown, layout: unknown, config?: unknown): Promise<unknown> };

/** What the explorer shows now (also what tests read: `dnasExplorer.state(id)`). */
export interface ExplorerState {
  readonly model: number;
  readonly baseLabel: string;
  readonly baseTokens: readonly number[];
  readonly z: readonly number[];
  readonly tokens: readonly number[];
  readonly valid: boolean;
  readonly key: string | null;
  readonly predictedAccuracy: number;
  readonly predictedFlopsM: number | null;
  readonly flopsM: number | null;
  readonly trueAccuracy: number | null;
  readonly percentile: number | null;
  /** The factor a "traverse" is animating, or null. */
  readonly traversing: number | null;
}

/** Sliders move a factor ±RANGE of its spread around the base code. */
const RANGE = 3;
/** Slider positions per spread. */
const STEPS_PER_SPREAD = 10;
/** Frames of a traversal and their interval. */
const TRAVERSE_FRAMES = 31;
const TRAVERSE_MS = 80;

let backend: Promise<void> | null = null;

/** The wasm backend from the embedded binary (SIMD, one thread: the build Node runs), once per page. */
function initBackend(wasmBase64: string): Promise<void> {
  backend ??= (async () => {
    const url = `data:application/wasm;base64,${wasmBase64}`;
    setWasmPaths({ 'tfjs-backend-wasm.wasm': url, 'tfjs-backend-wasm-simd.wasm': url, 'tfjs-backend-wasm-threaded-simd.wasm': url });
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    if (!(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'))) throw new Error('this browser has no WebAssembly SIMD: the explorer decodes with the SIMD build only (the one Node uses), so it does not start');
    if (!(await tf.setBackend('wasm'))) throw new Error('TF.js could not start its WebAssembly backend');
    await tf.ready();
  })();
  return backend;
}

/** One explorer on the page. */
class Explorer {
  private readonly space: ExplorerSpace;
  private readonly table: TableReader;
  private controller: Controller | null = null;
  private modelIndex = 0;
  private base: { label: string; tokens: number[]; cell: ExplorerCell | null; z: number[] } | null = null;
  private z: number[] = [];
  private current: ExplorerState | null = null;
  private traversing: { factor: number; timer: ReturnType<typeof setTimeout> | null } | null = null;
  private readonly els: Record<'sliders' | 'figure' | 'info' | 'status' | 'tokens', HTMLElement>;

  constructor(private readonly root: HTMLElement, private readonly data: ExplorerData) {
    if (data.version !== EXPLORER_DATA_VERSION) throw new Error(`explorer data version ${data.version}: this page reads version ${EXPLORER_DATA_VERSION}`);
    this.space = explorerSpace(data.space, data.dataset);
    this.table = readTable(data.table);
    this.els = this.layout();
  }

  get state(): ExplorerState | null {
    return this.current === null ? null : { ...this.current, traversing: this.traversing?.factor ?? null };
  }

  /** Build the controls and draw the first base cell. */
  start(): void {
    this.useModel(0);
    this.useBase(this.data.bases[0].label, [...this.data.bases[0].tokens]);
  }

  private layout(): Explorer['els'] {
    const id = this.root.id;
    const el = <K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text = ''): HTMLElementTagNameMap[K] => {
      const e = document.createElement(tag);
      for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
      if (text !== '') e.textContent = text;
      return e;
    };
    this.root.replaceChildren();
    this.root.append(el('h3', {}, `Latent explorer (${this.data.space === 'nb101' ? 'NAS-Bench-101' : 'NAS-Bench-201'})`));
    const controls = el('div', { class: 'dnas-explorer-controls' });
    if (this.data.models.length > 1) {
      const label = el('label', { for: `${id}-model` }, 'model ');
      const select = el('select', { id: `${id}-model` });
      this.data.models.forEach((m, i) => select.append(el('option', { value: String(i) }, m.label)));
      select.addEventListener('change', () => {
        this.useModel(Number(select.value));
        this.useBase(this.base!.label, this.base!.tokens);
      });
      label.append(select);
      controls.append(label);
    }
    const baseLabel = el('label', { for: `${id}-base` }, ' base cell ');
    const baseSelect = el('select', { id: `${id}-base` });
    this.data.bases.forEach((b, i) => baseSelect.append(el('option', { value: String(i) }, b.label)));
    baseSelect.addEventListener('change', () => {
      const b = this.data.bases[Number(baseSelect.value)];
      this.useBase(b.label, [...b.tokens]);
    });
    baseLabel.append(baseSelect);
    const typedLabel = el('label', { for: `${id}-typed` }, ' or type one ');
    const typed = el('input', { id: `${id}-typed`, type: 'text', size: '40', placeholder: this.data.space === 'nb201' ? '|nor_conv_3x3~0|+|…' : '{"matrix": [[…]], "ops": […]}' });
    const use = el('button', { type: 'button' }, 'use');
    use.addEventListener('click', () => {
      try {
        this.useBase('typed', this.space.parse(typed.value));
      } catch (error) {
        this.els.status.textContent = `not a cell: ${(error as Error).message}`;
      }
    });
    typedLabel.append(typed, use);
    controls.append(baseLabel, typedLabel);
    const body = el('div', { class: 'dnas-explorer-body', style: 'display:flex;gap:16px;align-items:flex-start;flex-wrap:wrap' });
    const sliders = el('div', { class: 'dnas-explorer-sliders', style: 'max-height:440px;overflow-y:auto;width:400px' });
    const figure = el('div', { class: 'dnas-explorer-figure', id: `${id}-figure`, style: 'width:320px;height:420px' });
    const info = el('div', { class: 'dnas-explorer-info', style: 'width:360px' });
    const tokens = el('code', { class: 'dnas-explorer-tokens' });
    const status = el('p', { class: 'dnas-explorer-status', role: 'status', 'aria-live': 'polite' });
    body.append(sliders, figure, info);
    this.root.append(controls, body, el('p', {}, 'tokens: '), tokens, status);
    return { sliders, figure, info, status, tokens };
  }

  private useModel(index: number): void {
    const model = this.data.models[index];
    this.controller?.dispose();
    this.controller = Controller.fromSaved(model.manifest, fromBase64(model.weights), this.space.grammar, { manifest: `${model.label} controller.json`, weights: `${model.label} weights` });
    this.modelIndex = index;
  }

  private useBase(label: string, tokens: number[]): void {
    const z = this.controller!.encode([tokens]).mu[0];
    this.els.status.textContent = '';
    this.base = { label, tokens, cell: this.space.cell(tokens), z };
    this.z = [...z];
    this.buildSliders();
    this.update();
  }

  private buildSliders(): void {
    // A traversal in progress belongs to the sliders being replaced: it stops here.
    if (this.traversing?.timer != null) clearTimeout(this.traversing.timer);
    this.traversing = null;
    const model = this.data.models[this.modelIndex];
    const id = this.root.id;
    this.els.sliders.replaceChildren();
    const legend = document.createElement('p');
    legend.style.fontSize = 'smaller';
    legend.textContent = `Factors by ${model.order}, highest first; each slider moves its factor ±${RANGE} spreads around the base cell's code.`;
    this.els.sliders.append(legend);
    for (const factor of model.factors) {
      const row = document.createElement('div');
      const input = document.createElement('input');
      const spread = factor.spread > 0 ? factor.spread : 1;
      const center = this.base!.z[factor.index];
      input.type = 'range';
      input.id = `${id}-z${factor.index}`;
      input.min = String(center - RANGE * spread);
      input.max = String(center + RANGE * spread);
      input.step = String(spread / STEPS_PER_SPREAD);
      input.value = String(center);
      input.dataset.factor = String(factor.index);
      const label = document.createElement('label');
      label.htmlFor = input.id;
      label.textContent = `z${factor.index}${factor.concept === '' ? '' : ` · ${factor.concept}`} (${factor.score.toFixed(2)}) `;
      input.setAttribute('aria-label', label.textContent.trim());
      input.addEventListener('input', () => {
        this.z[factor.index] = Number(input.value);
        this.update();
      });
      const traverse = document.createElement('button');
      traverse.type = 'button';
      traverse.textContent = 'traverse';
      traverse.setAttribute('aria-label', `traverse z${factor.index}`);
      traverse.addEventListener('click', () => this.traverse(factor.index, input, center, spread));
      row.append(label, input, traverse);
      this.els.sliders.append(row);
    }
  }

  /** Animate one factor from −RANGE to +RANGE spreads and back to the base value. */
  private traverse(factor: number, input: HTMLInputElement, center: number, spread: number): void {
    if (this.traversing !== null) return;
    const traversal: { factor: number; timer: ReturnType<typeof setTimeout> | null } = { factor, timer: null };
    this.traversing = traversal;
    let frame = 0;
    const tick = (): void => {
      traversal.timer = null;
      const value = frame < TRAVERSE_FRAMES ? center + spread * RANGE * (2 * frame / (TRAVERSE_FRAMES - 1) - 1) : center;
      input.value = String(value);
      this.z[factor] = value;
      this.update();
      frame++;
      if (frame <= TRAVERSE_FRAMES) traversal.timer = setTimeout(tick, TRAVERSE_MS);
      else this.traversing = null;
    };
    tick();
  }

  private update(): void {
    const controller = this.controller!;
    const tokens = controller.decode([this.z])[0];
    const cell = this.space.cell(tokens);
    const prediction = controller.predict([this.z]);
    const trueAccuracy = cell === null ? null : this.table.accuracy(tokens, cell.key);
    this.current = {
      model: this.modelIndex,
      baseLabel: this.base!.label,
      baseTokens: this.base!.tokens,
      z: [...this.z],
      tokens,
      valid: cell !== null,
      key: cell?.key ?? null,
      predictedAccuracy: prediction.accuracy[0],
      predictedFlopsM: prediction.flopsM?.[0] ?? null,
      flopsM: cell?.flopsM ?? null,
      trueAccuracy,
      percentile: trueAccuracy === null ? null : this.table.percentile(trueAccuracy),
      traversing: null,
    };
    this.els.tokens.textContent = tokens.join(' ');
    this.render(cell);
  }

  private render(cell: ExplorerCell | null): void {
    const s = this.current!;
    const pct = (v: number | null): string => (v === null ? '–' : `${(100 * v).toFixed(2)}%`);
    const trained = this.data.models[s.model].predictors;
    const rows: [string, string][] = [
      ['model', this.data.models[s.model].label],
      ['base', s.baseLabel],
      ['valid', s.valid ? 'yes' : 'no (the decode is not a cell of the space)'],
      ['predicted accuracy', trained ? pct(s.predictedAccuracy) : '– (this model\'s predictors were not trained)'],
      ['predicted FLOPs', !trained ? '–' : s.predictedFlopsM === null ? '– (no FLOPs predictor)' : `${s.predictedFlopsM.toFixed(1)} M`],
      ['FLOPs', s.flopsM === null ? '–' : `${s.flopsM.toFixed(1)} M`],
      [this.data.metric, pct(s.trueAccuracy)],
      ['percentile in the space', s.percentile === null ? '–' : `${s.percentile.toFixed(1)} (of ${this.table.size.toLocaleString('en')} cells)`],
    ];
    const table = document.createElement('table');
    for (const [k, v] of rows) {
      const tr = table.insertRow();
      tr.insertCell().textContent = k;
      const td = tr.insertCell();
      td.textContent = v;
      td.dataset.field = k;
    }
    this.els.info.replaceChildren(table);
    const base = this.base!.cell;
    const figure = cell === null
      ? { data: [], layout: { title: { text: 'invalid decode' }, width: 320, height: 420, xaxis: { visible: false }, yaxis: { visible: false } } }
      : cellGraphFigure(cell.dag, { title: EXPLORER_FIGURE_TITLE, ...(base === null ? {} : { highlight: cellDiff(base.dag, cell.dag) }) });
    void Plotly.react(this.els.figure, figure.data, figure.layout, { displayModeBar: false, staticPlot: false });
  }
}

const explorers = new Map<string, Explorer>();

/**
 * Start the explorer in the element `rootId` (its data in `<script type="application/json">` with
 * id `<rootId>-data`). Shows the error in the element when it cannot start.
 */
async function mount(rootId: string, wasmBase64: string): Promise<void> {
  const root = document.getElementById(rootId);
  if (root === null) throw new Error(`no element with id ${rootId}`);
  try {
    const data = JSON.parse(document.getElementById(`${rootId}-data`)!.textContent!) as ExplorerData;
    await initBackend(wasmBase64);
    const explorer = new Explorer(root, data);
    explorers.set(rootId, explorer);
    explorer.start();
    root.dataset.ready = 'true';
  } catch (error) {
    root.dataset.ready = 'failed';
    root.textContent = `The latent explorer could not start: ${(error as Error).message}`;
    throw error;
  }
}

(globalThis as unknown as { dnasExplorer: unknown }).dnasExplorer = {
  mount,
  state: (rootId: string): ExplorerState | null => explorers.get(rootId)?.state ?? null,
};
