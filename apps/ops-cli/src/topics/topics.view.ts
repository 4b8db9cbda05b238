import type { TopicOffsets } from '@mp/operations';
import { count, paint, table } from '../output';

/** `ops topics`: one row a topic, its partitions, the messages it keeps and each partition's end offset. */
export function topicsView(topics: readonly TopicOffsets[]): string {
  const rows = topics.map((t) =>
    t.exists
      ? [t.physical, t.partitions.length, count(t.messages), t.partitions.map((p) => `${p.partition}:${p.end}`).join(' ')]
      : [t.physical, paint('yellow', 'not created'), '', ''],
  );
  return table(['topic', 'partitions', 'messages', 'end offsets (partition:offset)'], rows, ['left', 'right', 'right', 'left']);
}
