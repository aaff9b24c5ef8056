// What the explorer page's bundle gets for `node:crypto` (explorer-bundle.ts maps it here): the one
// use the page reaches, NAS-Bench-101's graph hash (spaces/nasbench101/graph.ts), needs md5 of strings.
import { md5Hex } from './md5';

/** createHash('md5').update(text).digest('hex'), as node:crypto; any other algorithm or digest is refused. */
export function createHash(algorithm: string): { update(text: string): { digest(encoding: string): string } } {
  if (algorithm !== 'md5') throw new Error(`the explorer page computes md5 only: got ${algorithm}`);
  return {
    update(text: string) {
      return {
        digest(encoding: string) {
          if (encoding !== 'hex') throw new Error(`the explorer page gives hex digests only: got ${encoding}`);
          return md5Hex(text);
        },
      };
    },
  };
}
