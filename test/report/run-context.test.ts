// Tests for lib/report/run-context.ts: run folders, config hashes, manifests and their validation.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clearCurrentRun, configHash, currentRun, makeRunId, startRun, RUN_ENV } from '../../lib/report/run-context';

let resultsDir: string;
const START = new Date('2025-03-04T05:06:07.890Z');

/** A clock that returns START, then START + stepMs, … so wall times are exact. */
function steppingClock(stepMs: number): () => Date {
  let calls = 0;
  return () => new Date(START.getTime() + stepMs * calls++);
}

function readJson(file: string): any {
  return JSON.parse(readFileSync(file, 'utf8'));
}

beforeEach(() => {
  resultsDir = mkdtempSync(path.join(tmpdir(), 'dnas-run-test-'));
  clearCurrentRun();
});
afterEach(() => {
  rmSync(resultsDir, { recursive: true, force: true });
  for (const key of Object.values(RUN_ENV)) delete process.env[key];
});

describe('configHash', () => {
  it('ignores key order, so equal configs share a run id suffix', () => {
    expect(configHash({ a: 1, b: { c: [1, 2], d: 'x' } })).toBe(configHash({ b: { d: 'x', c: [1, 2] }, a: 1 }));
  });

  it('differs when a value differs', () => {
    expect(configHash({ beta: 0.005 })).not.toBe(configHash({ beta: 0.05 }));
  });

  it('is 8 hex digits and stable across runs', () => {
    // Pinned: a change here silently renames every run folder.
    expect(configHash({})).toBe('44136fa3');
  });

  it('throws on values JSON cannot hold', () => {
    expect(() => configHash({ lr: Number.NaN })).toThrow(/config is not JSON: got number NaN/);
  });
});

describe('makeRunId', () => {
  it('is a compact UTC timestamp followed by the hash', () => {
    expect(makeRunId(START, 'abcd1234')).toBe('20250304T050607Z-abcd1234');
  });
});

describe('startRun', () => {
  it('creates results/<notebook>/<runId>/ with config.json and a manifest', () => {
    const run = startRun({ notebook: 'fig-test', scale: 'smoke', seed: 3, config: { beta: 0.005 }, resultsDir, clock: steppingClock(0) });
    expect(run.runId).toBe(`20250304T050607Z-${configHash({ beta: 0.005 })}`);
    expect(run.dir).toBe(path.join(resultsDir, 'fig-test', run.runId));
    expect(readJson(path.join(run.dir, 'config.json'))).toEqual({ beta: 0.005 });
    const manifest = readJson(path.join(run.dir, 'manifest.json'));
    expect(manifest).toMatchObject({ notebook: 'fig-test', scale: 'smoke', seed: 3, startedAt: START.toISOString(), finishedAt: null, backend: null });
    expect(manifest.node).toBe(process.version);
    expect(manifest.packages['plotly.js-dist-min']).toBe('3.1.2');
  });

  it('takes notebook, scale and results folder from the runner environment', () => {
    process.env[RUN_ENV.notebook] = 'from-env';
    process.env[RUN_ENV.scale] = 'full';
    process.env[RUN_ENV.resultsDir] = resultsDir;
    const run = startRun({ seed: 1 });
    expect(run.manifest.scale).toBe('full');
    expect(run.dir.startsWith(path.join(resultsDir, 'from-env') + path.sep)).toBe(true);
  });

  it('becomes the current run', () => {
    const run = startRun({ notebook: 'nb', scale: 'smoke', seed: 1, resultsDir });
    expect(currentRun()).toBe(run);
  });

  it('reuses a given run id when the config matches', () => {
    const first = startRun({ notebook: 'nb', scale: 'smoke', seed: 1, config: { k: 2 }, runId: 'resume-me', resultsDir });
    const again = startRun({ notebook: 'nb', scale: 'smoke', seed: 1, config: { k: 2 }, runId: 'resume-me', resultsDir });
    expect(again.dir).toBe(first.dir);
  });

  it('refuses to reuse a run folder that holds another config', () => {
    startRun({ notebook: 'nb', scale: 'smoke', seed: 1, config: { k: 2 }, runId: 'resume-me', resultsDir });
    expect(() => startRun({ notebook: 'nb', scale: 'smoke', seed: 1, config: { k: 3 }, runId: 'resume-me', resultsDir })).toThrow(
      /run resume-me exists with a different config/,
    );
  });

  it('throws without a notebook name', () => {
    expect(() => startRun({ scale: 'smoke', seed: 1, resultsDir })).toThrow(/notebook name missing/);
  });

  it('throws on a notebook name that is a path or keeps .ipynb', () => {
    expect(() => startRun({ notebook: '../x', scale: 'smoke', seed: 1, resultsDir })).toThrow(/plain file name without .ipynb: got '..\/x'/);
  });

  it('throws on a scale other than smoke or full', () => {
    expect(() => startRun({ notebook: 'nb', scale: 'huge', seed: 1, resultsDir })).toThrow(/scale must be one of smoke, full: got 'huge'/);
  });

  it('throws on a run id with path characters', () => {
    expect(() => startRun({ notebook: 'nb', scale: 'smoke', seed: 1, runId: 'a/b', resultsDir })).toThrow(/runId must be/);
  });
});

describe('RunContext', () => {
  it('path() names files inside the run folder and creates their parents', () => {
    const run = startRun({ notebook: 'nb', scale: 'smoke', seed: 1, resultsDir });
    const file = run.path('figures/a.json');
    expect(file).toBe(path.join(run.dir, 'figures', 'a.json'));
    expect(existsSync(path.dirname(file))).toBe(true);
  });

  it('path() refuses to leave the run folder', () => {
    const run = startRun({ notebook: 'nb', scale: 'smoke', seed: 1, resultsDir });
    expect(() => run.path('../other/x.json')).toThrow(/inside the run folder: got '..\/other\/x.json'/);
  });

  it('finish() records the end, the wall time and the backend the caller set', () => {
    const run = startRun({ notebook: 'nb', scale: 'smoke', seed: 1, resultsDir, clock: steppingClock(2500) });
    run.backend = 'wasm';
    run.finish();
    const manifest = readJson(path.join(run.dir, 'manifest.json'));
    expect(manifest).toMatchObject({ backend: 'wasm', wallSeconds: 2.5, finishedAt: '2025-03-04T05:06:10.390Z' });
  });

  it('finish() twice throws', () => {
    const run = startRun({ notebook: 'nb', scale: 'smoke', seed: 1, resultsDir });
    run.finish();
    expect(() => run.finish()).toThrow(/already finished/);
  });
});
