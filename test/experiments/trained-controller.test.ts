// Tests of the cached trained controller on real table cells with tiny configs (a few Adam steps):
// cache hits reproduce the controller, keys follow the config, the cell draw is seeded and disjoint.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../lib/backend';
import { lockFolder } from '../../lib/folder-lock';
import { loadProblem } from '../../lib/experiments/problems';
import { resolveConfig } from '../../lib/controller/config';
import {
  controllerCacheRoot,
  controllerKey,
  controllerKeyConfig,
  NASBENCH101_GRAMMAR,
  trainedController,
  type TrainedControllerOptions,
} from '../../lib/experiments/trained-controller';
import { NASBENCH101_CELL_VIEW, nasbench201CellView } from '../../lib/experiments/cell-views';
import { scoreController } from '../../lib/analysis/controller-scores';
import { loadNasbench201Csv } from '../../lib/benchmarks/nasbench201-csv';
import { NB201_PRIMARY_ATTRIBUTE_NAMES, nb201CellAttributes } from '../../lib/spaces/nasbench201/attributes';
import { formatNb201Cell, NB201_OPS, type Nb201Cell } from '../../lib/spaces/nasbench201/cell';
import type { Cell } from '../../lib/spaces/nasbench101/cell';
import { encodeCell } from '../../lib/spaces/nasbench101/encoding';
import { hashCell } from '../../lib/spaces/nasbench101/graph';
import { buildSpaceCacheFirst } from '../space-cache';
import { pretrainedLatentSpace } from '../../lib/experiments/pretrained-latent';

buildSpaceCacheFirst();

const cacheDir = mkdtempSync(join(tmpdir(), 'dnas-trained-controller-'));
/** A controller small enough to train in well under a second: 40 cells, 3 steps, 8 hidden units, 4 factors. */
const TINY: TrainedControllerOptions = { labelled: 40, heldOut: 10, steps: 3, batchSize: 20, seed: 7, controller: { hidden: 8, latentDim: 4 }, cacheDir, progress: false };

beforeAll(async () => {
  await initBackend({ force: 'wasm', quiet: true });
});
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

