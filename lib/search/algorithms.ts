// The algorithms the runner and CLI can start by name, built from JSON options.
// New algorithms (nao, semi, dnas) are added here; nothing in this file names a search space.
import { controllerSearch, CONTROLLER_SEARCH_PRESETS, type ControllerSearchOptions } from './controller-search';
import { bananasSearch, type BananasOptions } from './bananas';
import { regularizedEvolution, type EvolutionOptions } from './evolution';
import { latentAcquisitionSearch, type LatentAcquisitionOptions } from './latent-acquisition';
import { localSearch, type LocalSearchOptions } from './local-search';
import { randomSearch, type RandomSearchOptions } from './random';
import type { SearchAlgorithm } from './search';

/** Builds an algorithm from JSON-serialisable options (they travel to worker threads). */
export type AlgorithmFactory = (options: Readonly<Record<string, unknown>>) => SearchAlgorithm;

/** A controller search preset with option overrides (the ablation switches may be overridden too). */
function controllerPreset(name: keyof typeof CONTROLLER_SEARCH_PRESETS): AlgorithmFactory {
  return (options) => controllerSearch(name, { ...CONTROLLER_SEARCH_PRESETS[name], ...(options as Partial<ControllerSearchOptions>) });
}

/**
 * Name → factory. NAO, SemiNAS and DNAS are one code path (controller-search.ts) with the
 * switches disentangle / dense / semiSupervised; the ablation grid passes them as options.
 * 'dnas-acq' is the improved DNAS (latent-acquisition.ts): it needs `latentModel`, a pretrained
 * latent space's folder.
 */
export const ALGORITHMS: Readonly<Record<string, AlgorithmFactory>> = {
  random: (options) => randomSearch(options as RandomSearchOptions),
  re: (options) => regularizedEvolution(options as EvolutionOptions),
  nao: controllerPreset('nao'),
  semi: controllerPreset('semi'),
  dnas: controllerPreset('dnas'),
  'dnas-acq': (options) => latentAcquisitionSearch('dnas-acq', options as unknown as LatentAcquisitionOptions),
  ls: (options) => localSearch(options as LocalSearchOptions),
  bananas: (options) => bananasSearch(options as BananasOptions),
};

/**
 * The algorithm registered under `name`, built from `options`.
 * @throws Error naming the unknown algorithm and the registered ones; the factory's own errors.
 */
export function createAlgorithm(name: string, options: Readonly<Record<string, unknown>> = {}): SearchAlgorithm {
  const factory = Object.hasOwn(ALGORITHMS, name) ? ALGORITHMS[name] : undefined;
  if (factory === undefined) throw new Error(`unknown search algorithm '${name}' (registered: ${Object.keys(ALGORITHMS).join(', ')})`);
  return factory(options);
}
