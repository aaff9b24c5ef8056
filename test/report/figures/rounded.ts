// Test helper for figure snapshots: every number rounded to 6 decimals, so float noise does not churn them.

/** A deep copy of a JSON value with every number rounded to 6 decimals. */
export function rounded(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_, v) => (typeof v === 'number' ? Math.round(v * 1e6) / 1e6 : v)));
}
