/**
 * (c) Query: `GET /v1/customers/{id}/resellers` of the directory-service (as a process of its own,
 * as deployed) under autocannon at a fixed concurrency, over customers with 3 active
 * relationships each, seeded through the directory's own stores; beside a bare Node `http` server
 * (bench/bare-resellers-server.ts, also a process) answering the same route with one ioredis `GET`
 * of a key holding the same body. The two alternate round by round; then both at half the
 * directory's peak rate, for its latency when it is not saturated.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { CustomerState, emptyCustomerState, emptyPartnerState, evolvePartner, PartnerState } from '@mp/domain';
import { CustomerStore, PartnerStore } from '@mp/state';
import Redis from 'ioredis';
import { activeRelationships, toCustomerResellers } from '../apps/directory-service/src/customers/customer-views';
import { freePort, ServiceProcess } from '../test/messaging/service-process';
import { opsHeaders } from '../test/support/tokens';
import { inWorld } from './bench-world';
import { RemoteCpuProfiler } from './cpu-profile';
import { profileTables } from './report';
import type { Benchmark, BenchContext, BenchResult, BenchSize } from './benchmark';
import { customerIdOf, CustomerHistory, partnerRegistration, resellersOf } from './history';
import { duration, median, percentile, rate, ratio } from './stats';

const SIZES: Record<BenchSize, { customers: number; rounds: number; seconds: number }> = {
  full: { customers: 100_000, rounds: 3, seconds: 5 },
  quick: { customers: 1_000, rounds: 1, seconds: 2 },
};
const CONNECTIONS = 16;
/** Customers written at once while seeding. */
const SEED_CONCURRENCY = 500;
const BODY_KEYS = 'bench:resellers:';

interface Load {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
}

/**
 * The directory's read model of `customers` customers (3 active relationships and a pending request
 * each) and of their resellers, written by its own stores (one compare-and-set each, as folding
 * their histories would leave them); and, for
 * the baseline, each customer's answer as the directory's own view code renders it.
 */
async function seed(redis: Redis, run: string, customers: number): Promise<{ pool: string[]; ms: number }> {
  const start = performance.now();
  const history = new CustomerHistory();
  const store = new CustomerStore(redis, 'directory');
  const partnerStore = new PartnerStore(redis, 'directory');
  const pool = Array.from({ length: 100 }, (_, i) => `reseller-${run}-${String(i).padStart(3, '0')}`);
  const now = new Date();
  const partners = new Map<string, PartnerState>();
  for (const [i, id] of pool.entries()) {
    const registration = JSON.parse(partnerRegistration(id, i, now).value) as { id: string; type: 'PartnerRegistered'; data: never };
    const state = evolvePartner(emptyPartnerState(id), { type: 'PartnerRegistered', data: registration.data });
    partners.set(id, state);
    await partnerStore.update(id, registration.id, () => state);
  }
  for (let from = 0; from < customers; from += SEED_CONCURRENCY) {
    const bodies = redis.pipeline();
    await Promise.all(
      Array.from({ length: Math.min(SEED_CONCURRENCY, customers - from) }, async (_, i) => {
        const customerId = customerIdOf(run, from + i);
        const state = JSON.parse(history.stateJson(customerId, resellersOf(from + i, pool, history.resellers))) as CustomerState;
        // A first write (version 0), with the ids of the history's events as the seen ids: what folding them leaves.
        await store.save(customerId, { state: emptyCustomerState(customerId), version: '0', seen: false, doc: null, outbox: null }, state, history.eventIds(customerId));
        bodies.set(`${BODY_KEYS}${customerId}`, JSON.stringify(toCustomerResellers(customerId, activeRelationships(state), partners)));
      }),
    );
    await bodies.exec();
  }
  return { pool, ms: performance.now() - start };
}

/** The baseline server as a process, on a free port it reports. */
async function startBareServer(redisUrl: string, keyPrefix: string): Promise<{ child: ChildProcess; url: string }> {
  const root = join(__dirname, '..');
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', join(__dirname, 'bare-resellers-server.ts')], {
    cwd: root,
    env: { ...process.env, TS_NODE_PROJECT: join(root, 'tsconfig.json'), PORT: '0', REDIS_URL: redisUrl, BODY_KEY_PREFIX: `${keyPrefix}${BODY_KEYS}` },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const found = /"port":(\d+)/.exec(out);
      if (found) resolve(Number(found[1]));
    });
    child.once('exit', (code) => reject(new Error(`the bare server exited (${code}) before it listened`)));
  });
  return { child, url: `http://127.0.0.1:${port}` };
}

