export * from './command-body';
export * from './command-answers.dto';
export * from './http-command.publisher';
