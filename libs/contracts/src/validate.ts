import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { CloudEvent } from './envelope';
import { MessageData, MessageType, specOf } from './catalog';

/** One broken rule, as a path and the constraints that failed: what a dead letter tells a human. */
export interface FieldError {
  path: string;
  constraints: string[];
}

export type Validated<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const path = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ path, constraints: Object.values(error.constraints) }] : [];
    return [...own, ...flatten(error.children ?? [], path)];
  });
}

function check<T extends object>(cls: new () => T, plain: unknown, strict: boolean): Validated<T> {
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) {
    return { ok: false, errors: [{ path: '', constraints: ['must be a JSON object'] }] };
  }
  const instance = plainToInstance(cls, plain);
  const errors = validateSync(instance, {
    whitelist: strict,
    forbidNonWhitelisted: strict,
    forbidUnknownValues: true,
  });
  return errors.length ? { ok: false, errors: flatten(errors) } : { ok: true, value: instance };
}

export function validateEnvelope(plain: unknown): Validated<CloudEvent> {
  return check(CloudEvent, plain, false);
}

/** Validates a message's `data` against the rules of its type (strict for commands). */
export function validateData<T extends MessageType>(type: T, data: unknown): Validated<MessageData<T>> {
  const spec = specOf(type);
  return check(spec.dataClass, data, spec.strict) as Validated<MessageData<T>>;
}

