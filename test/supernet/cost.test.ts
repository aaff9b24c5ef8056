// Tests of the supernet's analytic cost (lib/supernet/cost.ts via LayerChoiceSpace): params and
// multiply-accumulates of two literal Fashion-MNIST sub-networks counted by hand, term by term, and
// cross-checked against the real weights and the real forward pass. Hand counts never call cost.ts.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../lib/backend';
import { Rng } from '../../lib/random';
import { blockForward, stemForward } from '../../lib/supernet/blocks';
import { fixedCost, layerCost } from '../../lib/supernet/cost';
import { FASHION_MNIST_SPACE, LayerChoiceSpace, SMOKE_SPACE, type Architecture } from '../../lib/supernet/space';
import { Supernet } from '../../lib/supernet/supernet';
import { registerWasmConvGradients } from '../../lib/supernet/wasm-conv-gradients';

beforeAll(async () => {
  await initBackend({ force: 'wasm', quiet: true });
  registerWasmConvGradients();
});

/**
 * FASHION_MNIST_SPACE, by hand: 28×28×1 → stem 3×3/2 → 14×14×16; L0 16→32 stride 2 (14 → 7);
 * L1–L3 32→32 at 7×7; L4 32→64 stride 2 (7 → ⌈7/2⌉ = 4); L5–L7 64→64 at 4×4; GAP; dense 64→10.
 * Convention (DNAS/VAENAS): MACs of convolutions and the dense layer only; BN γ, β count as params.
 */
interface Part {
  readonly params: number;
  readonly macs: number;
}

// Stem: 3×3 conv 1→16, no bias, at the 14×14 output.
const STEM: Part = {
  params:
    3 * 3 * 1 * 16 + // conv weights k·k·cin·cout
    2 * 16, // BN γ, β
  macs: 14 * 14 * (3 * 3 * 1 * 16), // every output position does k·k·cin·cout MACs
};

// Head: global average pool (free), dense 64 → 10 with bias.
const HEAD: Part = {
  params:
    64 * 10 + // kernel
    10, // bias
  macs: 64 * 10,
};

/** sep3 everywhere: 1×1 cin→cout at the input size, BN, depthwise 3×3 (the stride), BN, 1×1 cout→cout, BN. */
const ALL_SEP3: Architecture = ['sep3', 'sep3', 'sep3', 'sep3', 'sep3', 'sep3', 'sep3', 'sep3'];
const ALL_SEP3_LAYERS: Part[] = [
  // L0 sep3, 16→32, 14 → 7
  {
    params:
      16 * 32 + // pw1 [16, 32]
      2 * 32 + // bn1
      3 * 3 * 32 + // dw [3, 3, 32, 1]
      2 * 32 + // bn2
      32 * 32 + // pw2 [32, 32]
      2 * 32, // bn3
    macs:
      14 * 14 * 16 * 32 + // pw1 runs at the 14×14 input, before the stride
      7 * 7 * 3 * 3 * 32 + // dw at the 7×7 output
      7 * 7 * 32 * 32, // pw2 at 7×7
  },
  // L1–L3 sep3, 32→32 at 7×7 (three equal layers)
  ...Array.from({ length: 3 }, () => ({
    params: 32 * 32 + 2 * 32 + 3 * 3 * 32 + 2 * 32 + 32 * 32 + 2 * 32, // pw1, bn1, dw, bn2, pw2, bn3
    macs: 7 * 7 * 32 * 32 + 7 * 7 * 3 * 3 * 32 + 7 * 7 * 32 * 32, // pw1, dw, pw2
  })),
  // L4 sep3, 32→64, 7 → 4
  {
    params: 32 * 64 + 2 * 64 + 3 * 3 * 64 + 2 * 64 + 64 * 64 + 2 * 64, // pw1, bn1, dw, bn2, pw2, bn3
    macs:
      7 * 7 * 32 * 64 + // pw1 at the 7×7 input
      4 * 4 * 3 * 3 * 64 + // dw at the 4×4 output
      4 * 4 * 64 * 64, // pw2
  },
  // L5–L7 sep3, 64→64 at 4×4
  ...Array.from({ length: 3 }, () => ({
    params: 64 * 64 + 2 * 64 + 3 * 3 * 64 + 2 * 64 + 64 * 64 + 2 * 64, // pw1, bn1, dw, bn2, pw2, bn3
    macs: 4 * 4 * 64 * 64 + 4 * 4 * 3 * 3 * 64 + 4 * 4 * 64 * 64, // pw1, dw, pw2
  })),
];

/**
 * A mixed one: xception on a downsampling layer (cin ≠ cout: its first depthwise and BN run on cin),
 * skip twice, sep5 and sep7 on both 7×7 and 4×4 maps, sep7 on the second downsampling layer.
 */
