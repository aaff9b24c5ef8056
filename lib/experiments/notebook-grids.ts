// The grids the Table 1 and Table 3 notebooks run, by name, as the parts runGrids takes: one
// definition for the notebooks and for `dnas grid submit --grid`, so seeds a Slurm array finished
// are the very seed folders a notebook run afterwards reuses.
import type { Nb201Dataset } from '../spaces/nasbench201/cost';
import { table1Grid, table1Nb201Grid, table1SampleGrid, table3Grid, type GridPart } from './grid';
import { NB201_PROBLEMS } from './problems';
import { searchLatentModel } from './search-latent-model';

/** The notebooks' grids by name. */
export const NOTEBOOK_GRIDS = ['table1-nasbench101', 'table1-nasbench201', 'table3-ablation'] as const;
export type NotebookGridName = (typeof NOTEBOOK_GRIDS)[number];

/** Which parts of a notebook grid, as the notebook's parameters choose them. */
export interface NotebookGridOptions {
  /** table1-nasbench201: the NAS-Bench-201 tables (default all three). */
  readonly datasets?: readonly Nb201Dataset[];
  /** table1-nasbench101: also the second table on the 30k validation sample (default true). */
  readonly sampleTable?: boolean;
}

/** A notebook's grid: its parts and the name of its grid folder on Slurm (results/grids/<gridName>). */
export interface NotebookGrid {
  readonly parts: GridPart[];
  /** `<grid>-<scale>`, with the data sets (NAS-Bench-201, when not all three) or `whole` (NAS-Bench-101 without the sample table) before the scale. */
  readonly gridName: string;
}

/**
 * A notebook's grid as runGrids parts, its latent models pretrained first (cached: a Slurm task
 * never pretrains). Experiment names are the notebook's: `<grid>[-<dataset>]-<scale>`.
 * @throws RangeError naming an unknown grid or data set.
 */
export async function notebookGrid(name: string, scale: 'smoke' | 'full', options: NotebookGridOptions = {}): Promise<NotebookGrid> {
  const parts = await gridParts(name, scale, options);
  const all = Object.keys(NB201_PROBLEMS).join(',');
  const variant = name === 'table1-nasbench101' && options.sampleTable === false ? '-whole'
    : name === 'table1-nasbench201' && options.datasets !== undefined && options.datasets.join(',') !== all ? `-${options.datasets.join('-')}` : '';
  return { parts, gridName: `${name}${variant}-${scale}` };
}

async function gridParts(name: string, scale: 'smoke' | 'full', options: NotebookGridOptions): Promise<GridPart[]> {
  const latentScale = { scale };
  if (name === 'table1-nasbench101') {
    const latentModel = await searchLatentModel('nb101', latentScale);
    const parts: GridPart[] = [{ grid: table1Grid(scale, 20, latentModel), space: 'nb101', experiment: `table1-nasbench101-${scale}` }];
    if (options.sampleTable ?? true) parts.push({ grid: table1SampleGrid(scale, 20, latentModel), space: 'nb101-30k', experiment: `table1-nasbench101-30k-${scale}` });
    return parts;
  }
  if (name === 'table1-nasbench201') {
    const datasets = options.datasets ?? (Object.keys(NB201_PROBLEMS) as Nb201Dataset[]);
    for (const d of datasets) if (!Object.hasOwn(NB201_PROBLEMS, d)) throw new RangeError(`unknown NAS-Bench-201 data set '${d}' (expected one of ${Object.keys(NB201_PROBLEMS).join(', ')})`);
    const grid = table1Nb201Grid(scale, 20, await searchLatentModel('nb201', latentScale));
    return datasets.map((d) => ({ grid, space: NB201_PROBLEMS[d], experiment: `table1-nasbench201-${d}-${scale}` }));
  }
  if (name === 'table3-ablation') {
    const latent = { vae: await searchLatentModel('nb101', latentScale), autoencoder: await searchLatentModel('nb101', { ...latentScale, variant: 'autoencoder' }) };
    return [{ grid: table3Grid(scale, 20, latent), space: 'nb101', experiment: `table3-ablation-${scale}` }];
  }
  throw new RangeError(`unknown notebook grid '${name}' (expected one of ${NOTEBOOK_GRIDS.join(', ')})`);
}

/** Seeds a notebook runs per configuration: `seeds` at full scale, at most 2 at smoke scale. */
export function notebookSeeds(scale: 'smoke' | 'full', seeds: number): number {
  return scale === 'full' ? seeds : Math.min(seeds, 2);
}
