import { ALL_TOPICS, MessageCatalog, Topics } from '@mp/contracts';
import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } from 'kafkajs';
import { serviceAcls, ServiceAcl, servicesWithAcls, toAclEntry } from './service-acls';

const ns = 'prod-eu.';
const acls = serviceAcls({ namespace: ns });
const of = (service: string, list: ServiceAcl[] = acls) => list.filter((a) => a.service === service);
/** The operations a service holds on one resource. */
const on = (service: string, resourceType: ServiceAcl['resourceType'], name: string, list: ServiceAcl[] = acls) =>
  of(service, list)
    .filter((a) => a.resourceType === resourceType && a.resourceName === name)
    .map((a) => a.operation)
    .sort();
const topic = (t: string) => `${ns}${t}`;

describe('the ACLs of the services, derived from the contract', () => {
  it('covers the four services, the participants that consume in a group, each as User:<service>', () => {
    expect(servicesWithAcls().map((p) => p.name)).toEqual(['request-service', 'consent-service', 'notification-service', 'directory-service']);
    expect([...new Set(acls.map((a) => a.principal))]).toEqual(['User:request-service', 'User:consent-service', 'User:notification-service', 'User:directory-service']);
  });

  it('gives each service READ on every topic it receives a type of, and WRITE only on the topics it sends, the dead letters, and its own commands (HTTP)', () => {
    for (const participant of servicesWithAcls()) {
      const reads = new Set(participant.receives.map((t) => MessageCatalog[t].topic));
      const writes = new Set([...participant.sends, ...participant.receives.filter((t) => MessageCatalog[t].strict)].map((t) => MessageCatalog[t].topic));
      writes.add(Topics.deadLetters);
      const granted = (operation: string) => new Set(of(participant.name).filter((a) => a.resourceType === 'TOPIC' && a.operation === operation).map((a) => a.resourceName));
      const expectedReads = participant.name === 'directory-service' ? [...reads, Topics.deadLetters] : [...reads];
      expect(granted('READ')).toEqual(new Set(expectedReads.map(topic)));
      expect(granted('WRITE')).toEqual(new Set([...writes].map(topic)));
    }
  });

  it('says what that means for the request-service: its commands and the reference data in, its events out', () => {
    expect(on('request-service', 'TOPIC', topic(Topics.requestCommands))).toEqual(['CREATE', 'DESCRIBE', 'READ', 'WRITE']);
    expect(on('request-service', 'TOPIC', topic(Topics.requestEvents))).toEqual(['CREATE', 'DESCRIBE', 'READ', 'WRITE']);
    expect(on('request-service', 'TOPIC', topic(Topics.relationshipEvents))).toEqual(['CREATE', 'DESCRIBE', 'READ']);
    expect(on('request-service', 'TOPIC', topic(Topics.consentCommands))).toEqual(['CREATE', 'DESCRIBE']);
    expect(on('request-service', 'TOPIC', topic(Topics.deadLetters))).toEqual(['CREATE', 'DESCRIBE', 'WRITE']);
    expect(on('request-service', 'GROUP', `${ns}request-service`)).toEqual(['READ']);
    expect(of('request-service').filter((a) => a.resourceType === 'GROUP')).toHaveLength(1);
    // The directory writes nothing but dead letters.
    expect(of('directory-service').filter((a) => a.operation === 'WRITE').map((a) => a.resourceName)).toEqual([topic(Topics.deadLetters)]);
  });

  it("gives the directory what its operators' reads need: the dead letters, a prefixed reader group, and DESCRIBE on the services' groups", () => {
    expect(of('directory-service').filter((a) => a.patternType === 'PREFIXED')).toEqual([expect.objectContaining({ resourceType: 'GROUP', resourceName: `${ns}mp-ops.`, operation: 'READ' })]);
    for (const group of ['request-service', 'consent-service', 'notification-service']) expect(on('directory-service', 'GROUP', `${ns}${group}`)).toEqual(['DESCRIBE']);
    expect(of('request-service').filter((a) => a.patternType === 'PREFIXED')).toEqual([]);
  });

  it('lets every service describe and create every contract topic (they create the missing ones at start), and only describe them without CREATE', () => {
    for (const { name } of servicesWithAcls()) for (const t of ALL_TOPICS) expect(on(name, 'TOPIC', topic(t))).toEqual(expect.arrayContaining(['CREATE', 'DESCRIBE']));
    const withoutCreate = serviceAcls({ namespace: ns }, { createTopics: false });
    expect(withoutCreate.filter((a) => a.operation === 'CREATE')).toEqual([]);
    expect(on('consent-service', 'TOPIC', topic(Topics.notificationEvents), withoutCreate)).toEqual(['DESCRIBE']);
  });

  it('names each ACL once, and nothing outside the namespace', () => {
    const keys = acls.map((a) => `${a.principal}|${a.resourceType}|${a.patternType}|${a.resourceName}|${a.operation}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(acls.every((a) => a.resourceName.startsWith(ns))).toBe(true);
  });

  it('takes another principal per service, a subset of the services, and refuses a service that is none', () => {
    const some = serviceAcls({ namespace: '' }, { services: ['consent-service'], principals: { 'consent-service': 'User:consent-prod' } });
    expect([...new Set(some.map((a) => a.principal))]).toEqual(['User:consent-prod']);
    expect(some.some((a) => a.resourceName === Topics.consentCommands && a.operation === 'READ')).toBe(true);
    expect(() => serviceAcls({ namespace: '' }, { services: ['billing'] })).toThrow('unknown service "billing"; the services are request-service, consent-service, notification-service, directory-service');
  });

  it('is written as kafkajs writes an ACL: allow, from any host, with the pattern type', () => {
    const group = acls.find((a) => a.patternType === 'PREFIXED')!;
    expect(toAclEntry(group)).toEqual({
      resourceType: AclResourceTypes.GROUP,
      resourceName: `${ns}mp-ops.`,
      resourcePatternType: ResourcePatternTypes.PREFIXED,
      principal: 'User:directory-service',
      host: '*',
      operation: AclOperationTypes.READ,
      permissionType: AclPermissionTypes.ALLOW,
    });
  });
});