describe('trainedController', () => {
  it('lets one trainer of a cache entry at a time: a second is refused naming the first, and no lock folder is left', async () => {
    const options = { ...TINY, seed: 31 };
    const { dir, controller } = await trainedController(options);
    controller.dispose();
    rmSync(dir!, { recursive: true });
    const held = await lockFolder(`${dir}.partial`, 'another trainer');
    try {
      await expect(trainedController(options)).rejects.toThrow(`${dir}.partial is locked by pid ${process.pid} on host ${hostname()} since ${held.owner.since} (another trainer)`);
    } finally {
      await held.release();
    }
    const trained = await trainedController(options);
    expect(trained.fromCache).toBe(false);
    expect(existsSync(`${dir}.partial`)).toBe(false);
    expect((await trainedController(options)).fromCache).toBe(true);
  });

  it('trains once, then a cache hit returns a controller with identical predictions and history', async () => {
    const first = await trainedController(TINY);
    const second = await trainedController(TINY);
    expect([first.fromCache, second.fromCache]).toEqual([false, true]);
    expect(second.key).toBe(first.key);
    expect(second.dir).toBe(join(cacheDir, 'controllers', first.key));
    expect(second.history).toEqual(first.history);
    expect(first.history).toHaveLength(2); // 40 cells / batch 20 = 2 steps an epoch: 3 steps = 2 epochs
    const a = first.controller.encode(first.heldOut.tokens).mu;
    const b = second.controller.encode(second.heldOut.tokens).mu;
    expect(b).toEqual(a);
    expect(second.controller.predict(b).accuracy).toEqual(first.controller.predict(a).accuracy);
    expect(second.controller.decode(b)).toEqual(first.controller.decode(a));
    first.controller.dispose();
    second.controller.dispose();
  });

  it('gives a different key, and trains anew, when any part of the config changes', async () => {
    const base = await trainedController(TINY);
    const variants = [
      { ...TINY, controller: { ...TINY.controller, lossWeights: { beta: 2 } } },
      { ...TINY, steps: 4 },
      { ...TINY, labelled: 41 },
      { ...TINY, seed: 8 },
      { ...TINY, batchSize: 10 },
    ];
    const keys = new Set([base.key]);
    for (const options of variants) {
      const other = await trainedController(options);
      expect(other.fromCache).toBe(false);
      keys.add(other.key);
      other.controller.dispose();
    }
    expect(keys.size).toBe(variants.length + 1);
    base.controller.dispose();
  });

  it('keys on the resolved config: key order does not matter, defaults written out do not change it', () => {
    const config = resolveConfig(NASBENCH101_GRAMMAR, { seed: 1 });
    const schedule = { labelled: 1, heldOut: 1, steps: 1, batchSize: 1, seed: 1 };
    const reordered = { seed: 1, batchSize: 1, steps: 1, heldOut: 1, labelled: 1 };
    const key = controllerKey(controllerKeyConfig(config, schedule, 'abc'));
    expect(key).toMatch(/^[0-9a-f]{16}$/);
    expect(controllerKey(controllerKeyConfig(config, reordered, 'abc'))).toBe(key);
    expect(controllerKey(controllerKeyConfig(resolveConfig(NASBENCH101_GRAMMAR, { seed: 1, hidden: 26, latentDim: 26 }), schedule, 'abc'))).toBe(key);
    // A different table file is a different controller.
    expect(controllerKey(controllerKeyConfig(config, schedule, 'abd'))).not.toBe(key);
  });

  it('trains the same weights from the same seed without a cache (determinism)', async () => {
    const a = await trainedController({ ...TINY, cache: false });
    const b = await trainedController({ ...TINY, cache: false });
    expect([a.dir, a.fromCache]).toEqual([null, false]);
    expect(b.controller.encode(b.heldOut.tokens).mu).toEqual(a.controller.encode(a.heldOut.tokens).mu);
    a.controller.dispose();
    b.controller.dispose();
  });

  it('draws disjoint training and held-out cells of the whole space, the held-out ones independent of the training count', async () => {
    const whole = await loadProblem('nb101');
    const a = await trainedController<Cell>({ ...TINY, cache: false });
    const b = await trainedController<Cell>({ ...TINY, labelled: 60, cache: false });
    expect(b.heldOut.hashes).toEqual(a.heldOut.hashes);
    expect(b.train.hashes.slice(0, 40)).toEqual(a.train.hashes);
    expect(a.train.hashes.filter((h) => a.heldOut.hashes.includes(h))).toEqual([]);
    expect(new Set(b.train.hashes).size).toBe(60);
    // Cells, tokens and labels line up with the table: the cell hashes to its key, accuracy is the table's.
    a.heldOut.cells.forEach((cell, i) => {
      expect(hashCell(cell)).toBe(a.heldOut.hashes[i]);
      expect(a.heldOut.tokens[i]).toEqual(encodeCell(cell));
      // The label is the complete table's test accuracy of that cell (the nb101 problem's one metric).
      expect(a.heldOut.accuracy[i]).toBe(whole.tableEntry(a.heldOut.hashes[i]).record.testAccuracy);
    });
    a.controller.dispose();
    b.controller.dispose();
  });

  it('refuses a cache folder whose saved config differs from its key', async () => {
    const options = { ...TINY, seed: 11 };
    const trained = await trainedController(options);
    trained.controller.dispose();
    const file = join(controllerCacheRoot(cacheDir), trained.key, 'training.json');
    expect(existsSync(file)).toBe(true);
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    writeFileSync(file, JSON.stringify({ ...saved, keyConfig: { ...saved.keyConfig, schedule: { ...saved.keyConfig.schedule, steps: 99 } } }));
    await expect(trainedController(options)).rejects.toThrow(`cached under key ${trained.key} but holds a different config`);
  });

  it('rejects bad counts and more cells than the table holds', async () => {
    await expect(trainedController({ ...TINY, labelled: 0 })).rejects.toThrow('labelled must be an integer ≥ 1: got 0');
    await expect(trainedController({ ...TINY, steps: 1.5 })).rejects.toThrow('steps must be an integer ≥ 1: got 1.5');
    await expect(trainedController({ ...TINY, labelled: 423_620, heldOut: 5 })).rejects.toThrow('labelled + heldOut must be at most the 423624 table cells: got 423620 + 5');
  });
});

