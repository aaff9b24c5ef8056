// TF.js's Adam with its per-weight arithmetic done in one JavaScript loop instead of ~14 backend
// ops per weight. Every intermediate is rounded to float32 exactly where the backend's ops round
// it (a float32 +, −, ×, ÷ or √ equals the float64 result rounded once), so the weights it writes
// are bit-identical to tf.train.adam's. Its saved state also holds the running products βᵗ, so a
// restored optimizer continues bit for bit (the parent recomputes them with pow on restore).
import * as tf from '@tensorflow/tfjs';

const f32 = Math.fround;

/** Names of β1ᵗ and β2ᵗ in FusedAdam's saved state. */
export const FUSED_ADAM_PRODUCTS = ['adam/beta1Power', 'adam/beta2Power'] as const;

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

  /**
   * The parent's state (iteration count, then first and second moments) followed by β1ᵗ and β2ᵗ
   * as the running float32 products training kept (names FUSED_ADAM_PRODUCTS).
   */
  override async getWeights(): Promise<{ name: string; tensor: tf.Tensor }[]> {
    const self = this as unknown as AdamFields;
    return [...(await super.getWeights()), { name: FUSED_ADAM_PRODUCTS[0], tensor: self.accBeta1.clone() }, { name: FUSED_ADAM_PRODUCTS[1], tensor: self.accBeta2.clone() }];
  }

  /**
   * Restore what getWeights saved. The parent sets βᵗ to pow(β, t + 1), which after a few hundred
   * steps differs in its last bits from the running product training used, and a resumed run
   * would drift from an uninterrupted one; the saved products are put back instead (state saved
   * without them, by the parent class, restores as the parent does).
   */
  override async setWeights(weightValues: { name: string; tensor: tf.Tensor }[]): Promise<void> {
    const self = this as unknown as AdamFields;
    const products = weightValues.filter((w) => (FUSED_ADAM_PRODUCTS as readonly string[]).includes(w.name));
    await super.setWeights(weightValues.filter((w) => !products.includes(w)));
    for (const { name, tensor } of products) (name === FUSED_ADAM_PRODUCTS[0] ? self.accBeta1 : self.accBeta2).assign(tensor);
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
