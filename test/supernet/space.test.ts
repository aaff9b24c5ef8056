// Tests of the supernet's layer-choice search space (lib/supernet/space.ts): size by enumeration, the
// token grammar, mutation, one-layer neighbourhoods, uniform sampling (chi-square), the FLOPs range.
// Pure arithmetic on architectures: no TF.js here.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../lib/random';
import { BLOCKS, FASHION_MNIST_SPACE, LayerChoiceSpace, SMOKE_SPACE, layerShapes, type Architecture, type SupernetSpaceConfig } from '../../lib/supernet/space';

/** Every token sequence the grammar allows, by depth-first search over allowedNextTokens. */
function enumerateTokens(space: LayerChoiceSpace): number[][] {
  const out: number[][] = [];
  const grow = (prefix: number[]): void => {
    if (prefix.length === space.sequenceLength) {
      out.push(prefix);
      return;
    }
    space.allowedNextTokens(prefix).forEach((ok, token) => {
      if (ok) grow([...prefix, token]);
    });
  };
  grow([]);
  return out;
}

const smoke = new LayerChoiceSpace(SMOKE_SPACE, 'smoke');
const SMOKE_ALL: Architecture[] = enumerateTokens(smoke).map((tokens) => smoke.decode(tokens)!);

describe('LayerChoiceSpace size', () => {
  it('has 4²·5⁶ = 250,000 architectures at Fashion-MNIST scale (the two downsampling layers cannot skip)', () => {
    const space = new LayerChoiceSpace(FASHION_MNIST_SPACE);
    expect(space.size).toBe(4 ** 2 * 5 ** 6);
    expect(space.size).toBe(250_000);
    expect(space.sequenceLength).toBe(8);
    expect(space.vocabSize).toBe(BLOCKS.length);
  });

  it('has 400 = 4·5·4·5 architectures at smoke scale, and enumerating the grammar finds exactly that many distinct keys', () => {
    expect(smoke.size).toBe(400);
    expect(SMOKE_ALL).toHaveLength(400);
    expect(new Set(SMOKE_ALL.map((a) => smoke.key(a))).size).toBe(400);
    // the first layer of each stage downsamples: never skip there; the others may
    expect(SMOKE_ALL.some((a) => a[0] === 'skip' || a[2] === 'skip')).toBe(false);
    expect(SMOKE_ALL.filter((a) => a[1] === 'skip')).toHaveLength(80);
  });

  it('allows skip on a stride-1 first layer whose channels do not change', () => {
    // stage 2 keeps 8 channels at stride 1, so identity can stand in for its first layer: 4·5·5·5
    const config: SupernetSpaceConfig = { ...SMOKE_SPACE, stages: [SMOKE_SPACE.stages[0], { channels: 8, layers: 2, stride: 1 }] };
    const space = new LayerChoiceSpace(config);
    expect(space.layers.map((l) => l.skippable)).toEqual([false, true, true, true]);
    expect(space.size).toBe(4 * 5 * 5 * 5);
  });
});

describe('LayerChoiceSpace encode/decode', () => {
  it('round-trips every smoke architecture and random Fashion-MNIST ones', () => {
    for (const arch of SMOKE_ALL) expect(smoke.decode(smoke.encode(arch))).toEqual(arch);
    const space = new LayerChoiceSpace(FASHION_MNIST_SPACE);
    const rng = new Rng('round-trip');
    for (let i = 0; i < 200; i++) {
      const arch = space.sampleUniform(rng);
      const tokens = space.encode(arch);
      expect(tokens.every((t) => Number.isInteger(t) && t >= 0 && t < space.vocabSize)).toBe(true);
      expect(space.decode(tokens)).toEqual(arch);
    }
  });

  it('encodes blocks as their index in BLOCKS', () => {
    expect(smoke.encode(['sep3', 'skip', 'xception', 'sep7'])).toEqual([0, 4, 3, 2]);
  });

  it('throws naming the layer when a skip token sits on a stage’s first layer', () => {
    expect(() => smoke.decode([4, 0, 0, 0])).toThrow(/token 4 is not allowed at layer 0 \(allowed: 0, 1, 2, 3\)/);
    expect(() => smoke.decode([0, 0, 4, 0])).toThrow(/token 4 is not allowed at layer 2/);
  });

  it('throws for a token outside the vocabulary and for a wrong length, naming the value and the limit', () => {
    expect(() => smoke.decode([0, 5, 0, 0])).toThrow(/token 5 is not allowed at layer 1/);
    expect(() => smoke.decode([0, 0, 0])).toThrow(/length must be 4: got 3/);
  });

  it('rejects an architecture outside the space in key/encode/params, naming the layer', () => {
    expect(() => smoke.key(['skip', 'sep3', 'sep3', 'sep3'])).toThrow(/layer 0 cannot be "skip"/);
    expect(() => smoke.encode(['sep3', 'sep3', 'sep3'])).toThrow(/must have 4 layers: got 3/);
    expect(() => smoke.params(['sep3', 'sep3', 'conv9' as never, 'sep3'])).toThrow(/layer 2 cannot be "conv9"/);
  });

  it('answers allowedNextTokens with one flag per block, and throws past the end', () => {
    expect(smoke.allowedNextTokens([])).toEqual([true, true, true, true, false]);
    expect(smoke.allowedNextTokens([0])).toEqual([true, true, true, true, true]);
    expect(() => smoke.allowedNextTokens([0, 0, 0, 0])).toThrow(/already complete: length 4/);
  });
});

