import type { DeadLetter, DeadLetterDetail, GroupLag, RebuildProgress, TailedMessage, TopicOffsets } from '@mp/operations';
import { deadLetterSummary } from '@mp/operations';
import { deadLetterDetailView, deadLetterListView, filterDeadLetters, replayView } from './dlq/dlq.view';
import { lagView } from './lag/lag.view';
import { progressLine, progressTable } from './rebuild/rebuild.view';
import { tailLine } from './tail/tail.view';
import { topicsView } from './topics/topics.view';

// Not a terminal under Jest: no colours, so the text is what a script or a log file gets.

const letter = (id: string, extra: Partial<DeadLetter> = {}): DeadLetter => ({
  id,
  partition: 0,
  offset: id.split('-')[1],
  writtenAt: '2026-03-01T09:00:00.123Z',
  key: 'cust-1',
  origin: { topic: 'mp.request-commands.v1', partition: 2, offset: '41', group: 'request-service' },
  errorClass: 'ValidationFailed',
  errorMessage: 'The data of RequestRelationship breaks its rules.',
  validationErrors: [{ path: 'data.services', constraints: ['services should not be empty'] }],
  attempts: 1,
  firstFailureAt: '2026-03-01T09:00:00.000Z',
  lastFailureAt: '2026-03-01T09:00:00.000Z',
  type: 'RequestRelationship',
  customerId: 'cust-1',
  replays: [],
  ...extra,
});

const replayed = letter('0-4', { errorClass: 'HandlerFailed', replays: [{ recordId: '1-9', deadLetter: '0-4', replayedAt: '2026-03-02T10:00:00.000Z', to: { topic: 'mp.request-commands.v1', partition: 2, offset: '50' }, forced: false, by: 'ops@host' }] });

describe('topics', () => {
  it('shows partitions, messages and end offsets, and a topic not created yet', () => {
    const topics: TopicOffsets[] = [
      { topic: 'mp.partner-events.v1', physical: 'mp.partner-events.v1', exists: true, partitions: [{ partition: 0, low: 0, end: 1200 }, { partition: 1, low: 5, end: 7 }], messages: 1202 },
      { topic: 'mp.dead-letters.v1', physical: 'mp.dead-letters.v1', exists: false, partitions: [], messages: 0 },
    ];
    const lines = topicsView(topics).split('\n');
    expect(lines[1]).toMatch(/│ topic\s+│\s+partitions │ messages │ end offsets \(partition:offset\) │/);
    expect(lines[3]).toMatch(/│ mp\.partner-events\.v1 │\s+2 │\s+1,202 │ 0:1200 1:7\s+│/);
    expect(lines[4]).toMatch(/│ mp\.dead-letters\.v1\s+│ not created │/);
  });
});

