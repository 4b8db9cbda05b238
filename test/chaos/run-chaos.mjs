#!/usr/bin/env node
// npm run test:chaos [-- --full] [-- --seed N] [-- --commands N] [-- --rate N]
// Runs the chaos test (test/chaos/chaos.chaos-spec.ts) alone, short (the CI run) or full.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDependencies, ensureNode } from '../../scripts/bootstrap.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const usage = `usage: npm run test:chaos [-- --full] [--seed N] [--commands N] [--rate N] [--kills N]

  (none)          the short run that npm test runs too: 2,000 commands, 6 kills
  --full          the full run: 20,000 commands, 40 kills (also CHAOS_MODE=full)
  --seed N        replay a run: the generator's stream and the chaos plan follow from the seed
  --commands N    how many valid commands to send         (CHAOS_COMMANDS)
  --rate N        messages per second                     (CHAOS_RATE)
  --kills N       SIGKILLs during the stream              (CHAOS_KILLS)

Needs Java 17+ with the Kafka jars (bash scripts/kafka-broker.sh fetch) for the run's own broker,
and Redis on REDIS_URL (default redis://127.0.0.1:6379). Its report is printed and kept in
.cache/chaos/<run>/report.txt with the services' logs when an invariant fails.`;

await ensureNode('test:chaos');
ensureDependencies('test:chaos');

const env = { ...process.env, CHAOS_RUN: '1' };
const args = process.argv.slice(2);
const valued = { '--seed': 'CHAOS_SEED', '--commands': 'CHAOS_COMMANDS', '--rate': 'CHAOS_RATE', '--kills': 'CHAOS_KILLS' };
for (let i = 0; i < args.length; i++) {
  const arg = args[i];
  if (arg === '-h' || arg === '--help') {
    console.log(usage);
    process.exit(0);
  } else if (arg === '--full') {
    env.CHAOS_MODE = 'full';
  } else if (Object.hasOwn(valued, arg) && /^\d+$/.test(args[i + 1] ?? '')) {
    env[valued[arg]] = args[++i];
  } else {
    console.error(`test:chaos: unknown or incomplete argument "${arg}"\n\n${usage}`);
    process.exit(2);
  }
}

// As scripts/test.mjs runs Jest: --experimental-vm-modules lets it load the ES-module dependencies (NestJS 12).
const jest = spawn(
  process.execPath,
  ['--experimental-vm-modules', '--disable-warning=ExperimentalWarning', join(root, 'node_modules', 'jest', 'bin', 'jest.js'), '--selectProjects', 'chaos', '--runInBand'],
  { cwd: root, env, stdio: 'inherit' },
);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => jest.kill(signal));
jest.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
