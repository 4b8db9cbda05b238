// The console: three read-only panels over the directory's HTTP API (customer, reseller,
// operations). The address keeps what is shown (#customer=…&reseller=…), so a view can be
// shared, reloaded, or reached from an id shown in another panel.
import { ApiError, explain, get, path, saveToken, savedToken } from './api.js';
import { badge, el, empty, failure, id, show, status, table, tags, when } from './dom.js';

const $ = (selector) => document.querySelector(selector);

/** A link to another panel's view of an id, through the address. */
function viewLink(kind, value) {
  const params = new URLSearchParams(location.hash.slice(1));
  params.set(kind, value);
  return el('a', { href: `#${params}`, class: 'id', title: `Show ${kind} ${value}` }, value);
}

function remember(kind, value) {
  const params = new URLSearchParams(location.hash.slice(1));
  if (params.get(kind) === value) return;
  params.set(kind, value);
  history.replaceState(null, '', `#${params}`);
}

/** Runs `load` for a panel so that only the latest look-up may draw (an older answer arriving late is dropped). */
function latestOnly() {
  let generation = 0;
  return async (load) => {
    const mine = ++generation;
    const current = () => mine === generation;
    await load(current);
  };
}

function privileges(delegatedAdmin) {
  if (!delegatedAdmin || delegatedAdmin.status === 'none') return badge('none');
  return el('div', {}, badge(delegatedAdmin.status), ' ', tags(delegatedAdmin.roles ?? []));
}

function expiry(delegatedAdmin) {
  if (!delegatedAdmin?.expiresAt) return '—';
  return el('div', {}, when(delegatedAdmin.expiresAt), el('span', { class: 'sub' }, delegatedAdmin.autoExtend ? 'auto-extends' : 'does not auto-extend'));
}

/** A party's column: its name (null until its registration is known) over its id, a link to its panel. */
function partyColumn(label, kind, idOf) {
  return { label, cell: (row) => [row.name ?? el('span', { class: 'empty' }, 'name not known yet'), el('span', { class: 'sub' }, viewLink(kind, idOf(row)))] };
}

/** What both sides see of an active relationship (the API's RelationshipTerms): services, since, privileges, expiry. */
const termsColumns = [
  { label: 'Services', cell: (r) => tags(r.services) },
  { label: 'Since', cell: (r) => when(r.since) },
  { label: 'Privileges', cell: (r) => privileges(r.delegatedAdmin) },
  { label: 'Expires', cell: (r) => expiry(r.delegatedAdmin) },
];

// ---------------------------------------------------------------------------------- customer

const customerLookup = latestOnly();

function resellersTable(resellers) {
  if (!resellers.length) return empty('No active reseller serves this customer.');
  return table('Resellers serving the customer', [
    partyColumn('Reseller', 'reseller', (r) => r.resellerId),
    { label: 'Channel', cell: (r) => [r.channel, r.indirectProviderId ? el('span', { class: 'sub' }, 'through ', id(r.indirectProviderId)) : null] },
    ...termsColumns,
  ], resellers);
}

function subscriptionsTable(subscriptions) {
  if (!subscriptions.length) return empty('The customer has no subscriptions.');
  return table('Subscriptions of the customer', [
    { label: 'Subscription', cell: (s) => id(s.subscriptionId) },
    { label: 'Service', cell: (s) => s.service },
    { label: 'Quantity', cell: (s) => s.quantity, className: 'number' },
    { label: 'Partner of Record', cell: (s) => viewLink('reseller', s.partnerOfRecordId) },
    { label: 'Status', cell: (s) => badge(s.status) },
  ], subscriptions);
}

function historyTable(history) {
  if (!history.length) return empty('No steps recorded.');
  return table('History of the request', [
    { label: 'When', cell: (h) => when(h.at) },
    { label: 'Step', cell: (h) => h.type },
    { label: 'Status', cell: (h) => badge(h.status) },
    { label: 'By', cell: (h) => (h.by ? id(h.by) : '—') },
    { label: 'Reason', cell: (h) => h.reason ?? '—' },
  ], history);
}

/** The request's history, fetched the first time it is opened. */
function historyDetails(request) {
  const body = el('div', {}, el('p', { class: 'empty' }, 'Loading…'));
  const details = el('details', { class: 'history', 'data-request-id': request.requestId }, el('summary', {}, 'History'), body);
  let loaded = false;
  details.addEventListener('toggle', async () => {
    if (!details.open || loaded) return;
    loaded = true;
    try {
      const detail = await get(path`/v1/requests/${request.requestId}`);
      show(body, historyTable(detail.history ?? []));
    } catch (error) {
      loaded = false; // opening it again retries
      show(body, failure(explain(error)));
    }
  });
  return details;
}