/** One autocannon run against `url`: random customers, `connections` at once, optionally paced to `overallRate` requests/s. */
async function load(url: string, headers: Record<string, string>, customers: number, run: string, seconds: number, overallRate?: number): Promise<Load> {
  const latencies: number[] = [];
  const pathOf = () => `/v1/customers/${customerIdOf(run, Math.floor(Math.random() * customers))}/resellers`;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      { url, connections: CONNECTIONS, duration: seconds, headers, ...(overallRate ? { overallRate } : {}), requests: [{ method: 'GET', setupRequest: (request) => ({ ...request, path: pathOf() }) }] },
      (error, done) => (error ? reject(error) : resolve(done)),
    );
    // autocannon's instance emits (client, status, bytes, ms); its typings leave the client out.
    (instance as unknown as NodeJS.EventEmitter).on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => latencies.push(ms));
  });
  if (result.non2xx || result.errors) throw new Error(`${url}: ${result.non2xx} answers other than 2xx and ${result.errors} errors under load`);
  return { rps: result.requests.total / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), requests: result.requests.total };
}

export const query: Benchmark = {
  name: 'query',
  title: "the directory's GET /v1/customers/{id}/resellers under autocannon vs a bare Node http server answering it with one ioredis GET",
  run: (context: BenchContext) =>
    inWorld('bench-query', context, async (world): Promise<BenchResult> => {
      const size = SIZES[context.size];
      const redis = new Redis(context.redisUrl, { keyPrefix: world.keyPrefix });
      let directory: ServiceProcess | undefined;
      let bare: { child: ChildProcess; url: string } | undefined;
      try {
        context.log(`starting the directory (a process) and seeding ${size.customers} customers through its stores...`);
        // All three at once; each server is stopped at the end even when another start failed.
        const inspectPort = await freePort();
        const [started, bareStarted, seeding] = await Promise.allSettled([
          ServiceProcess.start('directory-service', 'DIRECTORY_PORT', { NODE_OPTIONS: `--inspect=127.0.0.1:${inspectPort}` }),
          startBareServer(context.redisUrl, world.keyPrefix),
          seed(redis, world.run, size.customers),
        ]);
        if (started.status === 'fulfilled') directory = started.value;
        if (bareStarted.status === 'fulfilled') bare = bareStarted.value;
        if (started.status === 'rejected') throw started.reason;
        if (bareStarted.status === 'rejected') throw bareStarted.reason;
        if (seeding.status === 'rejected') throw seeding.reason;
        const [directoryUrl, bareUrl, seeded] = [started.value.url, bareStarted.value.url, seeding.value];
        context.log(`seeded in ${duration(seeded.ms)}; both servers up`);
        const headers = { ...(await opsHeaders()) };
        // Same answer from both, byte for byte.
        const probe = `/v1/customers/${customerIdOf(world.run, 0)}/resellers`;
        const [fromDirectory, fromBare] = await Promise.all([directoryUrl, bareUrl].map(async (url) => (await fetch(`${url}${probe}`, { headers })).text()));
        if (fromDirectory !== fromBare) throw new Error(`the bare server's body differs from the directory's:\n${fromBare}\n${fromDirectory}`);
        const resellers = (JSON.parse(fromDirectory) as { resellers: unknown[] }).resellers.length;

        const servers = { directory: directoryUrl, bare: bareUrl };
        for (const url of Object.values(servers)) await load(url, headers, size.customers, world.run, 1); // warm-up
        const peak: Record<'directory' | 'bare', Load[]> = { directory: [], bare: [] };
        for (let r = 0; r < size.rounds; r++) {
          // Alternated, and in turns of order, so a machine that changes speed hits both alike.
          const order: Array<'directory' | 'bare'> = r % 2 ? ['directory', 'bare'] : ['bare', 'directory'];
          for (const name of order) peak[name].push(await load(servers[name], headers, size.customers, world.run, size.seconds));
          context.log(`round ${r + 1}/${size.rounds}: directory ${rate(peak.directory[r].rps)} req/s, bare ${rate(peak.bare[r].rps)} req/s`);
        }
        const peakRate = median(peak.directory.map((l) => l.rps));
        const halfRate = Math.max(1, Math.round(peakRate / 2));
        context.log(`at half the directory's peak: ${halfRate} req/s...`);
        const half = { directory: await load(servers.directory, headers, size.customers, world.run, size.seconds * 2, halfRate), bare: await load(servers.bare, headers, size.customers, world.run, size.seconds * 2, halfRate) };

        // Where the directory's time goes: one more round at its peak, profiled (not one of the measured rounds).
        const profiler = new RemoteCpuProfiler(inspectPort);
        await profiler.start();
        const profiled = await load(servers.directory, headers, size.customers, world.run, size.seconds);
        const profile = await profiler.stop();

        const summary = (loads: Load[]) => ({ rps: median(loads.map((l) => l.rps)), p50: median(loads.map((l) => l.p50)), p99: median(loads.map((l) => l.p99)) });
        const [d, b] = [summary(peak.directory), summary(peak.bare)];
        const speed = median(peak.directory.map((l, i) => l.rps / peak.bare[i].rps));
        const n = `${size.customers / 1000}k customers, ${CONNECTIONS} conns`;
        return {
          rows: [
            { id: 'c1', name: `query: directory GET /v1/customers/{id}/resellers (${resellers} resellers each), random customers`, n, rate: d.rps, unit: 'req/s', p50Ms: d.p50, p99Ms: d.p99, baseline: 'c2', ratio: speed, goals: [{ text: '≥ 0.7× the bare server', met: speed >= 0.7 }] },
            { id: 'c2', name: 'baseline: bare Node http + one ioredis GET of the same body', n, rate: b.rps, unit: 'req/s', p50Ms: b.p50, p99Ms: b.p99 },
            {
              id: 'c3',
              name: `query at half the directory's peak (${halfRate} req/s, autocannon overallRate)`,
              n: `${half.directory.requests} requests`,
              rate: half.directory.rps,
              unit: 'req/s',
              p50Ms: half.directory.p50,
              p99Ms: half.directory.p99,
              baseline: 'c4',
              ratio: half.directory.rps / half.bare.rps,
              goals: [{ text: 'p99 < 5 ms', met: half.directory.p99 < 5 }],
            },
            { id: 'c4', name: 'baseline at the same rate', n: `${half.bare.requests} requests`, rate: half.bare.rps, unit: 'req/s', p50Ms: half.bare.p50, p99Ms: half.bare.p99 },
          ],
          notes: [
            `c: ${size.customers} customers with ${resellers} active relationships each (and a pending request), written by the directory's own stores (CustomerStore.save, one compare-and-set each with the history's event ids as seen; PartnerStore) in ${duration(seeded.ms)}; ` +
              `the directory-service as a process of its own (ts-node, as the tests run it), with an ops bearer token on every request (its check is part of the cost); the baseline a bare Node http server, also a process, answering with one ioredis GET of the same body (checked equal byte for byte). ` +
              `autocannon in the bench's process, ${CONNECTIONS} connections, ${size.rounds} round(s) of ${size.seconds} s each, alternated: the directory answered ${rate(d.rps)} req/s (p50 ${duration(d.p50)}, p99 ${duration(d.p99)}) against ${rate(b.rps)} req/s for the bare server: ${ratio(speed)} (median of the rounds' ratios). ` +
              `At half its peak (${halfRate} req/s for ${size.seconds * 2} s) its p99 was ${duration(half.directory.p99)} (p50 ${duration(half.directory.p50)}); the bare server's at the same rate ${duration(half.bare.p99)}. ` +
              `Each directory answer is a JWT check (a verified token is remembered), one HGET of the customer's state (JSON.parse of the whole state) and one pipelined read of its resellers' states, then Nest's pipes, interceptors and Express.`,
            `CPU profile of the directory over one more round at its peak (${rate(profiled.rps)} req/s; V8 sampling every 0.5 ms through the inspector; "per command" is per request): ${profileTables(profile, Math.max(1, profiled.requests), 12)}`,
          ],
        };
      } finally {
        redis.disconnect();
        bare?.child.kill('SIGTERM');
        await directory?.stop();
      }
    }),
};
