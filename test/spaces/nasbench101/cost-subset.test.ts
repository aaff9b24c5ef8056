// Checks networkParams against the stored parameter count of all 30,001 cells of
// val-subset-30k.csv, recovering each cell from the enumerated space by its hash.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { networkParams } from '../../../lib/spaces/nasbench101/cost';
import { loadNasbench101Space } from '../../../lib/spaces/nasbench101/space';
import { NB101_DATA } from '../../real-data';

const CSV = join(NB101_DATA, 'val-subset-30k.csv');

describe('networkParams on val-subset-30k', () => {
  it('equals the stored params of all 30,001 cells, recovered from the space by hash', { timeout: 300_000 }, async () => {
    const space = await loadNasbench101Space({ quiet: true });
    const lines = readFileSync(CSV, 'utf8').trim().split(/\r?\n/).slice(1);
    expect(lines).toHaveLength(30_001);
    const wrong: string[] = [];
    for (const line of lines) {
      const [hash, , , , , , params] = line.split(',');
      const index = space.indexOfHash(hash);
      expect(index, `hash ${hash} not in the space`).toBeGreaterThanOrEqual(0);
      if (networkParams(space.cellAt(index)) !== Number(params)) wrong.push(hash);
    }
    expect(wrong).toEqual([]);
  });
});
