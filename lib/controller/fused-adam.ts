// TF.js's Adam with its per-weight arithmetic done in one JavaScript loop instead of ~14 backend
// ops per weight. Every intermediate is rounded to float32 exactly where the backend's ops round
// it (a float32 +, −, ×, ÷ or √ equals the float64 result rounded once), so the weights it writes
// are bit-identical to tf.train.adam's. State, save and restore are the parent class's.
import * as tf from '@tensorflow/tfjs';

const f32 = Math.fround;

/** A weight's gradient as `applyGradients` receives it: a name→tensor map or a list of named tensors. */
type Gradients = tf.NamedTensorMap | { name: string; tensor: tf.Tensor }[];

/** The fields of tf.AdamOptimizer this class reads and fills (public in the JavaScript, not in the typings). */
interface AdamFields {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
  accumulatedSecondMoment: ({ originalName: string; variable: tf.Variable } | undefined)[];
  incrementIterations(): void;
}

/**
 * Adam (Kingma & Ba 2015) exactly as `tf.train.adam` computes it on a float32 backend:
 * m ← β1·m + (1−β1)·g, v ← β2·v + (1−β2)·g², w ← w − lr·(m/(1−β1ᵗ)) / (√(v/(1−β2ᵗ)) + ε),
 * with β1ᵗ, β2ᵗ kept as float32 running products. Weights and moments are replaced by new
 * tensors (never written in place: the wasm backend caches packed matMul weights by tensor).
 */
export class FusedAdam extends tf.AdamOptimizer {
  constructor(learningRate: number, beta1 = 0.9, beta2 = 0.999) {
    super(learningRate, beta1, beta2);
  }

  override applyGradients(variableGradients: Gradients): void {
    const self = this as unknown as AdamFields;
    const named = Array.isArray(variableGradients)
      ? variableGradients.map((g) => ({ name: g.name, gradient: g.tensor as tf.Tensor | undefined }))
      : Object.keys(variableGradients).map((name) => ({ name, gradient: variableGradients[name] as tf.Tensor | undefined }));
    const accBeta1 = self.accBeta1.dataSync()[0];
    const accBeta2 = self.accBeta2.dataSync()[0];
    const beta1 = f32(self.beta1);
    const beta2 = f32(self.beta2);
    const constants = {
      beta1,
      beta2,
      oneMinusBeta1: f32(1 - self.beta1),
      oneMinusBeta2: f32(1 - self.beta2),
      correction1: f32(1 - accBeta1),
      correction2: f32(1 - accBeta2),
      epsilon: f32(self.epsilon),
      negativeRate: f32(-self.learningRate),
    };
    tf.tidy(() => {
      named.forEach(({ name, gradient }, i) => {
        const value = tf.engine().registeredVariables[name];
        const first = (self.accumulatedFirstMoment[i] ??= { originalName: `${name}/m`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) });
        const second = (self.accumulatedSecondMoment[i] ??= { originalName: `${name}/v`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) });
        if (gradient == null) return;
        const next = adamValues(value.dataSync() as Float32Array, gradient.dataSync() as Float32Array, first.variable.dataSync() as Float32Array, second.variable.dataSync() as Float32Array, constants);
        first.variable.assign(tf.tensor(next.m, value.shape));
        second.variable.assign(tf.tensor(next.v, value.shape));
        value.assign(tf.tensor(next.w, value.shape));
      });
      self.accBeta1.assign(tf.scalar(f32(accBeta1 * beta1)));
      self.accBeta2.assign(tf.scalar(f32(accBeta2 * beta2)));
    });
    self.incrementIterations();
  }
}

/** The float32 constants of one Adam step (bias corrections 1 − βᵗ of this step, −lr). */
interface StepConstants {
  readonly beta1: number;
  readonly beta2: number;
  readonly oneMinusBeta1: number;
  readonly oneMinusBeta2: number;
  readonly correction1: number;
  readonly correction2: number;
  readonly epsilon: number;
  readonly negativeRate: number;
}

/** New weights and moments, each float32 op in tf.train.adam's order (see the class comment). */
function adamValues(w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, c: StepConstants): { w: Float32Array; m: Float32Array; v: Float32Array } {
  const n = w.length;
  const nw = new Float32Array(n);
  const nm = new Float32Array(n);
  const nv = new Float32Array(n);
  for (let k = 0; k < n; k++) {
    const gk = g[k];
    const mk = f32(f32(m[k] * c.beta1) + f32(gk * c.oneMinusBeta1));
    const vk = f32(f32(v[k] * c.beta2) + f32(f32(gk * gk) * c.oneMinusBeta2));
    const mHat = f32(mk / c.correction1);
    const vHat = f32(vk / c.correction2);
    nm[k] = mk;
    nv[k] = vk;
    nw[k] = f32(f32(f32(mHat / f32(f32(Math.sqrt(vHat)) + c.epsilon)) * c.negativeRate) + w[k]);
  }
  return { w: nw, m: nm, v: nv };
}
