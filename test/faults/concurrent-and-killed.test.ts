// Fault injection, issue 19 case 1 and the kill -9 points: two runs started on the same seed folders,
// a second writer meeting a held lock, searches killed with SIGKILL at seeded random moments then
// resumed, and (case 9) one killed after a search-state checkpoint, resumed from it. Nothing may
// interleave, and every seed must end with exactly the files an uninterrupted run writes
// (result.json byte for byte, query log rows but their timing column).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lockFolder, LOCK_DIR, LOCK_OWNER_FILE } from '../../lib/folder-lock';
import { Rng } from '../../lib/random';
import { dnasChild, dnasSync, finished, logRows, tempFolder } from './helpers';

const SEEDS = 6;
const ARGS = ['search', '--space', 'nb201', '--algo', 'bananas', '--budget', '60', '--seeds', `0-${SEEDS - 1}`, '--workers', '1'];
const seedDir = (results: string, seed: number) => join(results, 'search', 'bananas-60', `seed-${seed}`);

/** Every seed's result.json and query log rows of an uninterrupted run, made once. */
const reference = (() => {
  let made: { results: string; files: { result: string; log: string[] }[] } | null = null;
  return () => {
    if (made !== null) return made;
    const results = tempFolder('reference');
    const run = dnasSync(ARGS, { DNAS_RESULTS_DIR: results });
    expect(run.status, run.stderr).toBe(0);
    made = { results, files: Array.from({ length: SEEDS }, (_, k) => ({ result: readFileSync(join(seedDir(results, k), 'result.json'), 'utf8'), log: logRows(seedDir(results, k)) })) };
    return made;
  };
})();

/** Every seed folder holds what the uninterrupted run wrote, and nothing else is left (no plain log, lock or temp file). */
function expectSameAsReference(results: string): void {
  const ref = reference();
  for (let k = 0; k < SEEDS; k++) {
    const dir = seedDir(results, k);
    expect(readFileSync(join(dir, 'result.json'), 'utf8'), `seed ${k}`).toBe(ref.files[k].result);
    expect(logRows(dir), `seed ${k}`).toEqual(ref.files[k].log);
    expect(readdirSync(dir).sort(), `seed ${k}`).toEqual(['config.json', 'manifest.json', 'query-log.csv.gz', 'result.json']);
  }
}

describe('case 1: two identical searches on the same results folder', () => {
  it('never interleave: the second is refused naming the holder, or finds the seeds finished; every log is intact', async () => {
    const results = tempFolder('concurrent');
    const [a, b] = await Promise.all([finished(dnasChild(ARGS, { DNAS_RESULTS_DIR: results })), finished(dnasChild(ARGS, { DNAS_RESULTS_DIR: results }))]);
    const outcomes = [a, b];
    expect(outcomes.some((o) => o.status === 0)).toBe(true);
    for (const o of outcomes.filter((x) => x.status !== 0)) {
      expect(o.status).toBe(1);
      expect(o.stderr).toMatch(new RegExp(`is locked by pid \\d+ on host ${hostname().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} since .* \\(nb201 bananas-60 seed \\d\\)`));
    }
    // the refused run, started again once the first is done, reuses every seed
    const again = dnasSync(ARGS, { DNAS_RESULTS_DIR: results });
    expect(again.status, again.stderr).toBe(0);
    expect((JSON.parse(again.stdout) as { perSeed: { skipped: boolean }[] }).perSeed.every((s) => s.skipped)).toBe(true);
    expectSameAsReference(results);
  }, 180_000);

  it('a seed folder locked by a live process is refused with its pid, host and purpose; free again once released', async () => {
    const results = tempFolder('held');
    const held = await lockFolder(seedDir(results, 0), 'a test holding seed 0');
    try {
      const run = dnasSync(ARGS, { DNAS_RESULTS_DIR: results });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(`${seedDir(results, 0)} is locked by pid ${process.pid} on host ${hostname()} since ${held.owner.since} (a test holding seed 0)`);
      expect(existsSync(join(seedDir(results, 0), 'config.json'))).toBe(false);
    } finally {
      await held.release();
    }
    expect(existsSync(join(seedDir(results, 0), LOCK_DIR))).toBe(false);
    expect(existsSync(join(seedDir(results, 0), LOCK_OWNER_FILE))).toBe(false);
    const run = dnasSync(ARGS, { DNAS_RESULTS_DIR: results });
    expect(run.status, run.stderr).toBe(0);
    expectSameAsReference(results);
  }, 120_000);
});

