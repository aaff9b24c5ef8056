// Test helper: on a fresh clone the enumerated NAS-Bench-101 space is not cached yet. A test file
// whose timed tests load the space calls `buildSpaceCacheFirst()` so the first build (about 10–20 s)
// happens once in a beforeAll with its own generous timeout, not inside a test's 5 s limit.
import { beforeAll } from 'vitest';
import { loadNasbench101Space } from '../lib/spaces/nasbench101/space';

/** Register a beforeAll that builds (or loads) the space cache, allowing up to 180 s. */
export function buildSpaceCacheFirst(): void {
  beforeAll(async () => {
    await loadNasbench101Space({ quiet: true });
  }, 180_000);
}