describe('lag', () => {
  it('shows each partition once with its group on the first row, and each group total', () => {
    const groups: GroupLag[] = [
      {
        group: 'request-service',
        groupId: 'request-service',
        state: 'Stable',
        members: 2,
        lag: 3,
        partitions: [
          { topic: 'mp.customer-events.v1', partition: 0, committed: 10, end: 13, lag: 3 },
          { topic: 'mp.customer-events.v1', partition: 1, committed: null, end: 0, lag: 0 },
        ],
      },
      { group: 'consent-service', groupId: 'consent-service', state: 'Dead', members: 0, lag: 0, partitions: [] },
    ];
    const lines = lagView(groups, true).split('\n');
    expect(lines[3]).toMatch(/│ request-service │ Stable, 2 members\s+│ mp\.customer-events\.v1\s+│\s+0 │\s+10 │\s+13 │\s+3 │/);
    expect(lines[4]).toMatch(/│\s+│\s+│ mp\.customer-events\.v1\s+│\s+1 │\s+- │\s+0 │\s+0 │/);
    expect(lines[5]).toMatch(/│ consent-service │ Dead, 0 members\s+│ nothing consumed yet/);
    expect(lines.at(-1)).toBe('lag: request-service 3, consent-service 0');
  });

  it('leaves out the partitions nothing was written to unless asked, and says so', () => {
    const group = (partitions: GroupLag['partitions']): GroupLag => ({ group: 'directory-service', groupId: 'directory-service', state: 'Stable', members: 1, lag: 0, partitions });
    const lines = lagView([group([{ topic: 'mp.customer-events.v1', partition: 0, committed: 5, end: 5, lag: 0 }, { topic: 'mp.customer-events.v1', partition: 1, committed: null, end: 0, lag: 0 }])]).split('\n');
    expect(lines).toHaveLength(7);
    expect(lines[3]).toMatch(/│ directory-service │ Stable, 1 member │ mp\.customer-events\.v1 │\s+0 │\s+5 │\s+5 │\s+0 │/);
    expect(lines.at(-1)).toBe('1 empty partition (nothing written, nothing committed) not shown: --all-partitions shows them');
    expect(lagView([group([{ topic: 'mp.customer-events.v1', partition: 1, committed: null, end: 0, lag: 0 }])])).toMatch(/│ directory-service │ Stable, 1 member │ nothing written yet/);
  });
});

describe('dead letters', () => {
  it('list: one row each, whether replayed, then the counts; only the newest --limit', () => {
    const letters = [letter('0-3'), replayed, letter('1-0', { errorClass: 'NotJson', type: undefined, customerId: undefined, key: null, replayOf: { from: 'mp.dead-letters.v1/0/3', count: 1 } })];
    const view = deadLetterListView(letters, deadLetterSummary(letters), 2);
    expect(view).not.toContain('0-3 ');
    expect(view).toMatch(/│ 0-4 │ 2026-03-01 09:00:00Z │ mp\.request-commands\.v1 2@41 │ HandlerFailed\s+│ RequestRelationship │ cust-1\s+│ 1× → 2@50\s+│/);
    expect(view).toMatch(/│ 1-0 │ .* │ NotJson\s+│ -\s+│ -\s+│ no \(was replay 1\) │/);
    expect(view).toContain('3 dead letters, 2 not replayed (ValidationFailed 1, HandlerFailed 1, NotJson 1)');
    expect(view).toContain('the last 2 of 3 shown (--limit)');
    expect(deadLetterListView([], deadLetterSummary([]), 50)).toBe('0 dead letters, 0 not replayed');
  });

  it('filters by class, origin, customer and not replayed', () => {
    const letters = [letter('0-3'), replayed, letter('0-5', { customerId: 'cust-2', key: 'cust-2', origin: { topic: 'mp.customer-events.v1', partition: 0, offset: '1', group: 'g' } })];
    expect(filterDeadLetters(letters, { errorClass: 'HandlerFailed' }).map((l) => l.id)).toEqual(['0-4']);
    expect(filterDeadLetters(letters, { origin: 'mp.customer-events.v1' }).map((l) => l.id)).toEqual(['0-5']);
    expect(filterDeadLetters(letters, { customer: 'cust-1', notReplayed: true }).map((l) => l.id)).toEqual(['0-3']);
  });

  it('show: provenance, failure with each field error, replays, and the original pretty-printed', () => {
    const detail: DeadLetterDetail = { ...replayed, original: { value: '{"type":"RequestRelationship","data":{"customerId":"cust-1"}}', encoding: 'utf8', bytes: 61, headers: { traceparent: '00-abc' } } };
    const view = deadLetterDetailView(detail);
    expect(view).toContain('origin:           mp.request-commands.v1 partition 2 offset 41');
    expect(view).toContain('error:            HandlerFailed: The data of RequestRelationship breaks its rules.');
    expect(view).toContain('                  data.services: services should not be empty');
    expect(view).toContain('  2026-03-02T10:00:00.000Z by ops@host to mp.request-commands.v1 partition 2 offset 50, audit record 1-9');
    expect(view).toContain('original:         61 bytes\n  traceparent: 00-abc\n{\n  "type": "RequestRelationship",');
    expect(deadLetterDetailView({ ...detail, originalDropped: 'too large (5000000 bytes)' })).toContain('original:         not kept: too large (5000000 bytes)');
  });

  it('replay: a line per dead letter, the reasons of a refusal under it, then the counts', () => {
    const view = replayView([
      { id: '0-3', outcome: 'replayed', to: { topic: 'mp.request-commands.v1', partition: 2, offset: '51' }, forced: true, count: 2, auditRecord: '1-10' },
      { id: '0-5', outcome: 'refused', reason: 'it would fail again: ValidationFailed: bad (--force replays it anyway)', details: ['data.services: services should not be empty'] },
      { id: '0-4', outcome: 'skipped', reason: 'already replayed 1×', details: [] },
    ]);
    expect(view.split('\n')).toEqual([
      'replayed 0-3 → mp.request-commands.v1 partition 2 offset 51 (replay 2, forced past its checks; audit record 1-10)',
      'refused 0-5: it would fail again: ValidationFailed: bad (--force replays it anyway)',
      '    data.services: services should not be empty',
      'skipped 0-4: already replayed 1×',
      '1 replayed, 1 refused, 1 skipped',
    ]);
    expect(replayView([{ id: '0-3', outcome: 'would-replay', to: { topic: 'mp.request-commands.v1', partition: 2 }, forced: false, count: 1 }])).toBe('would replay 0-3 → mp.request-commands.v1 partition 2 (replay 1)\n1 would be replayed, 0 refused, 0 skipped');
    expect(replayView([])).toBe('no dead letter to replay');
  });
});

