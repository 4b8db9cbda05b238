import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Topics } from '@mp/contracts';
import { createKafka, KafkaSettings, kafkaSettingsFromEnv } from '@mp/messaging';
import Redis from 'ioredis';
import { Admin } from 'kafkajs';
import { isolateTestRun } from '../support/isolation';
import { TopicProbe } from '../support/topic-probe';
import { ChaosBroker } from './broker';
import { ChaosMonkey, planChaos } from './chaos-monkey';
import type { ChaosConfig } from './config';
import { compareDirectory } from './directory-check';
import { Generator, ValidMessage } from './generator';
import * as check from './invariants';
import { Observed } from './observed';
import { History, mergeByTime } from './oracle';
import { Random } from './random';
import { Findings, renderReport, RunSummary } from './report';
import { Phase, Sender } from './sender';
import { GroupTopics, settle, SettleOutcome } from './settle';
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
    mkdirSync(this.logDir, { recursive: true });
    const [kafkaPort, controllerPort, ...httpPorts] = await freePorts(2 + INSTANCES.length);
    this.broker = new ChaosBroker(ROOT, join(this.runDir, 'kafka'), kafkaPort, controllerPort);
    // This process (probe, lag, clean-up) talks to the chaos broker, with the topics the services would create.
    process.env.KAFKA_BROKERS = this.broker.brokers;
    process.env.KAFKA_PARTITIONS = '6';
    const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
    await redisAnswers(redisUrl);
    await buildIfStale();
    await this.broker.start();

    this.settings = kafkaSettingsFromEnv('chaos-test');
    this.admin = createKafka(this.settings, '-admin').admin();
    await this.admin.connect();
    await this.receivers.start();
    this.probe = new TopicProbe();
    await this.probe.start(); // also creates the topics, as the services would
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
      ...(process.env.COMMAND_WAIT_SECONDS ? { COMMAND_WAIT_SECONDS: process.env.COMMAND_WAIT_SECONDS } : {}),
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
    const progress = new Progress(config, startedAt);

    // 1. Reference data, then the stream with the chaos alongside.
    for (const message of generator.setup()) await sender.send(message, 'setup');
    const gates = await this.stream(generator, observed, monkey, progress);
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
    const notified = check.notifications(history, this.receivers.receipts, this.receivers.hangs, hangingParty);
    const findings: Findings = {
      settled: settledFinding(settles, await this.readiness(), (service) => INSTANCES.filter((l) => l.startsWith(`${service}#`)).map((l) => `${l}: ${supervisor.tail(l, 1).slice(0, 300)}`)),
      differences: await compareDirectory(supervisor.urlOf('directory-service#1'), history),
      conflictingDuplicates: check.conflictingDuplicates(reads),
      decidedTwice: check.requestsDecidedTwice(reads),
      notificationsDoubled: notified.doubled,
      unanswered: check.unanswered(reads, sender.sent),
      validDeadLettered: check.validDeadLettered(reads, sender.sent, this.world.namespace),
      malformedNotDeadLettered: check.malformedDeadLettered(reads, sender.sent, (t) => consumers.get(t) ?? [], this.world.namespace),
      notificationsLost: notified.lost,
      stale: check.staleRefusals(reads),
      heldUp: check.heldUp(reads, this.receivers.receipts, calmIds, hangingParty, config.delayBudgetMs),
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
      chaosDelays: check.describeDelays(notified.facts.delays),
      logDir: this.logDir,
    };
    const report = renderReport(summary, findings);
    writeFileSync(join(this.runDir, 'report.txt'), report);
    return { report, findings };
  }

  /** The stream: paced, gated commands held back until what they name was seen (or their deadline), chaos as it goes. */
  private async stream(generator: Generator, observed: Observed, monkey: ChaosMonkey, progress: Progress): Promise<{ gated: number; gatedOnDeadline: number }> {
    const { config } = this;
    const sender = this.sender!;
    const held: Array<{ message: ValidMessage; since: number }> = [];
    const tally = { gated: 0, gatedOnDeadline: 0 };
    const intervalMs = 1000 / config.ratePerSecond;
    let nextAt = Date.now();
    const send = (message: Parameters<Sender['send']>[0], phase: Phase, released?: 'answered' | 'deadline') => sender.send(message, phase, released);
    while (generator.commandsMade < config.commands || held.length > 0) {
      observed.refresh();
      for (let i = 0; i < held.length; ) {
        const { message, since } = held[i];
        const answered = observed.satisfies(message.gate!);
        if (!answered && Date.now() - since < config.gateWaitMs) {
          i++;
          continue;
        }
        held.splice(i, 1);
        if (!answered) tally.gatedOnDeadline++;
        await send(message, 'stream', answered ? 'answered' : 'deadline');
      }
      if (generator.commandsMade < config.commands) {
        const out = generator.next();
        if (out.kind !== 'malformed' && out.gate && !observed.satisfies(out.gate)) {
          held.push({ message: out, since: Date.now() });
          tally.gated++;
        } else {
          await send(out, 'stream');
        }
      }
      monkey.progress(generator.commandsMade / config.commands);
      progress.tick(generator.commandsMade, held.length, this.sender!.sent.length);
      nextAt += intervalMs;
      const wait = nextAt - Date.now();
      if (wait > 0) await sleep(wait);
      else if (wait < -1_000) nextAt = Date.now(); // after a stall (the broker restarting), no catch-up burst
    }
    return tally;
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

function settledFinding(settles: Array<{ what: string; outcome: SettleOutcome }>, notReady: string[], lastLogLines: (service: string) => string[]): check.Finding {
  const failed = settles.filter((s) => !s.outcome.settled);
  const violations = [...failed.map((s) => `${s.what}: ${s.outcome.how}; lag ${JSON.stringify(s.outcome.lags)}`), ...notReady.map((n) => `not ready at the end: ${n}`)];
  const behind = Object.entries(failed[failed.length - 1]?.outcome.lags ?? {}).filter(([, lag]) => lag !== 0).map(([service]) => service);
  const info = behind.flatMap((service) => lastLogLines(service).map((line) => `last log line of ${line}`));
  return { name: 'not settled', says: 'The system settles: every group at lag 0, the directory serving, nothing pending, every instance ready.', count: violations.length, examples: violations, info };
}

/** Progress on stderr every 15 s (jest holds console output until a test ends), and moments for the timeline. */
class Progress {
  readonly moments: Array<{ at: number; what: string }> = [];
  private lastAt = Date.now();

  constructor(
    private readonly config: ChaosConfig,
    private readonly startedAt: number,
  ) {
    this.say(`seed ${config.seed}: ${config.commands} commands at ${config.ratePerSecond} messages/s`);
  }

  tick(commands: number, held: number, sent: number): void {
    if (Date.now() - this.lastAt < 15_000) return;
    this.lastAt = Date.now();
    process.stderr.write(`[chaos ${((Date.now() - this.startedAt) / 1000).toFixed(0)} s] ${commands}/${this.config.commands} commands made, ${sent} messages sent, ${held} waiting for their gate\n`);
  }

  say(what: string): void {
    this.moments.push({ at: Date.now(), what });
    process.stderr.write(`[chaos ${((Date.now() - this.startedAt) / 1000).toFixed(0)} s] ${what}\n`);
  }
}

/** The promise, or a rejection once `ms` have passed (the timer does not outlive it). */
async function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<ReturnType<typeof createServer>>((resolve) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => resolve(server));
    })),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  return ports;
}