function requestsTable(requests) {
  if (!requests.length) return empty('The customer has no relationship requests.');
  return table('Relationship requests of the customer', [
    { label: 'Request', cell: (r) => [id(r.requestId), r.message ? el('span', { class: 'sub' }, r.message) : null] },
    { label: 'Reseller', cell: (r) => viewLink('reseller', r.resellerId) },
    { label: 'Services', cell: (r) => tags(r.services) },
    {
      label: 'Privileges asked',
      cell: (r) => (r.delegatedAdmin ? [tags(r.delegatedAdmin.roles), el('span', { class: 'sub' }, `${r.delegatedAdmin.durationDays} days${r.delegatedAdmin.autoExtend ? ', auto-extend' : ''}`)] : '—'),
    },
    { label: 'Status', cell: (r) => [badge(r.status), r.rejection ? el('span', { class: 'sub' }, r.rejection) : null] },
    { label: 'Requested', cell: (r) => when(r.requestedAt) },
    { label: 'History', cell: (r) => historyDetails(r) },
  ], requests);
}

function section(node, settled, draw) {
  show(node, settled.status === 'fulfilled' ? draw(settled.value) : failure(explain(settled.reason)));
}

async function lookUpCustomer(customerId) {
  const statusLine = $('#customer-status');
  const result = $('#customer-result');
  await customerLookup(async (current) => {
    result.hidden = true;
    status(statusLine, `Looking up customer ${customerId}…`, 'loading');
    const [resellers, subscriptions, requests] = await Promise.allSettled([
      get(path`/v1/customers/${customerId}/resellers`),
      get(path`/v1/customers/${customerId}/subscriptions`),
      get(path`/v1/customers/${customerId}/requests`),
    ]);
    if (!current()) return;
    const failures = [resellers, subscriptions, requests].filter((s) => s.status === 'rejected').map((s) => s.reason);
    const unknown = failures.find((e) => e instanceof ApiError && e.status === 404);
    if (unknown) return status(statusLine, `No customer “${customerId}”: ${unknown.message}`, 'error');
    if (failures.length === 3) return status(statusLine, explain(failures[0]), 'error');
    status(statusLine, '');
    show($('#customer-title'), 'Customer ', id(customerId));
    section($('#customer-resellers'), resellers, (body) => resellersTable(body.resellers));
    section($('#customer-subscriptions'), subscriptions, (body) => subscriptionsTable(body.subscriptions));
    section($('#customer-requests'), requests, (body) => requestsTable(body.requests));
    result.hidden = false;
  });
}

// ---------------------------------------------------------------------------------- reseller

const resellerLookup = latestOnly();
/** The reseller being paged through: the cursor of each page seen so far (the first has none). */
const paging = { resellerId: '', limit: 20, cursors: [undefined], nextCursor: undefined };

function resellerCustomersTable(customers) {
  if (!customers.length) return empty(paging.cursors.length > 1 ? 'No more customers.' : 'This reseller serves no customer yet.');
  return table('Customers of the reseller', [partyColumn('Customer', 'customer', (c) => c.customerId), ...termsColumns], customers);
}

async function showResellerPage() {
  const statusLine = $('#reseller-status');
  const result = $('#reseller-result');
  const { resellerId, limit, cursors } = paging;
  const cursor = cursors[cursors.length - 1];
  await resellerLookup(async (current) => {
    status(statusLine, `Looking up the customers of reseller ${resellerId}…`, 'loading');
    for (const button of result.querySelectorAll('button')) button.disabled = true;
    const query = new URLSearchParams({ limit: String(limit) });
    if (cursor) query.set('cursor', cursor);
    let page;
    try {
      page = await get(`${path`/v1/resellers/${resellerId}/customers`}?${query}`);
    } catch (error) {
      if (!current()) return;
      result.hidden = true;
      const message = error instanceof ApiError && error.status === 404 ? `No reseller “${resellerId}”: ${error.message}` : explain(error);
      return status(statusLine, message, 'error');
    }
    if (!current()) return;
    status(statusLine, '');
    paging.nextCursor = page.nextCursor;
    show($('#reseller-customers'), resellerCustomersTable(page.customers));
    $('#page-number').textContent = `Page ${cursors.length}`;
    $('#page-previous').disabled = cursors.length === 1;
    $('#page-next').disabled = !page.nextCursor;
    result.hidden = false;
  });
}

function lookUpReseller(resellerId, limit) {
  Object.assign(paging, { resellerId, limit, cursors: [undefined], nextCursor: undefined });
  return showResellerPage();
}

// ---------------------------------------------------------------------------------- operations

/** The topics a group is behind on, with the lag of each (the API gives each partition). */
function behindOn(group) {
  const byTopic = new Map();
  for (const p of group.partitions) if (p.lag > 0) byTopic.set(p.topic, (byTopic.get(p.topic) ?? 0) + p.lag);
  return [...byTopic].map(([topic, lag]) => `${topic}: ${lag}`);
}

