import { freePort, ServiceProcess } from './messaging/service-process';
import { eventually } from './support/eventually';
import { isolateTestRun } from './support/isolation';
import { tokenFor } from './support/tokens';

jest.setTimeout(120_000);

/**
 * A command over HTTP while no broker answers (DESIGN §10): the request-service, as its own
 * process, answers HTTP from its first second while it tries to reach Kafka; a command it cannot
 * publish is a 503 that says why, not an answer that never comes, and the service goes on.
 */
describe('a command over HTTP while Kafka cannot be reached', () => {
  const world = isolateTestRun('http-commands-down');
  let service: ServiceProcess | undefined;

  afterAll(async () => {
    await service?.stop();
    await world.cleanup();
  });

  it('is a 503 naming the broker error, and the service stays alive', async () => {
    const [port, nothingListens] = [await freePort(), await freePort()];
    service = ServiceProcess.launch('request-service', { REQUEST_PORT: String(port), KAFKA_BROKERS: `127.0.0.1:${nothingListens}` });
    const url = `http://127.0.0.1:${port}`;
    await eventually('the request-service to answer /health/live', async () => (await fetch(`${url}/health/live`).catch(() => undefined))?.status === 200);

    const answer = await fetch(`${url}/v1/requests`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await tokenFor({ role: 'reseller', partner: 'p-1' })}`, 'content-type': 'application/json' },
      body: JSON.stringify({ requestId: 'r-1', customerId: 'c-1', services: ['Azure'] }),
    });
    expect(answer.status).toBe(503);
    expect(await answer.json()).toEqual({ statusCode: 503, error: 'Service Unavailable', message: expect.stringMatching(/could not be published to Kafka: .*ECONNREFUSED 127\.0\.0\.1:\d+.*send it again/) });
    expect((await fetch(`${url}/health/live`)).status).toBe(200);
    expect(service.isRunning()).toBe(true);
  });
});