describe('tail', () => {
  const base: TailedMessage = { topic: 'mp.customer-events.v1', partition: 1, offset: '7', timestamp: '2026-03-01T09:00:00.000Z', key: 'cust-1', headers: {} };

  it('one line: time, partition@offset, type, customer, data', () => {
    expect(tailLine({ ...base, type: 'CustomerAdminAdded', customerId: 'cust-1', envelope: { type: 'CustomerAdminAdded', data: { customerId: 'cust-1', userId: 'u' } } })).toBe(
      '2026-03-01T09:00:00.000Z 1@7 CustomerAdminAdded cust-1 {"customerId":"cust-1","userId":"u"}',
    );
  });

  it('says what is not JSON, and why a consumer would refuse a message', () => {
    expect(tailLine({ ...base, raw: '{not json', problem: 'NotJson: The value is not JSON' })).toBe('2026-03-01T09:00:00.000Z 1@7 <not JSON> cust-1 {not json ! NotJson: The value is not JSON');
  });
});

describe('rebuild progress', () => {
  const progress: RebuildProgress = {
    members: 1,
    generation: 'g-2',
    partitions: [
      { topic: 'mp.customer-events.v1', partition: 0, status: 'built', committed: 40, end: 40 },
      { topic: 'mp.customer-events.v1', partition: 1, status: 'building', committed: 10, end: 60 },
    ],
    built: 1,
    handled: 50,
    total: 100,
    done: false,
  };

  it('one line of where it stands, or what it waits for', () => {
    expect(progressLine(progress, 3.4)).toBe('3 s: 1/2 partitions built, 50/100 messages (50%)');
    expect(progressLine({ ...progress, generation: null }, 0)).toBe('0 s: waiting for the directory to notice (it checks every second)');
    expect(progressLine({ ...progress, members: 0 }, 9)).toBe('9 s: no directory-service instance in its group: the rebuild waits for one to start');
  });

  it('a table of the partitions', () => {
    expect(progressTable(progress)).toMatch(/│ mp\.customer-events\.v1 │\s+1 │ building │\s+10 │\s+60 │/);
  });
});
