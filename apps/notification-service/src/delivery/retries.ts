import type { AttemptResult } from '../channels/notification-channel';
import type { RetryPolicy } from '../notification-settings';

/** The final word on one notification after its attempts. */
export type DeliveryResult = { ok: true; attempts: number; statusCode?: number } | { ok: false; attempts: number; statusCode?: number; error: string };

/** What each attempt is reported with, for the log. `retryInMs` is absent after the last one. */
export interface AttemptReport {
  attempt: number;
  result: AttemptResult;
  durationMs: number;
  retryInMs?: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Exponential back-off: the wait after failed attempt n (1-based) is backoffMs * 2^(n-1). */
export function backoffAfter(policy: RetryPolicy, attempt: number): number {
  return policy.backoffMs * 2 ** (attempt - 1);
}

/** Attempts until one succeeds or `maxAttempts` have failed, waiting with exponential back-off in between. */
export async function withRetries(
  attempt: (n: number) => Promise<AttemptResult>,
  policy: RetryPolicy,
  hooks: { onAttempt?: (report: AttemptReport) => void; sleep?: (ms: number) => Promise<void> } = {},
): Promise<DeliveryResult> {
  const wait = hooks.sleep ?? sleep;
  for (let n = 1; ; n++) {
    const started = Date.now();
    const result = await attempt(n);
    const last = result.ok || n >= policy.maxAttempts;
    const retryInMs = last ? undefined : backoffAfter(policy, n);
    hooks.onAttempt?.({ attempt: n, result, durationMs: Date.now() - started, retryInMs });
    if (result.ok) return { ok: true, attempts: n, statusCode: result.statusCode };
    if (last) return { ok: false, attempts: n, statusCode: result.statusCode, error: result.error };
    await wait(retryInMs!);
  }
}
