import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsNumber, IsOptional, Matches, Max, Min, ValidateIf } from 'class-validator';

/** What the README's configuration table says of one environment variable. */
export interface VariableDoc {
  /** The variable's name, which is also its property on `Environment`. */
  name: string;
  /** Its default as it would be written in the environment; absent when there is none. */
  default?: string;
  /** One line on what it does. */
  meaning: string;
  /** Never logged, never printed (passwords, keys, URLs that may hold credentials). */
  secret?: boolean;
}

const registry = new Map<string, VariableDoc>();

/** Every variable the services read, in the order they are declared. */
export function variables(): VariableDoc[] {
  return [...registry.values()];
}

type Kind = (target: object, name: string) => void;

/**
 * Declares one environment variable: its documentation, and how its text is turned into a value
 * and checked (`kind`: one of the helpers below). Absent or empty, it takes its default.
 */
export function Variable(doc: Omit<VariableDoc, 'name'>, ...kinds: Kind[]): PropertyDecorator {
  return (target, property) => {
    const name = String(property);
    registry.set(name, { name, ...doc });
    for (const kind of kinds) kind(target, name);
  };
}

const apply =
  (...decorators: PropertyDecorator[]): Kind =>
  (target, name) =>
    decorators.forEach((d) => d(target, name));

const absent = (value: unknown) => value === undefined;

/** A whole number in [min, max]. */
export const wholeNumber = (min: number, max = Number.MAX_SAFE_INTEGER): Kind =>
  apply(
    Transform(({ value }) => (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value)),
    ValidateIf((_o, v) => !absent(v)),
    IsInt({ message: `must be a whole number${max === Number.MAX_SAFE_INTEGER ? ` of at least ${min}` : ` from ${min} to ${max}`}` }),
    Min(min, { message: `must be at least ${min}` }),
    Max(max, { message: `must be at most ${max}` }),
  );

/** A number (fractions allowed) of at least `min`. */
export const decimal = (min: number): Kind =>
  apply(
    Transform(({ value }) => (typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : value)),
    ValidateIf((_o, v) => !absent(v)),
    IsNumber({ allowNaN: false, allowInfinity: false }, { message: `must be a number of at least ${min}` }),
    Min(min, { message: `must be at least ${min}` }),
  );

/** `true` or `false`. */
export const flag = (): Kind =>
  apply(
    Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value)),
    ValidateIf((_o, v) => !absent(v)),
    IsIn([true, false], { message: 'must be true or false' }),
  );

/** One of `values` (compared as written, lower case). */
export const oneOf = (values: readonly string[]): Kind =>
  apply(
    Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() : value)),
    ValidateIf((_o, v) => !absent(v)),
    IsIn([...values], { message: `must be one of ${values.join(', ')}` }),
  );

/** Text matching `pattern`; `rule` says in words what it must look like. */
export const text = (pattern: RegExp, rule: string): Kind => apply(IsOptional(), Matches(pattern, { message: rule }));
