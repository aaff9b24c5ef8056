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

  it('never falls back from a DNAS_DATA_DIR that lacks the file (misspelt or half-filled): an error naming it', () => {
    const l = layout();
    mkdirSync(l.env);
    put(l.project);
    put(l.shared);
    const attempt = (env: string): string => resolveDataFile(FILE, { root: l.root, env: { [DATA_DIR_ENV]: env } });
    expect(() => attempt(l.env)).toThrow(DataFileError);
    expect(() => attempt(l.env)).toThrow(`${FILE} not found; looked in: ${join(l.env, FILE)} (DNAS_DATA_DIR); DNAS_DATA_DIR is the only place looked when set: fix or unset it. See environment.md`);
    expect(() => attempt(`${l.env}-misspelt`)).toThrow(`${join(`${l.env}-misspelt`, FILE)} (DNAS_DATA_DIR)`);
    // unset (or empty), the default folders are looked in, in order
    expect(resolveDataFile(FILE, { root: l.root, env: { [DATA_DIR_ENV]: '' } })).toBe(join(l.project, FILE));
  });

  it('falls through <root>/datasets to the shared folder when no folder is named', () => {
    const l = layout();
    mkdirSync(l.project, { recursive: true });
    const expected = put(l.shared);
    expect(resolveDataFile(FILE, { root: l.root, env: {} })).toBe(expected);
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
    const attempt = (): string => resolveDataFile(FILE, { root: l.root, env: {} });
    expect(attempt).toThrow(DataFileError);
    expect(attempt).toThrow(`${FILE} not found; looked in: ${join(l.project, FILE)} (project datasets/); ${join(l.shared, FILE)} (shared datasets/). Set DNAS_DATA_DIR or see environment.md`);
  });
});
