// Predictor-guided search in the spirit of BANANAS (White et al. 2021): an MLP ensemble on one-hot
// token encodings, independent Thompson sampling over candidates from mutations and the space,
// batches of queries. It never names a space: cells, tokens and mutations come from the session.
import type { Rng } from '../random';
import { oneHotFeatures, resolveEnsembleOptions, trainMlpEnsemble, type MlpEnsembleOptions } from './mlp-ensemble';
import { SearchStalledError, type SearchAlgorithm, type SearchSession } from './search';

/** Settings of the predictor-guided search. */
export interface BananasOptions {
  /** Uniform cells queried before the first fit (naszilla BANANAS: 10). */
  readonly initial?: number;
  /** New cells queried per fit (naszilla BANANAS: k = 10). */
  readonly batch?: number;
  /** Candidates scored per fit (naszilla: 100). */
  readonly candidates?: number;
  /** Share of the candidates that are mutants of the best cells; the rest are uniform draws (default 0.8). */
  readonly mutantShare?: number;
  /** How many of the best queried cells are mutated to make candidates (naszilla: 2; default 4). */
  readonly parents?: number;
  /** The predictor (MLP_ENSEMBLE_DEFAULTS). */
  readonly predictor?: MlpEnsembleOptions;
}

/** Defaults; sources in BananasOptions. */
export const BANANAS_DEFAULTS = { initial: 10, batch: 10, candidates: 100, mutantShare: 0.8, parents: 4 } as const;

/**
 * BANANAS-style search: query `initial` uniform cells; then until the budget is spent, fit a fresh
 * ensemble (mlp-ensemble.ts) on every queried cell's one-hot tokens and accuracy, make candidates
 * (mutants of the `parents` best cells by `space.mutate`, and uniform draws; never a cell already
 * proposed), draw one Thompson sample per candidate from N(ensemble mean, ensemble std) (independent
 * Thompson sampling, BANANAS's acquisition) and propose candidates in order of that sample until
 * `batch` new cells were queried. A candidate outside the table (NAS-Bench-101's 30k subset) is a
 * free, counted proposal and the next one is taken; when the candidates run out, more are made
 * without refitting.
 * @throws RangeError for a setting that is not a positive integer (mutantShare: not in [0, 1]).
 */
export function bananasSearch(options: BananasOptions = {}): SearchAlgorithm {
  const settings = {
    initial: options.initial ?? BANANAS_DEFAULTS.initial,
    batch: options.batch ?? BANANAS_DEFAULTS.batch,
    candidates: options.candidates ?? BANANAS_DEFAULTS.candidates,
    mutantShare: options.mutantShare ?? BANANAS_DEFAULTS.mutantShare,
    parents: options.parents ?? BANANAS_DEFAULTS.parents,
    predictor: resolveEnsembleOptions(options.predictor),
  };
  for (const name of ['initial', 'batch', 'candidates', 'parents'] as const) {
    const value = settings[name];
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer: got ${value}`);
  }
  if (!(settings.mutantShare >= 0 && settings.mutantShare <= 1)) throw new RangeError(`mutantShare must be in [0, 1]: got ${settings.mutantShare}`);
  return {
    name: 'bananas',
    anytime: true,
    settings: { ...settings, encoding: 'one-hot tokens (space.encode)', acquisition: 'independent Thompson sampling' },
    run<C>(session: SearchSession<C>): void {
      const rng = session.rng;
      // A resumed run starts at the round its checkpoint was saved in: every later draw comes from forks named by round.
      const saved = session.resume<BananasCheckpoint>();
      const proposed = new Set<string>(saved?.proposed);
      const features = new Map<string, number[]>(); // one-hot rows of queried cells, encoded once per run
      const propose = (cell: C, origin: string): boolean => {
        proposed.add(session.space.key(cell));
        return session.propose(cell, { origin }).outcome === 'new';
      };
      const uniform = rng.fork('uniform');
      for (let draws = 0; saved === null && !session.done && session.history.length < settings.initial; draws++) {
        if (draws >= STALL_DRAWS) throw new SearchStalledError(`bananas: ${STALL_DRAWS} uniform draws without a cell not yet proposed (${proposed.size} proposed)`);
        const cell = session.space.sampleUniform(uniform);
        if (!proposed.has(session.space.key(cell))) propose(cell, 'initial');
      }
      for (let round = saved?.round ?? 0; !session.done; round++) {
        session.checkpoint({ round, proposed: [...proposed] } satisfies BananasCheckpoint);
        const model = fitPredictor(session, features, rng.fork(`fit-${round}`), settings.predictor);
        let added = 0;
        for (let refill = 0; added < settings.batch && !session.done; refill++) {
          const pool = makeCandidates(session, proposed, settings, rng.fork(`candidates-${round}-${refill}`));
          if (pool.length === 0) throw new SearchStalledError(`bananas: no candidate left that was not proposed before (${proposed.size} proposed, ${session.remaining} queries left)`);
          const sampler = rng.fork(`thompson-${round}-${refill}`);
          const ranked = pool.map((cell) => {
            const p = model.predict(oneHotFeatures(session.space.encode(cell), session.space.vocabSize));
            return { cell, sample: sampler.normal(p.mean, p.std) };
          }).sort((a, b) => b.sample - a.sample);
          for (const { cell } of ranked) {
            if (added >= settings.batch || session.done) break;
            if (propose(cell, 'predicted')) added++;
          }
        }
      }
    },
  };
}

/** What BANANAS carries from one round to the next besides the session's queried cells. */
interface BananasCheckpoint {
  readonly round: number;
  /** Keys of every cell proposed so far (never proposed again). */
  readonly proposed: readonly string[];
}

/** Uniform draws in a row that may all be cells already proposed before the search gives up. */
const STALL_DRAWS = 100_000;

/** The ensemble fitted on every cell queried so far; `features` keeps each queried cell's row across rounds. */
function fitPredictor<C>(session: SearchSession<C>, features: Map<string, number[]>, rng: Rng, options: MlpEnsembleOptions | undefined) {
  const { sequenceLength, vocabSize } = session.space;
  const x = session.history.map((e) => {
    let row = features.get(e.key);
    if (row === undefined) features.set(e.key, (row = oneHotFeatures(session.space.encode(e.cell), vocabSize)));
    return row;
  });
  const y = session.history.map((e) => e.record.searchAccuracy);
  return trainMlpEnsemble(x, y, sequenceLength * vocabSize, rng, options);
}

/** Up to `candidates` cells never proposed before: mutants of the best queried cells, then uniform draws. */
function makeCandidates<C>(session: SearchSession<C>, proposed: ReadonlySet<string>, settings: { readonly candidates: number; readonly mutantShare: number; readonly parents: number }, rng: Rng): C[] {
  const { space } = session;
  const parents = [...session.history].sort((a, b) => b.record.searchAccuracy - a.record.searchAccuracy).slice(0, settings.parents);
  const out = new Map<string, C>();
  const offer = (cell: C): void => {
    const key = space.key(cell);
    if (!proposed.has(key) && !out.has(key)) out.set(key, cell);
  };
  const mutants = Math.round(settings.candidates * settings.mutantShare);
  // Bounded attempts: near a fully explored neighbourhood mutants repeat, and uniform draws fill in.
  for (let attempt = 0; out.size < mutants && attempt < 20 * mutants; attempt++) offer(space.mutate(parents[attempt % parents.length].cell, rng));
  for (let attempt = 0; out.size < settings.candidates && attempt < 20 * settings.candidates; attempt++) offer(space.sampleUniform(rng));
  return [...out.values()];
}
