// npm run docs:grafana: writes ops/grafana/multipartner.json, the Grafana dashboard of the metrics
// of DESIGN §9 (import it in Grafana, pick the Prometheus data source). A unit test checks that
// every metric it queries is one the services export.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { grafanaDashboard } from '../ops/grafana/dashboard';

const file = join(__dirname, '..', 'ops', 'grafana', 'multipartner.json');
writeFileSync(file, `${JSON.stringify(grafanaDashboard(), null, 2)}\n`);
console.log(`written: ${file}`);
