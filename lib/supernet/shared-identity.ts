// TF.js's Identity kernel on the wasm backend, sharing its input's memory instead of copying it.
// The engine calls Identity to keep every tensor a gradient will need (tens of copies per supernet
// training step); tensors are immutable and the backend counts references, so a shared buffer is the
// same tensor. The cpu backend's Identity already shares. Changes no value, only where it lies.
import * as tf from '@tensorflow/tfjs';
import type { KernelArgs } from './wasm-conv-gradients';

/** What sharing needs of the backend: its reference count. */
interface CountingBackend {
  incRef(dataId: tf.DataId): void;
}

let registered = false;

/** Replace wasm's copying Identity with a sharing one (idempotent; a no-op when wasm is not loaded). */
export function shareIdentityOnWasm(): void {
  if (registered || tf.getKernel('Identity', 'wasm') === undefined) return;
  registered = true;
  tf.unregisterKernel('Identity', 'wasm');
  tf.registerKernel({ kernelName: 'Identity', backendName: 'wasm', kernelFunc: sharedIdentity as unknown as tf.KernelFunc });
}

function sharedIdentity({ inputs, backend }: KernelArgs): tf.TensorInfo {
  const { x } = inputs;
  (backend as CountingBackend).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}
