import { Random } from './random';

/**
 * How big and how rough one chaos run is. Two modes: `ci` (the short run inside `npm test`, a few
 * minutes on two cores) and `full` (`npm run test:chaos -- --full`, or CHAOS_MODE=full). Every
 * figure can be overridden by an env var, named beside it.
 */
export interface ChaosConfig {
  mode: 'ci' | 'full';
  /** CHAOS_SEED: the generator's stream and the chaos plan follow from it. */
  seed: number;
  /** CHAOS_COMMANDS: valid commands to send (reference data and malformed messages come on top). */
  commands: number;
  /** CHAOS_RATE: messages sent per second, all kinds together. */
  ratePerSecond: number;
  /** Share of the stream that is malformed (not JSON, not a CloudEvent, unknown type, invalid data). */
  malformedShare: number;
  world: { customers: number; directResellers: number; indirectProviders: number; indirectResellers: number };
  /** CHAOS_KILLS: SIGKILLs of a service instance, at random moments of the stream. */
  kills: number;
  /** How long a killed instance stays down before it is restarted. */
  downtimeMs: { min: number; max: number };
  /** The last part of the stream runs without chaos, and so does the measurement after it. */
  calmTail: number;
  /** A command that needs an earlier answer (an approval needs its request) waits for it this long at most. */
  gateWaitMs: number;
  /** CHAOS_SETTLE_MS: the most the run waits for lag 0 and no pending delivery, each time it waits. */
  settleTimeoutMs: number;
  /** Lag 0 and nothing answered or settled for this long: what is still open is lost. */
  quietMs: number;
  /** A consumer group behind by the same lag this long is stuck: waiting on is pointless. */
  stuckMs: number;
  /** How long a command waits for what it names before its refusal is final (COMMAND_WAIT_SECONDS, passed on to the services). */
  commandWaitMs: number;
  /** CHAOS_DELAY_BUDGET_MS: in the calm measurement, a notification to another party later than this was held up. */
  delayBudgetMs: number;
  /** Requests sent in the calm measurement, to the hanging customer and to others in turn. */
  calmRequests: number;
  /** Webhook delivery settings given to the notification-service. */
  webhook: { timeoutMs: number; maxAttempts: number; backoffMs: number };
  /** The jest budget for the whole run, all waits included. */
  jestTimeoutMs: number;
}

type Env = Record<string, string | undefined>;

/** How long a command waits for what it names in a chaos run, unless COMMAND_WAIT_SECONDS says otherwise. */
const CHAOS_COMMAND_WAIT_SECONDS = 60;

function num(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number, got "${raw}"`);
  return value;
}

export function chaosConfigFromEnv(env: Env = process.env): ChaosConfig {
  const mode = env.CHAOS_MODE === 'full' ? 'full' : 'ci';
  const full = mode === 'full';
  const commands = num(env, 'CHAOS_COMMANDS', full ? 20_000 : 2_000);
  const ratePerSecond = num(env, 'CHAOS_RATE', full ? 45 : 35);
  const settleTimeoutMs = num(env, 'CHAOS_SETTLE_MS', full ? 600_000 : 150_000);
  // The stream lasts about (commands / command share) / rate seconds; jest gets that, two settles and set-up.
  const streamMs = ((commands / 0.7) / ratePerSecond) * 1000;
  return {
    mode,
    seed: env.CHAOS_SEED ? Number(env.CHAOS_SEED) >>> 0 : Random.freshSeed(),
    commands,
    ratePerSecond,
    malformedShare: 0.1,
    world: full
      ? { customers: 240, directResellers: 30, indirectProviders: 6, indirectResellers: 14 }
      : { customers: 40, directResellers: 12, indirectProviders: 3, indirectResellers: 6 },
    kills: num(env, 'CHAOS_KILLS', full ? 40 : 6),
    downtimeMs: { min: 500, max: 6_000 },
    calmTail: 0.15,
    gateWaitMs: 45_000,
    settleTimeoutMs,
    quietMs: 15_000,
    stuckMs: 60_000,
    // Longer than production's default: a command may wait through a kill, the 8 s takeover, a
    // broker restart and a rebuild after the Redis wipe, one after the other.
    commandWaitMs: num(env, 'COMMAND_WAIT_SECONDS', CHAOS_COMMAND_WAIT_SECONDS) * 1000,
    delayBudgetMs: num(env, 'CHAOS_DELAY_BUDGET_MS', 5_000),
    calmRequests: full ? 24 : 12,
    webhook: { timeoutMs: 2_000, maxAttempts: 3, backoffMs: 250 },
    jestTimeoutMs: Math.round(streamMs * 1.5 + 2 * settleTimeoutMs + 180_000),
  };
}
