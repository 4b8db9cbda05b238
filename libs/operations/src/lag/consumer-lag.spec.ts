import { AssignerProtocol } from 'kafkajs';
import { resolveTopic } from '../operations-kafka';
import { assignedPartitions, lagOf } from './consumer-lag';

describe('lag of one partition', () => {
  it('is the end minus the committed offset', () => {
    expect(lagOf(40, { low: 0, end: 45 })).toBe(5);
    expect(lagOf(45, { low: 0, end: 45 })).toBe(0);
  });

  it('counts everything kept when nothing is committed', () => {
    expect(lagOf(null, { low: 10, end: 45 })).toBe(35);
    expect(lagOf(-1, { low: 0, end: 0 })).toBe(0);
  });

  it('is never negative (a committed offset past a truncated end)', () => {
    expect(lagOf(50, { low: 0, end: 45 })).toBe(0);
  });
});

describe("a group's assignment", () => {
  it("is decoded from each member's assignment, and an empty one (a member joining) is none", () => {
    const one = AssignerProtocol.MemberAssignment.encode({ version: 0, assignment: { 'mp.customer-events.v1': [0, 2] }, userData: Buffer.alloc(0) });
    const two = AssignerProtocol.MemberAssignment.encode({ version: 0, assignment: { 'mp.customer-events.v1': [1], 'mp.partner-events.v1': [0] }, userData: Buffer.alloc(0) });
    expect(assignedPartitions([{ memberAssignment: one }, { memberAssignment: two }, { memberAssignment: Buffer.alloc(0) }])).toEqual([
      { topic: 'mp.customer-events.v1', partition: 0 },
      { topic: 'mp.customer-events.v1', partition: 2 },
      { topic: 'mp.customer-events.v1', partition: 1 },
      { topic: 'mp.partner-events.v1', partition: 0 },
    ]);
  });
});

describe('a topic named by an operator', () => {
  it.each([
    ['mp.request-events.v1', 'mp.request-events.v1'],
    ['request-events', 'mp.request-events.v1'],
    ['mp.dead-letters', 'mp.dead-letters.v1'],
    ['dead-letters.v1', 'mp.dead-letters.v1'],
  ])('%s is %s', (given, topic) => expect(resolveTopic(given)).toBe(topic));

  it('is refused with the list of topics when it is none of them', () => {
    expect(() => resolveTopic('mp.orders.v1')).toThrow('unknown topic "mp.orders.v1"; the topics are mp.partner-events.v1, mp.customer-events.v1');
  });
});
