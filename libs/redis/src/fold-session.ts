import { AsyncLocalStorage } from 'node:async_hooks';

/** A write an aggregate store put off to the end of the session. */
export interface DeferredWrite {
  flush(): Promise<void>;
}

/**
 * The folds of one key lane (one customer's consecutive events in a batch), run as one: each
 * aggregate they touch is read once, folded in memory event after event, and written once when
 * the lane ends, with the ids of all its events (`AggregateStore.update` in a session), where each
 * event would otherwise read, parse, serialise and write the whole state.
 *
 * A write that fails (another writer came first: a fold of another partition, a command) fails
 * `run`; its caller then runs the lane again without a session, event by event, which reads what
 * is there now (DESIGN §7: folds are idempotent, and what was written is seen).
 */
export class FoldSession {
  private static readonly current = new AsyncLocalStorage<FoldSession>();
  private readonly writes = new Map<string, DeferredWrite>();

  /** The session the caller runs in, if any. */
  static active(): FoldSession | undefined {
    return FoldSession.current.getStore();
  }

  /** Runs `lane` in a session of its own, then writes what it put off; rejects if a write failed. */
  static async run(lane: () => Promise<void>): Promise<void> {
    const session = new FoldSession();
    await FoldSession.current.run(session, lane);
    const failed = (await Promise.allSettled([...session.writes.values()].map((write) => write.flush()))).find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  deferred<W extends DeferredWrite>(key: string): W | undefined {
    return this.writes.get(key) as W | undefined;
  }

  defer(key: string, write: DeferredWrite): void {
    this.writes.set(key, write);
  }
}
