import { readEnvironment } from '@mp/config';
import { kafkaSettingsOf } from './kafka-settings';

describe("a service's Kafka security settings, from the environment", () => {
  it('has neither TLS nor SASL by default', () => {
    const settings = kafkaSettingsOf('request-service', readEnvironment({}));
    expect(settings.ssl).toBe(false);
    expect(settings.sasl).toBeUndefined();
  });

  it('checks the broker certificate with TLS on, against Node\'s CA list or the CAs of KAFKA_SSL_CA_FILE, read once at start', () => {
    expect(kafkaSettingsOf('request-service', readEnvironment({ KAFKA_SSL: 'true' })).ssl).toEqual({ rejectUnauthorized: true });
    const withCa = kafkaSettingsOf('request-service', readEnvironment({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: __filename }));
    expect(withCa.ssl).toEqual({ rejectUnauthorized: true, ca: [expect.stringContaining("a service's Kafka security settings")] });
    expect(kafkaSettingsOf('request-service', readEnvironment({ KAFKA_SSL: 'true', KAFKA_SSL_REJECT_UNAUTHORIZED: 'false' })).ssl).toEqual({ rejectUnauthorized: false });
  });

  it('authenticates with the SASL mechanism, user and password given', () => {
    const settings = kafkaSettingsOf('request-service', readEnvironment({ KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512', KAFKA_SASL_USERNAME: 'request-service', KAFKA_SASL_PASSWORD: 'pw' }));
    expect(settings.sasl).toEqual({ mechanism: 'scram-sha-512', username: 'request-service', password: 'pw' });
  });
});
