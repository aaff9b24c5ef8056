// The supernet as a benchmark the search harness can query: a sub-network's "record" is its
// inherited-weight validation accuracy (computed on first use, memoised, optionally kept in a
// JSON Lines file so every method and FLOPs limit shares one set of evaluations) and its exact cost.
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { TabularBenchmark, type BenchmarkRecord, type QuerySink } from '../benchmarks/tabular';
import { evaluateSubnet, type EvaluationData } from './evaluate';
import type { Architecture } from './space';
import type { WeightSharingNet } from './weight-sharing';

/** A sub-network's one-shot record: inherited-weight accuracy on the validation split, exact cost. */
export interface OneShotRecord extends BenchmarkRecord {
  /** Inherited-weight validation accuracy: also the search accuracy. */
  readonly valAccuracy: number;
  readonly flopsM: number;
  readonly params: number;
}

/**
 * Evaluates sub-networks of one trained supernet on fixed data, once each. With `cacheFile`,
 * evaluations persist across processes and threads (each is one appended line, so threads may share
 * the file); the caller must name the file after the supernet and the data (a different supernet
 * must not read another's cache).
 */
export class SubnetEvaluator<A = Architecture> {
  private readonly memo = new Map<string, number>();
  /** Evaluations actually computed by this object (memo and file hits excluded). */
  computed = 0;

  constructor(
    readonly supernet: WeightSharingNet<A>,
    private readonly data: EvaluationData,
    private readonly cacheFile?: string,
  ) {
    if (cacheFile !== undefined && existsSync(cacheFile)) {
      // Only whole lines: another thread may be appending one right now (it is read next time).
      const lines = readFileSync(cacheFile, 'utf8').split('\n').slice(0, -1);
      lines.forEach((line, i) => {
        if (line.trim() === '') return;
        let row: { key: string; valAccuracy: number };
        try {
          row = JSON.parse(line) as { key: string; valAccuracy: number };
        } catch {
          throw new Error(`${cacheFile} line ${i + 1} is not JSON: ${JSON.stringify(line.slice(0, 80))} (delete the file to evaluate again)`);
        }
        this.memo.set(row.key, row.valAccuracy);
      });
    }
  }

  /** Evaluations known (memoised or read from the cache file). */
  get known(): number {
    return this.memo.size;
  }

  /** The record of `arch` (evaluating it when new). @throws RangeError for an architecture outside the space. */
  record(arch: A): OneShotRecord {
    const space = this.supernet.space;
    const key = space.key(arch);
    let accuracy = this.memo.get(key);
    if (accuracy === undefined) {
      accuracy = evaluateSubnet(this.supernet, arch, this.data);
      this.computed++;
      this.memo.set(key, accuracy);
      if (this.cacheFile !== undefined) {
        mkdirSync(dirname(this.cacheFile), { recursive: true });
        appendFileSync(this.cacheFile, `${JSON.stringify({ key, valAccuracy: accuracy })}\n`);
      }
    }
    return { searchAccuracy: accuracy, valAccuracy: accuracy, flopsM: space.flopsM(arch), params: space.params(arch) };
  }
}

/** A Map whose every key of the space is present, its value computed on first `get` (what TabularBenchmark reads). */
class LazyRecords<A> extends Map<string, OneShotRecord> {
  constructor(private readonly evaluator: SubnetEvaluator<A>) {
    super();
  }

  override get(key: string): OneShotRecord | undefined {
    let record = super.get(key);
    if (record === undefined) {
      record = this.evaluator.record(this.evaluator.supernet.architecture(key));
      super.set(key, record);
    }
    return record;
  }

  override get size(): number {
    return this.evaluator.supernet.space.size;
  }
}

/**
 * A benchmark over every sub-network of the supernet, charged per distinct architecture like the
 * tabular ones (so random, evolution and the controllers run on it unchanged). Nothing is out of
 * domain: every architecture of the space has weights.
 */
export function oneShotBenchmark<A>(evaluator: SubnetEvaluator<A>, options: { readonly name?: string; readonly budget?: number; readonly log?: QuerySink } = {}): TabularBenchmark<A, OneShotRecord> {
  const space = evaluator.supernet.space;
  return new TabularBenchmark<A, OneShotRecord>({
    name: options.name ?? `${space.name}-oneshot`,
    records: new LazyRecords(evaluator),
    keyOf: (arch) => space.key(arch),
    budget: options.budget,
    log: options.log,
  });
}
