// Benchmark: NAS-Bench-101 graph hashing, side by side in one run — the plain port (hashCell),
// the packed fast path used by the enumeration (hashPackedCell), and a Python hashlib reference.
// Prints JSON with per-cell microseconds and ratios; checks the three agree, asserts no timing.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Rng } from '../lib/random';
import { hashCell } from '../lib/spaces/nasbench101/graph';
import { hashPackedCell, packCell } from '../lib/spaces/nasbench101/enumerate';
import { loadNasbench101Space } from '../lib/spaces/nasbench101/space';

/** Run the hash benchmark on `count` cells drawn uniformly from the space (seeded). */
export async function benchHash(count = 20000, seed = 0): Promise<Record<string, unknown>> {
  const space = await loadNasbench101Space({ quiet: true });
  const cells = new Rng(seed).sampleIndices(space.size, count).map((i) => space.cellAt(i));
  const packed = cells.map(packCell);
  let start = performance.now();
  const plain = cells.map(hashCell);
  const plainMs = performance.now() - start;
  start = performance.now();
  const fast = packed.map(hashPackedCell);
  const fastMs = performance.now() - start;
  const python = JSON.parse(
    execFileSync('/usr/bin/python3', [join(__dirname, 'hash_module.py')], { input: cells.map((c) => JSON.stringify(c)).join('\n'), maxBuffer: 1 << 28 }).toString(),
  ) as { seconds: number; hashes: string[] };
  const agree = plain.every((h, i) => h === fast[i] && h === python.hashes[i] && h === space.hashAt(space.indexOfHash(h)));
  if (!agree) throw new Error('hash implementations disagree: the benchmark is void');
  const us = (ms: number) => Math.round((1000 * ms) / count * 100) / 100;
  return {
    cells: count,
    seed,
    usPerCell: { hashCell: us(plainMs), hashPackedCell: us(fastMs), pythonReference: us(python.seconds * 1000) },
    ratioToPython: { hashCell: plainMs / (python.seconds * 1000), hashPackedCell: fastMs / (python.seconds * 1000) },
  };
}

if (require.main === module) {
  benchHash().then((r) => console.log(JSON.stringify(r, null, 2)), (e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
