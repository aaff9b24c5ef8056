// One matMul repeated at every step of a recurrence: a [rows, cols] operand refilled by the caller
// times a fixed [cols, n] weight, optionally through a sigmoid. On the wasm backend it calls the
// backend's own BatchMatMul and Sigmoid kernels on three tensors allocated once per pass, skipping
// TF.js's per-op bookkeeping (the same kernels, so the same bits); elsewhere it uses ordinary ops.
import * as tf from '@tensorflow/tfjs';

/** The parts of tfjs-backend-wasm 4.x this file uses (not in its typings). */
interface WasmBackend {
  readonly wasm: { cwrap(name: string, returns: null, args: string[]): (...args: unknown[]) => void };
  readonly dataIdMap: { get(dataId: object): { id: number } | undefined };
  typedArrayFromHeap(t: tf.Tensor): Float32Array;
}

/** The backend's own kernels, bound once per backend instance. */
interface WasmKernels {
  readonly backend: WasmBackend;
  readonly matMul: (aId: number, aShape: Uint8Array, aRank: number, bId: number, bShape: Uint8Array, bRank: number, transposeA: boolean, transposeB: boolean, outId: number) => void;
  readonly sigmoid: (xId: number, outId: number) => void;
}

let bound: WasmKernels | null = null;

/** The wasm kernels when the current backend is wasm and exposes them, else null (use tensors). */
function wasmKernels(): WasmKernels | null {
  const backend = tf.backend() as unknown as Partial<WasmBackend>;
  if (tf.getBackend() !== 'wasm' || typeof backend.wasm?.cwrap !== 'function' || typeof backend.typedArrayFromHeap !== 'function' || backend.dataIdMap === undefined) return null;
  if (bound?.backend !== backend) {
    const full = backend as WasmBackend;
    bound = {
      backend: full,
      matMul: full.wasm.cwrap('BatchMatMul', null, ['number', 'array', 'number', 'number', 'array', 'number', 'number', 'number', 'number']) as WasmKernels['matMul'],
      sigmoid: full.wasm.cwrap('Sigmoid', null, ['number', 'number']) as WasmKernels['sigmoid'],
    };
  }
  return bound;
}

/** A rank-3 shape [1, ...shape] as the bytes the wasm matMul reads. */
function shapeBytes(shape: readonly number[]): Uint8Array {
  return new Uint8Array(new Int32Array([1, ...shape]).buffer);
}

/**
 * `operand × weight` (and σ of it when `activate`) for one recurrence pass. Call `run` once per
 * step, `dispose` at the end; the weight must outlive the pass (the wasm backend caches its packed
 * form by tensor, which is why the weight, unlike the operand, is never written in place).
 */
export class StepProduct {
  private readonly kernels: WasmKernels | null;
  private readonly tensors: tf.Tensor2D[] = [];
  private readonly ids: number[] = [];
  private readonly operandShape: Uint8Array;
  private readonly weightShape: Uint8Array;

  constructor(private readonly rows: number, private readonly cols: number, private readonly weight: tf.Tensor2D, private readonly activate: boolean) {
    if (weight.shape[0] !== cols) throw new RangeError(`weight has ${weight.shape[0]} rows but the operand has ${cols} columns`);
    this.kernels = wasmKernels();
    this.operandShape = shapeBytes([rows, cols]);
    this.weightShape = shapeBytes(weight.shape);
    if (this.kernels !== null) {
      const n = weight.shape[1];
      this.tensors.push(tf.zeros([rows, cols]), tf.zeros([rows, n]), ...(activate ? [tf.zeros([rows, n]) as tf.Tensor2D] : []));
      for (const t of [...this.tensors, weight]) this.ids.push(this.kernels.backend.dataIdMap.get(t.dataId)!.id);
    }
  }

  /**
   * Fill the operand's rows·cols values with `write`, multiply, and hand the [rows, n] result to
   * `use` (a view valid only during the call).
   */
  run(write: (operand: Float32Array) => void, use: (product: Float32Array) => void): void {
    const k = this.kernels;
    if (k === null) {
      const values = new Float32Array(this.rows * this.cols);
      write(values);
      tf.tidy(() => {
        const y = tf.matMul(tf.tensor2d(values, [this.rows, this.cols]), this.weight);
        use((this.activate ? tf.sigmoid(y) : y).dataSync() as Float32Array);
      });
      return;
    }
    const [operandId, productId, activatedId, weightId] = this.activate ? this.ids : [this.ids[0], this.ids[1], -1, this.ids[2]];
    write(k.backend.typedArrayFromHeap(this.tensors[0]));
    k.matMul(operandId, this.operandShape, 3, weightId, this.weightShape, 3, false, false, productId);
    if (this.activate) k.sigmoid(productId, activatedId);
    use(k.backend.typedArrayFromHeap(this.tensors[this.activate ? 2 : 1]));
  }

  dispose(): void {
    tf.dispose(this.tensors);
    this.tensors.length = 0;
  }
}
