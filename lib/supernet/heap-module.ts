// Loads this workbook's WebAssembly kernels (lib/supernet/wasm/*.wasm, built from wasm/assembly/ by
// cli/build-wasm.ts) onto the TF.js wasm backend's own memory, so they read and write tensors where
// they lie. It must not allocate on that heap: tensors are made by the backend, kernels only fill them.
import * as tf from '@tensorflow/tfjs';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The folder of the compiled kernels. */
export const WASM_DIR = join(__dirname, 'wasm');

/**
 * The part of the WebAssembly API used here, declared locally: tslab compiles notebooks without the
 * DOM library that declares it. A memory is only passed through, so it stays opaque.
 */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, object>>) => { readonly exports: object };
}
const WASM_API = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

/** What a kernel needs of the wasm backend: its memory, and where a tensor lies in it. */
export interface WasmHeap {
  readonly wasm: { readonly asm: { readonly memory: object } };
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
  getMemoryOffset(dataId: tf.DataId): number;
}

const compiled = new Map<string, object>();
const instances = new WeakMap<object, Map<string, object>>();

/**
 * The exports of kernel module `name` (`wasm/<name>.wasm`) instantiated on `backend`'s memory,
 * once per module and memory. @throws Error naming the file and the command that builds it when
 * it is missing.
 */
export function heapModule<T>(backend: WasmHeap, name: string): T {
  const memory = backend.wasm.asm.memory;
  let modules = instances.get(memory);
  if (modules === undefined) {
    modules = new Map();
    instances.set(memory, modules);
  }
  let exports = modules.get(name);
  if (exports === undefined) {
    exports = new WASM_API.Instance(compiledModule(name), { env: { memory } }).exports;
    modules.set(name, exports);
  }
  return exports as T;
}

function compiledModule(name: string): object {
  let module = compiled.get(name);
  if (module === undefined) {
    const file = join(WASM_DIR, `${name}.wasm`);
    if (!existsSync(file)) throw new Error(`WebAssembly kernel ${file} is missing: build it with \`npx tsx cli/build-wasm.ts\``);
    module = new WASM_API.Module(readFileSync(file));
    compiled.set(name, module);
  }
  return module;
}

/** Byte address of a tensor on the wasm backend's heap. */
export function heapAddress(backend: WasmHeap, info: tf.TensorInfo): number {
  return backend.getMemoryOffset(info.dataId);
}