describe('kill -9 at random points of a search, then resume', () => {
  // Seeded kill times: the same points on every run of the suite.
  const points = Array.from({ length: 3 }, (_, i) => Math.round(new Rng('kill-search').fork(`point-${i}`).uniformIn(1_500, 5_000)));

  it.each(points.map((ms, i) => [i, ms]))('point %i (SIGKILL after %i ms): the rerun takes over the dead run\'s locks at once and ends as an uninterrupted run', async (_i, ms) => {
    reference();
    const results = tempFolder('killed');
    const child = dnasChild(ARGS, { DNAS_RESULTS_DIR: results });
    const ended = finished(child);
    await new Promise((resolve) => setTimeout(resolve, ms));
    child.kill('SIGKILL');
    const killed = await ended;
    const started = Date.now();
    const rerun = dnasSync(ARGS, { DNAS_RESULTS_DIR: results });
    expect(rerun.status, rerun.stderr).toBe(0);
    // no wait for a stale lock: the holder's death on this host is seen at once
    expect(Date.now() - started).toBeLessThan(60_000);
    expectSameAsReference(results);
    expect(killed.signal === 'SIGKILL' || killed.status === 0).toBe(true);
  }, 180_000);
});

describe('case 9: kill -9 after a search-state checkpoint', () => {
  it('the rerun resumes from the checkpoint instead of replaying every query, and ends as an uninterrupted run', async () => {
    const args = ['search', '--space', 'nb201', '--algo', 'bananas', '--budget', '150', '--seeds', '0', '--workers', '1'];
    const dir = (results: string) => join(results, 'search', 'bananas-150', 'seed-0');
    const reference = tempFolder('checkpoint-reference');
    expect(dnasSync(args, { DNAS_RESULTS_DIR: reference }).status).toBe(0);
    const results = tempFolder('checkpoint-killed');
    const child = dnasChild(args, { DNAS_RESULTS_DIR: results });
    let done = false;
    const ended = finished(child).then((r) => ((done = true), r));
    // Kill once a checkpoint standing for at least 60 queried cells is on disk.
    const queried = (): number => {
      try {
        return (JSON.parse(readFileSync(join(dir(results), 'checkpoint.json'), 'utf8')) as { queried: unknown[] }).queried.length;
      } catch {
        return 0;
      }
    };
    while (!done && queried() < 60) await new Promise((resolve) => setTimeout(resolve, 20));
    const atKill = queried();
    child.kill('SIGKILL');
    await ended;
    expect(atKill, 'the search ended before a checkpoint of 60 cells was seen').toBeGreaterThanOrEqual(60);
    const rerun = dnasSync(args, { DNAS_RESULTS_DIR: results });
    expect(rerun.status, rerun.stderr).toBe(0);
    const seed = (JSON.parse(rerun.stdout) as { perSeed: { resumedQueries: number; replayedRows: number }[] }).perSeed[0];
    expect(seed.resumedQueries).toBeGreaterThanOrEqual(atKill);
    expect(readFileSync(join(dir(results), 'result.json'), 'utf8')).toBe(readFileSync(join(dir(reference), 'result.json'), 'utf8'));
    expect(logRows(dir(results))).toEqual(logRows(dir(reference)));
    expect(readdirSync(dir(results)).sort()).toEqual(['config.json', 'manifest.json', 'query-log.csv.gz', 'result.json']);
  }, 180_000);
});
