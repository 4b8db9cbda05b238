import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Topics } from '@mp/contracts';
import type { Page } from 'playwright-core';
import { HeadlessBrowser, launchHeadless } from '../support/browser';
import { endToEnd } from '../support/end-to-end';
import { tokenFor } from '../support/tokens';

/** Where the screenshots go (git-ignored, like the chaos run's reports). */
const ARTIFACTS = join(__dirname, '..', '..', '.cache', 'e2e', 'console');

/**
 * The console (`/console` on the directory), driven in a real headless Chromium against the four
 * services on the real Kafka and Redis: what a person sees of a customer, of a reseller's
 * customers page by page, of dead letters and lag, and of what goes wrong.
 */
describe('console', () => {
  const e2e = endToEnd('console');
  const { world, probe, upstream } = e2e;

  const admin = { userId: world.id('admin') };
  const customerId = world.id('cust');
  const administering = world.id('res-azure');
  const plain = world.id('res-m365');
  /** A partner name that would be markup if the page ever parsed data as HTML. */
  const hostileName = '<img src=x onerror="window.__pwned = true">Fabrikam & Co';
  /** The customers `plain` serves besides `customerId`, for paging. */
  const others = [1, 2, 3, 4].map(() => world.id('cust'));
  let browser: HeadlessBrowser;
  let page: Page;

  const consoleUrl = () => `${e2e.system.directory.url}/console`;

  beforeAll(async () => {
    browser = await launchHeadless();
    page = browser.page;

    await upstream.partner(administering, { name: 'Azure Experts', specializations: ['Azure'] });
    await upstream.partner(plain, { name: hostileName, specializations: ['Microsoft365'] });
    await upstream.customer(customerId, [admin.userId], { name: 'Tailspin Toys' });
    for (const other of others) await upstream.customer(other, [admin.userId]);
    await probe.publish('SubscriptionCreated', { subscriptionId: 'sub-azure-1', customerId, partnerOfRecordId: administering, service: 'Azure', quantity: 12 });
    await e2e.system.settled();

    // The administering reseller: Azure with delegated admin privileges for 90 days from the clock's 2026-03-01 09:00.
    expect((await upstream.request({
      requestId: 'req-azure',
      customerId,
      resellerId: administering,
      services: ['Azure'],
      delegatedAdmin: { roles: ['HelpdeskAdministrator'], durationDays: 90, autoExtend: false },
      message: 'Managed Azure for Tailspin',
      requestedBy: { userId: 'azure-agent' },
    })).type).toBe('RelationshipRequested');
    expect((await upstream.approve({ requestId: 'req-azure', customerId, approvedBy: admin })).type).toBe('RelationshipEstablished');
    // The plain reseller: Microsoft 365, no privileges; and a request of it that the customer declined.
    expect((await upstream.request({ requestId: 'req-m365', customerId, resellerId: plain, services: ['Microsoft365'], requestedBy: { userId: 'm365-agent' } })).type).toBe('RelationshipRequested');
    expect((await upstream.approve({ requestId: 'req-m365', customerId, approvedBy: admin })).type).toBe('RelationshipEstablished');
    expect((await upstream.request({ requestId: 'req-dyn', customerId, resellerId: plain, services: ['Dynamics365'], requestedBy: { userId: 'm365-agent' } })).type).toBe('RelationshipRequested');
    expect((await upstream.command('DeclineRequest', { requestId: 'req-dyn', customerId, declinedBy: admin, reason: 'Not this year' }, ['RequestDeclined'])).type).toBe('RequestDeclined');
    // Four more customers of the plain reseller: five in all, three pages of two.
    for (const other of others) {
      expect((await upstream.request({ requestId: `req-${other}`, customerId: other, resellerId: plain, services: ['Microsoft365'], requestedBy: { userId: 'm365-agent' } })).type).toBe('RelationshipRequested');
      expect((await upstream.approve({ requestId: `req-${other}`, customerId: other, approvedBy: admin })).type).toBe('RelationshipEstablished');
    }
    // One poison message, dead-lettered by the request-service.
    await probe.sendRaw(Topics.requestCommands, '{"not": "a CloudEvent"', customerId);
    await e2e.system.settled();

    await page.goto(consoleUrl());
    await useToken(await tokenFor({ role: 'ops', subject: 'console-ops' }));
  });

  afterAll(async () => {
    await browser?.close();
  });

  /** Pastes a token under "Access token", as a person does. */
  async function useToken(token: string) {
    await inPage("document.getElementById('token-panel').open = true");
    await page.getByLabel('Bearer token').fill(token);
    await page.getByRole('button', { name: 'Use token' }).click();
    expect(await page.locator('#token-status').textContent()).toBe('A token is in use in this tab.');
  }

  async function lookUpCustomer(id: string) {
    await page.getByLabel('Customer id').fill(id);
    await page.getByRole('search', { name: 'Look up a customer' }).getByRole('button', { name: 'Look up' }).click();
  }

  /** An expression evaluated in the page (a string: this code is compiled without the DOM's types). */
  const inPage = <T = unknown>(expression: string) => page.evaluate(expression) as Promise<T>;
  const rowsOf = (container: string) => page.locator(`${container} tbody tr`);
  const pageErrors = () => browser.errors.filter((e) => !/Failed to load resource/.test(e));

  it('is served by the directory with its own files only, under a strict content security policy', async () => {
    const response = await fetch(consoleUrl());
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(response.headers.get('content-security-policy')).toContain("connect-src 'self'");
    expect((await fetch(`${consoleUrl()}/console.js`)).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const missing = await fetch(`${consoleUrl()}/nothing.js`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { message: string }).message).toBe('The console has no file "nothing.js".');
    // The page itself: nothing from outside, no error, no script or style from anywhere else.
    expect(await page.title()).toBe('multipartner console');
    const references = await inPage<string[]>("[...document.querySelectorAll('script[src], link[href], img[src]')].map((e) => e.getAttribute('src') ?? e.getAttribute('href'))");
    const external = references.filter((url) => !url.startsWith('/') && !url.startsWith('data:'));
    expect(external).toEqual([]);
  });

  it('shows a customer: its resellers with channel, services, privileges and expiry, its subscriptions with their Partner of Record, its requests with their history', async () => {
    await lookUpCustomer(customerId);
    await page.locator('#customer-result').waitFor({ state: 'visible' });
    expect(await page.locator('#customer-title').textContent()).toBe(`Customer ${customerId}`);

    const resellers = rowsOf('#customer-resellers');
    expect(await resellers.count()).toBe(2);
    const azure = resellers.filter({ hasText: administering });
    expect(await azure.locator('td[data-label="Reseller"]').innerText()).toContain('Azure Experts');
    expect(await azure.locator('td[data-label="Channel"]').innerText()).toBe('direct');
    expect(await azure.locator('td[data-label="Services"]').innerText()).toBe('Azure');
    expect(await azure.locator('td[data-label="Privileges"]').innerText()).toMatch(/^active\s+HelpdeskAdministrator$/);
    expect(await azure.locator('td[data-label="Expires"] time').getAttribute('datetime')).toBe('2026-05-30T09:00:00.000Z');
    expect(await azure.locator('td[data-label="Expires"]').innerText()).toMatch(/^2026-05-30 09:00 UTC\s+does not auto-extend$/);
    const m365 = resellers.filter({ hasText: plain });
    expect(await m365.locator('td[data-label="Services"]').innerText()).toBe('Microsoft365');
    expect(await m365.locator('td[data-label="Privileges"]').innerText()).toBe('none');
    expect(await m365.locator('td[data-label="Expires"]').innerText()).toBe('—');
    // The partner's name is shown as the text it is, never as markup.
    expect(await m365.locator('td[data-label="Reseller"]').innerText()).toContain(hostileName);
    expect(await page.locator('#customer-resellers img').count()).toBe(0);
    expect(await inPage('window.__pwned')).toBeUndefined();

    const subscriptions = rowsOf('#customer-subscriptions');
    expect(await subscriptions.count()).toBe(1);
    expect(await subscriptions.locator('td').allInnerTexts()).toEqual(['sub-azure-1', 'Azure', '12', administering, 'active']);

    const requests = rowsOf('#customer-requests');
    expect(await requests.count()).toBe(3);
    const statusOf = (requestId: string) => requests.filter({ hasText: requestId }).locator('td[data-label="Status"]').innerText();
    expect(await statusOf('req-azure')).toBe('approved');
    expect(await statusOf('req-m365')).toBe('approved');
    expect(await statusOf('req-dyn')).toBe('declined');
    const azureRequest = requests.filter({ hasText: 'req-azure' });
    expect(await azureRequest.locator('td[data-label="Privileges asked"]').innerText()).toMatch(/^HelpdeskAdministrator\s+90 days$/);
    expect(await azureRequest.locator('td[data-label="Request"]').innerText()).toContain('Managed Azure for Tailspin');

    // History, loaded when opened.
    await page.locator('details[data-request-id="req-azure"] summary').click();
    const azureHistory = page.locator('details[data-request-id="req-azure"] tbody tr');
    await azureHistory.nth(1).waitFor();
    expect(await azureHistory.locator('td[data-label="Step"]').allInnerTexts()).toEqual(['RelationshipRequested', 'RelationshipEstablished']);
    expect(await azureHistory.nth(1).locator('td[data-label="By"]').innerText()).toBe(admin.userId);
    await page.locator('details[data-request-id="req-dyn"] summary').click();
    const declined = page.locator('details[data-request-id="req-dyn"] tbody tr').nth(1);
    await declined.waitFor();
    expect(await declined.locator('td').allInnerTexts()).toEqual(['2026-03-01 09:00 UTC', 'RequestDeclined', 'declined', admin.userId, 'Not this year']);

    expect(page.url()).toContain(`#customer=${customerId}`);
    expect(pageErrors()).toEqual([]);
  });

  it('pages through a reseller\'s customers with the API\'s cursor, forwards and back', async () => {
    const all = [customerId, ...others].sort();
    const shown = () => rowsOf('#reseller-customers').locator('td[data-label="Customer"] a').allInnerTexts();
    const pageNumber = page.locator('#page-number');

    await page.getByLabel('Reseller id').fill(plain);
    await page.getByLabel('Per page').fill('2');
    await page.getByRole('search', { name: 'Look up a reseller\'s customers' }).getByRole('button', { name: 'Look up' }).click();
    await page.locator('#reseller-result').waitFor({ state: 'visible' });
    expect(await shown()).toEqual(all.slice(0, 2));
    expect(await pageNumber.textContent()).toBe('Page 1');
    expect(await page.getByRole('button', { name: 'Previous page' }).isDisabled()).toBe(true);

    await page.getByRole('button', { name: 'Next page' }).click();
    await page.locator('#page-number', { hasText: 'Page 2' }).waitFor();
    expect(await shown()).toEqual(all.slice(2, 4));

    await page.getByRole('button', { name: 'Next page' }).click();
    await page.locator('#page-number', { hasText: 'Page 3' }).waitFor();
    expect(await shown()).toEqual(all.slice(4));
    expect(await page.getByRole('button', { name: 'Next page' }).isDisabled()).toBe(true);

    await page.getByRole('button', { name: 'Previous page' }).click();
    await page.locator('#page-number', { hasText: 'Page 2' }).waitFor();
    expect(await shown()).toEqual(all.slice(2, 4));

    // A customer of the page opens in the customer panel.
    await page.locator('#reseller-customers a', { hasText: all[2] }).click();
    await page.locator('#customer-title', { hasText: all[2] }).waitFor();

    // The address keeps both views: a reload shows them again (the reseller from its first page).
    expect(new URLSearchParams(new URL(page.url()).hash.slice(1)).get('reseller')).toBe(plain);
    await page.reload();
    await page.locator('#customer-title', { hasText: all[2] }).waitFor();
    await page.locator('#page-number', { hasText: 'Page 1' }).waitFor();
    expect(await page.getByLabel('Reseller id').inputValue()).toBe(plain);
    expect(pageErrors()).toEqual([]);
  });

  it('says plainly when a customer is unknown, a reseller is unknown, or the directory does not answer', async () => {
    const nobody = world.id('nobody');
    await lookUpCustomer(nobody);
    const status = page.locator('#customer-status');
    await page.locator('#customer-status.error').waitFor();
    expect(await status.textContent()).toBe(`No customer “${nobody}”: Customer "${nobody}" is not known to the directory.`);
    expect(await page.locator('#customer-result').isHidden()).toBe(true);

    await page.getByLabel('Reseller id').fill(nobody);
    await page.getByRole('search', { name: 'Look up a reseller\'s customers' }).getByRole('button', { name: 'Look up' }).click();
    await page.locator('#reseller-status.error').waitFor();
    expect(await page.locator('#reseller-status').textContent()).toBe(`No reseller “${nobody}”: Reseller "${nobody}" is not known to the directory.`);

    // The API down: every call fails at the network level.
    await page.route('**/v1/**', (route) => route.abort('connectionrefused'));
    try {
      await lookUpCustomer(customerId);
      await page.locator('#customer-status', { hasText: 'did not answer' }).waitFor();
      expect(await status.textContent()).toBe('The directory did not answer (is it running, and is this page served by it?).');
      expect(await page.locator('#customer-result').isHidden()).toBe(true);
    } finally {
      await page.unroute('**/v1/**');
    }
    expect(pageErrors().filter((e) => !/ERR_CONNECTION_REFUSED/.test(e))).toEqual([]);
  });

  it('shows the consumer lag of the four services and the dead letters by origin topic and error class, from /v1/ops (documented in /docs)', async () => {
    const deadLetters = await e2e.system.directory$('/v1/ops/dead-letters');
    expect(deadLetters.status).toBe(200);
    expect(deadLetters.body).toMatchObject({ topic: 'mp.dead-letters.v1', total: 1, notReplayed: 1 });
    expect(deadLetters.body.counts).toEqual([{ originTopic: 'mp.request-commands.v1', errorClass: 'NotJson', count: 1, notReplayed: 1, newest: expect.any(String) }]);
    const lag = await e2e.system.directory$('/v1/ops/lag');
    expect(lag.status).toBe(200);
    const groups = ['request-service', 'consent-service', 'notification-service', 'directory-service'];
    expect(lag.body.groups.map((g: { group: string }) => g.group)).toEqual(groups);
    const request = lag.body.groups.find((g: { group: string }) => g.group === 'request-service');
    expect(request).toMatchObject({ groupId: `${world.namespace}request-service`, state: 'Stable', members: 1 });
    expect(request.partitions.map((p: { topic: string }) => p.topic)).toContain('mp.request-commands.v1');

    const docs = await e2e.system.directory$('/docs-json');
    expect(Object.keys(docs.body.paths)).toEqual(expect.arrayContaining(['/v1/ops/lag', '/v1/ops/dead-letters']));
    expect(Object.keys(docs.body.paths).filter((p) => p.startsWith('/console'))).toEqual([]);

    const answered = Promise.all(['/v1/ops/lag', '/v1/ops/dead-letters'].map((path) => page.waitForResponse((r) => r.url().endsWith(path))));
    await page.getByRole('button', { name: 'Refresh' }).click();
    await answered;
    const letterRows = rowsOf('#operations-dead-letters');
    await letterRows.first().waitFor();
    expect(await letterRows.count()).toBe(1);
    expect((await letterRows.locator('td').allInnerTexts()).slice(0, 4)).toEqual(['mp.request-commands.v1', 'NotJson', '1', '1']);
    expect(await page.locator('#operations-dead-letters p.hint').innerText()).toMatch(/^1 dead letter on mp\.dead-letters\.v1, 1 never replayed, as of \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC\.$/);

    const lagRows = rowsOf('#operations-lag');
    expect(await lagRows.locator('td[data-label="Consumer group"] .id').allInnerTexts()).toEqual(groups);
    for (const group of lag.body.groups as Array<{ group: string; partitions: Array<{ topic: string }> }>) {
      const row = lagRows.filter({ hasText: group.group });
      const topics = new Set(group.partitions.map((p) => p.topic)).size;
      expect(await row.locator('td[data-label="Consumer group"]').innerText()).toBe(`${group.group}\nStable, 1 member`);
      expect(await row.locator('td[data-label="Topics"]').innerText()).toBe(String(topics));
      // Every partition of every topic it reads: its one member is assigned them all.
      expect(await row.locator('td[data-label="Partitions"]').innerText()).toBe(String(topics * Number(process.env.KAFKA_PARTITIONS)));
      expect(await row.locator('td[data-label="Lag"]').innerText()).toMatch(/^\d+$/);
    }
    expect(await page.locator('#operations-status').innerText()).toBe('');
    expect(pageErrors()).toEqual([]);
  });

  it('sends the pasted token as a bearer token with every call, and stops when it is forgotten (the directory then answers 401)', async () => {
    // The customer's own admin: it sees its customer, and only it.
    const token = await tokenFor({ role: 'customer-admin', customer: customerId, subject: admin.userId });
    await useToken(token);
    expect(await page.getByLabel('Bearer token').inputValue()).toBe('');

    const withToken = page.waitForRequest((r) => r.url().includes(`/v1/customers/${customerId}/resellers`));
    await lookUpCustomer(customerId);
    expect((await withToken).headers().authorization).toBe(`Bearer ${token}`);
    await page.locator('#customer-result').waitFor({ state: 'visible' });

    const other = others[0];
    await lookUpCustomer(other);
    await page.locator('#customer-status.error').waitFor();
    expect(await page.locator('#customer-status').textContent()).toBe(`No customer “${other}”: Customer "${other}" is not known to the directory.`);

    await page.getByRole('button', { name: 'Forget token' }).click();
    const withoutToken = page.waitForRequest((r) => r.url().includes(`/v1/customers/${customerId}/subscriptions`));
    await lookUpCustomer(customerId);
    expect((await withoutToken).headers().authorization).toBeUndefined();
    await page.locator('#customer-status.error').waitFor();
    expect(await page.locator('#customer-status').textContent()).toMatch(/Not authorised: paste a valid token under “Access token” \(A bearer token is required/);

    await useToken(await tokenFor({ role: 'ops', subject: 'console-ops' }));
  });

  it('fits a narrow screen, and loaded nothing from outside this machine', async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    await lookUpCustomer(customerId);
    await page.locator('#customer-result').waitFor({ state: 'visible' });
    const wide = join(ARTIFACTS, 'console.png');
    await page.screenshot({ path: wide, fullPage: true });

    await page.setViewportSize({ width: 360, height: 780 });
    expect(await inPage<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);
    // Each cell names its column on a narrow screen.
    const label = await inPage<string>(`getComputedStyle(document.querySelector('#customer-resellers td[data-label="Expires"]'), '::before').content`);
    expect(label).toBe('"Expires"');
    const narrow = join(ARTIFACTS, 'console-narrow.png');
    await page.screenshot({ path: narrow, fullPage: true });
    console.log(`console screenshots: ${wide} ${narrow}`);

    expect(browser.blocked).toEqual([]);
    expect(pageErrors().filter((e) => !/ERR_CONNECTION_REFUSED/.test(e))).toEqual([]);
  });
});
