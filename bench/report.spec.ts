import type { BenchRow } from './benchmark';
import { cells, goalsNotMet, markdownReport, markdownTable, pairedRatio, parseArgs, selectBenchmarks } from './report';
import { sumOf } from './prometheus-text';

describe('npm run bench arguments', () => {
  it('runs everything at full size by default', () => {
    expect(parseArgs([])).toEqual({ names: [], size: 'full', list: false, help: false });
  });

  it('takes names in order, once each, and --quick, --list', () => {
    expect(parseArgs(['intake', '--quick', 'freshness', 'intake', '--list'])).toEqual({ names: ['intake', 'freshness'], size: 'quick', list: true, help: false });
  });

  it('refuses an unknown option', () => {
    expect(() => parseArgs(['--fast'])).toThrow('unknown option --fast');
  });

  it('selects benchmarks by name and names the known ones when one is unknown', () => {
    const registry = [{ name: 'micro' }, { name: 'intake' }, { name: 'freshness' }];
    expect(selectBenchmarks(registry, [])).toEqual(registry);
    expect(selectBenchmarks(registry, ['freshness', 'micro']).map((b) => b.name)).toEqual(['freshness', 'micro']);
    expect(() => selectBenchmarks(registry, ['query'])).toThrow('no benchmark named "query"; the benchmarks are: micro, intake, freshness');
  });
});

describe('pairedRatio', () => {
  it('is the median of the round-by-round ratios, so a round that ran slow for both cancels out', () => {
    expect(pairedRatio([100, 50, 200], [200, 100, 100])).toBe(0.5);
  });

  it('falls back to the ratio of the medians when the rounds do not pair up', () => {
    expect(pairedRatio([100, 300], [100])).toBe(2);
  });

  it('is NaN without rounds', () => {
    expect(pairedRatio([], [1])).toBeNaN();
  });
});

const row: BenchRow = { id: 'a1', name: 'intake', n: '5000×3', rate: 1234, unit: 'cmd/s', p50Ms: 12.5, baseline: 'a2', ratio: 0.61, goals: [{ text: 'rate ≥ 0.5×', met: true }, { text: 'p99 ≤ 10 ms', met: false }] };

describe('rows', () => {
  it('become cells with units, the baseline, the ratio and the goals', () => {
    expect(cells(row)).toEqual(['a1', 'intake', '5000×3', '1.23k cmd/s', '12.5 ms', '', '', 'a2', '0.610×', 'rate ≥ 0.5×: met; p99 ≤ 10 ms: NOT met']);
  });

  it('name the goals that were not met, with their row', () => {
    expect(goalsNotMet([row, { id: 'f1', name: 'f', n: '1', goals: [{ text: 'p99 < 100 ms' }] }])).toEqual(['a1 p99 ≤ 10 ms']);
  });
});

describe('Markdown', () => {
  it('leaves out the columns no row fills and escapes pipes', () => {
    expect(markdownTable(['#', 'name', 'rate', 'p50'], [['a1', 'x | y', '', '1 ms']])).toBe('| # | name | p50 |\n| --- | --- | --- |\n| a1 | x \\| y | 1 ms |');
  });

  it('writes the machine, each benchmark with its table and notes, and a failure as such', () => {
    const text = markdownReport({
      date: new Date('2026-11-26T03:00:00.123Z'),
      size: 'quick',
      machine: { cpus: '2 × EPYC', memory: '23.5 GiB', os: 'linux', node: 'v24', kafka: '4.4.0', redis: '7.0.15' },
      sections: [
        { name: 'intake', title: 'commands', seconds: 61.2, result: { rows: [row], notes: ['A note.'] } },
        { name: 'freshness', title: 'freshness', seconds: 3, error: 'Error: boom' },
      ],
      totalSeconds: 64.4,
    });
    expect(text).toContain('on 2026-11-26T03:00:00Z; size **quick** (checks that the benchmarks work; its figures are not measurements); intake, freshness in 64 s.');
    expect(text).toContain('| CPUs | 2 × EPYC |');
    expect(text).toContain('## intake: commands\n\n61 s.\n\n| # | benchmark | N | rate | p50 | vs | ratio | goals |');
    expect(text).toContain('| a1 | intake | 5000×3 | 1.23k cmd/s | 12.5 ms | a2 | 0.610× | rate ≥ 0.5×: met; p99 ≤ 10 ms: NOT met |\n\nA note.\n');
    expect(text).toContain('## freshness: freshness\n\n3 s.\n\n**Failed:** Error: boom');
  });
});

describe('sumOf (a /metrics counter)', () => {
  const text = [
    '# HELP mp_messages_consumed_total Messages read from Kafka',
    '# TYPE mp_messages_consumed_total counter',
    'mp_messages_consumed_total{topic="mp.consent-commands.v1",type="ApproveRequest"} 120',
    'mp_messages_consumed_total{topic="mp.request-events.v1",type="RelationshipRequested"} 30',
    'mp_messages_consumed_total_other{type="ApproveRequest"} 7',
    'mp_messages_produced_total{topic="mp.relationship-events.v1",type="RelationshipEstablished"} 120',
  ].join('\n');

  it('sums the samples whose labels match', () => {
    expect(sumOf(text, 'mp_messages_consumed_total', { type: 'ApproveRequest' })).toBe(120);
    expect(sumOf(text, 'mp_messages_consumed_total')).toBe(150);
    expect(sumOf(text, 'mp_messages_consumed_total', { type: 'DeclineRequest' })).toBe(0);
  });
});
