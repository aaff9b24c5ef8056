// Regularized Evolution (Real et al. 2019, "aging evolution") over any search space's mutate(),
// optionally under a FLOPs limit (the constrained evolution of single-path one-shot, Guo et al. 2020).
// It never names a space: mutation and uniform sampling come from the SearchSpace it is given.
import { samplerStream, type CellSampler } from '../samplers/sampler';
import { uniformSampler } from '../samplers/uniform';
import { Rng } from '../random';
import type { SearchSpace } from '../spaces/search-space';
import { checkLimitReachable, FlopsGate, limitSettings, MAX_REJECTIONS, resolveFlopsLimit, type FlopsLimit, type FlopsLimitedSearch, type FlopsLimitStats } from './flops-limit';
import type { SearchSession } from './search';
import { UNIFORM_STREAM } from './random';

/** Settings of regularized evolution. */
export interface EvolutionOptions {
  /** Population size P (default 100: NAS-Bench-101 paper §5 / example notebook, NASLib). */
  readonly populationSize?: number;
  /** Tournament sample size S (default 10: same sources). */
  readonly tournamentSize?: number;
  /**
   * What a child that was already queried does (default 'join'). 'join': it joins the population
   * like any child and the oldest member dies, as in Real et al. and NASLib, where every
   * evaluated child enters (there a repeat costs budget; here it is free). 'skip': it is
   * treated like an out-of-domain child (free, no join, no aging) — fewer proposals, but the
   * population then changes only on new cells and can deadlock once every neighbour of every
   * member has been queried (SearchStalledError). Measured on NAS-Bench-101 at budget 2000
   * (2 seeds each): 'join' ~1.05M proposals (80% out of domain, 20% repeats) and ~145 s per
   * seed; 'skip' ~125k proposals and ~20 s per seed. The time is almost all cell hashing.
   */
  readonly repeatedChildren?: 'skip' | 'join';
  /**
   * Where the first population comes from (default: `uniformSampler(space)`, i.e. space.sampleUniform).
   * VAENAS §5.3 ("Combination with evolution search") seeds it with VAE samples instead. It must
   * sample cells of the session's space; it draws from the same 'uniform' stream of the run's Rng.
   * Not JSON: pass it when calling `regularizedEvolution` directly (the registry's `re` stays uniform).
   */
  readonly initialSampler?: CellSampler<unknown>;
  /**
   * Query only cells with FLOPs ≤ F + τ (DNAS Eq 6; and > aboveM in a band), as single-path one-shot's evolution does
   * (Guo et al. 2020 §3.4: candidates that break the constraint are dropped and generated anew).
   * The first population is drawn by rejection (draws outside the limit are counted under
   * flopsStats().discarded.initial and skipped), and a child outside the limit is dropped
   * (discarded.mutant) and redrawn by a fresh tournament and mutation, with no proposal and no aging.
   * Default: none (Infinity is the same as none).
   */
  readonly flopsLimit?: FlopsLimit;
}

/** The standard NAS-Bench-101 settings (Ying et al. 2019 §5; nasbench example notebook). */
export const EVOLUTION_DEFAULTS = { populationSize: 100, tournamentSize: 10, repeatedChildren: 'join' } as const;

interface Member<C> {
  readonly cell: C;
  readonly accuracy: number;
}

/**
 * Regularized Evolution with the standard NAS-Bench-101 settings: population 100, tournament
 * sample 10 (drawn without replacement), the parent is the sample's best by validation
 * accuracy, the child is `space.mutate(parent)` (NAS-Bench-101: nasbench's mutate_spec with
 * mutation_rate 1.0), and the oldest member dies each time a child joins (aging).
 * Choices for a partial table and a distinct-cell budget, stated:
 * - the first population is drawn uniformly from the space (same stream as Random Search, so
 *   with one seed both start from the same cells), or from `initialSampler`; out-of-domain draws
 *   are skipped (free, counted), repeated draws join like any other;
 * - an out-of-domain child is free, counted and skipped: it never joins the population (its
 *   accuracy is unknown), and no member ages;
 * - a repeated child (already queried) is free and, by default, joins like any child, as in
 *   Real et al. (see EvolutionOptions.repeatedChildren for the alternative and its costs).
 * If the budget is below the population size, the run is the first population only (= Random Search).
 * Under `flopsLimit` every proposal is within F + τ (see EvolutionOptions.flopsLimit).
 * @throws RangeError when populationSize or tournamentSize is not a positive integer, the
 *   tournament is larger than the population, or the limit is invalid; at run time, RangeError when
 *   F + τ is below the space's minimum FLOPs, and Error after MAX_REJECTIONS infeasible children in a row.
 */
