export * from './principal';
export * from './token-verifier';
export * from './access';
export * from './auth.decorators';
export * from './bearer-auth.guard';
export * from './auth.module';
