import type { DeadLetter } from '@mp/operations';
import type { DeadLetterCountDto } from './operations.dto';

/**
 * The dead letters counted by origin topic and error class together (the ops library counts by
 * each alone): the question "what is failing, where" in one table. Most first, then by name.
 */
export function countDeadLetters(letters: readonly DeadLetter[]): DeadLetterCountDto[] {
  const counts = new Map<string, DeadLetterCountDto>();
  for (const letter of letters) {
    const key = JSON.stringify([letter.origin.topic, letter.errorClass]);
    const row = counts.get(key) ?? { originTopic: letter.origin.topic, errorClass: letter.errorClass, count: 0, notReplayed: 0, newest: letter.writtenAt };
    row.count++;
    if (letter.replays.length === 0) row.notReplayed++;
    if (letter.writtenAt > row.newest) row.newest = letter.writtenAt;
    counts.set(key, row);
  }
  return [...counts.values()].sort((a, b) => b.count - a.count || a.originTopic.localeCompare(b.originTopic) || a.errorClass.localeCompare(b.errorClass));
}
