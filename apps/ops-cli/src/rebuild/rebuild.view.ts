import type { RebuildProgress } from '@mp/operations';
import { count, paint, table } from '../output';

/** One line: partitions built, messages handled, and what the directory is doing. */
export function progressLine(progress: RebuildProgress, elapsedSeconds: number): string {
  const time = `${Math.round(elapsedSeconds)} s`;
  if (progress.members === 0) return `${time}: no directory-service instance in its group: the rebuild waits for one to start`;
  if (progress.generation === null || progress.partitions.every((p) => p.status === 'waiting')) return `${time}: waiting for the directory to notice (it checks every second)`;
  const percent = progress.total === 0 ? 100 : Math.floor((progress.handled / progress.total) * 100);
  return `${time}: ${progress.built}/${progress.partitions.length} partitions built, ${count(progress.handled)}/${count(progress.total)} messages (${percent}%)`;
}

/** Per partition: its status, what the directory has handled of it and its end. */
export function progressTable(progress: RebuildProgress): string {
  const status = (s: string) => (s === 'built' ? paint('green', s) : s === 'waiting' ? paint('dim', s) : paint('yellow', s));
  return table(
    ['topic', 'partition', 'status', 'handled', 'end'],
    progress.partitions.map((p) => [p.topic, p.partition, status(p.status), p.committed === null ? '-' : count(p.committed), count(p.end)]),
    ['left', 'right', 'left', 'right', 'right'],
  );
}