describe('LayerChoiceSpace mutate', () => {
  it('changes exactly one layer, stays in the space, leaves its input alone, and reaches every layer', () => {
    const space = new LayerChoiceSpace(FASHION_MNIST_SPACE);
    const rng = new Rng('mutate');
    const touched = new Set<number>();
    for (let i = 0; i < 500; i++) {
      const arch = space.sampleUniform(rng);
      const copy = [...arch];
      const next = space.mutate(arch, rng);
      const changed = next.map((b, k) => (b !== arch[k] ? k : -1)).filter((k) => k >= 0);
      expect(changed).toHaveLength(1);
      touched.add(changed[0]);
      expect(() => space.key(next)).not.toThrow();
      expect(arch).toEqual(copy);
    }
    expect([...touched].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('is deterministic: the same seed gives the same mutants', () => {
    const arch: Architecture = ['sep3', 'skip', 'sep5', 'sep7'];
    const run = (seed: number) => {
      const rng = new Rng(seed);
      return Array.from({ length: 20 }, () => smoke.key(smoke.mutate(arch, rng)));
    };
    expect(run(1)).toEqual(run(1));
    expect(run(1)).not.toEqual(run(2));
  });
});

/** Pearson's chi-square of observed counts against equal expected counts. */
function chiSquare(counts: readonly number[], draws: number): number {
  const expected = draws / counts.length;
  return counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
}

describe('LayerChoiceSpace sampleUniform', () => {
  const DRAWS = 20_000;
  // df = 399: mean 399, sd √798 ≈ 28. 560 is ~5.7 sd above the mean (p < 1e-6 for a correct
  // sampler), yet a sampler that favours one block per layer by 1.5× lands far above it (tested below).
  const THRESHOLD = 560;
  const index = new Map(SMOKE_ALL.map((a, i) => [smoke.key(a), i]));
  const histogram = (draw: () => Architecture): number[] => {
    const counts = new Array<number>(SMOKE_ALL.length).fill(0);
    for (let i = 0; i < DRAWS; i++) counts[index.get(smoke.key(draw()))!]++;
    return counts;
  };

  it('draws every smoke architecture about equally often (chi-square over 20,000 draws)', () => {
    const rng = new Rng('uniform');
    const counts = histogram(() => smoke.sampleUniform(rng));
    expect(counts.every((c) => c > 0)).toBe(true);
    expect(chiSquare(counts, DRAWS)).toBeLessThan(THRESHOLD);
  });

  it('has a threshold a real bias trips: favouring the first block of each layer 1.5× fails it', () => {
    const rng = new Rng('biased');
    const biased = (): Architecture =>
      smoke.layers.map((layer) => {
        const choices = smoke.choices(layer.index);
        // weight 1.5 on choices[0], 1 on the rest
        const u = rng.uniform() * (choices.length + 0.5);
        return u < 1.5 ? choices[0] : choices[Math.min(choices.length - 1, Math.floor(u - 0.5))];
      });
    expect(chiSquare(histogram(biased), DRAWS)).toBeGreaterThan(THRESHOLD);
  });

  it('is deterministic: the same seed gives the same draws', () => {
    const draw = (seed: number) => {
      const rng = new Rng(seed);
      return Array.from({ length: 50 }, () => smoke.key(smoke.sampleUniform(rng)));
    };
    expect(draw(3)).toEqual(draw(3));
    expect(draw(3)).not.toEqual(draw(4));
  });
});

describe('LayerChoiceSpace flopsRangeM', () => {
  it('equals the min and max FLOPs over the enumerated smoke space', () => {
    const flops = SMOKE_ALL.map((a) => smoke.flopsM(a));
    const { min, max } = smoke.flopsRangeM();
    expect(min).toBeCloseTo(Math.min(...flops), 12);
    expect(max).toBeCloseTo(Math.max(...flops), 12);
    expect(min).toBeLessThan(max);
  });

  it('is attained by the cheapest and the dearest choice per layer at Fashion-MNIST scale', () => {
    const space = new LayerChoiceSpace(FASHION_MNIST_SPACE);
    const { min, max } = space.flopsRangeM();
    // Hand counts (MACs): on L0 (16→32, 14→7) xception 160,720 < sep3 164,640 and sep7 227,360 is the
    // dearest; on L4 (32→64, 7→4) sep3 175,104 < xception 186,880 < sep7 216,064; on the stride-1
    // layers skip (0) is the cheapest and xception the dearest (7×7: 192,864 > sep7 177,184;
    // 4×4: 224,256 > sep7 181,248).
    const cheapest: Architecture = ['xception', 'skip', 'skip', 'skip', 'sep3', 'skip', 'skip', 'skip'];
    const dearest: Architecture = ['sep7', 'xception', 'xception', 'xception', 'sep7', 'xception', 'xception', 'xception'];
    expect(space.flopsM(cheapest)).toBeCloseTo(min, 12);
    expect(space.flopsM(dearest)).toBeCloseTo(max, 12);
    const rng = new Rng('range');
    for (let i = 0; i < 2000; i++) {
      const f = space.flopsM(space.sampleUniform(rng));
      expect(f).toBeGreaterThanOrEqual(min);
      expect(f).toBeLessThanOrEqual(max);
    }
  });
});

describe('layerShapes', () => {
  it('follows the maps through the strides, rounding odd sizes up (7 → 4)', () => {
    expect(layerShapes(SMOKE_SPACE).map((l) => [l.inChannels, l.outChannels, l.inSize, l.outSize])).toEqual([
      [8, 8, 14, 7],
      [8, 8, 7, 7],
      [8, 16, 7, 4],
      [16, 16, 4, 4],
    ]);
  });

  it('throws one RangeError per invalid configuration, naming the value', () => {
    expect(() => layerShapes({ ...SMOKE_SPACE, inputShape: [28, 27, 1] })).toThrow(/square: got 28×27/);
    expect(() => layerShapes({ ...SMOKE_SPACE, stages: [] })).toThrow(/at least one stage: got 0/);
    expect(() => layerShapes({ ...SMOKE_SPACE, stemChannels: 0 })).toThrow(/stemChannels must be a positive integer: got 0/);
    expect(() => layerShapes({ ...SMOKE_SPACE, classes: 2.5 })).toThrow(/classes must be a positive integer: got 2.5/);
    expect(() => layerShapes({ ...SMOKE_SPACE, inputShape: [28, 28, 0] })).toThrow(/input channels must be a positive integer: got 0/);
    expect(() => layerShapes({ ...SMOKE_SPACE, stages: [{ channels: 8, layers: 0, stride: 2 }] })).toThrow(/stage 0 layers must be a positive integer: got 0/);
    expect(() => layerShapes({ ...SMOKE_SPACE, stages: [SMOKE_SPACE.stages[0], { channels: -1, layers: 1, stride: 2 }] })).toThrow(/stage 1 channels must be a positive integer: got -1/);
  });
});

describe('LayerChoiceSpace neighbours', () => {
  /** Layers at which two architectures differ. */
  const differing = (a: Architecture, b: Architecture): number[] => a.map((x, k) => (x !== b[k] ? k : -1)).filter((k) => k >= 0);

  it('has Σ (choices − 1) neighbours, each one layer away: 3 + 4 + 3 + 4 = 14 at smoke scale', () => {
    // Layers 0 and 2 downsample (4 choices, no skip); layers 1 and 3 have all 5.
    const arch: Architecture = ['sep3', 'skip', 'xception', 'sep7'];
    const neighbours = smoke.neighbours(arch);
    expect(neighbours).toHaveLength(14);
    const keys = neighbours.map((n) => smoke.key(n));
    expect(new Set(keys).size).toBe(14);
    expect(keys).not.toContain(smoke.key(arch));
    for (const n of neighbours) expect(differing(n, arch)).toHaveLength(1);
  });

  it('equals the set of all smoke architectures at Hamming distance 1 (by enumeration)', () => {
    for (const arch of SMOKE_ALL.slice(0, 40)) {
      const expected = SMOKE_ALL.filter((b) => differing(arch, b).length === 1).map((b) => smoke.key(b));
      expect(smoke.neighbours(arch).map((n) => smoke.key(n)).sort()).toEqual(expected.sort());
    }
  });

  it('has 3 + 4·3 + 3 + 4·3 = 30 neighbours at Fashion-MNIST scale, in a fixed order, input untouched', () => {
    const space = new LayerChoiceSpace(FASHION_MNIST_SPACE);
    const arch: Architecture = ['sep5', 'skip', 'sep3', 'xception', 'sep7', 'sep5', 'skip', 'sep3'];
    const copy = [...arch];
    const expected = space.layers.reduce((n, layer) => n + space.choices(layer.index).length - 1, 0);
    expect(expected).toBe(30);
    const keys = () => space.neighbours(arch).map((n) => space.key(n));
    expect(keys()).toHaveLength(30);
    expect(keys()).toEqual(keys());
    expect(arch).toEqual(copy);
  });

  it('rejects an architecture outside the space, naming the layer', () => {
    expect(() => smoke.neighbours(['skip', 'sep3', 'sep3', 'sep3'])).toThrow(/layer 0 cannot be "skip"/);
  });
});
