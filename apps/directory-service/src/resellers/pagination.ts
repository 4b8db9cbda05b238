/** Cursor pagination over a lexicographically ordered Redis sorted set (every score is 0). */

export const DEFAULT_PAGE_LIMIT = 20;
export const MAX_PAGE_LIMIT = 100;

/** A version tag inside the cursor, so a future format can be told apart and garbage is refused. */
const CURSOR_TAG = 'c1:';

/**
 * The cursor is the last member a page returned, wrapped so callers treat it as opaque. Resuming
 * strictly after a member (not at an offset) keeps pages free of duplicates and gaps while other
 * members are added or removed between two requests.
 */
export function encodeCursor(lastMember: string): string {
  return Buffer.from(`${CURSOR_TAG}${lastMember}`, 'utf8').toString('base64url');
}

/** The member a cursor resumes after, or `undefined` when the cursor was not made by `encodeCursor`. */
export function decodeCursor(cursor: string): string | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined;
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!text.startsWith(CURSOR_TAG) || text.length === CURSOR_TAG.length) return undefined;
  const member = text.slice(CURSOR_TAG.length);
  // Only the canonical encoding is accepted: anything else was typed, truncated or tampered with.
  return encodeCursor(member) === cursor ? member : undefined;
}

/** The `min` of `ZRANGEBYLEX key min + LIMIT 0 n`: from the start, or strictly after the cursor's member. */
export function lexRangeStart(after?: string): string {
  return after === undefined ? '-' : `(${after}`;
}

export interface Page {
  members: string[];
  nextCursor?: string;
}

/**
 * Cuts what `ZRANGEBYLEX ... LIMIT 0 limit+1` returned into a page: one member more than asked
 * means there is a next page, which resumes after the last member of this one.
 */
export function pageOf(fetched: readonly string[], limit: number): Page {
  if (fetched.length <= limit) return { members: [...fetched] };
  const members = fetched.slice(0, limit);
  return { members, nextCursor: encodeCursor(members[members.length - 1]) };
}
