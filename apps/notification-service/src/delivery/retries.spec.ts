import type { AttemptResult } from '../channels/notification-channel';
import { AttemptReport, backoffAfter, withRetries } from './retries';

const policy = { maxAttempts: 4, backoffMs: 500 };
const failed: AttemptResult = { ok: false, statusCode: 503, error: 'HTTP 503' };
const succeeded: AttemptResult = { ok: true, statusCode: 200 };

/** A channel scripted to answer each attempt in turn. */
function scripted(...answers: AttemptResult[]) {
  const calls: number[] = [];
  return { calls, attempt: async (n: number) => (calls.push(n), answers[Math.min(n, answers.length) - 1]) };
}

describe('retries with exponential back-off', () => {
  it('waits 500, 1000, 2000 ms between four attempts by default', () => {
    expect([1, 2, 3].map((n) => backoffAfter(policy, n))).toEqual([500, 1000, 2000]);
  });

  it('stops at the first success', async () => {
    const channel = scripted(failed, failed, succeeded);
    const waits: number[] = [];
    const result = await withRetries(channel.attempt, policy, { sleep: async (ms) => void waits.push(ms) });
    expect(result).toEqual({ ok: true, attempts: 3, statusCode: 200 });
    expect(channel.calls).toEqual([1, 2, 3]);
    expect(waits).toEqual([500, 1000]);
  });

  it('gives up after maxAttempts with the last error', async () => {
    const channel = scripted(failed, failed, failed, { ok: false, error: 'timed out after 5000 ms' });
    const waits: number[] = [];
    const reports: AttemptReport[] = [];
    const result = await withRetries(channel.attempt, policy, { sleep: async (ms) => void waits.push(ms), onAttempt: (r) => reports.push(r) });
    expect(result).toEqual({ ok: false, attempts: 4, statusCode: undefined, error: 'timed out after 5000 ms' });
    expect(waits).toEqual([500, 1000, 2000]);
    expect(reports.map((r) => [r.attempt, r.result.ok, r.retryInMs])).toEqual([
      [1, false, 500],
      [2, false, 1000],
      [3, false, 2000],
      [4, false, undefined],
    ]);
  });

  it('makes one attempt only when maxAttempts is 1, and reports it', async () => {
    const channel = scripted(succeeded);
    const reports: AttemptReport[] = [];
    expect(await withRetries(channel.attempt, { maxAttempts: 1, backoffMs: 500 }, { onAttempt: (r) => reports.push(r) })).toEqual({ ok: true, attempts: 1, statusCode: 200 });
    expect(reports).toHaveLength(1);
    expect(reports[0].retryInMs).toBeUndefined();
  });
});
