// Fault injection, issue 19 cases 4 and 8: experiment names that are paths, and `dnas search`
// arguments that are malformed or out of range. Each is refused before anything is written, with
// the value and the limit named; malformed arguments exit 2 with the usage text, like every other.
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dnasSync, tempFolder } from './helpers';

const search = (args: string[], results: string) => dnasSync(['search', '--space', 'nb201', '--algo', 'random', '--workers', '0', ...args], { DNAS_RESULTS_DIR: results });

describe('case 4: an experiment name that is a path', () => {
  it('is refused for .., ., a hidden name and a separator, and nothing is written in or outside the results folder', () => {
    const base = tempFolder('names');
    const results = join(base, 'results');
    for (const name of ['..', '.', '.hidden', 'a/b', '../escape']) {
      const run = search(['--budget', '3', '--seeds', '0', '--experiment', name], results);
      expect(run.status, name).toBe(1);
      expect(run.stderr, name).toContain(`experiment must be letters, digits, '.', '_' or '-', not starting with '.' (one folder name, never a path, '.' or '..'): got ${JSON.stringify(name)}`);
    }
    expect(readdirSync(base)).toEqual([]);
    expect(existsSync(join(dirname(base), 'escape'))).toBe(false);
  }, 60_000);

  it('is refused by the results store too (dnas results show ..)', () => {
    const results = tempFolder('store');
    const run = dnasSync(['results', 'show', '..', '--results', results]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('experiment must be letters, digits');
  });
});

describe('case 8: malformed or out-of-range search arguments', () => {
  const results = join(tempFolder('args'), 'results');
  it.each([
    [['--budget', '-5', '--seeds', '0'], '--budget must be an integer ≥ 1: got "-5"'],
    [['--budget', '0x10', '--seeds', '0'], '--budget must be an integer ≥ 1: got "0x10"'],
    [['--budget', '1e1', '--seeds', '0'], '--budget must be an integer ≥ 1: got "1e1"'],
    [['--budget', '3', '--seeds', '0', '--workers', 'abc'], '--workers must be an integer ≥ 0: got "abc"'],
    [['--budget', '3', '--seeds', 'x-1'], "--seeds must be A-B or A with non-negative integers: got 'x-1'"],
    [['--budget', '3', '--seeds', '5-2'], "--seeds range is empty: got '5-2' (2 < 5)"],
    [['--budget', '3', '--seeds', '0-99999999999'], "--seeds range holds 100000000000 seeds: got '0-99999999999' (max 10000 per call)"],
  ])('%j exits 2 with the usage and the value named', (args, message) => {
    const run = search(args, results);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`dnas: ${message}`);
    expect(run.stderr).toContain('usage:');
    expect(existsSync(results)).toBe(false);
  });

  it('a budget over the table size is refused before any folder is made (exit 1, the limit named)', () => {
    const run = search(['--budget', '15626', '--seeds', '0'], results);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("budget must be at most the 15625 cells of nb201's table (distinct cells): got 15626");
    expect(existsSync(results)).toBe(false);
  });

  it('the usage text names every registered search space and algorithm', async () => {
    const usage = dnasSync(['help']).stderr;
    const { ALGORITHMS } = await import('../../lib/search/algorithms');
    const { PROBLEM_NAMES } = await import('../../lib/experiments/problems');
    const algos = /--algo ([\w|-]+)/.exec(usage)![1].split('|');
    const spaces = /--space ([\w|-]+)/.exec(usage.slice(usage.indexOf('dnas search')))![1].split('|');
    expect(new Set(algos)).toEqual(new Set(Object.keys(ALGORITHMS)));
    expect(new Set(spaces)).toEqual(new Set(PROBLEM_NAMES));
    expect(usage).toContain('dnas results ls');
  });
});
