// Fault injection: controller pretraining (`dnas controller pretrain`, the latent spaces the
// improved DNAS and the notebooks use) killed with SIGKILL at seeded random points — before its
// first checkpoint and after one — then rerun. The rerun takes over the dead trainer's lock at once,
// resumes from the last checkpoint and saves the very weights an uninterrupted run saves.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../lib/random';
import { dnasChild, dnasSync, finished, tempFolder } from './helpers';

// 1,100 steps: checkpoints at 500 and 1,000 (pretrained-latent.ts checkpoints every 500 steps).
const ARGS = ['controller', 'pretrain', '--space', 'nb201', '--scale', 'smoke', '--steps', '1100'];

/** The one latent model folder of a cache, its weights and its held-out scores. */
function saved(cache: string): { weights: Buffer; scores: Record<string, unknown> } {
  const latent = join(cache, 'latent');
  const [key] = readdirSync(latent).filter((f) => !f.includes('.'));
  const record = JSON.parse(readFileSync(join(latent, key, 'pretrain.json'), 'utf8')) as { scores: Record<string, unknown> };
  return { weights: readFileSync(join(latent, key, 'weights.bin')), scores: record.scores };
}

/** Resolves once a checkpoint folder exists in the cache (or the child ended). */
async function firstCheckpoint(cache: string, ended: () => boolean): Promise<void> {
  const latent = join(cache, 'latent');
  while (!ended()) {
    if (existsSync(latent) && readdirSync(latent).some((f) => f.endsWith('.partial') && existsSync(join(latent, f, 'checkpoint')))) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('kill -9 at random points of a controller pretraining, then resume', () => {
  const reference = tempFolder('pretrain-reference');
  const uninterrupted = dnasSync(ARGS, { DNAS_CACHE_DIR: reference });
  const rng = new Rng('kill-pretrain');
  // [wait for the first checkpoint?, extra delay ms]: one point before any checkpoint, two after one.
  const points: [boolean, number][] = [[false, Math.round(rng.fork('p0').uniformIn(300, 1_500))], [true, Math.round(rng.fork('p1').uniformIn(0, 800))], [true, Math.round(rng.fork('p2').uniformIn(0, 800))]];

  it.each(points.map(([afterCheckpoint, ms], i) => [i, afterCheckpoint ? 'after the first checkpoint' : 'after start', ms, afterCheckpoint] as const))('point %i (SIGKILL %s + %i ms): the rerun saves the uninterrupted run\'s weights', async (_i, _when, ms, afterCheckpoint) => {
    expect(uninterrupted.status, uninterrupted.stderr).toBe(0);
    const cache = tempFolder('pretrain-killed');
    const child = dnasChild(ARGS, { DNAS_CACHE_DIR: cache });
    let done = false;
    const ended = finished(child).then((r) => ((done = true), r));
    if (afterCheckpoint) await firstCheckpoint(cache, () => done);
    await new Promise((resolve) => setTimeout(resolve, ms));
    child.kill('SIGKILL');
    await ended;
    const rerun = dnasSync(ARGS, { DNAS_CACHE_DIR: cache });
    expect(rerun.status, rerun.stderr).toBe(0);
    // (a dead trainer's lock left behind would have refused the rerun: exit 1, naming its pid)
    const [a, b] = [saved(reference), saved(cache)];
    expect(b.weights.equals(a.weights)).toBe(true);
    expect(b.scores).toEqual(a.scores);
    // no checkpoint folder, lock or owner file is left
    expect(readdirSync(join(cache, 'latent')).filter((f) => f.endsWith('.partial'))).toEqual([]);
  }, 240_000);
});
