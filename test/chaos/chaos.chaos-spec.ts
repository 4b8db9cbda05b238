import { Logger } from '@nestjs/common';
import { chaosConfigFromEnv } from './config';
import { ChaosResult, ChaosRun } from './harness';
import { allFindings, failureOf, Findings } from './report';
import type { Finding } from './findings';

/**
 * DESIGN §7 proven by breaking things on purpose: the four services as processes (two consent
 * instances) under a seeded stream of commands, reference data and malformed messages, while
 * services are SIGKILLed and restarted, the broker restarts, Redis is wiped and one webhook
 * endpoint hangs. Then an oracle folds every event on the topics and checks each invariant.
 * Short run in `npm test`; `npm run test:chaos -- --full` for the long one. See report.txt.
 */
const config = chaosConfigFromEnv();

describe(`chaos (${config.mode}: ${config.commands} commands, seed ${config.seed})`, () => {
  const run = new ChaosRun(config);
  let result: ChaosResult | undefined;

  beforeAll(async () => {
    // This process's own Kafka clients (probe, producer, admin) log through Nest; their errors while the broker restarts are expected.
    Logger.overrideLogger(false);
    await run.setUp();
    result = await run.run();
    console.log(result.report);
  }, config.jestTimeoutMs);

  afterAll(async () => {
    if (result && allFindings(result.findings).every((f) => f.count === 0)) run.markPassed();
    await run.tearDown();
  }, 600_000);

  /** Fails with the invariant's own account: how often it broke, and a few examples. */
  const holds = (...pick: Array<(f: Findings) => Finding>) => () => {
    if (!result) throw new Error('the chaos run did not complete: see the error of beforeAll');
    const broken = pick.map((p) => p(result!.findings)).filter((f) => f.count > 0);
    if (broken.length) throw new Error(broken.map(failureOf).join('\n\n'));
  };

  it('settles: every consumer group at lag 0, the directory serving, nothing pending, every instance ready', holds((f) => f.settled));
  it('the directory answers, for every customer, what the pure fold of the topics renders', holds((f) => f.differences));
  it('no output event id is emitted twice with different content', holds((f) => f.conflictingDuplicates));
  it('no request is established twice, and none has two outcomes', holds((f) => f.decidedTwice));
  it('every command is answered, and no valid message is dead-lettered', holds((f) => f.unanswered, (f) => f.validDeadLettered));
  it('every malformed message is in the dead letters, from every group that reads its topic', holds((f) => f.malformedNotDeadLettered));
  it('no command is refused for want of what was on the topics before it was sent', holds((f) => f.stale));
  it('every notification reaches its party once per idempotency key, except at the hanging endpoint', holds((f) => f.notificationsLost, (f) => f.notificationsDoubled));
  it("a hanging endpoint holds up no other party's notifications", holds((f) => f.heldUp));
});
