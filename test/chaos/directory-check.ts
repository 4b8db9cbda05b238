import { ExpectedViews, History } from './oracle';
import { firstDifference, Finding, stableJson } from './findings';

const VIEWS = ['resellers', 'subscriptions', 'requests'] as const;
type View = (typeof VIEWS)[number];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Asks the directory, over HTTP, for every customer the topics know: its resellers, its
 * subscriptions and its requests, and compares each answer (status and body) with what the
 * directory's own views render from the oracle's fold. A 503 (rebuilding) is asked again a few
 * times, then counted as a difference like any other.
 */
export async function compareDirectory(directoryUrl: string, history: History, timeoutMs: number, concurrency = 8): Promise<Finding> {
  const customerIds = [...history.customers.keys()].sort();
  const deadline = Date.now() + timeoutMs;
  const violations: string[] = [];
  const byView: Record<View, number> = { resellers: 0, subscriptions: 0, requests: 0 };
  const differing = new Set<string>();
  let next = 0;
  const worker = async () => {
    while (next < customerIds.length) {
      const customerId = customerIds[next++];
      const expected: ExpectedViews = history.expectedViews(customerId);
      for (const view of VIEWS) {
        const actual = await get(`${directoryUrl}/v1/customers/${encodeURIComponent(customerId)}/${view}`, deadline);
        const want = expected[view];
        let difference: string | undefined;
        if (actual.status !== want.status) difference = `status ${actual.status} (${summary(actual.body)}), expected ${want.status}`;
        else if (want.status === 200 && stableJson(actual.body) !== stableJson(want.body)) difference = firstDifference(want.body, actual.body).replace(/ vs /, ' expected, directory has ');
        if (difference) {
          byView[view]++;
          differing.add(customerId);
          violations.push(`${customerId} /${view}: ${difference}`);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const finding: Finding = {
    name: 'directory differences',
    says: 'For every customer, the directory answers exactly what the pure fold of every event on the topics renders.',
    count: violations.length,
    examples: spread(violations),
    info: [`${customerIds.length} customers × 3 views compared; differing: resellers ${byView.resellers}, subscriptions ${byView.subscriptions}, requests ${byView.requests}`],
    customers: [...differing].sort(),
  };
  return finding;
}

/** One GET, a 503 asked again; nothing asked at all once the deadline has passed (status 0). */
async function get(url: string, deadline: number): Promise<{ status: number; body: unknown }> {
  for (let attempt = 1; ; attempt++) {
    if (Date.now() > deadline) return { status: 0, body: 'not asked: the comparison ran out of time' };
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      const text = await response.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // not JSON: compared as text
      }
      if (response.status !== 503 || attempt >= 5) return { status: response.status, body };
    } catch (error) {
      if (attempt >= 5) return { status: 0, body: (error as Error).message };
    }
    await sleep(1_000);
  }
}

function summary(body: unknown): string {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

/** A few examples of different kinds: one of each view first, then the rest. */
function spread(violations: string[]): string[] {
  const firsts = VIEWS.map((v) => violations.find((x) => x.includes(` /${v}: `))).filter((x): x is string => !!x);
  return [...new Set([...firsts, ...violations])].slice(0, 6);
}
