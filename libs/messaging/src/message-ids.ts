import { createHash, randomUUID } from 'node:crypto';

/**
 * A UUID-shaped id derived from a seed: the same input always gives the same output id, so a
 * re-run after a crash re-emits the very same ids and consumers can de-duplicate (DESIGN §7).
 */
export function deriveId(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  // Shaped as an RFC 4122 name-based UUID (version 5 bits, variant 10).
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function newId(): string {
  return randomUUID();
}
