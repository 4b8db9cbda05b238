import { hashSlot, spreadTags } from './hash-slot';

describe('the hash slot of a key', () => {
  // The slots a Redis 7 cluster gives them (CLUSTER KEYSLOT).
  it.each([
    ['foo', 12182],
    ['bar', 5061],
    ['123456789', 12739],
    ['{user1000}.following', 3443],
    ['user1000', 3443],
    ['', 0],
    ['a{}b', 13694],
    ['{}{x}', 3257],
    ['x{y}z{w}', 12222],
  ])('of %j is %i, as Redis computes it', (key, slot) => {
    expect(hashSlot(key)).toBe(slot);
  });
});

describe('tags spread over the slots', () => {
  it('put one key in each equal range of slots, the same every time', () => {
    const tags = spreadTags(128);
    expect(tags.map((tag) => Math.floor(hashSlot(`mp:request:state:generation:{${tag}}`) / 128))).toEqual(Array.from({ length: 128 }, (_, i) => i));
    expect(spreadTags(128)).toEqual(tags);
  });
});
