// The latent explorer's page script: lib/report/explorer/explorer-page.ts and what it imports from
// lib/ (the controller's decoder, the spaces' grammars and hashes, the cell drawing), bundled by
// esbuild into one browser script, and TF.js's WebAssembly backend binary. The page decodes with the
// same code and the same WebAssembly kernels as Node, so its tokens are the Node decoder's.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The backend binary the page runs: the SIMD build, the one Node's wasm backend loads on this platform. */
export const EXPLORER_WASM_FILE = 'tfjs-backend-wasm-simd.wasm';

let cached: Promise<string> | null = null;

/**
 * The page script (minified IIFE; it defines `window.dnasExplorer`), built once per process.
 * node:crypto becomes crypto-shim.ts (md5 for NAS-Bench-101's hash); the other node: modules the
 * bundled files import for their Node-only functions (files, paths) become empty modules, and
 * `@tensorflow/tfjs` its core (the page needs no layers or converters).
 * @throws Error with esbuild's messages when the bundle cannot be built.
 */
export function explorerScript(): Promise<string> {
  cached ??= bundle();
  return cached;
}

async function bundle(): Promise<string> {
  const result = await build({
    entryPoints: [join(__dirname, 'explorer-page.ts')],
    bundle: true,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome100',
    write: false,
    logLevel: 'silent',
    legalComments: 'none',
    alias: { '@tensorflow/tfjs': '@tensorflow/tfjs-core' },
    plugins: [{
      name: 'node-modules-in-the-page',
      setup(build) {
        build.onResolve({ filter: /^node:crypto$/ }, () => ({ path: join(__dirname, 'crypto-shim.ts') }));
        build.onResolve({ filter: /^node:/ }, (args) => ({ path: args.path, namespace: 'node-only' }));
        build.onLoad({ filter: /.*/, namespace: 'node-only' }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
      },
    }],
  });
  return result.outputFiles[0].text;
}

/** TF.js's WebAssembly backend binary, base64 (the page loads it from a data: URL). */
export function explorerWasmBase64(): string {
  const dir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  return readFileSync(join(dir, 'dist', EXPLORER_WASM_FILE)).toString('base64');
}
