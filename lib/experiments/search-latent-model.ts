// Which pretrained latent space a latent-space search (the improved DNAS) runs on: the space's
// default β-VAE, or the same model pretrained as a deterministic auto-encoder (Table 3's
// "disentangle N"), trained once and then loaded from the cache (pretrained-latent.ts).
import { pretrainedLatentSpace, type PretrainSpace } from './pretrained-latent';

/** The pretraining space of a search problem: 'nb101' for both NAS-Bench-101 tables, 'nb201' for the three NAS-Bench-201 ones. */
export function pretrainSpaceOf(problem: string): PretrainSpace {
  if (problem === 'nb101' || problem === 'nb101-30k') return 'nb101';
  if (problem === 'nb201' || problem.startsWith('nb201-')) return 'nb201';
  throw new RangeError(`no pretrained latent space for search space '${problem}' (NAS-Bench-101: nb101, nb101-30k; NAS-Bench-201: nb201, nb201-cifar100, nb201-imagenet16-120)`);
}

/** Options of searchLatentModel. */
export interface SearchLatentModelOptions {
  /** Pretraining preset (default 'full'). */
  readonly scale?: 'full' | 'smoke';
  /** 'vae' (default): the preset's β-VAE; 'autoencoder': the same model with disentangle off (no KL, z = μ). */
  readonly variant?: 'vae' | 'autoencoder';
  readonly cacheDir?: string;
  /** A progress bar while training (default true). */
  readonly progress?: boolean;
}

/**
 * The folder of the latent space a search on `problem` uses, pretrained now if the cache lacks it
 * (NAS-Bench-101 at full scale: minutes; see the README) and loaded otherwise.
 * @throws RangeError for a problem without a pretrained space; what pretrainedLatentSpace throws.
 */
export async function searchLatentModel(problem: string, options: SearchLatentModelOptions = {}): Promise<string> {
  const latent = await pretrainedLatentSpace({
    space: pretrainSpaceOf(problem),
    scale: options.scale ?? 'full',
    ...(options.variant === 'autoencoder' ? { controller: { disentangle: false } } : {}),
    ...(options.cacheDir !== undefined ? { cacheDir: options.cacheDir } : {}),
    progress: options.progress ?? true,
  });
  const dir = latent.dir;
  latent.controller.dispose();
  return dir;
}
