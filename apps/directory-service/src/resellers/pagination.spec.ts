import { decodeCursor, encodeCursor, lexRangeStart, pageOf } from './pagination';

describe('reseller customers pagination', () => {
  it('round-trips a member through an opaque, URL-safe cursor', () => {
    for (const member of ['cust-1', 'a/b+c=d', 'é{x}', ' spaced ', '(paren']) {
      const cursor = encodeCursor(member);
      expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(cursor).not.toContain(member);
      expect(decodeCursor(cursor)).toBe(member);
    }
  });

  it.each([
    ['not base64url', 'abc+/='],
    ['empty', ''],
    ['without the tag', Buffer.from('cust-1').toString('base64url')],
    ['a tag with no member', Buffer.from('c1:').toString('base64url')],
    ['a non-canonical encoding', `${encodeCursor('cust-1')}A`],
  ])('refuses a cursor that is %s', (_why, cursor) => {
    expect(decodeCursor(cursor)).toBeUndefined();
  });

  it('starts from the first member, or strictly after the cursor', () => {
    expect(lexRangeStart()).toBe('-');
    expect(lexRangeStart('cust-3')).toBe('(cust-3');
  });

  it('cuts limit+1 fetched members into a page and a cursor after its last member', () => {
    const page = pageOf(['a', 'b', 'c', 'd'], 3);
    expect(page.members).toEqual(['a', 'b', 'c']);
    expect(decodeCursor(page.nextCursor!)).toBe('c');
  });

  it('has no next cursor on the last page', () => {
    expect(pageOf(['a', 'b', 'c'], 3)).toEqual({ members: ['a', 'b', 'c'] });
    expect(pageOf([], 3)).toEqual({ members: [] });
  });

  it('walks a set page by page with no duplicates or gaps while members come and go', () => {
    const set = new Set(['c01', 'c02', 'c03', 'c04', 'c05', 'c06', 'c07']);
    const fetch = (after: string | undefined, limit: number) =>
      [...set].sort().filter((m) => after === undefined || m > after).slice(0, limit + 1);

    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = pageOf(fetch(cursor === undefined ? undefined : decodeCursor(cursor), 3), 3);
      seen.push(...page.members);
      cursor = page.nextCursor;
      pages++;
      if (pages === 1) {
        set.add('c00'); // before the cursor: not shown, and shifts nothing
        set.delete('c02'); // already shown
        set.add('c99'); // after the cursor: shown on a later page
      }
    } while (cursor);

    expect(seen).toEqual(['c01', 'c02', 'c03', 'c04', 'c05', 'c06', 'c07', 'c99']);
    expect(pages).toBe(3);
  });
});