const MIXED: Architecture = ['xception', 'skip', 'sep5', 'sep7', 'sep7', 'xception', 'skip', 'sep5'];
const MIXED_LAYERS: Part[] = [
  // L0 xception, 16→32, 14 → 7: [dw3×3, BN, 1×1, BN] ×3, the first dw strided and on 16 channels
  {
    params:
      3 * 3 * 16 + // dw1 [3, 3, 16, 1]
      2 * 16 + // bn1 on cin
      16 * 32 + // pw1 [16, 32]
      2 * 32 + // bn2
      3 * 3 * 32 + // dw2
      2 * 32 + // bn3
      32 * 32 + // pw2
      2 * 32 + // bn4
      3 * 3 * 32 + // dw3
      2 * 32 + // bn5
      32 * 32 + // pw3
      2 * 32, // bn6
    macs:
      7 * 7 * 3 * 3 * 16 + // dw1 at the 7×7 output
      7 * 7 * 16 * 32 + // pw1 after the stride
      7 * 7 * 3 * 3 * 32 + // dw2
      7 * 7 * 32 * 32 + // pw2
      7 * 7 * 3 * 3 * 32 + // dw3
      7 * 7 * 32 * 32, // pw3
  },
  // L1 skip: identity
  { params: 0, macs: 0 },
  // L2 sep5, 32→32 at 7×7
  {
    params: 32 * 32 + 2 * 32 + 5 * 5 * 32 + 2 * 32 + 32 * 32 + 2 * 32, // pw1, bn1, dw 5×5, bn2, pw2, bn3
    macs: 7 * 7 * 32 * 32 + 7 * 7 * 5 * 5 * 32 + 7 * 7 * 32 * 32, // pw1, dw, pw2
  },
  // L3 sep7, 32→32 at 7×7
  {
    params: 32 * 32 + 2 * 32 + 7 * 7 * 32 + 2 * 32 + 32 * 32 + 2 * 32, // pw1, bn1, dw 7×7, bn2, pw2, bn3
    macs: 7 * 7 * 32 * 32 + 7 * 7 * 7 * 7 * 32 + 7 * 7 * 32 * 32, // pw1, dw, pw2
  },
  // L4 sep7, 32→64, 7 → 4
  {
    params: 32 * 64 + 2 * 64 + 7 * 7 * 64 + 2 * 64 + 64 * 64 + 2 * 64, // pw1, bn1, dw 7×7, bn2, pw2, bn3
    macs:
      7 * 7 * 32 * 64 + // pw1 at the 7×7 input
      4 * 4 * 7 * 7 * 64 + // dw at the 4×4 output
      4 * 4 * 64 * 64, // pw2
  },
  // L5 xception, 64→64 at 4×4: three equal [dw 3×3 + BN, 1×1 + BN]
  {
    params: 3 * (3 * 3 * 64 + 2 * 64 + 64 * 64 + 2 * 64), // 3 × (dw, bn, pw, bn)
    macs: 3 * (4 * 4 * 3 * 3 * 64 + 4 * 4 * 64 * 64), // 3 × (dw, pw)
  },
  // L6 skip
  { params: 0, macs: 0 },
  // L7 sep5, 64→64 at 4×4
  {
    params: 64 * 64 + 2 * 64 + 5 * 5 * 64 + 2 * 64 + 64 * 64 + 2 * 64, // pw1, bn1, dw 5×5, bn2, pw2, bn3
    macs: 4 * 4 * 64 * 64 + 4 * 4 * 5 * 5 * 64 + 4 * 4 * 64 * 64, // pw1, dw, pw2
  },
];

const total = (layers: Part[]): Part => [STEM, ...layers, HEAD].reduce((a, b) => ({ params: a.params + b.params, macs: a.macs + b.macs }));

const CASES = [
  // Totals written out once more, so a wrong term above cannot also move the expected total.
  { name: 'all sep3', arch: ALL_SEP3, layers: ALL_SEP3_LAYERS, params: 44_986, macs: 1_132_864 },
  { name: 'mixed xception/skip/sep5/sep7', arch: MIXED, layers: MIXED_LAYERS, params: 45_930, macs: 1_103_312 },
];

