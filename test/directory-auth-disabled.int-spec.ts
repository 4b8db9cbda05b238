import { isolateTestRun } from './support/isolation';
import { ServiceProcess } from './messaging/service-process';

jest.setTimeout(180_000);

/**
 * DESIGN §10: only `AUTH_DISABLED=true` turns the bearer token checks off, and the service says
 * so when it starts. The directory as its own process, with no secret and no key set at all.
 */
describe('the directory with AUTH_DISABLED=true', () => {
  const world = isolateTestRun('auth-disabled');
  let directory: ServiceProcess | undefined;

  beforeAll(async () => {
    directory = await ServiceProcess.start('directory-service', 'DIRECTORY_PORT', { AUTH_DISABLED: 'true', AUTH_JWT_SECRET: '', AUTH_JWKS_URL: '', LOG_LEVEL: 'info', LOG_FORMAT: 'json' });
  });

  afterAll(async () => {
    await directory?.stop();
    await world.cleanup();
  });

  it('warns at start that nothing is checked', () => {
    const warnings = directory!
      .logs()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { level: string; context?: string; msg: string })
      .filter((entry) => entry.context === 'Authentication');
    expect(warnings).toEqual([expect.objectContaining({ level: 'warn', msg: 'AUTH_DISABLED=true: no token is checked on HTTP, every caller is ops. Never in production.' })]);
  });

  it('answers without a token, as it would answer ops', async () => {
    const unknown = await fetch(`${directory!.url}/v1/customers/${world.id('nobody')}/resellers`);
    expect(unknown.status).toBe(404);
    const deadLetters = await fetch(`${directory!.url}/v1/ops/dead-letters`);
    expect(deadLetters.status).toBe(200);
    expect(deadLetters.headers.get('www-authenticate')).toBeNull();
  });
});
