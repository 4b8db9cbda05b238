import type { ChaosMonkey } from './chaos-monkey';
import type { ChaosConfig } from './config';
import type { Generator, ValidMessage } from './generator';
import type { Observed } from './observed';
import type { Sender } from './sender';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface StreamTally {
  /** Commands that waited for what they name (their request answered, their relationship established). */
  gated: number;
  /** Of those, the ones that went out at the gate's deadline instead. */
  gatedOnDeadline: number;
}

/**
 * The generator's stream, paced at the configured rate, with the chaos monkey told how far it
 * has got. A command with a gate waits aside until the probe has seen what it names, or until its
 * deadline, while the rest of the stream goes on. Ends when every command was made and sent.
 */
export async function runStream(config: ChaosConfig, generator: Generator, sender: Sender, observed: Observed, monkey: ChaosMonkey, progress: Progress): Promise<StreamTally> {
  const held: Array<{ message: ValidMessage; since: number }> = [];
  const tally: StreamTally = { gated: 0, gatedOnDeadline: 0 };
  const intervalMs = 1000 / config.ratePerSecond;
  let nextAt = Date.now();
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
      await sender.send(message, 'stream', answered ? 'answered' : 'deadline');
    }
    if (generator.commandsMade < config.commands) {
      const out = generator.next();
      if (out.kind !== 'malformed' && out.gate && !observed.satisfies(out.gate)) {
        held.push({ message: out, since: Date.now() });
        tally.gated++;
      } else {
        await sender.send(out, 'stream');
      }
    }
    monkey.progress(generator.commandsMade / config.commands);
    progress.tick(`${generator.commandsMade}/${config.commands} commands made, ${sender.sent.length} messages sent, ${held.length} waiting for their gate`);
    nextAt += intervalMs;
    const wait = nextAt - Date.now();
    if (wait > 0) await sleep(wait);
    else if (wait < -1_000) nextAt = Date.now(); // after a stall (the broker restarting), no catch-up burst
  }
  return tally;
}

/** Progress on stderr, at most every 15 s (jest holds console output until a test ends), and moments for the timeline. */
export class Progress {
  readonly moments: Array<{ at: number; what: string }> = [];
  private lastAt = Date.now();

  constructor(private readonly startedAt: number) {}

  tick(what: string): void {
    if (Date.now() - this.lastAt < 15_000) return;
    this.lastAt = Date.now();
    this.print(what);
  }

  say(what: string): void {
    this.moments.push({ at: Date.now(), what });
    this.print(what);
  }

  private print(what: string): void {
    process.stderr.write(`[chaos ${((Date.now() - this.startedAt) / 1000).toFixed(0)} s] ${what}\n`);
  }
}
