// Benchmark: first build of the NAS-Bench-101 space (fresh temp cache folder) and cached load.
// Returns / prints {buildMs, loadMs, count, workers, cores}; measures only, asserts nothing.
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultWorkerCount } from '../lib/spaces/nasbench101/enumerate';
import { loadNasbench101Space } from '../lib/spaces/nasbench101/space';

/** Wall-clock milliseconds of an async call, with its result. */
async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await run();
  return { ms: Math.round(performance.now() - start), value };
}

/** Time a first build (fresh temp cache folder) and a cached load of the NAS-Bench-101 space. */
export async function benchEnumerate(): Promise<Record<string, unknown>> {
  const cacheDir = mkdtempSync(join(tmpdir(), 'dnas-bench-enumerate-'));
  try {
    const build = await timed(() => loadNasbench101Space({ cacheDir }));
    const load = await timed(() => loadNasbench101Space({ cacheDir, quiet: true }));
    if (load.value.size !== build.value.size) throw new Error(`cached load gave ${load.value.size} cells, build ${build.value.size}`);
    return { buildMs: build.ms, loadMs: load.ms, count: load.value.size, workers: defaultWorkerCount(), cores: availableParallelism(), goals: { buildMs: 60000, loadMs: 1000 } };
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  benchEnumerate().then((r) => process.stdout.write(`${JSON.stringify(r)}\n`), (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
