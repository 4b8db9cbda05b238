import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ServiceMetrics } from '@mp/metrics';
import { grafanaDashboard, metricsQueried } from './dashboard';

describe('the Grafana dashboard', () => {
  it('is the one written from its source (npm run docs:grafana)', () => {
    expect(JSON.parse(readFileSync(join(__dirname, 'multipartner.json'), 'utf8'))).toEqual(grafanaDashboard());
  });

  it('queries only metrics the services export, and each of DESIGN §9', async () => {
    const exported = new Set((await new ServiceMetrics('test').registry.getMetricsAsJSON()).map((m) => m.name));
    const queried = metricsQueried();
    expect(queried.filter((name) => !exported.has(name))).toEqual([]);
    for (const name of ['mp_messages_consumed_total', 'mp_messages_produced_total', 'mp_messages_rejected_total', 'mp_dead_letters_total', 'mp_handler_duration_seconds', 'mp_consumer_lag', 'mp_notifications_total', 'http_request_duration_seconds']) {
      expect(queried).toContain(name);
    }
  });
});