export function regularizedEvolution(options: EvolutionOptions = {}): FlopsLimitedSearch {
  const populationSize = options.populationSize ?? EVOLUTION_DEFAULTS.populationSize;
  const tournamentSize = options.tournamentSize ?? EVOLUTION_DEFAULTS.tournamentSize;
  if (!Number.isInteger(populationSize) || populationSize < 1) throw new RangeError(`populationSize must be a positive integer: got ${populationSize}`);
  if (!Number.isInteger(tournamentSize) || tournamentSize < 1) throw new RangeError(`tournamentSize must be a positive integer: got ${tournamentSize}`);
  if (tournamentSize > populationSize) throw new RangeError(`tournamentSize ${tournamentSize} exceeds populationSize ${populationSize}`);
  const repeatedChildren = options.repeatedChildren ?? EVOLUTION_DEFAULTS.repeatedChildren;
  if (repeatedChildren !== 'skip' && repeatedChildren !== 'join') throw new RangeError(`repeatedChildren must be 'skip' or 'join': got ${JSON.stringify(repeatedChildren)}`);
  const limit = resolveFlopsLimit(options.flopsLimit);
  let lastGate: FlopsGate<unknown> | null = null;
  return {
    name: 're',
    anytime: true,
    // The sampler and the limit are named only when given, so the default settings (which the runner
    // stores and compares when it resumes a seed folder) stay what they were before the options existed.
    settings: {
      populationSize, tournamentSize, repeatedChildren, mutation: 'space.mutate',
      ...(options.initialSampler ? { initialSampler: options.initialSampler.name } : {}),
      ...(limit ? { flopsLimit: limitSettings(limit) } : {}),
    },
    flopsStats: () => lastGate?.stats() ?? null,
    run<C>(session: SearchSession<C>): void {
      if (limit !== null) checkLimitReachable(session.space, limit);
      const gate = limit === null ? null : new FlopsGate<C>(session.space, limit);
      lastGate = gate as FlopsGate<unknown> | null;
      // A resumed run goes on from its checkpoint's population, random stream position and counts.
      const saved = session.resume<EvolutionCheckpoint>();
      if (saved !== null && gate !== null && saved.gate !== null) gate.restoreCounts(saved.gate);
      const sampler = (options.initialSampler as CellSampler<C> | undefined) ?? uniformSampler(session.space);
      const population = saved === null ? initialPopulation(session, populationSize, sampler, gate) : saved.population.map((m) => ({ cell: decodeMember(session.space, m.tokens), accuracy: m.accuracy }));
      const fresh = session.rng.fork('evolution');
      const rng = saved === null ? fresh : Rng.at(fresh.seed, saved.rng);
      let infeasibleStreak = saved?.infeasibleStreak ?? 0;
      for (let step = 0; !session.done; step++) {
        // Checked every 256 proposals: a clock read per proposal would cost more than the checkpoints.
        if ((step & 255) === 0 && session.checkpointDue) {
          session.checkpoint({
            population: population.map((m) => ({ tokens: session.space.encode(m.cell), accuracy: m.accuracy })), rng: rng.state(), infeasibleStreak, gate: gate?.stats() ?? null,
          } satisfies EvolutionCheckpoint);
        }
        const sample = rng.sampleIndices(population.length, tournamentSize).map((i) => population[i]);
        const parent = sample.reduce((a, b) => (b.accuracy > a.accuracy ? b : a));
        const child = session.space.mutate(parent.cell, rng);
        if (gate !== null && !gate.admits(child, 'mutant')) {
          if (++infeasibleStreak >= MAX_REJECTIONS) {
            throw new Error(`${MAX_REJECTIONS} children in a row were outside ${gate.describe()}; the population cannot move`);
          }
          continue;
        }
        infeasibleStreak = 0;
        const proposal = session.propose(child);
        if (proposal.outcome === 'out-of-domain' || (proposal.outcome === 'repeat' && repeatedChildren === 'skip')) continue;
        population.push({ cell: child, accuracy: proposal.record.searchAccuracy });
        population.shift();
      }
    },
  };
}

/** What evolution carries on from a checkpoint besides the session's queried cells. */
interface EvolutionCheckpoint {
  /** The population, oldest first: each member's tokens and search accuracy. */
  readonly population: readonly { readonly tokens: readonly number[]; readonly accuracy: number }[];
  /** The evolution stream's position (Rng.state). */
  readonly rng: readonly number[];
  readonly infeasibleStreak: number;
  /** The FLOPs gate's counts under a limit; null without one. */
  readonly gate: FlopsLimitStats | null;
}

function decodeMember<C>(space: SearchSpace<C>, tokens: readonly number[]): C {
  const cell = space.decode(tokens);
  if (cell === null) throw new Error(`checkpoint population member [${tokens.join(' ')}] decodes to no valid cell`);
  return cell;
}

/**
 * In-domain cells from `sampler` until the population is full or the budget is spent. Draws come
 * in batches; with the uniform sampler the proposals are exactly one sampleUniform call after another.
 * With a gate, draws outside the FLOPs limit are skipped before they are proposed (rejection sampling).
 */
function initialPopulation<C>(session: SearchSession<C>, size: number, sampler: CellSampler<C>, gate: FlopsGate<C> | null): Member<C>[] {
  const stream = samplerStream(sampler, session.rng.fork(UNIFORM_STREAM));
  const population: Member<C>[] = [];
  while (population.length < size && !session.done) {
    const { cell, source } = gate === null ? stream.next() : drawAdmitted(stream, gate);
    const proposal = session.propose(cell, source === 'uniform' ? {} : { origin: `initial-${source}` });
    if (proposal.outcome !== 'out-of-domain') population.push({ cell, accuracy: proposal.record.searchAccuracy });
  }
  return population;
}

/** The next stream draw that meets the FLOPs limit (rejection sampling; infeasible draws counted as 'initial'). */
function drawAdmitted<C>(stream: { next(): { cell: C; source: string } }, gate: FlopsGate<C>): { cell: C; source: string } {
  const last = { draw: { cell: undefined as unknown as C, source: '' } };
  gate.drawFeasible(() => (last.draw = stream.next()).cell, 'initial');
  return last.draw;
}
