/** Reading a service's `/metrics` (the Prometheus text format) for the benchmarks: one counter, summed. */

/**
 * The sum of the samples of `metric` whose labels include every one of `labels`, e.g.
 * `sumOf(text, 'mp_messages_consumed_total', { type: 'ApproveRequest' })`.
 */
export function sumOf(text: string, metric: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(metric) || (line[metric.length] !== '{' && line[metric.length] !== ' ')) continue;
    const match = /^[^{ ]+(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match) continue;
    const present = new Map([...(match[1] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]] as const));
    if (Object.entries(labels).every(([name, value]) => present.get(name) === value)) sum += Number(match[2]);
  }
  return sum;
}
