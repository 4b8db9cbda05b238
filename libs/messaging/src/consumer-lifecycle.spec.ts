import { consumerConfig, crashesInARow, restartDelayMs, STABLE_RUN_MS } from './consumer-lifecycle';
import { kafkaSettingsFromEnv } from './kafka-settings';

describe('the consumer lifecycle', () => {
  it('re-creates a crashed consumer after 1 s, doubling while it keeps crashing, at most 30 s apart', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 50].map(restartDelayMs)).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
  });

  it('counts crashes in a row until the consumer has run a stable minute', () => {
    expect(crashesInARow(0, 10)).toBe(1);
    expect(crashesInARow(3, 5_000)).toBe(4);
    expect(crashesInARow(5, STABLE_RUN_MS)).toBe(1);
  });

  it('gives a silent member 8 s by default before its partitions move on, with a heartbeat every second', () => {
    const config = consumerConfig(kafkaSettingsFromEnv('request-service', {}));
    expect(config).toMatchObject({ groupId: 'request-service', sessionTimeout: 8_000, heartbeatInterval: 1_000, allowAutoTopicCreation: false });
  });

  it('reads the session timeout and heartbeat from the environment, and refuses settings kafkajs cannot keep', () => {
    expect(kafkaSettingsFromEnv('s', { KAFKA_SESSION_TIMEOUT_MS: '6000', KAFKA_HEARTBEAT_INTERVAL_MS: '2000' })).toMatchObject({ sessionTimeoutMs: 6_000, heartbeatIntervalMs: 2_000 });
    expect(() => kafkaSettingsFromEnv('s', { KAFKA_SESSION_TIMEOUT_MS: '6000', KAFKA_HEARTBEAT_INTERVAL_MS: '3000' })).toThrow('at most a third');
    expect(() => kafkaSettingsFromEnv('s', { KAFKA_SESSION_TIMEOUT_MS: '500' })).toThrow('at least 1000');
    expect(() => kafkaSettingsFromEnv('s', { KAFKA_SESSION_TIMEOUT_MS: 'soon' })).toThrow('whole number');
  });

  it('reads the largest message from KAFKA_MAX_MESSAGE_BYTES, 1 MiB by default', () => {
    expect(kafkaSettingsFromEnv('s', {}).maxMessageBytes).toBe(1_048_576);
    expect(kafkaSettingsFromEnv('s', { KAFKA_MAX_MESSAGE_BYTES: '65536' }).maxMessageBytes).toBe(65_536);
  });
});
