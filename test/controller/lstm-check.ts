// Shared check for the LSTM tests: run the fused op and the autodiff reference on the same
// seeded inputs and return both outputs and all six gradients as plain arrays.
import * as tf from '@tensorflow/tfjs';
import { lstmSequence, lstmSequenceReference } from '../../lib/controller/lstm';
import { Rng } from '../../lib/random';

/** Values of [output, dX, dWx, dWh, db, dh0, dc0] for the fast op and for the reference. */
export function checkAgainstReference(size: { steps: number; batch: number; hidden: number; inputSize: number; output?: 'mean' }): { fast: number[][]; reference: number[][] } {
  const { steps, batch, hidden, inputSize } = size;
  const rows = size.output === 'mean' ? batch : steps * batch;
  const rng = new Rng('lstm-check');
  const t = (shape: number[]) => tf.tensor(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal(0, 0.7)), shape);
  return tf.tidy(() => {
    const inputs = [t([steps * batch, inputSize]), t([inputSize, 4 * hidden]), t([hidden, 4 * hidden]), t([4 * hidden]), t([batch, hidden]), t([batch, hidden])];
    const weight = t([rows, hidden]);
    const run = (fn: typeof lstmSequence): number[][] => {
      const f = (...xs: tf.Tensor[]) => fn(xs[0] as tf.Tensor2D, xs[1] as tf.Tensor2D, xs[2] as tf.Tensor2D, xs[3] as tf.Tensor1D, xs[4] as tf.Tensor2D, xs[5] as tf.Tensor2D, { output: size.output });
      const grads = tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(f(...xs), weight)))(inputs);
      return [f(...inputs), ...grads].map((g) => Array.from(g.dataSync()));
    };
    return { fast: run(lstmSequence), reference: run(lstmSequenceReference) };
  });
}
