import type { GroupLag } from '@mp/operations';
import { count, paint, table } from '../output';

/** `ops lag`: every partition of every group, its committed offset, end offset and lag, then each group's total. */
export function lagView(groups: readonly GroupLag[]): string {
  const rows: Array<Array<string | number>> = [];
  for (const g of groups) {
    const state = `${g.state}, ${g.members} member${g.members === 1 ? '' : 's'}`;
    if (g.partitions.length === 0) rows.push([g.group, paint('dim', state), paint('dim', 'nothing consumed yet'), '', '', '', '']);
    g.partitions.forEach((p, i) =>
      rows.push([i === 0 ? g.group : '', i === 0 ? state : '', p.topic, p.partition, p.committed === null ? '-' : count(p.committed), count(p.end), p.lag > 0 ? paint('yellow', count(p.lag)) : '0']),
    );
  }
  const totals = groups.map((g) => `${g.group} ${g.lag > 0 ? paint('yellow', count(g.lag)) : '0'}`).join(', ');
  return `${table(['group', 'state', 'topic', 'partition', 'committed', 'end', 'lag'], rows, ['left', 'left', 'left', 'right', 'right', 'right', 'right'])}\nlag: ${totals}`;
}
