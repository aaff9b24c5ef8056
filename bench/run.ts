// Runs the benchmarks (all, or those named) and writes their JSON to bench/results/<name>.json.
// Timings live here, never in tests. Usage: npm run bench [-- enumerate complete-table hash controller evolution pretrain latent-capacity latent-locality resume supernet nb201-supernet supernet-pool worker-gc worker-recycle …]
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { benchCompleteTable } from './complete-table';
import { benchController } from './controller';
import { benchEnumerate } from './enumerate';
import { benchEvolution } from './evolution';
import { benchHash } from './hash';
import { benchLatentCapacity } from './latent-capacity';
import { benchLatentLocality } from './latent-locality';
import { benchNb201Supernet } from './nb201-supernet';
import { benchPretrain } from './pretrain';
import { benchResume } from './resume';
import { benchSupernet } from './supernet';
import { benchSupernetPool } from './supernet-pool';
import { benchWorkerGc } from './worker-gc';
import { benchWorkerRecycle } from './worker-recycle';

const BENCHES: Record<string, () => Promise<Record<string, unknown>>> = {
  enumerate: benchEnumerate,
  'complete-table': () => benchCompleteTable(),
  hash: () => benchHash(),
  controller: async () => ({ ...(await benchController()) }),
  evolution: () => benchEvolution(),
  pretrain: () => benchPretrain(),
  resume: () => benchResume(),
  'latent-capacity': () => benchLatentCapacity(),
  'latent-locality': () => benchLatentLocality(),
  supernet: () => benchSupernet(),
  'nb201-supernet': () => benchNb201Supernet(),
  'supernet-pool': () => benchSupernetPool(),
  'worker-gc': () => benchWorkerGc(),
  'worker-recycle': () => benchWorkerRecycle(),
};

async function main(names: string[]): Promise<void> {
  const unknown = names.filter((n) => !(n in BENCHES));
  if (unknown.length > 0) throw new Error(`unknown benchmark(s) ${unknown.join(', ')} (available: ${Object.keys(BENCHES).join(', ')})`);
  const outDir = join(__dirname, 'results');
  mkdirSync(outDir, { recursive: true });
  for (const name of names.length > 0 ? names : Object.keys(BENCHES)) {
    const result = { bench: name, at: new Date().toISOString(), node: process.version, ...(await BENCHES[name]()) };
    writeFileSync(join(outDir, `${name}.json`), `${JSON.stringify(result, null, 2)}\n`);
    console.log(JSON.stringify(result));
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
