/**
 * The input limits of DESIGN §7, checked on parsed JSON before any class-transformer or
 * class-validator code sees it: one linear walk that stops at the first breach, so a hostile
 * message costs at most one pass over its bytes and can never reach code that recurses without
 * bound, loops quadratically or trips over keys that shadow `Object.prototype`.
 *
 * Strings longer than their field allows are left to each field's rules (class-validator); the
 * size of the whole message is checked on its raw bytes, before parsing (see messaging's decode).
 */
export interface InputLimits {
  /** Containers (objects, arrays) nested in each other, the outermost counting 1. */
  maxDepth: number;
  /** Items in any one array. */
  maxArrayLength: number;
  /** Characters in any one object key: no field of the contract is longer than a few dozen. */
  maxKeyLength: number;
}

export const DEFAULT_INPUT_LIMITS: Readonly<InputLimits> = Object.freeze({ maxDepth: 32, maxArrayLength: 100, maxKeyLength: 128 });

/** The dead-letter error classes of a breach: a limit on the shape, a key or a character refused. */
export type InputViolationClass = 'LimitExceeded' | 'ForbiddenKey' | 'ForbiddenCharacter';

export interface InputViolation {
  errorClass: InputViolationClass;
  /** Where, as `data.services.3`; empty for the top level. */
  path: string;
  /** What rule was broken, in words. */
  constraint: string;
}

/**
 * Keys refused anywhere: `__proto__`, `constructor` and `prototype` (DESIGN §7), and every other
 * name `Object.prototype` carries (`hasOwnProperty`, `toString`, `valueOf`...). No field of the
 * contract has one of these names; as data keys they shadow what libraries call on the object
 * (class-validator's strict check looks field names up in a plain object and took
 * `hasOwnProperty` for a declared field).
 */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

/**
 * C0 control characters other than tab, line feed and carriage return. Valid JSON can carry them
 * only escaped (`\u0000`); in an id or a name they end up in logs, Redis keys, HTTP and e-mail
 * headers, so they are refused in every string and key.
 */
const CONTROL_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/;

/** The first breach of the limits in `value` (parsed JSON), or undefined when there is none. */
export function findInputViolation(value: unknown, limits: InputLimits = DEFAULT_INPUT_LIMITS): InputViolation | undefined {
  const path: string[] = [];
  const breach = (errorClass: InputViolationClass, constraint: string): InputViolation => ({ errorClass, path: path.join('.'), constraint });

  const visit = (node: unknown, depth: number): InputViolation | undefined => {
    if (typeof node === 'string') {
      return CONTROL_CHARACTER.test(node) ? breach('ForbiddenCharacter', 'must not contain control characters') : undefined;
    }
    if (typeof node !== 'object' || node === null) return undefined;
    if (depth + 1 > limits.maxDepth) return breach('LimitExceeded', `must not nest deeper than ${limits.maxDepth} levels`);

    if (Array.isArray(node)) {
      if (node.length > limits.maxArrayLength) return breach('LimitExceeded', `must not hold more than ${limits.maxArrayLength} items`);
      for (let index = 0; index < node.length; index++) {
        path.push(String(index));
        const found = visit(node[index], depth + 1);
        if (found) return found;
        path.pop();
      }
      return undefined;
    }

    for (const key of Object.keys(node)) {
      const shown = key.length > limits.maxKeyLength ? `${key.slice(0, 32)}…` : key;
      path.push(CONTROL_CHARACTER.test(shown) ? JSON.stringify(shown) : shown);
      if (FORBIDDEN_KEYS.has(key)) return breach('ForbiddenKey', `the key "${key}" is not allowed`);
      if (key.length > limits.maxKeyLength) return breach('LimitExceeded', `keys must not be longer than ${limits.maxKeyLength} characters`);
      if (CONTROL_CHARACTER.test(key)) return breach('ForbiddenCharacter', 'keys must not contain control characters');
      const found = visit((node as Record<string, unknown>)[key], depth + 1);
      if (found) return found;
      path.pop();
    }
    return undefined;
  };

  return visit(value, 0);
}
