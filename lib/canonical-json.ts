// JSON with object keys sorted at every level: the one serialisation every cache key and config
// comparison hashes, so key order never changes a key. No I/O, no hashing here.

/**
 * `value` as JSON with object keys sorted at every level and undefined fields left out.
 * @throws Error for a value JSON cannot hold (a non-finite number, a function, a bigint, a symbol).
 */
export function canonicalJson(value: unknown): string {
  if (typeof value === 'number' && !Number.isFinite(value)) throw new Error(`config is not JSON: got number ${value}`);
  if (typeof value === 'function' || typeof value === 'bigint' || typeof value === 'symbol') {
    throw new Error(`config is not JSON: got a ${typeof value}`);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).filter((k) => (value as Record<string, unknown>)[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
