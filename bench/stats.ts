/** Small numeric helpers for the benchmarks: percentiles and human-readable figures. */

/** The p-th percentile (0..100) of `values`, nearest-rank on a sorted copy. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** 1234567 -> "1.23M", 12345 -> "12.3k", 123.4 -> "123". */
export function rate(value: number): string {
  if (!Number.isFinite(value)) return '-';
  if (value >= 1e6) return `${(value / 1e6).toFixed(2)}M`;
  if (value >= 1e4) return `${(value / 1e3).toFixed(1)}k`;
  if (value >= 1e3) return `${(value / 1e3).toFixed(2)}k`;
  return value >= 100 ? value.toFixed(0) : value.toFixed(1);
}

/** A duration given in milliseconds, printed in the unit that suits it. */
export function duration(ms: number): string {
  if (!Number.isFinite(ms)) return '-';
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 1) return `${ms.toFixed(ms >= 100 ? 0 : 1)} ms`;
  if (ms >= 0.001) return `${(ms * 1000).toFixed(ms >= 0.1 ? 0 : 2)} µs`;
  return `${(ms * 1e6).toFixed(0)} ns`;
}

export function bytes(n: number): string {
  return n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`;
}

export function ratio(value: number): string {
  if (!Number.isFinite(value)) return '-';
  return value >= 10 ? `${value.toFixed(0)}×` : value >= 1 ? `${value.toFixed(2)}×` : `${value.toFixed(3)}×`;
}

/**
 * How much the rounds disagree: half the interquartile range, relative to the median, as "±x%"
 * (with up to 4 rounds, half the min-max range).
 */
export function spread(values: readonly number[]): string {
  if (values.length < 2) return '-';
  const [low, high] = values.length <= 4 ? [Math.min(...values), Math.max(...values)] : [percentile(values, 25), percentile(values, 75)];
  return `±${(((high - low) / 2 / median(values)) * 100).toFixed(1)}%`;
}

/** Prints rows as aligned columns (numbers right-aligned), with a header rule. */
export function printTable(columns: string[], rows: string[][], rightAligned: ReadonlySet<number>): void {
  const widths = columns.map((c, i) => Math.max(c.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((cell, i) => (rightAligned.has(i) ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join(' │ ');
  console.log(line(columns));
  console.log(widths.map((w) => '─'.repeat(w)).join('─┼─'));
  for (const row of rows) console.log(line(row));
}
