import { SendTogether } from './send-together';

/** A sender whose requests are answered by the test: what each request held, and its pending answer. */
function scriptedSender() {
  const requests: Array<{ items: string[]; answer(error?: Error): void }> = [];
  const send = (items: string[]) =>
    new Promise<void>((resolve, reject) => requests.push({ items, answer: (error) => (error ? reject(error) : resolve()) }));
  return { requests, send };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('SendTogether', () => {
  it('sends a lone caller at once, and what came meanwhile together in the next request, in order', async () => {
    const { requests, send } = scriptedSender();
    const together = new SendTogether(send, 100);
    const first = together.add(['a1']);
    const second = together.add(['b1', 'b2']);
    const third = together.add(['c1']);
    expect(requests.map((r) => r.items)).toEqual([['a1']]);
    requests[0].answer();
    await first;
    await settle();
    expect(requests.map((r) => r.items)).toEqual([['a1'], ['b1', 'b2', 'c1']]);
    requests[1].answer();
    await expect(Promise.all([second, third])).resolves.toEqual([undefined, undefined]);
  });

  it("never splits a caller's items, and keeps a request within maxItems", async () => {
    const { requests, send } = scriptedSender();
    const together = new SendTogether(send, 3);
    const calls = [together.add(['a']), together.add(['b1', 'b2']), together.add(['c1', 'c2']), together.add(['d1', 'd2', 'd3', 'd4'])];
    for (let i = 0; i < 4; i++) {
      await settle();
      requests[i].answer();
    }
    await Promise.all(calls);
    expect(requests.map((r) => r.items)).toEqual([['a'], ['b1', 'b2'], ['c1', 'c2'], ['d1', 'd2', 'd3', 'd4']]);
  });

  it('tries a failed request again caller by caller, so only the caller whose items are refused fails', async () => {
    const sent: string[][] = [];
    const together = new SendTogether(async (items: string[]) => {
      sent.push(items);
      if (items.includes('bad')) throw new Error('MESSAGE_TOO_LARGE');
    }, 100);
    const outcomes = await Promise.allSettled([together.add(['a']), together.add(['bad']), together.add(['c'])]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(sent).toEqual([['a'], ['bad', 'c'], ['bad'], ['c']]);
  });

  it('resolves an empty hand-in at once, sending nothing', async () => {
    const { requests, send } = scriptedSender();
    await new SendTogether(send, 10).add([]);
    expect(requests).toHaveLength(0);
  });
});
