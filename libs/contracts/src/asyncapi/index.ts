export * from './asyncapi-document';
export * from './data-schemas';
export * from './dead-letter-message';
export * from './message-flows';
export * from './message-summaries';
