import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Topics } from '@mp/contracts';
import { createKafka, KafkaSettings, kafkaSettingsFromEnv } from '@mp/messaging';
import { Admin } from 'kafkajs';
import { isolateTestRun } from '../support/isolation';
import { TopicProbe } from '../support/topic-probe';
import { ChaosBroker } from './broker';
import { ChaosMonkey, planChaos } from './chaos-monkey';
import type { ChaosConfig } from './config';
import { compareDirectory } from './directory-check';
import { Generator } from './generator';
import type { Finding } from './findings';
import * as check from './invariants';
import { describeDelays, heldUp, notifications } from './notification-invariants';
import { Observed } from './observed';
import { buildIfStale, freePorts, pruneFinishedRuns, redisAnswers, within } from './local-infra';
import { Entry, History, mergeByTime } from './oracle';
import { Random } from './random';
import { allFindings, Findings, renderReport, RunSummary } from './report';
import { Sender } from './sender';
import { GroupTopics, settle, SettleOutcome } from './settle';
import { Progress, runStream } from './stream';
import { Supervisor } from './supervisor';
import { readAllTopics } from './topic-reader';
import { WebhookReceivers } from './webhook-receivers';

const ROOT = join(__dirname, '..', '..');
const SERVICES = ['request-service', 'consent-service', 'notification-service', 'directory-service'] as const;
/** The instances the chaos runs: two of the consent-service, one of each other. */
const INSTANCES = ['request-service#1', 'consent-service#1', 'consent-service#2', 'notification-service#1', 'directory-service#1'];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What `run()` hands the test: the report's text and every invariant's finding. */
export interface ChaosResult {
  report: string;
  findings: Findings;
}

/**
 * One chaos run, start to end: its own broker, the four services as processes (two consent
 * instances), webhook receivers, the generator's stream with the chaos monkey alongside, a calm
 * measurement, then the oracle. `tearDown()` undoes everything `setUp()` did, whatever failed.
 */
export class ChaosRun {
  private readonly rng: Random;
  /** This process's env before the run touched it (the run's namespace, prefix and broker), restored at the end. */
  private readonly envBefore = { ...process.env };
  private readonly world = isolateTestRun('chaos');
  private readonly runDir: string;
  private broker?: ChaosBroker;
  private settings?: KafkaSettings;
  private admin?: Admin;
  private probe?: TopicProbe;
  private sender?: Sender;
  private supervisor?: Supervisor;
  private readonly receivers: WebhookReceivers;
  private readonly secret = `whsec_${Buffer.from('multipartner-chaos-webhook-secret').toString('base64')}`;
  private passed = false;

  constructor(private readonly config: ChaosConfig) {
    this.rng = new Random(config.seed);
    this.runDir = join(ROOT, '.cache', 'chaos', this.world.run);
    this.receivers = new WebhookReceivers(this.secret);
  }

  get logDir(): string {
    return join(this.runDir, 'logs');
  }

  async setUp(): Promise<void> {
    pruneFinishedRuns(join(ROOT, '.cache', 'chaos'), 3 * 86_400_000);
    mkdirSync(this.logDir, { recursive: true });
    const [kafkaPort, controllerPort, ...httpPorts] = await freePorts(2 + INSTANCES.length);
    this.broker = new ChaosBroker(ROOT, join(this.runDir, 'kafka'), kafkaPort, controllerPort);
    // This process (probe, lag, clean-up) talks to the chaos broker, with the topics the services would create.
    process.env.KAFKA_BROKERS = this.broker.brokers;
    process.env.KAFKA_PARTITIONS = '6';
    const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
    await redisAnswers(redisUrl);
    await buildIfStale(ROOT, SERVICES);
    await this.broker.start();

    this.settings = kafkaSettingsFromEnv('chaos-test');
    this.admin = createKafka(this.settings, '-admin').admin();
    await this.admin.connect();
    await this.receivers.start();
    this.probe = new TopicProbe();
    await within(90_000, this.probe.start()); // also creates the topics, as the services would
    this.sender = new Sender(this.settings);
    await this.sender.connect();

    this.supervisor = new Supervisor(ROOT, this.serviceEnv(redisUrl), this.logDir);
    INSTANCES.forEach((label, i) => this.supervisor!.add({ label, service: label.split('#')[0], port: httpPorts[i] }));
    await Promise.all(INSTANCES.map((label) => this.supervisor!.start(label, 120_000)));
  }

  /** The env every service process gets: the run's broker, Redis prefix and namespace; no sandbox clock. */
  private serviceEnv(redisUrl: string): NodeJS.ProcessEnv {
    const { webhook } = this.config;
    return {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      KAFKAJS_NO_PARTITIONER_WARNING: '1',
      KAFKA_BROKERS: this.broker!.brokers,
      KAFKA_NAMESPACE: this.world.namespace,
      KAFKA_PARTITIONS: '6',
      REDIS_URL: redisUrl,
      REDIS_KEY_PREFIX: this.world.keyPrefix,
      LOG_LEVEL: process.env.CHAOS_LOG_LEVEL ?? 'warn',
      SANDBOX_CLOCK: 'false',
      SCHEDULER_INTERVAL_MS: '500',
      WEBHOOK_SECRET: this.secret,
      WEBHOOK_TIMEOUT_MS: String(webhook.timeoutMs),
      WEBHOOK_MAX_ATTEMPTS: String(webhook.maxAttempts),
      WEBHOOK_BACKOFF_MS: String(webhook.backoffMs),
      WEBHOOK_ALLOWED_HOSTS: '127.0.0.1,localhost',
      AUTH_DISABLED: 'true',
      COMMAND_WAIT_SECONDS: String(this.config.commandWaitMs / 1000),
    };
  }

