import { AssignerProtocol, Admin } from 'kafkajs';
import { consumerLag } from '../support/consumer-lag';

export interface SettleOutcome {
  settled: boolean;
  waitedMs: number;
  /** Lag of each service's group at the last look. */
  lags: Record<string, number>;
  /** Commands without an answer and notifications without an outcome at the last look. */
  open: OpenWork;
  /** Why it stopped waiting, in words. */
  how: string;
}

export interface OpenWork {
  commands: number;
  deliveries: number;
  /** When the last of the unanswered commands was sent (ms), if any. */
  lastOpenCommandSentAt?: number;
}

export interface SettleProbe {
  /** Physical group id -> the service it belongs to. */
  groups: Record<string, string>;
  /** What the history says is still open: commands without an answer, webhook notifications without an outcome. */
  open(): OpenWork;
  /** Grows whenever something more is answered or settled. */
  progressMark(): number;
  /** How long a command may wait for what it names (COMMAND_WAIT_SECONDS) before it is answered anyway. */
  commandWaitMs: number;
  /** False while the directory answers 503 (rebuilding). */
  directoryServing(): Promise<boolean>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The topics each group subscribes to, as its members declare them (kept from earlier looks for
 * a group whose members are all down at the moment).
 */
export class GroupTopics {
  private readonly known = new Map<string, Set<string>>();

  constructor(
    private readonly admin: Admin,
    private readonly namespace: string,
  ) {}

  async refresh(groupIds: string[]): Promise<void> {
    const { groups } = await this.admin.describeGroups(groupIds);
    for (const group of groups) {
      const topics = this.known.get(group.groupId) ?? new Set<string>();
      for (const member of group.members) {
        const metadata = AssignerProtocol.MemberMetadata.decode(member.memberMetadata);
        for (const topic of metadata?.topics ?? []) topics.add(topic.startsWith(this.namespace) ? topic.slice(this.namespace.length) : topic);
      }
      this.known.set(group.groupId, topics);
    }
  }

  of(groupId: string): string[] {
    return [...(this.known.get(groupId) ?? [])];
  }
}

/**
 * Waits, bounded, until the system has handled everything: every service group at lag 0 over the
 * topics it reads, the directory serving (not rebuilding), every command answered and every
 * notification the history calls for settled (delivered or failed). What is still open is given
 * up on (the report counts it as lost) once nothing has moved for `quietMs` with the lag at 0,
 * and not before a command sent last has had its whole wait for what it names. A consumer group
 * whose lag has not moved for `stuckMs` is stuck: no point waiting longer.
 */
export async function settle(probe: SettleProbe, groupTopics: GroupTopics, limits: { timeoutMs: number; quietMs: number; stuckMs: number }): Promise<SettleOutcome> {
  const { timeoutMs, quietMs, stuckMs } = limits;
  const started = Date.now();
  const groupIds = Object.keys(probe.groups);
  let lags: Record<string, number> = {};
  let open: OpenWork = { commands: 0, deliveries: 0 };
  let lastMark = -1;
  let quietSince = Date.now();
  let lastLags = '';
  let lagsSince = Date.now();
  for (;;) {
    await groupTopics.refresh(groupIds).catch(() => undefined);
    lags = {};
    for (const groupId of groupIds) {
      const topics = groupTopics.of(groupId);
      lags[probe.groups[groupId]] = topics.length ? await consumerLag({ groupId, topics }).catch(() => Number.NaN) : Number.NaN;
    }
    const caughtUp = Object.values(lags).every((lag) => lag === 0);
    if (JSON.stringify(lags) !== lastLags) {
      lastLags = JSON.stringify(lags);
      lagsSince = Date.now();
    }
    open = probe.open();
    const mark = probe.progressMark();
    if (mark !== lastMark || !caughtUp) {
      lastMark = mark;
      quietSince = Date.now();
    }
    const serving = caughtUp ? await probe.directoryServing() : false;
    const now = Date.now();
    const waitedMs = now - started;
    const nothingOpen = open.commands === 0 && open.deliveries === 0;
    if (caughtUp && serving && nothingOpen) return { settled: true, waitedMs, lags, open, how: 'lag 0 everywhere, nothing open' };
    // An unanswered command may still be waiting for what it names: give it its whole wait first.
    const waitedForCommands = open.commands === 0 || now - (open.lastOpenCommandSentAt ?? 0) >= probe.commandWaitMs + quietMs;
    if (caughtUp && serving && now - quietSince >= quietMs && waitedForCommands) {
      return { settled: true, waitedMs, lags, open, how: `lag 0 everywhere, nothing moved for ${quietMs} ms: ${open.commands} commands unanswered, ${open.deliveries} notifications without an outcome` };
    }
    if (!caughtUp && now - lagsSince >= stuckMs) {
      const behind = Object.entries(lags).filter(([, lag]) => lag !== 0).map(([service, lag]) => `${service} ${lag}`);
      return { settled: false, waitedMs, lags, open, how: `stuck: ${behind.join(', ')} behind, unchanged for ${stuckMs} ms` };
    }
    if (waitedMs >= timeoutMs) {
      const why = !caughtUp ? 'consumers still behind' : !serving ? 'the directory still answers 503' : `${open.commands} commands unanswered, ${open.deliveries} notifications without an outcome, still moving`;
      return { settled: false, waitedMs, lags, open, how: `gave up after ${timeoutMs} ms: ${why}` };
    }
    await sleep(1_000);
  }
}
