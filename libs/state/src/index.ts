export * from './stores';
export * from './state-projector';
export * from './reference-data.message.controller';
export * from './state.module';
export * from './customer-command.handler';
export * from './waiting-commands';
export * from './lifecycle-events.message.controller';
export * from './due-scheduler';
