import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { mintToken, serviceAcls } from '@mp/operations';
import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, Kafka, logLevel, ResourcePatternTypes } from 'kafkajs';
import { freePort, ServiceProcess } from './messaging/service-process';
import { ops } from './ops/ops-process';
import { eventually } from './support/eventually';
import { isolateTestRun } from './support/isolation';
import { TopicProbe } from './support/topic-probe';
import { Upstream } from './support/upstream';

const run = promisify(execFile);
const AUTH_SECRET = 'kafka-security-test-secret-of-32-characters';
const ROOT = join(__dirname, '..');

/**
 * Kafka security (DESIGN §10): a broker of the test's own, started by the project's script in its
 * SASL mode (SASL_PLAINTEXT with SCRAM-SHA-512, ACLs enforced, users made by the broker's own
 * StorageTool), with a SASL_SSL listener beside it (a self-signed certificate made by keytool), on
 * ports and a run directory of its own. The ACLs come from `ops acls --apply`, run
 * as the super user; the request-service runs as its own SCRAM user with those ACLs only.
 */
describe('Kafka with SASL/SCRAM-SHA-512 and ACLs', () => {
  const world = isolateTestRun('kafka-sec');
  const secret = () => randomBytes(12).toString('hex');
  const passwords = { admin: secret(), 'request-service': secret(), intruder: secret() };
  const runDir = join(ROOT, '.cache', 'kafka-sec', world.run);
  let brokers = '';
  let tlsBrokers = '';
  let scriptEnv: NodeJS.ProcessEnv = {};
  const saved = { ...process.env };
  const probe = () => probeHolder.probe!;
  const probeHolder: { probe?: TopicProbe } = {};
  const services: ServiceProcess[] = [];

  /** The environment of a client of the SASL broker as `user` (the services' and the CLI's variables). */
  const as = (user: string, password: string): NodeJS.ProcessEnv => ({
    KAFKA_BROKERS: brokers,
    KAFKA_SSL: 'false',
    KAFKA_SASL_MECHANISM: 'scram-sha-512',
    KAFKA_SASL_USERNAME: user,
    KAFKA_SASL_PASSWORD: password,
    AUTH_JWT_SECRET: AUTH_SECRET,
  });

  async function broker(command: 'start' | 'stop' | 'wipe'): Promise<string> {
    try {
      const { stdout } = await run('bash', [join(ROOT, 'scripts', 'kafka-broker.sh'), command], { env: scriptEnv, timeout: 120_000 });
      return stdout;
    } catch (error) {
      const { stdout, stderr, message } = error as { stdout?: string; stderr?: string; message: string };
      throw new Error(`kafka-broker.sh ${command} (SASL, ${brokers}) failed: ${message}\n${stdout ?? ''}${stderr ?? ''}`);
    }
  }

  /** The same over TLS: the SASL_SSL listener, its certificate checked against the broker's own CA file. */
  const overTls = (user: string, password: string): NodeJS.ProcessEnv => ({ ...as(user, password), KAFKA_BROKERS: tlsBrokers, KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: join(runDir, 'tls', 'ca.pem') });

  /** The request-service as a process on a free port, with `env`'s Kafka and user; not waited for. */
  async function requestService(env: NodeJS.ProcessEnv): Promise<{ service: ServiceProcess; url: string }> {
    const port = await freePort();
    const service = ServiceProcess.launch('request-service', { REQUEST_PORT: String(port), LOG_LEVEL: 'info', LOG_FORMAT: 'json', ...env });
    services.push(service);
    return { service, url: `http://127.0.0.1:${port}` };
  }

  async function readiness(url: string): Promise<{ status: number; body: any } | undefined> {
    const response = await fetch(`${url}/health/ready`).catch(() => undefined);
    return response && { status: response.status, body: await response.json() };
  }

  /** Waits until the service says, in its log and in /health/ready, why Kafka will not have it; it keeps running. */
  async function refused({ service, url }: { service: ServiceProcess; url: string }, why: RegExp): Promise<void> {
    await eventually(`${service.name} to log ${why} (it wrote: ${service.logs().slice(-2_000)})`, () => why.test(service.logs()));
    const health = await eventually('/health/ready to say why Kafka is down', async () => {
      const answer = await readiness(url);
      return answer?.status === 503 && why.test(answer.body?.error?.kafka?.message ?? '') && answer;
    });
    expect(health.body.error.kafka.status).toBe('down');
    expect(service.isRunning()).toBe(true);
  }

  beforeAll(async () => {
    const [port, controllerPort, tlsPort] = [await freePort(), await freePort(), await freePort()];
    brokers = `127.0.0.1:${port}`;
    tlsBrokers = `127.0.0.1:${tlsPort}`;
    scriptEnv = {
      ...process.env,
      KAFKA_SASL: 'true',
      KAFKA_BROKERS: brokers,
      KAFKA_CONTROLLER_PORT: String(controllerPort),
      KAFKA_TLS_PORT: String(tlsPort),
      KAFKA_RUN_DIR: runDir,
      KAFKA_HEAP_OPTS: '-Xms128m -Xmx384m',
      KAFKA_SASL_ADMIN_PASSWORD: passwords.admin,
      KAFKA_SASL_USERS: `request-service=${passwords['request-service']},intruder=${passwords.intruder}`,
    };
    await broker('start');
    // The test itself (the probe: upstream systems and a watcher of every topic) is the super user.
    Object.assign(process.env, as('admin', passwords.admin));
    probeHolder.probe = new TopicProbe();
    await probe().start();
  });

  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop()));
    await probeHolder.probe?.stop().catch(() => undefined);
    try {
      await broker('wipe');
    } finally {
      rmSync(runDir, { recursive: true, force: true });
      rmSync(`${runDir}.lock`, { force: true });
      await world.deleteKeys();
      process.env = saved;
    }
  });

  it('ops acls --apply, as the super user, writes the ACLs derived from the contract, and the broker holds exactly them', async () => {
    const applied = await ops(['acls', '--apply'], as('admin', passwords.admin));
    expect(applied.stderr).toMatch(/applied \d+ ACLs for 4 principals/);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain('User:request-service');
    expect(applied.stdout).toContain(`TOPIC ${world.namespace}mp.request-events.v1`);

    const expected = serviceAcls({ namespace: world.namespace }, { services: ['request-service'] });
    const kafka = new Kafka({ brokers: [brokers], logLevel: logLevel.NOTHING, sasl: { mechanism: 'scram-sha-512', username: 'admin', password: passwords.admin } });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const { resources } = await admin.describeAcls({
        resourceType: AclResourceTypes.ANY,
        resourcePatternType: ResourcePatternTypes.ANY,
        principal: 'User:request-service',
        operation: AclOperationTypes.ANY,
        permissionType: AclPermissionTypes.ANY,
      });
      // kafkajs' enums are plain objects at run time: the name of a value is looked up.
      const name = (values: object, value: number) => Object.entries(values).find(([, v]) => v === value)?.[0];
      const held = resources.flatMap((r) => r.acls.map((a) => `${name(AclResourceTypes, r.resourceType)} ${r.resourceName} ${name(AclOperationTypes, a.operation)} ${name(AclPermissionTypes, a.permissionType)}`)).sort();
      expect(held).toEqual(expected.map((a) => `${a.resourceType} ${a.resourceName} ${a.operation} ALLOW`).sort());
    } finally {
      await admin.disconnect();
    }
    // Applying again changes nothing.
    expect((await ops(['acls', '--apply', '--json'], as('admin', passwords.admin))).code).toBe(0);
  });

  it('ops acls --apply against a broker without an authorizer (the PLAINTEXT one of the other tests) says that it keeps no ACLs', async () => {
    const plain = await ops(['acls', '--apply', '--service', 'request-service'], { KAFKA_BROKERS: saved.KAFKA_BROKERS ?? '127.0.0.1:9092', KAFKA_SASL_MECHANISM: '', KAFKA_SASL_USERNAME: '', KAFKA_SASL_PASSWORD: '' });
    expect(plain.code).toBe(1);
    expect(plain.stderr).toMatch(/has no authorizer \(SECURITY_DISABLED\): it keeps no ACLs/);
  });

  it('the request-service, as its own SCRAM user with only its ACLs, over TLS, takes a command in (from Kafka and over HTTP) and publishes its event', async () => {
    const { url } = await requestService(overTls('request-service', passwords['request-service']));
    await eventually('the request-service ready', async () => (await readiness(url))?.status === 200);
    const upstream = new Upstream(probe());
    const [customerId, resellerId] = [world.id('cust'), world.id('res')];
    await upstream.partner(resellerId);
    await upstream.customer(customerId, ['admin-1']);
    const answer = await upstream.request({ requestId: world.id('req'), customerId, resellerId, services: ['Azure'], requestedBy: { userId: 'agent-1' } });
    expect(answer.type).toBe('RelationshipRequested');
    expect(answer.source).toBe('request-service');

    // Over HTTP the service publishes the command on its topic itself (WRITE on mp.request-commands.v1).
    const other = world.id('cust');
    await upstream.customer(other, ['admin-2']);
    const { token } = await mintToken({ role: 'reseller', partner: resellerId, subject: 'agent-2' }, { secret: AUTH_SECRET });
    const requestId = world.id('req');
    const accepted = await fetch(`${url}/v1/requests`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ requestId, customerId: other, services: ['Azure'] }),
    });
    expect(accepted.status).toBe(202);
    const { commandId } = (await accepted.json()) as { commandId: string };
    const event = await probe().waitFor('the answer to the HTTP command', () => probe().events(undefined, (e) => e.causationid === commandId && e.source === 'request-service')[0]);
    expect(event.type).toBe('RelationshipRequested');
    expect(event.data).toMatchObject({ requestId, customerId: other, resellerId, requestedBy: { userId: 'agent-2' } });
  });

  it('a principal without the ACLs is refused by the broker (authorization), and the service says so instead of running blind; given them, it joins', async () => {
    const intruder = await requestService(as('intruder', passwords.intruder));
    await refused(intruder, /TOPIC_AUTHORIZATION_FAILED/);
    expect(intruder.service.logs()).toMatch(/could not start consuming.*needs DESCRIBE and CREATE on the contract topics/);

    // It keeps trying: once its principal is given the request-service's ACLs, it joins without a restart.
    const granted = await ops(['acls', '--apply', '--service', 'request-service', '--principal', 'request-service=User:intruder'], as('admin', passwords.admin));
    expect(granted.code).toBe(0);
    await eventually('the refused service to become ready once its ACLs exist', async () => (await readiness(intruder.url))?.status === 200, 90_000);
    expect(intruder.service.isRunning()).toBe(true);
  });

  it('a wrong password is refused at authentication: by the service (not ready, and why), by the ops CLI and by the readiness check of the broker script', async () => {
    await refused(await requestService(as('request-service', 'not-the-password')), /SASL SCRAM SHA512 authentication failed/);

    const topics = await ops(['topics'], as('request-service', 'not-the-password'));
    expect(topics.code).toBe(1);
    expect(topics.stderr).toMatch(/ops: Kafka at 127\.0\.0\.1:\d+ refused the credentials \(KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD\)/);
    expect(topics.stderr).not.toContain(passwords['request-service']);

    const ping = (password: string) =>
      run(process.execPath, [join(ROOT, 'scripts', 'kafka-ping.mjs'), brokers], { env: { ...process.env, ...as('request-service', password) } }).then(
        () => 0,
        (error: { code?: number }) => error.code,
      );
    expect(await ping('not-the-password')).toBe(1);
    expect(await ping(passwords['request-service'])).toBe(0);
  });

  it("TLS: the broker's certificate is checked against KAFKA_SSL_CA_FILE, and refused without it (Node's CA list does not hold it)", async () => {
    const trusted = await ops(['topics', '--json'], overTls('admin', passwords.admin));
    expect(trusted.stderr).toBe('');
    expect(JSON.parse(trusted.stdout).find((t: { topic: string }) => t.topic === 'mp.request-events.v1').exists).toBe(true);

    const { KAFKA_SSL_CA_FILE: _ca, ...withoutCa } = overTls('admin', passwords.admin);
    const untrusted = await ops(['topics'], { ...withoutCa, KAFKA_SSL_CA_FILE: '' });
    expect(untrusted.code).toBe(1);
    expect(untrusted.stderr).toMatch(/self-signed certificate/);
  });
});
