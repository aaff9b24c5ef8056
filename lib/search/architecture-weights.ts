// Architecture weights of gradient-based NAS over a cell of edges, each choosing one of K operations
// (DARTS's α; GDAS and ProxylessNAS sample one operation per edge from softmax(α)). It holds the
// logits and turns a sampled path into edge scales whose gradient reaches α; it never trains a network.
import * as tf from '@tensorflow/tfjs';
import { Rng, type Seed } from '../random';

/**
 * Straight-through ones: the value is exactly 1 (so a scaled edge computes the same bits as an
 * unscaled one) and the gradient passes to the input unchanged, GDAS's h − sg(y) + y with h = 1.
 */
const straightThroughOnes = tf.customGrad(((y: tf.Tensor) => ({
  value: tf.onesLike(y),
  gradFunc: (dy: tf.Tensor) => dy,
})) as unknown as Parameters<typeof tf.customGrad>[0]);

/** Logits α [edges, ops] of a cell's operations, as a trainable variable. */
export class ArchitectureWeights {
  private constructor(readonly edges: number, readonly ops: number, readonly logits: tf.Variable) {}

  /**
   * Logits drawn as 10⁻³·N(0, 1) (DARTS's initialisation: all operations almost equally likely).
   * @throws RangeError for fewer than 1 edge or 2 operations.
   */
  static create(edges: number, ops: number, seed: Seed): ArchitectureWeights {
    if (!Number.isInteger(edges) || edges < 1) throw new RangeError(`architecture weights need at least 1 edge: got ${edges}`);
    if (!Number.isInteger(ops) || ops < 2) throw new RangeError(`architecture weights need at least 2 operations per edge: got ${ops}`);
    const rng = new Rng(seed);
    const values = Float32Array.from({ length: edges * ops }, () => 1e-3 * rng.normal());
    return new ArchitectureWeights(edges, ops, tf.tidy(() => tf.variable(tf.tensor2d(values, [edges, ops]), true)));
  }

  /** softmax(α) per edge, as plain numbers. */
  probabilities(): number[][] {
    const values = this.logits.dataSync();
    return Array.from({ length: this.edges }, (_, e) => softmax(Array.from(values.subarray(e * this.ops, (e + 1) * this.ops))));
  }

  /** Mean over edges of the entropy of softmax(α), in nats (ln K when uniform, 0 when collapsed). */
  entropyNats(): number {
    const rows = this.probabilities();
    return rows.reduce((sum, p) => sum - p.reduce((h, q) => (q > 0 ? h + q * Math.log(q) : h), 0), 0) / rows.length;
  }

  /** The derived cell: the most likely operation of each edge (the lower index on a tie). */
  derive(): number[] {
    return this.probabilities().map(argmax);
  }

  /** Gumbel(0, 1) noise for every logit, from `rng`. */
  gumbelNoise(rng: Rng): Float64Array {
    return Float64Array.from({ length: this.edges * this.ops }, () => {
      let u = 0;
      while (u === 0) u = rng.uniform();
      return -Math.log(-Math.log(u));
    });
  }

  /** The operation each edge samples with `noise` (Gumbel-max: argmax of α + g is a draw from softmax(α)). */
  choiceOf(noise: Float64Array): number[] {
    const values = this.logits.dataSync();
    return Array.from({ length: this.edges }, (_, e) => argmax(Array.from({ length: this.ops }, (__, k) => values[e * this.ops + k] + noise[e * this.ops + k])));
  }

  /**
   * Edge scales for a sampled path (GDAS's straight-through Gumbel-softmax): each value is exactly 1,
   * and the gradient reaching scale e is passed to α through y_e = softmax((α_e + g_e)/τ)[choice_e].
   * With no noise (a path sampled elsewhere, e.g. by VAENAS's VAE), y_e = softmax(α_e/τ)[choice_e].
   * @param choice one operation index per edge. @returns [edges].
   * @throws RangeError for a choice of the wrong length or out of range, or τ ≤ 0.
   */
  edgeScales(choice: readonly number[], tau: number, noise?: Float64Array): tf.Tensor1D {
    if (choice.length !== this.edges) throw new RangeError(`a path chooses one operation per edge: got ${choice.length} choices for ${this.edges} edges`);
    const bad = choice.findIndex((k) => !Number.isInteger(k) || k < 0 || k >= this.ops);
    if (bad >= 0) throw new RangeError(`edge ${bad}: operation ${choice[bad]} is outside 0..${this.ops - 1}`);
    if (!(tau > 0)) throw new RangeError(`Gumbel-softmax temperature must be > 0: got ${tau}`);
    return tf.tidy(() => {
      const perturbed = noise === undefined ? this.logits : tf.add(this.logits, tf.tensor2d(Float32Array.from(noise), [this.edges, this.ops]));
      const y = tf.softmax(tf.div(perturbed, tau));
      const chosen = tf.sum(tf.mul(y, tf.oneHot(tf.tensor1d([...choice], 'int32'), this.ops)), 1);
      return straightThroughOnes(chosen) as tf.Tensor1D;
    });
  }

  dispose(): void {
    this.logits.dispose();
  }
}

function softmax(values: number[]): number[] {
  const top = Math.max(...values);
  const exps = values.map((v) => Math.exp(v - top));
  const total = exps.reduce((a, b) => a + b, 0);
  return exps.map((v) => v / total);
}

function argmax(values: readonly number[]): number {
  let best = 0;
  for (let k = 1; k < values.length; k++) if (values[k] > values[best]) best = k;
  return best;
}
