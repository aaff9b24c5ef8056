import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATA_DIR_ENV, dataCandidates, projectRoot, resolveDataFile } from '../../lib/benchmarks/data-folder';
import { DataFileError } from '../../lib/benchmarks/errors';
import { tempDir } from './fixtures';

const FILE = 'nasbench101/val-subset-30k.csv';

/** A fake layout: <base>/project (root with package.json), <base>/shared/datasets, <base>/env. */
function layout(): { root: string; shared: string; project: string; env: string } {
  const base = tempDir();
  const root = join(base, 'project');
  mkdirSync(root);
  writeFileSync(join(root, 'package.json'), '{}');
  return { root, project: join(root, 'datasets'), shared: join(base, 'shared', 'datasets'), env: join(base, 'env') };
}

function put(dir: string): string {
  mkdirSync(join(dir, 'nasbench101'), { recursive: true });
  writeFileSync(join(dir, FILE), 'x');
  return join(dir, FILE);
}

describe('projectRoot', () => {
  it('finds the folder holding package.json above a nested folder', () => {
    const { root } = layout();
    const nested = join(root, 'lib', 'benchmarks');
    mkdirSync(nested, { recursive: true });
    expect(projectRoot(nested)).toBe(root);
  });

  it('finds this repository from lib/, whatever the working folder', () => {
    expect(projectRoot()).toBe(join(__dirname, '..', '..'));
  });
});

describe('resolveDataFile', () => {
  it('prefers DNAS_DATA_DIR over the project and shared folders', () => {
    const l = layout();
    put(l.project);
    put(l.shared);
    const expected = put(l.env);
    expect(resolveDataFile(FILE, { root: l.root, env: { [DATA_DIR_ENV]: l.env } })).toBe(expected);
  });

  it('falls through an env folder that lacks the file to <root>/datasets', () => {
    // A half-filled DNAS_DATA_DIR must not hide a complete project folder.
    const l = layout();
    mkdirSync(l.env);
    const expected = put(l.project);
    put(l.shared);
    expect(resolveDataFile(FILE, { root: l.root, env: { [DATA_DIR_ENV]: l.env } })).toBe(expected);
  });

  it('uses <root>/../shared/datasets last', () => {
    const l = layout();
    const expected = put(l.shared);
    expect(resolveDataFile(FILE, { root: l.root, env: {} })).toBe(expected);
  });

  it('reads the real process.env when no env is passed', () => {
    const l = layout();
    const expected = put(l.env);
    const before = process.env[DATA_DIR_ENV];
    process.env[DATA_DIR_ENV] = l.env;
    try {
      expect(resolveDataFile(FILE, { root: l.root })).toBe(expected);
    } finally {
      if (before === undefined) delete process.env[DATA_DIR_ENV];
      else process.env[DATA_DIR_ENV] = before;
    }
  });

  it('looks only in an explicit dataDir', () => {
    const l = layout();
    put(l.shared);
    expect(dataCandidates({ dataDir: l.env, root: l.root, env: {} })).toEqual([{ dir: l.env, source: 'dataDir option' }]);
    expect(() => resolveDataFile(FILE, { dataDir: l.env, root: l.root, env: {} })).toThrow(DataFileError);
  });

  it('names the file, every place looked and the way out when nothing holds the file', () => {
    const l = layout();
    const attempt = (): string => resolveDataFile(FILE, { root: l.root, env: { [DATA_DIR_ENV]: l.env } });
    expect(attempt).toThrow(DataFileError);
    expect(attempt).toThrow(`${FILE} not found; looked in: ${join(l.env, FILE)} (DNAS_DATA_DIR); ${join(l.project, FILE)} (project datasets/); ${join(l.shared, FILE)} (shared datasets/). Set DNAS_DATA_DIR or see environment.md`);
  });
});
