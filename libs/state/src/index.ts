export * from './stores';
export * from './state-projector';
export * from './reference-data.message.controller';
export * from './state.module';
export * from './command-runner';
export * from './lifecycle-events.message.controller';
export * from './due-scheduler';
