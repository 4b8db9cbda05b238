export * from './operations-kafka';
export * from './topics/topic-offsets';
export * from './lag/consumer-lag';
export * from './reading/topic-reader';
export * from './dead-letters/dead-letter';
export * from './dead-letters/dead-letter-list';
