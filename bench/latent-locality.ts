// How far a step in the pretrained NAS-Bench-101 latent space moves a cell, in the units the
// improved DNAS (dnas-acq) steps in: from uniform cells, steps of η posterior spreads along random
// directions on the active units; how often the decode is another cell, and how much its test
// accuracy differs, beside a one-edit mutation and a random pair. The evidence behind
// LATENT_ACQUISITION_DEFAULTS.stepSizes. A measurement, not a timing; needs the default model
// (cached in .cache/latent/, or pretrained on first use).
import { initBackend } from '../lib/backend';
import { loadProblem } from '../lib/experiments/problems';
import { pretrainedLatentSpace } from '../lib/experiments/pretrained-latent';
import { Rng } from '../lib/random';
import { INACTIVE_SPREAD } from '../lib/search/latent-acquisition';

const CELLS = 300;
const STEPS = [2, 5, 10, 20, 40];

export async function benchLatentLocality(): Promise<Record<string, unknown>> {
  await initBackend({ quiet: true });
  const problem = await loadProblem('nb101');
  const latent = await pretrainedLatentSpace({ space: 'nb101' });
  const { space } = problem;
  const controller = latent.controller;
  const rng = new Rng('latent-locality');
  const cells = Array.from({ length: CELLS }, () => space.sampleUniform(rng));
  const accuracy = (cell: unknown) => problem.tableEntry(space.key(cell)).record.searchAccuracy;
  const { mu, logVar } = controller.encode(cells.map((c) => space.encode(c)));
  const sigma = logVar!.map((row) => row.map((v) => Math.exp(v / 2)));
  const directions = mu.map((row, i) => {
    const g = row.map((_, d) => (sigma[i][d] < INACTIVE_SPREAD ? rng.normal() : 0));
    const norm = Math.hypot(...g);
    return g.map((v) => v / norm);
  });
  const steps = STEPS.map((eta) => {
    const decoded = controller.decode(mu.map((row, i) => row.map((v, d) => v + eta * sigma[i][d] * directions[i][d])));
    const moved = decoded.map((tokens, i) => ({ cell: space.decode(tokens), from: cells[i] })).filter((m) => m.cell !== null && space.key(m.cell) !== space.key(m.from));
    return { eta, changedShare: moved.length / CELLS, meanAbsAccuracyChange: mean(moved.map((m) => Math.abs(accuracy(m.cell) - accuracy(m.from)))) };
  });
  const mutation = mean(cells.map((c) => Math.abs(accuracy(space.mutate(c, rng)) - accuracy(c))));
  const randomPair = mean(cells.map((c, i) => Math.abs(accuracy(cells[(i + 1) % CELLS]) - accuracy(c))));
  controller.dispose();
  return { model: latent.key, cells: CELLS, unit: 'posterior spreads σ on active units (σ < INACTIVE_SPREAD)', steps, oneEditMutation: { meanAbsAccuracyChange: mutation }, randomPair: { meanAbsAccuracyChange: randomPair } };
}

function mean(values: readonly number[]): number {
  return values.length === 0 ? NaN : values.reduce((a, b) => a + b, 0) / values.length;
}
