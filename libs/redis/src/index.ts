export * from './redis-settings';
export * from './keyed-lock';
export * from './aggregate-store';
export * from './redis.module';
export * from './due-index';
export * from './lease';
export * from './lua-script';
