#!/usr/bin/env node
// npm test [-- jest arguments]: installs what is missing (Node 24 when the machine's is too old,
// the dependencies, the Kafka jars), then runs Jest. The integration projects start a local Kafka
// broker themselves when none answers (test/support/global-setup.ts).
// Jest runs with --experimental-vm-modules: NestJS 12 and commander 15 are ES modules, loaded from
// the CommonJS test code through require(esm), which Jest 30 supports only with that flag.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ensureDependencies, ensureKafkaJars, ensureNode, ROOT } from './bootstrap.mjs';

await ensureNode('test');
ensureDependencies('test');
if (!process.env.KAFKA_BROKERS) ensureKafkaJars('test');

// `npm run test:int -- <paths>`: Jest's --selectProjects takes every word after it as a project name,
// so the project chosen by the npm script goes after the paths the caller added.
let args = process.argv.slice(2);
if (args[0] === '--selectProjects' && args.length > 2) args = [...args.slice(2), '--selectProjects', args[1]];

const jest = spawn(
  process.execPath,
  ['--experimental-vm-modules', '--disable-warning=ExperimentalWarning', join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js'), ...args],
  { cwd: ROOT, stdio: 'inherit' },
);
process.on('SIGINT', () => {});
process.on('SIGTERM', () => jest.kill('SIGTERM'));
jest.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