  async run(): Promise<ChaosResult> {
    const startedAt = Date.now();
    const { config } = this;
    const probe = this.probe!;
    const sender = this.sender!;
    const supervisor = this.supervisor!;
    const observed = new Observed(probe);
    const generator = new Generator(config, this.rng, this.receivers);
    const hangingParty = generator.hangingCustomerId;
    const monkey = new ChaosMonkey(planChaos(config, this.rng, INSTANCES), {
      instances: () => supervisor.labels(),
      isRunning: (label) => supervisor.isRunning(label),
      kill: (label) => supervisor.kill(label),
      start: (label) => supervisor.start(label),
      restartBroker: () => this.broker!.restart(),
      wipeRedis: () => this.world.deleteKeys(),
    }, this.rng);
    const progress = new Progress(startedAt);
    progress.say(`seed ${config.seed}: ${config.commands} commands at ${config.ratePerSecond} messages/s`);

    // 1. Reference data, then the stream with the chaos alongside.
    for (const message of generator.setup()) await sender.send(message, 'setup');
    const gates = await runStream(config, generator, sender, observed, monkey, progress);
    await monkey.finished(60_000);

    // 2. Settle; then the calm measurement (no chaos, one endpoint hanging); settle again.
    const groupTopics = new GroupTopics(this.admin!, this.world.namespace);
    const settleProbe = {
      groups: Object.fromEntries(SERVICES.map((s) => [`${this.world.namespace}${s}`, s])),
      open: () => {
        observed.refresh();
        const unanswered = sender.sent.filter((s) => s.kind === 'command' && !observed.answered(s.id!));
        return { commands: unanswered.length, deliveries: observed.pendingDeliveries(), lastOpenCommandSentAt: unanswered[unanswered.length - 1]?.sentAt };
      },
      progressMark: () => observed.progressMark(),
      commandWaitMs: config.commandWaitMs,
      directoryServing: () => this.directoryServing(hangingParty),
    };
    const settles: Array<{ what: string; outcome: SettleOutcome }> = [];
    const limits = { timeoutMs: config.settleTimeoutMs, quietMs: config.quietMs, stuckMs: config.stuckMs };
    progress.say('settling after the chaos');
    settles.push({ what: 'after the chaos', outcome: await settle(settleProbe, groupTopics, limits) });
    progress.say('calm measurement');
    const calmIds = new Set<string>();
    for (const { message } of generator.calmRequests()) {
      await sender.send(message, 'calm');
      calmIds.add(message.id);
      await sleep(750);
    }
    settles.push({ what: 'after the calm measurement', outcome: await settle(settleProbe, groupTopics, limits) });

    // 3. The oracle: every event on the topics, folded; the directory asked about every customer.
    progress.say('reading every topic for the oracle');
    const entries = await readAllTopics(this.settings!, 120_000);
    const history = History.of(mergeByTime(entries));
    const reads = check.readEntries(entries);
    const consumers = new Map<string, string[]>();
    for (const service of SERVICES) for (const topic of groupTopics.of(`${this.world.namespace}${service}`)) consumers.set(topic, [...(consumers.get(topic) ?? []), service]);
    const notified = notifications(history, this.receivers.receipts, this.receivers.hangs, hangingParty);

    const findings: Findings = {
      settled: settledFinding(settles, await this.readiness(), (service) => INSTANCES.filter((l) => l.startsWith(`${service}#`)).map((l) => `${l}: ${supervisor.tail(l, 1).slice(0, 300)}`)),
      differences: await compareDirectory(supervisor.urlOf('directory-service#1'), history, 180_000),
      conflictingDuplicates: check.conflictingDuplicates(reads),
      decidedTwice: check.requestsDecidedTwice(reads),
      notificationsDoubled: notified.doubled,
      unanswered: check.unanswered(reads, sender.sent),
      validDeadLettered: check.validDeadLettered(reads, sender.sent, this.world.namespace),
      malformedNotDeadLettered: check.malformedDeadLettered(reads, sender.sent, (t) => consumers.get(t) ?? [], this.world.namespace),
      notificationsLost: notified.lost,
      stale: check.staleRefusals(reads),
      heldUp: heldUp(reads, this.receivers.receipts, calmIds, hangingParty, config.delayBudgetMs),
    };

    const stats = supervisor.stats();
    const count = (kind: string) => sender.sent.filter((s) => s.kind === kind).length;
    const summary: RunSummary = {
      mode: config.mode,
      seed: config.seed,
      startedAt,
      finishedAt: Date.now(),
      sent: { commands: count('command'), reference: count('reference'), malformed: count('malformed'), unsent: sender.unsent.length, ...gates },
      events: new Set(reads.filter((r) => r.envelope && [Topics.requestEvents, Topics.relationshipEvents, Topics.notificationEvents].includes(r.entry.topic as never)).map((r) => r.envelope!.id)).size,
      deadLetters: entries.filter((e) => e.topic === Topics.deadLetters).length,
      kills: monkey.counts.kills,
      serviceRestarts: stats.starts - INSTANCES.length,
      brokerRestarts: monkey.counts.brokerRestarts,
      redisWipes: monkey.counts.redisWipes,
      crashes: stats.crashes,
      settles,
      timeline: [...monkey.timeline, ...progress.moments].sort((a, b) => a.at - b.at),
      chaosDelays: describeDelays(notified.facts.delays),
      runDir: this.runDir,
    };
    // The topics go with the broker: keep the messages of the customers each broken invariant is about.
    writeFileSync(join(this.runDir, 'evidence.txt'), evidenceOf(allFindings(findings), mergeByTime(entries)));
    const report = renderReport(summary, findings);
    writeFileSync(join(this.runDir, 'report.txt'), report);
    return { report, findings };
  }

