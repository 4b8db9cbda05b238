/** One invariant as checked: how many times it broke (0 = it holds), a few examples, and what else was measured. */
export interface Finding {
  name: string;
  /** What the invariant says, in one sentence. */
  says: string;
  count: number;
  examples: string[];
  info: string[];
  /** The customers the violations are about, for evidence.txt. */
  customers: string[];
}

const EXAMPLES = 5;

export function finding(name: string, says: string, violations: string[], info: string[] = [], customers: Array<string | undefined> = []): Finding {
  const about = [...new Set(customers.filter((c): c is string => !!c))];
  return { name, says, count: violations.length, examples: violations.slice(0, EXAMPLES), info, customers: about };
}

/** "a 3 of 10, b 1 of 4": how many of each kind, out of how many there were. */
export function ofKinds(kinds: string[], all: string[]): string {
  const total = new Map<string, number>();
  for (const kind of all) total.set(kind, (total.get(kind) ?? 0) + 1);
  return countsOf(kinds)
    .split(', ')
    .map((part) => `${part} of ${total.get(part.replace(/ \d+$/, '')) ?? '?'}`)
    .join(', ');
}

/** "a 3, b 1": how many of each kind, most first. */
export function countsOf(kinds: string[]): string {
  const counts = new Map<string, number>();
  for (const kind of kinds) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]).map(([kind, n]) => `${kind} ${n}`).join(', ');
}

export function stripNamespace(name: string | undefined, namespace = ''): string {
  if (!name) return '?';
  return namespace && name.startsWith(namespace) ? name.slice(namespace.length) : name;
}

export function add<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const set = map.get(key) ?? new Set<V>();
  set.add(value);
  map.set(key, set);
}

export function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key) ?? [];
  list.push(value);
  map.set(key, list);
}

/** JSON with object keys sorted, so equal content gives equal text. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The first path where two JSON values differ, with both sides, shortened. */
export function firstDifference(a: unknown, b: unknown, path = ''): string {
  if (stableJson(a) === stableJson(b)) return 'equal';
  if (a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    const keys = Array.isArray(a) ? Array.from({ length: Math.max(a.length, (b as unknown[]).length) }, (_, i) => String(i)) : [...new Set([...Object.keys(a), ...Object.keys(b as object)])].sort();
    for (const key of keys) {
      const [x, y] = [(a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]];
      if (stableJson(x) !== stableJson(y)) return firstDifference(x, y, Array.isArray(a) ? `${path}[${key}]` : path ? `${path}.${key}` : key);
    }
  }
  return `${path || '(root)'}: ${short(a)} vs ${short(b)}`;
}

export function short(value: unknown): string {
  const text = value === undefined ? 'absent' : JSON.stringify(value);
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}