async function redisAnswers(url: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 3_000, retryStrategy: () => null });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new Error(`the chaos test uses the Redis on ${url} (REDIS_URL), under a key prefix of its own, and it does not answer: ${(error as Error).message}`);
  } finally {
    redis.disconnect();
  }
}

/** `npm run build` when a service's dist/ main.js is missing or older than any source under apps/ or libs/. */
async function buildIfStale(): Promise<void> {
  const mains = SERVICES.map((s) => join(ROOT, 'dist', 'apps', s, 'src', 'main.js'));
  const builtAt = Math.min(...mains.map((m) => (existsSync(m) ? statSync(m).mtimeMs : 0)));
  if (builtAt > 0 && newestSource([join(ROOT, 'apps'), join(ROOT, 'libs')]) < builtAt) return;
  try {
    await promisify(execFile)('npm', ['run', '--silent', 'build'], { cwd: ROOT, timeout: 300_000 });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`npm run build failed, so the services cannot run from dist/:\n${stdout ?? ''}${stderr ?? ''}`);
  }
}

function newestSource(dirs: string[]): number {
  let newest = 0;
  const walk = (dir: string) => {
    for (const name of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, name.name);
      if (name.isDirectory()) walk(path);
      else if (name.name.endsWith('.ts') && !name.name.endsWith('.spec.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  dirs.forEach(walk);
  return newest;
}
