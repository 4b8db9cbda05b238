/** What came of running a batch's messages in key lanes. */
export interface LanesOutcome {
  /** How many messages, from the first, were all handled: the offsets that may be committed. */
  done: number;
  /** What the first lane to fail threw (the others were let finish first). */
  failure?: { error: unknown };
}

/**
 * What one lane's messages run in, as a whole: a scope may let them defer what they write to the
 * lane's end, to write it once (the folds of one customer's consecutive events: one write, not
 * one per event). It runs `lane`, and has made durable whatever `lane` did before it returns, or
 * rejects: then nothing of the lane counts as handled.
 */
export type LaneScope = (lane: () => Promise<void>) => Promise<void>;

/**
 * Runs `work` on every message of a batch with one lane per key: a key's messages one after the
 * other, in their order, and the lanes of different keys at once. One customer's (or partner's)
 * messages thus keep their order (DESIGN §7) while the round trips to Redis and Kafka of many
 * customers overlap, and are coalesced into pipelines and produce requests.
 *
 * A lane stops before its next message once `stop()` says so (the consumer is closing, or the
 * partition was started over), or once its own message threw. Every lane is let finish before
 * this returns, so nothing of the batch runs on after it. Each lane runs in `scope` (see LaneScope).
 */
export async function inKeyLanes<M>(
  messages: readonly M[],
  keyOf: (message: M) => string,
  work: (message: M) => Promise<void>,
  stop: () => boolean,
  scope: LaneScope = (lane) => lane(),
): Promise<LanesOutcome> {
  const lanes = new Map<string, number[]>();
  messages.forEach((message, index) => {
    const key = keyOf(message);
    const lane = lanes.get(key);
    if (lane) lane.push(index);
    else lanes.set(key, [index]);
  });
  const handled = new Array<boolean>(messages.length).fill(false);
  const runLane = async (indexes: number[]) => {
    // Counted as handled once the scope has made them durable; a message that threw ends the lane.
    let done: number[] = [];
    let thrown: { error: unknown } | undefined;
    await scope(async () => {
      done = [];
      thrown = undefined;
      try {
        for (const index of indexes) {
          if (stop()) return;
          await work(messages[index]);
          done.push(index);
        }
      } catch (error) {
        thrown = { error };
      }
    });
    for (const index of done) handled[index] = true;
    if (thrown) throw thrown.error;
  };
  const settled = await Promise.allSettled([...lanes.values()].map(runLane));
  const rejected = settled.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  const done = handled.indexOf(false);
  return { done: done === -1 ? messages.length : done, ...(rejected ? { failure: { error: rejected.reason } } : {}) };
}
