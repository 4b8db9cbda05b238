/**
 * What the transport tells, and asks, whoever keeps a service's state in step with the topics
 * (the state lives in Redis, which may be lost: DESIGN §7). The transport knows partitions and
 * offsets; the keeper knows whether the state it feeds is still there.
 */
export interface StateKeeper {
  /** The consumer was given these partitions (physical topic -> partitions), at each rebalance. */
  assigned(assignment: Record<string, number[]>): Promise<void>;
  /** A message was handled (or dead-lettered): the partition's state is now past `offset`. */
  handled(topic: string, partition: number, offset: string): void;
  /**
   * True for a message the service had handled before its state was lost, consumed again to
   * rebuild it: its effects (events, dead letters, notifications) are out already.
   */
  isReplay(topic: string, partition: number, offset: string): boolean;
  /** True while the state is being built: the service is not ready to answer or decide. */
  building(): boolean;
}

/** What a keeper may do to the consumer: start a partition over, hold topics back, let them go. */
export interface ConsumerControl {
  /** Starts a partition over; returns the offset past every message of it this instance has begun to handle. */
  seekToBeginning(topic: string, partition: number): bigint;
  pause(topics: string[]): void;
  resume(topics: string[]): void;
}
