export const KAFKA_SETTINGS = Symbol('KAFKA_SETTINGS');
