import type { GroupLag } from '@mp/operations';
import { count, paint, table } from '../output';

/** A partition nothing was ever written to and nothing committed on: no news, left out of the table unless asked for. */
const empty = (p: GroupLag['partitions'][number]) => p.end === 0 && p.committed === null;

/**
 * `ops lag`: every partition of every group, its committed offset, end offset and lag (empty
 * partitions only with `allPartitions`), then each group's total.
 */
export function lagView(groups: readonly GroupLag[], allPartitions = false): string {
  const rows: Array<Array<string | number>> = [];
  let hidden = 0;
  for (const g of groups) {
    const state = `${g.state}, ${g.members} member${g.members === 1 ? '' : 's'}`;
    const shown = allPartitions ? g.partitions : g.partitions.filter((p) => !empty(p));
    hidden += g.partitions.length - shown.length;
    if (shown.length === 0) rows.push([g.group, paint('dim', state), paint('dim', g.partitions.length ? 'nothing written yet' : 'nothing consumed yet'), '', '', '', '']);
    shown.forEach((p, i) =>
      rows.push([i === 0 ? g.group : '', i === 0 ? state : '', p.topic, p.partition, p.committed === null ? '-' : count(p.committed), count(p.end), p.lag > 0 ? paint('yellow', count(p.lag)) : '0']),
    );
  }
  const totals = groups.map((g) => `${g.group} ${g.lag > 0 ? paint('yellow', count(g.lag)) : '0'}`).join(', ');
  const note = hidden ? paint('dim', `\n${hidden} empty partition${hidden === 1 ? '' : 's'} (nothing written, nothing committed) not shown: --all-partitions shows them`) : '';
  return `${table(['group', 'state', 'topic', 'partition', 'committed', 'end', 'lag'], rows, ['left', 'left', 'left', 'right', 'right', 'right', 'right'])}\nlag: ${totals}${note}`;
}
