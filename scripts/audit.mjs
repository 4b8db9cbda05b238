#!/usr/bin/env node
// CI's supply-chain check: `npm audit --omit=dev --audit-level=high`, made to tell apart the two
// reasons npm exits 1. Known high or critical advisories in the production dependencies fail the run;
// an audit service that cannot be reached (this machine's registry answers the bulk advisory endpoint
// with 405 Method Not Allowed) is reported as not run, not as passed.
import { spawnSync } from 'node:child_process';
import { ROOT } from './bootstrap.mjs';

const audit = spawnSync('npm', ['audit', '--omit=dev', '--audit-level=high', '--json'], { cwd: ROOT, encoding: 'utf8' });
let report;
try {
  report = JSON.parse(audit.stdout);
} catch {
  console.error(`audit: npm audit printed no report (exit ${audit.status}): ${audit.stderr.trim().split('\n').pop()}`);
  process.exit(1);
}
const counts = report.metadata?.vulnerabilities;
if (!counts) {
  console.log(`audit: NOT RUN: the registry's audit service did not answer (${report.message ?? report.error?.summary ?? 'no report'})`);
  process.exit(0);
}
const serious = (counts.high ?? 0) + (counts.critical ?? 0);
console.log(`audit: production dependencies: ${Object.entries(counts).map(([level, n]) => `${n} ${level}`).join(', ')}`);
if (serious > 0) {
  for (const [name, v] of Object.entries(report.vulnerabilities ?? {})) {
    if (v.severity === 'high' || v.severity === 'critical') console.error(`audit: ${v.severity}: ${name} ${v.range ?? ''}`);
  }
  process.exit(1);
}