describe('NASBENCH101_CELL_VIEW', () => {
  // A 4-vertex cell in = conv3x3 → maxpool → out plus a skip in → out (valid, nothing to prune).
  const cell: Cell = {
    matrix: [
      [0, 1, 0, 1],
      [0, 0, 1, 0],
      [0, 0, 0, 1],
      [0, 0, 0, 0],
    ],
    ops: ['input', 'conv3x3-bn-relu', 'maxpool3x3', 'output'],
  };

  it('reads a sequence back as its cell, in token-column order', () => {
    const back = NASBENCH101_CELL_VIEW.cellOf(encodeCell(cell));
    expect(back).toEqual(cell);
    const attributes = NASBENCH101_CELL_VIEW.attributes(back!);
    expect([attributes.op1, attributes.op2, attributes.op3, attributes.depth, attributes.inputToOutput]).toEqual(['conv3x3-bn-relu', 'maxpool3x3', 'none', 3, true]); // depth: in → 3×3 → pool → out, 3 edges
  });

  it('gives null for a well-formed sequence that is not a valid cell (no input→output path)', () => {
    const noPath: Cell = { matrix: [[0, 1, 0], [0, 0, 0], [0, 0, 0]], ops: ['input', 'conv1x1-bn-relu', 'output'] };
    // encodeCell validates, so spell the tokens by hand: vertex 1: edge from 0, op conv1x1; vertex 2: no edges, output.
    const tokens = [2, 3, 1, 1, 6, ...new Array<number>(22).fill(0)];
    expect(tokens).toHaveLength(27);
    expect(NASBENCH101_CELL_VIEW.cellOf(tokens)).toBeNull();
    expect(() => encodeCell(noPath)).toThrow();
  });

  it('scores the primary attributes (no derived counts, params or FLOPs)', () => {
    expect(NASBENCH101_CELL_VIEW.attributeNames).toEqual(['op1', 'op2', 'op3', 'op4', 'op5', 'vertices', 'edges', 'depth', 'width', 'inputToOutput']);
  });
});

describe('trainedController on NAS-Bench-201', () => {
  /** TINY on the NAS-Bench-201 CIFAR-10 table: the same schedule, another problem. */
  const NB201_TINY: TrainedControllerOptions = { ...TINY, space: 'nb201' };

  it('draws table cells whose key, tokens and accuracy line up with the CIFAR-10 table', async () => {
    const csv = loadNasbench201Csv('cifar10');
    const trained = await trainedController<Nb201Cell>({ ...NB201_TINY, cache: false });
    expect([trained.train.cells.length, trained.heldOut.cells.length]).toEqual([40, 10]);
    expect(trained.train.hashes.filter((h) => trained.heldOut.hashes.includes(h))).toEqual([]);
    for (const part of [trained.heldOut, trained.train]) {
      part.cells.forEach((cell, i) => {
        expect(trained.problem.space.key(cell)).toBe(part.hashes[i]);
        expect(formatNb201Cell(cell)).toBe(part.hashes[i]); // the key is the official cell string
        expect(part.tokens[i]).toEqual(trained.problem.space.encode(cell));
        expect(part.tokens[i]).toHaveLength(6); // one token per edge
        expect(part.accuracy[i]).toBe(csv.records.get(part.hashes[i])!.searchAccuracy);
        expect(part.flopsM[i]).toBe(trained.problem.space.flopsM(cell));
      });
    }
    expect(trained.keyConfig.data).toEqual({ file: 'nasbench201/cifar10.csv', sha256: csv.sha256 });
    trained.controller.dispose();
  });

  it('keys a NAS-Bench-201 controller apart from the NAS-Bench-101 one of the same schedule', async () => {
    const nb101 = await trainedController({ ...TINY, cache: false });
    const nb201 = await trainedController({ ...NB201_TINY, cache: false });
    expect(nb201.key).toMatch(/^[0-9a-f]{16}$/);
    expect(nb201.key).not.toBe(nb101.key);
    expect(nb201.keyConfig.schedule).toEqual(nb101.keyConfig.schedule);
    nb101.controller.dispose();
    nb201.controller.dispose();
  });

  it('trains once, then a cache hit returns the same predictions', async () => {
    const options = { ...NB201_TINY, seed: 12 };
    const first = await trainedController<Nb201Cell>(options);
    const second = await trainedController<Nb201Cell>(options);
    expect([first.fromCache, second.fromCache]).toEqual([false, true]);
    expect(second.dir).toBe(join(cacheDir, 'controllers', first.key));
    expect(second.heldOut.hashes).toEqual(first.heldOut.hashes);
    const a = first.controller.encode(first.heldOut.tokens).mu;
    const b = second.controller.encode(second.heldOut.tokens).mu;
    expect(b).toEqual(a);
    expect(second.controller.predict(b).accuracy).toEqual(first.controller.predict(a).accuracy);
    expect(second.controller.decode(b)).toEqual(first.controller.decode(a));
    first.controller.dispose();
    second.controller.dispose();
  });

  it('is scored through the problem\'s view, every decode being a cell', async () => {
    const trained = await trainedController<Nb201Cell>({ ...NB201_TINY, cache: false });
    const scores = scoreController(trained.controller, trained.heldOut, trained.problem.view, { traversalBases: 2 });
    expect(scores.row.cells).toBe(10);
    expect(scores.row.validDecodes).toBe(1); // every NAS-Bench-201 sequence is a cell
    expect(scores.traversals).toHaveLength(2 * 4); // 2 bases × 4 factors
    expect(scores.traversals.every((t) => t.invalidSteps.length === 0 && t.steps.every((s) => s.cell !== null && s.cell.ops.length === 6))).toBe(true);
    expect(scores.concepts.map((c) => c.factor)).toEqual([0, 1, 2, 3]);
    trained.controller.dispose();
  });
});

