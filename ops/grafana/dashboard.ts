/**
 * The Grafana dashboard of multipartner, as data: throughput, handler latency, lag, dead letters,
 * rejections, notification outcomes and the directory's HTTP latency, per service. Written to
 * `multipartner.json` by `npm run docs:grafana`.
 */
interface Panel {
  title: string;
  unit: string;
  queries: Array<{ expr: string; legend: string }>;
}

const PANELS: Panel[] = [
  { title: 'Messages consumed per second, by service and type', unit: 'ops', queries: [{ expr: 'sum by (service, type) (rate(mp_messages_consumed_total[1m]))', legend: '{{service}} {{type}}' }] },
  { title: 'Messages produced per second, by service and type', unit: 'ops', queries: [{ expr: 'sum by (service, type) (rate(mp_messages_produced_total[1m]))', legend: '{{service}} {{type}}' }] },
  {
    title: 'Handler latency (p50, p99), by service',
    unit: 's',
    queries: [
      { expr: 'histogram_quantile(0.5, sum by (service, le) (rate(mp_handler_duration_seconds_bucket[5m])))', legend: '{{service}} p50' },
      { expr: 'histogram_quantile(0.99, sum by (service, le) (rate(mp_handler_duration_seconds_bucket[5m])))', legend: '{{service}} p99' },
    ],
  },
  { title: 'Consumer lag, by service and topic', unit: 'short', queries: [{ expr: 'sum by (service, topic) (mp_consumer_lag)', legend: '{{service}} {{topic}}' }] },
  { title: 'Dead letters per minute, by service, topic and error class', unit: 'short', queries: [{ expr: 'sum by (service, topic, error_class) (increase(mp_dead_letters_total[1m]))', legend: '{{service}} {{topic}} {{error_class}}' }] },
  { title: 'Rejections per minute, by type and reason', unit: 'short', queries: [{ expr: 'sum by (type, reason) (increase(mp_messages_rejected_total[1m]))', legend: '{{type}} {{reason}}' }] },
  { title: 'Notifications per minute, by channel and outcome', unit: 'short', queries: [{ expr: 'sum by (channel, outcome) (increase(mp_notifications_total[1m]))', legend: '{{channel}} {{outcome}}' }] },
  {
    title: 'Directory HTTP latency (p99) and requests per second, by route and status',
    unit: 's',
    queries: [
      { expr: 'histogram_quantile(0.99, sum by (route, le) (rate(http_request_duration_seconds_bucket{service="directory-service"}[5m])))', legend: 'p99 {{route}}' },
      { expr: 'sum by (route, status_code) (rate(http_request_duration_seconds_count{service="directory-service"}[1m]))', legend: '{{route}} {{status_code}} req/s' },
    ],
  },
  { title: 'Resident memory, by service', unit: 'bytes', queries: [{ expr: 'sum by (service) (process_resident_memory_bytes)', legend: '{{service}}' }] },
];

export function grafanaDashboard(): Record<string, unknown> {
  return {
    title: 'multipartner',
    uid: 'multipartner',
    tags: ['multipartner', 'kafka'],
    schemaVersion: 39,
    version: 1,
    editable: true,
    time: { from: 'now-1h', to: 'now' },
    refresh: '10s',
    templating: { list: [{ name: 'datasource', type: 'datasource', query: 'prometheus', label: 'Prometheus' }] },
    panels: PANELS.map((panel, i) => ({
      id: i + 1,
      type: 'timeseries',
      title: panel.title,
      datasource: { type: 'prometheus', uid: '${datasource}' },
      gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: Math.floor(i / 2) * 8 },
      fieldConfig: { defaults: { unit: panel.unit }, overrides: [] },
      options: { legend: { displayMode: 'list', placement: 'bottom' }, tooltip: { mode: 'multi' } },
      targets: panel.queries.map((q, j) => ({ refId: String.fromCharCode(65 + j), expr: q.expr, legendFormat: q.legend, datasource: { type: 'prometheus', uid: '${datasource}' } })),
    })),
  };
}

/** Every metric name the dashboard queries (without the `_bucket` / `_count` suffixes). */
export function metricsQueried(): string[] {
  const names = PANELS.flatMap((p) => p.queries.flatMap((q) => [...q.expr.matchAll(/\b((?:mp|http|process)_[a-z_]+?)(?:_bucket|_count)?[{[)]/g)].map((m) => m[1])));
  return [...new Set(names)];
}
