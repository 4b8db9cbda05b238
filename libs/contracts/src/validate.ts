import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { CloudEvent } from './envelope';
import { MessageData, MessageType, specOf } from './catalog';
import { findInputViolation } from './input-limits';

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

/**
 * Total: returns errors, never throws. The input limits (DESIGN §7) are checked first, so
 * class-transformer and class-validator only ever see bounded input without keys that shadow
 * `Object.prototype`; anything they still throw becomes an error of the whole value.
 */
function check<T extends object>(cls: new () => T, plain: unknown, strict: boolean): Validated<T> {
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) {
    return { ok: false, errors: [{ path: '', constraints: ['must be a JSON object'] }] };
  }
  const violation = findInputViolation(plain);
  if (violation) return { ok: false, errors: [{ path: violation.path, constraints: [violation.constraint] }] };
  try {
    const instance = plainToInstance(cls, plain);
    const errors = validateSync(instance, {
      whitelist: strict,
      forbidNonWhitelisted: strict,
      forbidUnknownValues: true,
    });
    return errors.length ? { ok: false, errors: flatten(errors) } : { ok: true, value: instance };
  } catch (error) {
    return { ok: false, errors: [{ path: '', constraints: [`could not be validated: ${describeThrown(error)}`] }] };
  }
}

/** A thrown value in words, whatever was thrown. */
export function describeThrown(thrown: unknown): string {
  try {
    return thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : String(thrown);
  } catch {
    return 'an unprintable value';
  }
}

export function validateEnvelope(plain: unknown): Validated<CloudEvent> {
  return check(CloudEvent, plain, false);
}

/** Validates a message's `data` against the rules of its type (strict for commands). */
export function validateData<T extends MessageType>(type: T, data: unknown): Validated<MessageData<T>> {
  const spec = specOf(type);
  return check(spec.dataClass, data, spec.strict) as Validated<MessageData<T>>;
}
