// Compiles the workbook's WebAssembly kernels (lib/supernet/wasm/assembly/*.ts, AssemblyScript) to
// lib/supernet/wasm/<name>.wasm. The .wasm files are committed; test/supernet/wasm-build.test.ts
// rebuilds them and fails when a committed file differs from its source.
// Usage: npx tsx cli/build-wasm.ts [--out DIR]
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The AssemblyScript sources, one module each. */
export const WASM_SOURCE_DIR = join(__dirname, '..', 'lib', 'supernet', 'wasm', 'assembly');

/**
 * Flags of every build: optimised, no runtime and no assertions (a kernel allocates nothing and has
 * no data of its own), memory imported (the TF.js heap), SIMD and bulk memory (memory.fill).
 */
export const ASC_FLAGS = ['-O3', '--noAssert', '--runtime', 'stub', '--importMemory', '--enable', 'simd', '--enable', 'bulk-memory'];

/** Build every module into `outDir`; returns the names built. */
export function buildWasm(outDir: string): string[] {
  mkdirSync(outDir, { recursive: true });
  const asc = join(__dirname, '..', 'node_modules', '.bin', 'asc');
  const names = readdirSync(WASM_SOURCE_DIR).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3)).sort();
  for (const name of names) {
    execFileSync(asc, [join(WASM_SOURCE_DIR, `${name}.ts`), '--outFile', join(outDir, `${name}.wasm`), ...ASC_FLAGS], { stdio: ['ignore', 'inherit', 'inherit'] });
  }
  return names;
}

if (require.main === module) {
  const at = process.argv.indexOf('--out');
  const out = at >= 0 ? process.argv[at + 1] : join(__dirname, '..', 'lib', 'supernet', 'wasm');
  for (const name of buildWasm(out)) console.log(`built ${join(out, `${name}.wasm`)}`);
}
