/**
 * Statistics and number formats of the bench's printed results. Pure.
 */

/**
 * The `p`th percentile of `sorted` (ascending), nearest-rank from below: the value at index
 * `floor(p / 100 * n)`, clamped to the last. `NaN` for an empty list.
 */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) {
    return Number.NaN;
  }
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** The median of `values` (any order; the mean of the two middle values for an even count). `NaN` for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) {
    return Number.NaN;
  }
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The arithmetic mean of `values`; `NaN` for none. */
export function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** `values` sorted ascending, as a new array. */
export function sortedCopy(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

/** Milliseconds with three decimals: `12.345 ms`. */
export const ms = (value: number): string => `${value.toFixed(3)} ms`;
/** Milliseconds with a sign: `+0.556 ms`. */
export const signedMs = (value: number): string => `${value >= 0 ? '+' : ''}${value.toFixed(3)} ms`;
/** A ratio with three decimals: `1.005x`. */
export const ratio = (value: number): string => `${value.toFixed(3)}x`;
/** Microseconds with a sign: `+96 us`. */
export const signedUs = (value: number): string => `${value >= 0 ? '+' : ''}${value.toFixed(0)} us`;
/** A share as a percentage with one decimal: `19.5 %`. */
export const percent = (share: number): string => `${(share * 100).toFixed(1)} %`;

/** `{ a: 2, b: 1 }` as `a 2, b 1` (keys sorted), or `none`. */
export function counts(record: Readonly<Record<string, number>>): string {
  const keys = Object.keys(record).sort();
  return keys.length === 0 ? 'none' : keys.map((key) => `${key} ${record[key]}`).join(', ');
}

/** Adds one to `record[key]`. */
export function tally(record: Record<string, number>, key: string, by = 1): void {
  record[key] = (record[key] ?? 0) + by;
}