describe('nasbench201CellView', () => {
  const view = nasbench201CellView();

  it('reads every one of the 5^6 six-token sequences as a cell, token e being the op of edge e', () => {
    let cells = 0;
    for (let code = 0; code < 5 ** 6; code++) {
      const tokens = Array.from({ length: 6 }, (_, e) => Math.floor(code / 5 ** e) % 5);
      const cell = view.cellOf(tokens);
      expect(cell?.ops).toEqual(tokens.map((t) => NB201_OPS[t]));
      cells++;
    }
    expect(cells).toBe(15_625);
    // degenerate cells included: all `none` cuts the output off, and is still a cell
    expect(view.cellOf([0, 0, 0, 0, 0, 0])).toEqual({ ops: ['none', 'none', 'none', 'none', 'none', 'none'] });
  });

  it('throws for a sequence of the wrong length rather than returning null', () => {
    expect(() => view.cellOf([0, 1, 2, 3, 4])).toThrow('a NAS-Bench-201 sequence has 6 tokens: got 5');
  });

  it('gives the attributes of nb201CellAttributes with the costs of its data set', () => {
    const cell: Nb201Cell = { ops: ['nor_conv_3x3', 'skip_connect', 'nor_conv_1x1', 'none', 'avg_pool_3x3', 'nor_conv_3x3'] };
    expect(view.attributes(cell)).toEqual(nb201CellAttributes(cell, 'cifar10'));
    const cifar100 = nasbench201CellView('cifar100').attributes(cell);
    expect(cifar100).toEqual(nb201CellAttributes(cell, 'cifar100'));
    // 100 classes instead of 10: a wider classifier, the same edges
    expect(cifar100.params).toBeGreaterThan(view.attributes(cell).params as number);
    expect(cifar100.e0to1).toBe('nor_conv_3x3');
  });

  it('scores the six edge ops only', () => {
    expect(view.attributeNames).toEqual(NB201_PRIMARY_ATTRIBUTE_NAMES);
    expect(view.attributeNames).toEqual(['e0to1', 'e0to2', 'e1to2', 'e0to3', 'e1to3', 'e2to3']);
  });
});

describe('trainedController on a pretrained latent space', () => {
  it('holds out only cells the pretraining held out, copies its encoder and, frozen, leaves it unchanged', async () => {
    const options: TrainedControllerOptions = { labelled: 60, heldOut: 20, steps: 4, batchSize: 20, seed: 3, space: 'nb201', cacheDir, progress: false, pretrained: { scale: 'smoke', encoder: 'frozen' } };
    const trained = await trainedController(options);
    const latent = await pretrainedLatentSpace({ space: 'nb201', scale: 'smoke', cacheDir, progress: false });
    const pool = new Set(latent.heldOut.map((c) => latent.space.key(c)));
    expect(trained.heldOut.hashes.every((k) => pool.has(k))).toBe(true);
    expect(trained.train.hashes.some((k) => trained.heldOut.hashes.includes(k))).toBe(false);
    expect(trained.controller.encode(trained.heldOut.tokens)).toEqual(latent.controller.encode(trained.heldOut.tokens));
    expect(trained.keyConfig.pretrained).toEqual({ key: latent.key, encoder: 'frozen', heldOutFrom: 'pretraining held-out split' });
    trained.controller.dispose();
    latent.controller.dispose();
  }, 120_000);
});
