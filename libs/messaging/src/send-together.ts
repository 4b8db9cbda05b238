interface Pending<T> {
  items: T[];
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Sends what concurrent callers hand in together (a group commit): while one request is in
 * flight, what arrives waits, and then goes out in one request, in the order it came. A lone
 * caller waits for nothing: with nothing in flight, its items go out at once. Under load one
 * produce request carries the events of many commands, and the idempotent producer keeps a
 * single request in flight.
 *
 * A caller's items are never split between requests, and each caller learns when its own are
 * acknowledged. A request of several callers that fails is tried again caller by caller, so
 * that what one caller sent (a message the broker refuses) fails that caller alone.
 */
export class SendTogether<T> {
  private queue: Pending<T>[] = [];
  private sending = false;

  constructor(
    private readonly send: (items: T[]) => Promise<void>,
    /** At most this many items in one request (one caller's items may exceed it: they go alone). */
    private readonly maxItems: number,
  ) {}

  add(items: T[]): Promise<void> {
    if (items.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ items, resolve, reject });
      if (!this.sending) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.sending = true;
    while (this.queue.length) await this.sendGroup(this.takeGroup());
    this.sending = false;
  }

  /** The callers at the head of the queue whose items fit in one request (always at least one). */
  private takeGroup(): Pending<T>[] {
    let count = this.queue[0].items.length;
    let size = 1;
    while (size < this.queue.length && count + this.queue[size].items.length <= this.maxItems) count += this.queue[size++].items.length;
    return this.queue.splice(0, size);
  }

  private async sendGroup(group: Pending<T>[]): Promise<void> {
    try {
      await this.send(group.length === 1 ? group[0].items : group.flatMap((pending) => pending.items));
      group.forEach((pending) => pending.resolve());
    } catch (error) {
      if (group.length === 1) return group[0].reject(error);
      for (const pending of group) await this.sendGroup([pending]);
    }
  }
}
