// Fault injection, issue 19 case 7: state files (config.json, result.json) that are empty or cut.
// A reader names the file and carries on with the rest; a search names the file and the way out.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listResults, loadSearchRuns } from '../../lib/report/results-store';
import { dnasSync, tempFolder } from './helpers';

/** Two small finished experiments in a fresh results folder. */
function twoExperiments(): string {
  const results = tempFolder('state');
  for (const experiment of ['first', 'second']) {
    const run = dnasSync(['search', '--space', 'nb201', '--algo', 'random', '--budget', '4', '--seeds', '0-2', '--workers', '0', '--experiment', experiment], { DNAS_RESULTS_DIR: results });
    expect(run.status, run.stderr).toBe(0);
  }
  return results;
}

const seedFile = (results: string, experiment: string, seed: number, file: string) => join(results, experiment, 'random-4', `seed-${seed}`, file);

describe('case 7: an empty or truncated config.json / result.json', () => {
  it('dnas results ls lists every experiment and names the corrupt files; show loads the other seeds', () => {
    const results = twoExperiments();
    const config = seedFile(results, 'first', 0, 'config.json');
    writeFileSync(config, readFileSync(config, 'utf8').slice(0, 40));
    const result = seedFile(results, 'first', 1, 'result.json');
    writeFileSync(result, '');
    const ls = dnasSync(['results', 'ls', '--results', results]);
    expect(ls.status, ls.stderr).toBe(0);
    const listing = JSON.parse(ls.stdout) as { experiments: { name: string; configs: { seeds: number; corrupt: number; space: string }[] }[]; corrupt: { file: string; reason: string }[] };
    expect(listing.experiments.map((e) => e.name)).toEqual(['first', 'second']);
    expect(listing.experiments[0].configs[0]).toMatchObject({ seeds: 2, corrupt: 1, space: 'nb201' });
    expect(listing.experiments[1].configs[0]).toMatchObject({ seeds: 3, corrupt: 0 });
    expect(listing.corrupt).toEqual([
      { file: result, reason: 'empty file' },
      { file: config, reason: expect.stringMatching(/^malformed JSON \(/) },
    ]);
    const runs = loadSearchRuns('first', { resultsDir: results });
    expect(runs.runs.numRows()).toBe(2);
    expect(runs.unfinished).toEqual([expect.objectContaining({ seed: 1, reason: `corrupt: ${result}: empty file` })]);
    expect(listResults(results).corrupt).toHaveLength(2);
  }, 60_000);

  it('dnas search names the corrupt file and the way out instead of "Unexpected end of JSON input"', () => {
    const results = twoExperiments();
    const config = seedFile(results, 'second', 2, 'config.json');
    writeFileSync(config, '{"space": "nb2');
    const run = dnasSync(['search', '--space', 'nb201', '--algo', 'random', '--budget', '4', '--seeds', '0-2', '--workers', '0', '--experiment', 'second'], { DNAS_RESULTS_DIR: results });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`${config}: malformed JSON (`);
    expect(run.stderr).toContain(`the seed cannot be trusted: delete its folder ${join(results, 'second', 'random-4', 'seed-2')} to run it again`);
    // the other seeds are untouched and still finished
    expect(JSON.parse(readFileSync(seedFile(results, 'second', 0, 'result.json'), 'utf8')).queried).toBe(4);
  }, 60_000);
});
