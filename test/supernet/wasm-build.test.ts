// Tests of the committed WebAssembly kernels (lib/supernet/wasm/*.wasm): each is what its
// AssemblyScript source compiles to today, and each can share the TF.js heap safely: it imports only
// that memory and writes nothing into it when instantiated (no data segments, no start function).
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWasm } from '../../cli/build-wasm';
import { initBackend } from '../../lib/backend';
import { heapModule, WASM_DIR, type WasmHeap } from '../../lib/supernet/heap-module';

const built = mkdtempSync(join(tmpdir(), 'wasm-build-'));
let names: string[] = [];

beforeAll(async () => {
  await initBackend({ force: 'wasm', quiet: true });
  names = buildWasm(built);
}, 120_000);

afterAll(() => rmSync(built, { recursive: true, force: true }));

/** Section ids of a wasm binary, in order (after the 8-byte header). */
function sectionIds(bytes: Uint8Array): number[] {
  const ids: number[] = [];
  let at = 8;
  while (at < bytes.length) {
    const id = bytes[at++];
    let size = 0;
    let shift = 0;
    for (;;) {
      const byte = bytes[at++];
      size |= (byte & 0x7f) << shift;
      shift += 7;
      if ((byte & 0x80) === 0) break;
    }
    ids.push(id);
    at += size;
  }
  return ids;
}

const START_SECTION = 8;
const CODE_SECTION = 10;
const DATA_SECTION = 11;

describe('WebAssembly kernels', () => {
  it('are committed exactly as their sources compile, one per source', () => {
    expect(names.length).toBeGreaterThan(0);
    expect(readdirSync(WASM_DIR).filter((f) => f.endsWith('.wasm')).sort()).toEqual(names.map((n) => `${n}.wasm`));
    for (const name of names) {
      const committed = readFileSync(join(WASM_DIR, `${name}.wasm`));
      expect(Buffer.compare(committed, readFileSync(join(built, `${name}.wasm`))), `${name}.wasm differs from its source: run npx tsx cli/build-wasm.ts`).toBe(0);
    }
  });

  it('import only env.memory and have no data segments or start function', () => {
    for (const name of names) {
      const bytes = readFileSync(join(WASM_DIR, `${name}.wasm`));
      const module = new WebAssembly.Module(bytes);
      expect(WebAssembly.Module.imports(module)).toEqual([{ module: 'env', name: 'memory', kind: 'memory' }]);
      const ids = sectionIds(new Uint8Array(bytes));
      expect(ids).toContain(CODE_SECTION);
      expect(ids).not.toContain(DATA_SECTION);
      expect(ids).not.toContain(START_SECTION);
    }
  });

  it('instantiate once per module on the backend memory, and a missing module names its file and the build command', () => {
    const backend = tf.backend() as unknown as WasmHeap;
    expect(heapModule(backend, names[0])).toBe(heapModule(backend, names[0]));
    expect(() => heapModule(backend, 'no-such-kernel')).toThrow(/no-such-kernel\.wasm is missing: build it with `npx tsx cli\/build-wasm.ts`/);
  });
});
