export * from './environment';
export * from './environment.module';
export * from './read-environment';
export { variables, type VariableDoc } from './variable';
export * from './configuration-table';
export * from './secrets';
export * from './redis-url';
