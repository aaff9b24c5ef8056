import { describe, expect, it } from 'vitest';
import { searchDiagnostics } from '../../lib/analysis/search-diagnostics';
import type { SearchResult } from '../../lib/search/search';

const base = { algorithm: 'dnas', budget: 10, queried: 10, best: { key: 'a', searchAccuracy: 0.9 }, trajectory: [], accuracies: [], proposals: 10, outOfDomain: 0, repeats: 0 };

describe('searchDiagnostics', () => {
  it('averages origins, sums η, and reads the faithful search\'s dense counts and iteration scores', () => {
    const run = (latent: number, eta: Record<string, number>, draws: number, taus: number[]): SearchResult => ({
      ...base, queriedByOrigin: { initial: 4, latent, 'top-up': 6 - latent },
      diagnostics: {
        acceptedEta: eta,
        dense: { draws, fromRegion: draws - 3, fromEdge: 0, uniform: 50, duplicates: 1, invalidDecodes: 1, fallbacks: 1, uniformRepeats: 0 },
        iterations: taus.map((t, i) => ({ iteration: i, labelled: 4 + 3 * i, predictorKendallTau: t, exactReconstruction: 0.5 + i / 10, klNats: 2 })),
      },
    });
    const row = searchDiagnostics([run(2, { 3: 1, 10: 1 }, 10, [0.1, 0.3]), run(4, { 3: 2, 5: 2 }, 20, [0.2, 0.5])]);
    expect([row.initial, row.latentStep, row.topUp, row.denseRegion]).toEqual([4, 3, 3, 0]);
    expect(row.acceptedEta).toBe('3×3 5×2 10×1');
    expect([row.denseDraws, row.denseRegionCells, row.denseFallbacks]).toEqual([15, 12, 1]);
    expect(row.firstTau).toBeCloseTo(0.15, 12);
    expect(row.lastTau).toBeCloseTo(0.4, 12);
    expect(row.tauPath).toBe('4: 0.15, 7: 0.40');
    expect(row.reconstruction).toBeCloseTo(0.6, 12);
    expect(row.klNats).toBe(2);
  });
  it('maps the improved search\'s pool counts onto the same columns, and gives null where nothing is reported', () => {
    const improved: SearchResult = {
      ...base, algorithm: 'dnas-acq', queriedByOrigin: { initial: 4, latent: 3, dense: 3 },
      diagnostics: { acceptedEta: { 5: 3 }, pool: { latent: { codes: 9, invalid: 0, known: 5, duplicates: 1, candidates: 3 }, dense: { codes: 20, invalid: 2, known: 4, duplicates: 4, candidates: 10 } },
        rounds: [{ round: 0, labelled: 4, predictorKendallTau: 0.2, pool: 13 }], latentSpace: { exactReconstruction: 0.99, klNats: 15 } },
    };
    const row = searchDiagnostics([improved]);
    expect([row.denseDraws, row.denseRegionCells, row.denseDuplicates, row.denseInvalid, row.denseFallbacks]).toEqual([20, 10, 8, 2, 0]);
    expect([row.reconstruction, row.klNats, row.firstTau, row.lastTau]).toEqual([0.99, 15, 0.2, 0.2]);
    const plain = searchDiagnostics([{ ...base, algorithm: 'random', queriedByOrigin: { main: 10 } }]);
    expect([plain.acceptedEta, plain.denseDraws, plain.firstTau, plain.tauPath, plain.reconstruction]).toEqual([null, null, null, null, null]);
    expect(() => searchDiagnostics([])).toThrow('searchDiagnostics needs at least one run');
  });
});
