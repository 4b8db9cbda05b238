import 'reflect-metadata';

export * from './topics';
export * from './envelope';
export * from './reason-codes';
export * from './catalog';
export * from './input-limits';
export * from './validate';
export * from './schema-check';
export * from './messages/common';
export * from './messages/partner-events';
export * from './messages/customer-events';
export * from './messages/subscription-events';
export * from './messages/request-commands';
export * from './messages/consent-commands';
export * from './messages/request-events';
export * from './messages/relationship-events';
export * from './messages/notification-events';
export * from './asyncapi';