  /** False while the directory answers 503 (its read models rebuilding). */
  private async directoryServing(customerId: string): Promise<boolean> {
    try {
      const response = await fetch(`${this.supervisor!.urlOf('directory-service#1')}/v1/customers/${customerId}/resellers`, { signal: AbortSignal.timeout(3_000) });
      return response.status !== 503;
    } catch {
      return false;
    }
  }

  private async readiness(): Promise<string[]> {
    const notReady: string[] = [];
    for (const label of INSTANCES) {
      const health = await this.supervisor!.health(label);
      if (health.status !== 200) notReady.push(`${label}: /health/ready ${health.status} ${health.body.slice(0, 200)}`);
    }
    return notReady;
  }

  /** Marks the run as passed: its logs are removed with the rest. */
  markPassed(): void {
    this.passed = true;
  }

  /** Stops and removes everything, each step bounded and independent of the others. */
  async tearDown(): Promise<void> {
    const steps: Array<[string, () => Promise<unknown>]> = [
      ['services', () => this.supervisor?.stopAll() ?? Promise.resolve()],
      ['probe', () => this.probe?.stop() ?? Promise.resolve()],
      ['producer', () => this.sender?.disconnect() ?? Promise.resolve()],
      ['admin', () => this.admin?.disconnect() ?? Promise.resolve()],
      ['receivers', () => this.receivers.stop()],
      ['topics and keys', () => this.world.cleanup()],
      ['broker', () => this.broker?.remove() ?? Promise.resolve()],
    ];
    for (const [what, step] of steps) await within(60_000, step()).catch((error) => console.warn(`chaos tear-down (${what}): ${(error as Error).message}`));
    for (const name of Object.keys(process.env)) if (!(name in this.envBefore)) delete process.env[name];
    Object.assign(process.env, this.envBefore);
    if (this.passed) rmSync(this.runDir, { recursive: true, force: true });
  }
}

function settledFinding(settles: Array<{ what: string; outcome: SettleOutcome }>, notReady: string[], lastLogLines: (service: string) => string[]): Finding {
  const failed = settles.filter((s) => !s.outcome.settled);
  const violations = [...failed.map((s) => `${s.what}: ${s.outcome.how}; lag ${JSON.stringify(s.outcome.lags)}`), ...notReady.map((n) => `not ready at the end: ${n}`)];
  const behind = Object.entries(failed[failed.length - 1]?.outcome.lags ?? {}).filter(([, lag]) => lag !== 0).map(([service]) => service);
  const info = behind.flatMap((service) => lastLogLines(service).map((line) => `last log line of ${line}`));
  return { name: 'not settled', says: 'The system settles: every group at lag 0, the directory serving, nothing pending, every instance ready.', count: violations.length, examples: violations, info, customers: [] };
}

/** For each broken invariant, every message about (at most 10 of) the customers it is about, in the oracle's order. */
function evidenceOf(findings: Finding[], entries: Entry[]): string {
  const byCustomer = new Map<string, string[]>();
  for (const { entry, envelope } of check.readEntries(entries)) {
    const customerId = (envelope?.data as { customerId?: string } | undefined)?.customerId;
    if (!envelope || !customerId) continue;
    const lines = byCustomer.get(customerId) ?? [];
    lines.push(`  ${envelope.time} ${entry.topic}[${entry.partition}]@${entry.offset} ${envelope.type} ${envelope.id} cause ${envelope.causationid ?? '-'} ${JSON.stringify(envelope.data)}`);
    byCustomer.set(customerId, lines);
  }
  const sections = findings
    .filter((f) => f.count > 0 && f.customers.length > 0)
    .flatMap((f) => [`== ${f.name}: ${f.count}`, ...f.customers.slice(0, 10).flatMap((c) => [`-- ${c}`, ...(byCustomer.get(c) ?? ['  (no message)'])])]);
  return `${sections.length ? sections.join('\n') : 'No invariant broke.'}\n`;
}
