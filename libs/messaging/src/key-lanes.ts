/** What came of running a batch's messages in key lanes. */
export interface LanesOutcome {
  /** How many messages, from the first, were all handled: the offsets that may be committed. */
  done: number;
  /** What the first lane to fail threw (the others were let finish first). */
  failure?: { error: unknown };
}

/**
 * Runs `work` on every message of a batch with one lane per key: a key's messages one after the
 * other, in their order, and the lanes of different keys at once. One customer's (or partner's)
 * messages thus keep their order (DESIGN §7) while the round trips to Redis and Kafka of many
 * customers overlap, and are coalesced into pipelines and produce requests.
 *
 * A lane stops before its next message once `stop()` says so (the consumer is closing, or the
 * partition was started over), or once its own message threw. Every lane is let finish before
 * this returns, so nothing of the batch runs on after it.
 */
export async function inKeyLanes<M>(messages: readonly M[], keyOf: (message: M) => string, work: (message: M) => Promise<void>, stop: () => boolean): Promise<LanesOutcome> {
  const lanes = new Map<string, number[]>();
  messages.forEach((message, index) => {
    const key = keyOf(message);
    const lane = lanes.get(key);
    if (lane) lane.push(index);
    else lanes.set(key, [index]);
  });
  const handled = new Array<boolean>(messages.length).fill(false);
  const runLane = async (indexes: number[]) => {
    for (const index of indexes) {
      if (stop()) return;
      await work(messages[index]);
      handled[index] = true;
    }
  };
  const settled = await Promise.allSettled([...lanes.values()].map(runLane));
  const rejected = settled.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  const done = handled.indexOf(false);
  return { done: done === -1 ? messages.length : done, ...(rejected ? { failure: { error: rejected.reason } } : {}) };
}