function lagTable(body) {
  if (!body.groups.length) return empty('No consumer group to show.');
  return table('Consumer lag by group', [
    { label: 'Consumer group', cell: (g) => [id(g.group), el('span', { class: 'sub' }, `${g.state}, ${g.members} member${g.members === 1 ? '' : 's'}`)] },
    { label: 'Topics', cell: (g) => new Set(g.partitions.map((p) => p.topic)).size, className: 'number' },
    { label: 'Partitions', cell: (g) => g.partitions.length, className: 'number' },
    { label: 'Lag', cell: (g) => badge(String(g.lag), g.lag === 0 ? 'zero' : 'behind'), className: 'number' },
    { label: 'Behind on', cell: (g) => (g.partitions.length ? tags(behindOn(g), 'nothing') : el('span', { class: 'empty' }, 'nothing consumed yet')) },
  ], body.groups);
}

function deadLettersTable(body) {
  if (!body.counts.length) return empty('No dead letters.');
  return table('Dead letters by origin topic and error class', [
    { label: 'Origin topic', cell: (c) => id(c.originTopic) },
    { label: 'Error class', cell: (c) => c.errorClass },
    { label: 'Count', cell: (c) => c.count, className: 'number' },
    { label: 'Not replayed', cell: (c) => c.notReplayed, className: 'number' },
    { label: 'Latest', cell: (c) => when(c.newest) },
  ], body.counts);
}

const operationsLookup = latestOnly();

async function refreshOperations() {
  const statusLine = $('#operations-status');
  await operationsLookup(async (current) => {
    status(statusLine, 'Asking Kafka…', 'loading');
    const [lag, deadLetters] = await Promise.allSettled([get('/v1/ops/lag'), get('/v1/ops/dead-letters')]);
    if (!current()) return;
    const failed = [lag, deadLetters].filter((s) => s.status === 'rejected');
    status(statusLine, failed.length === 2 ? explain(failed[0].reason) : '', failed.length === 2 ? 'error' : '');
    section($('#operations-lag'), lag, (body) => [el('p', { class: 'hint' }, 'As of ', when(body.at, { seconds: true }), '.'), lagTable(body)]);
    section($('#operations-dead-letters'), deadLetters, (body) => [
      el('p', { class: 'hint' }, `${body.total} dead letter${body.total === 1 ? '' : 's'} on ${body.topic}, ${body.notReplayed} never replayed, as of `, when(body.at, { seconds: true }), '.'),
      deadLettersTable(body),
    ]);
  });
}

// ---------------------------------------------------------------------------------- wiring

function showTokenState() {
  $('#token-status').textContent = savedToken() ? 'A token is in use in this tab.' : 'No token: calls are sent without one.';
}

function followAddress() {
  const params = new URLSearchParams(location.hash.slice(1));
  const customerId = params.get('customer');
  if (customerId && customerId !== $('#customer-id').dataset.shown) {
    $('#customer-id').value = customerId;
    $('#customer-id').dataset.shown = customerId;
    void lookUpCustomer(customerId);
  }
  const resellerId = params.get('reseller');
  if (resellerId && resellerId !== $('#reseller-id').dataset.shown) {
    $('#reseller-id').value = resellerId;
    $('#reseller-id').dataset.shown = resellerId;
    void lookUpReseller(resellerId, pageSize());
  }
}

function pageSize() {
  const input = $('#page-size');
  return input.checkValidity() && input.value ? Number(input.value) : 20;
}

function start() {
  $('#customer-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const input = $('#customer-id');
    const customerId = input.value.trim();
    if (!customerId) return status($('#customer-status'), 'Type a customer id.', 'error');
    input.dataset.shown = customerId;
    remember('customer', customerId);
    void lookUpCustomer(customerId);
  });

  $('#reseller-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const input = $('#reseller-id');
    const resellerId = input.value.trim();
    if (!resellerId) return status($('#reseller-status'), 'Type a reseller id.', 'error');
    input.dataset.shown = resellerId;
    remember('reseller', resellerId);
    void lookUpReseller(resellerId, pageSize());
  });

  $('#page-next').addEventListener('click', () => {
    if (!paging.nextCursor) return;
    paging.cursors.push(paging.nextCursor);
    void showResellerPage();
  });
  $('#page-previous').addEventListener('click', () => {
    if (paging.cursors.length === 1) return;
    paging.cursors.pop();
    void showResellerPage();
  });

  $('#token-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const input = $('#token-input');
    const token = input.value.trim().replace(/^Bearer\s+/i, '');
    if (!saveToken(token)) $('#token-status').textContent = 'This browser keeps nothing in sessionStorage: the token cannot be used.';
    else showTokenState();
    input.value = '';
  });
  $('#token-forget').addEventListener('click', () => {
    saveToken('');
    showTokenState();
  });

  $('#operations-refresh').addEventListener('click', () => void refreshOperations());
  window.addEventListener('hashchange', followAddress);

  showTokenState();
  followAddress();
  void refreshOperations();
}

start();
