// Tests of the β-sweep table: mean and sample std per (variant, β), nulls kept apart, the wide
// per-attribute table, and the verdict on whether MIG rises with β (both answers reachable).
import { describe, expect, it } from 'vitest';
import { attributeGapColumns, attributeGapTable, summariseSweep, sweepVerdict, type SweepRun } from '../../lib/analysis/beta-sweep';
import { latentSpread } from '../../lib/analysis/latent-spread';

const run = (beta: number, seed: number, mig: number | null, variant = 'β-VAE'): SweepRun => ({
  variant, beta, seed, scores: { mig, migShuffled: 0.001, exact: 0.5, klNats: 10 }, attributeGaps: [{ attribute: 'op1', gap: mig ?? 0, shuffledGap: 0.001 }],
});

describe('summariseSweep', () => {
  it('gives the mean and the sample std over seeds per (variant, β), in first-seen order', () => {
    const rows = summariseSweep([run(0, 0, 0.1), run(0, 1, 0.3), run(1, 0, 0.5), run(1, 0, 0.2, 'capacity')], ['mig']);
    expect(rows.map((r) => [r.variant, r.beta, r.seeds])).toEqual([['β-VAE', 0, 2], ['β-VAE', 1, 1], ['capacity', 1, 1]]);
    expect(rows[0].mig).toBeCloseTo(0.2, 12);
    expect(rows[0].migStd).toBeCloseTo(Math.SQRT2 * 0.1, 12);
    expect(rows[1].migStd).toBe(0);
  });

  it('averages only the defined values and gives null when none is', () => {
    const rows = summariseSweep([run(0, 0, null), run(0, 1, 0.4), run(2, 0, null)], ['mig']);
    expect(rows[0].mig).toBeCloseTo(0.4, 12);
    expect(rows[1].mig).toBeNull();
  });

  it('rejects an empty sweep', () => {
    expect(() => summariseSweep([], ['mig'])).toThrow('summariseSweep needs at least one run: got 0');
  });
});

describe('sweepVerdict', () => {
  it('says MIG rises when the best β is larger and the gain exceeds twice the std', () => {
    const rows = summariseSweep([run(0, 0, 0.10), run(0, 1, 0.11), run(4, 0, 0.30), run(4, 1, 0.31)], ['mig', 'migShuffled', 'exact', 'klNats']);
    const verdict = sweepVerdict(rows);
    expect(verdict.migRises).toBe(true);
    expect(verdict.mig).toContain('MIG rises with β');
    expect(verdict.mig).toContain('at β = 4');
  });

  it('says it does not when the gain is within the seeds\' spread, or the best β is the smallest', () => {
    const noisy = summariseSweep([run(0, 0, 0.1), run(0, 1, 0.3), run(4, 0, 0.25), run(4, 1, 0.26)], ['mig', 'migShuffled', 'exact', 'klNats']);
    expect(sweepVerdict(noisy).migRises).toBe(false);
    const falling = summariseSweep([run(0, 0, 0.3), run(4, 0, 0.1)], ['mig', 'migShuffled', 'exact', 'klNats']);
    expect(sweepVerdict(falling).migRises).toBe(false);
    expect(sweepVerdict(falling).mig).toContain('does not rise clearly');
  });

  it('lists the other variants and the wide per-attribute table', () => {
    const runs = [run(0, 0, 0.1), run(1, 0, 0.2, 'capacity C→25')];
    const rows = summariseSweep(runs, ['mig', 'migShuffled', 'exact', 'klNats']);
    expect(sweepVerdict(rows).variants).toHaveLength(1);
    expect(attributeGapColumns(attributeGapTable(runs), rows)).toEqual([{ attribute: 'op1', 'β=0': '0.100 ± 0.000 (shuffled 0.001)', 'capacity C→25 β=1': '0.200 ± 0.000 (shuffled 0.001)' }]);
  });
});

describe('latentSpread', () => {
  it('is √(Var μ + mean σ²), the aggregate posterior\'s std', () => {
    // μ = ±1 (variance 1), σ² = 3 everywhere: spread 2; without log σ²: 1.
    const mu = [[1, 0], [-1, 0]];
    const logVar = [[Math.log(3), 0], [Math.log(3), 0]];
    const spread = latentSpread(mu, logVar);
    expect(spread[0]).toBeCloseTo(2, 12);
    expect(spread[1]).toBeCloseTo(1, 12);
    expect(latentSpread(mu, null)[0]).toBeCloseTo(1, 12);
  });

  it('rejects fewer than 2 cells and non-finite values', () => {
    expect(() => latentSpread([[0]], null)).toThrow('latentSpread needs at least 2 cells: got 1');
    expect(() => latentSpread([[0], [NaN]], null)).toThrow('cell 1, factor 0: need 1 finite values');
  });
});
