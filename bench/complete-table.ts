// Benchmark: loading NAS-Bench-101's complete test table (423,624 rows): the strict column loader
// parsing the CSV, the same loader from its cache, and a reference in the same run: the generic
// CSV reader the other tables use (csv-parse, strict numbers) into a Map of record objects.
// Measures only, asserts nothing. Usage: tsx bench/complete-table.ts [repeats=3]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCsvRows, strictNumber } from '../lib/benchmarks/csv-rows';
import { resolveDataFile } from '../lib/benchmarks/data-folder';
import { NASBENCH101_COMPLETE_CSV, loadNasbench101Complete } from '../lib/benchmarks/nasbench101-complete';
import { loadNasbench101Space } from '../lib/spaces/nasbench101/space';

/** Seconds of the fastest of `repeats` calls. */
function fastest(repeats: number, run: () => unknown): number {
  let best = Infinity;
  for (let r = 0; r < repeats; r++) {
    const start = performance.now();
    run();
    best = Math.min(best, (performance.now() - start) / 1000);
  }
  return best;
}

/** Parse (first load), cache load and the csv-parse + Map reference, with their ratios and memory. */
export async function benchCompleteTable(repeats = 3): Promise<Record<string, unknown>> {
  const space = await loadNasbench101Space({ quiet: true });
  const file = resolveDataFile(NASBENCH101_COMPLETE_CSV);
  const cacheDir = mkdtempSync(join(tmpdir(), 'dnas-bench-table-'));
  try {
    const firstLoadSeconds = fastest(repeats, () => loadNasbench101Complete(space, { file, cacheDir, rebuild: true }));
    const cachedLoadSeconds = fastest(repeats, () => loadNasbench101Complete(space, { file, cacheDir }));
    let mapSize = 0;
    const referenceSeconds = fastest(repeats, () => {
      const rows = parseCsvRows(file, readFileSync(file, 'utf8'));
      const records = new Map<string, { testAccuracy: number }>();
      for (let i = 1; i < rows.length; i++) records.set(rows[i].record[0], { testAccuracy: strictNumber(rows[i].record[1]) });
      mapSize = records.size;
    });
    return {
      rows: space.size, referenceRows: mapSize, repeats,
      firstLoadSeconds, cachedLoadSeconds, referenceSeconds,
      firstLoadVsReference: firstLoadSeconds / referenceSeconds,
      cachedVsReference: cachedLoadSeconds / referenceSeconds,
      note: 'first load: read, sha256, parse and check every row against the space, write the cache; cached: read, sha256, CRC check; reference: csv-parse + strict numbers into a Map of objects, no checks against the space',
    };
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

if (require.main === module) benchCompleteTable(Number(process.argv[2] ?? 3)).then((r) => console.log(JSON.stringify(r)));