describe('supernet cost (FASHION_MNIST_SPACE)', () => {
  const space = new LayerChoiceSpace(FASHION_MNIST_SPACE);

  it('has the layer shapes the hand counts assume', () => {
    expect(space.layers.map((l) => [l.inChannels, l.outChannels, l.stride, l.inSize, l.outSize, l.skippable])).toEqual([
      [16, 32, 2, 14, 7, false],
      [32, 32, 1, 7, 7, true],
      [32, 32, 1, 7, 7, true],
      [32, 32, 1, 7, 7, true],
      [32, 64, 2, 7, 4, false],
      [64, 64, 1, 4, 4, true],
      [64, 64, 1, 4, 4, true],
      [64, 64, 1, 4, 4, true],
    ]);
  });

  for (const c of CASES) {
    it(`counts ${c.name}: stem + head, every layer and the totals as by hand`, () => {
      const handTotal = total(c.layers);
      expect(handTotal).toEqual({ params: c.params, macs: c.macs });
      // stem and head together (fixedCost), then layer by layer
      expect(fixedCost(space.config, space.layers)).toEqual({ params: STEM.params + HEAD.params, macs: STEM.macs + HEAD.macs });
      space.layers.forEach((layer, i) => expect({ layer: i, ...layerCost(layer, c.arch[i]) }).toEqual({ layer: i, ...c.layers[i] }));
      expect(space.params(c.arch)).toBe(c.params);
      expect(space.flopsM(c.arch)).toBeCloseTo(c.macs / 1e6, 12);
    });
  }
});

/** Trainable values on the path of `arch`, by weight-id prefix (`stem.`, `L3.`, `head.`). */
function pathSizes(supernet: Supernet, arch: Architecture): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const id of supernet.pathWeightIds(arch)) {
    const part = id.slice(0, id.indexOf('.'));
    sizes.set(part, (sizes.get(part) ?? 0) + supernet.weights.get(id)!.size);
  }
  return sizes;
}

describe('supernet cost against the real weights', () => {
  it('matches the hand counts part by part in the weights the supernet builds', () => {
    const supernet = Supernet.create(FASHION_MNIST_SPACE, 3);
    try {
      for (const c of CASES) {
        const sizes = pathSizes(supernet, c.arch);
        expect(sizes.get('stem')).toBe(STEM.params);
        expect(sizes.get('head')).toBe(HEAD.params);
        // a skipped layer owns no weights, so it has no entry
        c.layers.forEach((layer, i) => expect({ layer: i, params: sizes.get(`L${i}`) ?? 0 }).toEqual({ layer: i, params: layer.params }));
      }
    } finally {
      supernet.dispose();
    }
  });

  it('equals the trainable values on the path for random architectures of both spaces', () => {
    for (const config of [FASHION_MNIST_SPACE, SMOKE_SPACE]) {
      const supernet = Supernet.create(config, 4);
      try {
        const rng = new Rng('cost-vs-weights');
        for (let i = 0; i < 25; i++) {
          const arch = supernet.space.sampleUniform(rng);
          const values = supernet.pathWeightIds(arch).reduce((n, id) => n + supernet.weights.get(id)!.size, 0);
          expect({ arch: arch.join('-'), values }).toEqual({ arch: arch.join('-'), values: supernet.space.params(arch) });
        }
      } finally {
        supernet.dispose();
      }
    }
  });

  it('names exactly the weights the forward pass uses: every path weight gets a gradient, no other weight does', () => {
    const supernet = Supernet.create(FASHION_MNIST_SPACE, 5);
    try {
      const idOf = new Map([...supernet.weights].map(([id, v]) => [v.name, id]));
      const x = tf.randomNormal([2, 28, 28, 1], 0, 1, 'float32', 7) as tf.Tensor4D;
      for (const arch of [ALL_SEP3, MIXED]) {
        const used = tf.tidy(() => {
          const { grads } = tf.variableGrads(() => tf.sum(tf.square(supernet.forward(arch, x, { kind: 'batch' }))), [...supernet.weights.values()]);
          return Object.keys(grads).map((name) => idOf.get(name)!);
        });
        expect(used.sort()).toEqual(supernet.pathWeightIds(arch).sort());
      }
      x.dispose();
    } finally {
      supernet.dispose();
    }
  });

  it('runs the real forward pass through the shapes the cost model assumes, ending in [n, 10] logits', () => {
    const supernet = Supernet.create(FASHION_MNIST_SPACE, 6);
    try {
      const before = tf.memory().numTensors;
      tf.tidy(() => {
        const x = tf.randomNormal([3, 28, 28, 1], 0, 1, 'float32', 8) as tf.Tensor4D;
        for (const arch of [ALL_SEP3, MIXED]) {
          let y = stemForward(x, FASHION_MNIST_SPACE.stemStride, supernet.weights, { kind: 'batch' });
          expect(y.shape).toEqual([3, 14, 14, 16]);
          for (const layer of supernet.space.layers) {
            y = blockForward(y, layer, arch[layer.index], `L${layer.index}.${arch[layer.index]}`, supernet.weights, { kind: 'batch' });
            expect({ layer: layer.index, shape: y.shape }).toEqual({ layer: layer.index, shape: [3, layer.outSize, layer.outSize, layer.outChannels] });
          }
          const logits = supernet.forward(arch, x, { kind: 'batch' });
          expect(logits.shape).toEqual([3, 10]);
          expect(Array.from(logits.dataSync()).every(Number.isFinite)).toBe(true);
        }
      });
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      supernet.dispose();
    }
  });
});
