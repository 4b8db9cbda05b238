/** The 16,384 hash slots of a Redis Cluster: every key is in one, and each master serves some. */
export const HASH_SLOTS = 16_384;

/** CRC-16/XMODEM, the checksum Redis Cluster hashes keys with. */
function crc16(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

/**
 * The slot of a key, as Redis Cluster computes it: of its hash tag (the text between the first `{`
 * and the next `}`) when that is not empty, else of the whole key.
 */
export function hashSlot(key: string): number {
  const open = key.indexOf('{');
  const close = open < 0 ? -1 : key.indexOf('}', open + 1);
  const hashed = close > open + 1 ? key.slice(open + 1, close) : key;
  return crc16(Buffer.from(hashed)) % HASH_SLOTS;
}

/**
 * `count` hash tags (`count` dividing 16,384) whose slots fall one in each of `count` equal ranges of
 * slots: keys under them are spread over every master of a cluster that serves a run of at least
 * 2 x 16,384 / `count` slots. The same tags in every process.
 */
export function spreadTags(count: number): string[] {
  const width = HASH_SLOTS / count;
  const tags: string[] = new Array<string>(count);
  let found = 0;
  for (let n = 0; found < count; n++) {
    const tag = `s${n}`;
    const range = Math.floor(hashSlot(tag) / width);
    if (tags[range] === undefined) {
      tags[range] = tag;
      found++;
    }
  }
  return tags;
}
