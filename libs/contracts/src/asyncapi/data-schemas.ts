import type { MetadataStorage as TransformerMetadata } from 'class-transformer/types/MetadataStorage';
import { getMetadataStorage, IS_URL, ValidationTypes } from 'class-validator';
import { targetConstructorToSchema, validationMetadatasToSchemas } from 'class-validator-jsonschema';
import { defaultConverters, ISchemaConverters } from 'class-validator-jsonschema/build/defaultConverters';
import type { IOptions } from 'class-validator-jsonschema/build/options';
import { DEFAULT_INPUT_LIMITS } from '../input-limits';

/** class-transformer's `@Type()` records, which tell class-validator-jsonschema what a nested field holds (no typings at that path). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { defaultMetadataStorage } = require('class-transformer/cjs/storage') as { defaultMetadataStorage: TransformerMetadata };

/** A JSON Schema (the AsyncAPI Schema Object, a superset of draft-07) as plain data. */
export type JsonSchema = Record<string, any>;

/** Where the document keeps its schemas, and how a `$ref` points at one. */
export const SCHEMA_REF_PREFIX = '#/components/schemas/';

/**
 * What class-validator-jsonschema's defaults do not say the way this contract means it:
 * - `@IsDefined()` (on every required nested object) gives `not: {type: null}` beside the `$ref`,
 *   which draft-07 ignores there; `required` already says it, and the referenced schema is an object.
 * - `@IsUrl(options)` gives the non-standard format `url`: it is the standard `uri`, and the
 *   protocols the options allow become a pattern.
 */
const CONVERTERS: ISchemaConverters = {
  [ValidationTypes.IS_DEFINED]: {},
  [IS_URL]: (meta) => {
    const options = (meta.constraints?.[0] ?? {}) as { protocols?: string[]; require_protocol?: boolean };
    const protocols = options.protocols ?? ['http', 'https', 'ftp'];
    return {
      type: 'string',
      format: 'uri',
      ...(options.require_protocol ? { pattern: `^(${protocols.join('|')})://` } : {}),
    };
  },
};

const OPTIONS: Partial<IOptions> = {
  classTransformerMetadataStorage: defaultMetadataStorage,
  refPointerPrefix: SCHEMA_REF_PREFIX,
  additionalConverters: CONVERTERS,
};

type Class = new () => object;

/**
 * Refuses a class whose rules have no converter (a custom validator, or a decorator newer than the
 * library): the library would silently turn such a rule into no rule at all, and the document
 * would promise less than the code checks. Teach CONVERTERS the new rule instead.
 */
function assertConvertible(cls: Class): void {
  const storage = getMetadataStorage();
  const known = new Set([...Object.keys(defaultConverters), ...Object.keys(CONVERTERS)]);
  for (const meta of storage.getTargetValidationMetadatas(cls, '', true, false)) {
    const named = meta.constraintCls ? storage.getTargetValidatorConstraints(meta.constraintCls)[0]?.name : undefined;
    const rule = named ?? meta.type;
    if (!known.has(rule)) {
      throw new Error(`${cls.name}.${meta.propertyName}: the rule "${rule}" has no JSON Schema converter; add one to CONVERTERS in ${__filename}`);
    }
  }
}

/** Applies `visit` to every schema object in `schema`, depth first, and returns what it built. */
function mapSchemas(schema: JsonSchema, visit: (node: JsonSchema) => JsonSchema): JsonSchema {
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk);
    if (typeof value !== 'object' || value === null) return value;
    const copy = Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, key === 'enum' || key === 'const' ? inner : walk(inner)]));
    return visit(copy);
  };
  return walk(schema) as JsonSchema;
}

/**
 * The input limits (DESIGN §7) hold for every list, declared or not: a list longer than
 * DEFAULT_INPUT_LIMITS.maxArrayLength is refused before any rule of the class is looked at.
 */
function withInputLimits(schema: JsonSchema): JsonSchema {
  const max = DEFAULT_INPUT_LIMITS.maxArrayLength;
  return mapSchemas(schema, (node) => (node.type === 'array' ? { ...node, maxItems: Math.min(node.maxItems ?? max, max) } : node));
}

/**
 * `@IsObject()` beside `@ValidateNested()` (a list is not a nested object) gives `type: object`
 * beside the `$ref`, where draft-07 ignores it: the referenced class's schema says it already.
 */
function withoutRefSiblings(schema: JsonSchema): JsonSchema {
  return mapSchemas(schema, (node) => {
    if (typeof node.$ref !== 'string' || node.type !== 'object') return node;
    const { type: _type, ...rest } = node;
    return rest;
  });
}

/** A generated schema as the document gives it. */
const shaped = (schema: JsonSchema) => withInputLimits(withoutRefSiblings(schema));

function refName(ref: string): string {
  if (!ref.startsWith(SCHEMA_REF_PREFIX)) throw new Error(`unexpected $ref ${ref}`);
  return ref.slice(SCHEMA_REF_PREFIX.length);
}

/** The JSON Schemas of contract classes, as class-validator-jsonschema reads their decorators. */
export class DataSchemas {
  /** Every decorated class by name: where nested `$ref`s point. */
  private readonly byName: Record<string, JsonSchema> = validationMetadatasToSchemas(OPTIONS) as Record<string, JsonSchema>;

  /** The schema of one class (with what it inherits), nested classes as `$ref`s. */
  of(cls: Class): JsonSchema {
    assertConvertible(cls);
    return shaped(targetConstructorToSchema(cls, OPTIONS) as JsonSchema);
  }

  /** The schema of a nested class a `$ref` names. */
  named(name: string): JsonSchema {
    const schema = this.byName[name];
    if (!schema) throw new Error(`no schema for the class ${name}`);
    return shaped(schema);
  }

  /**
   * The schema of a strict class (a command): every object in it, nested ones included, refuses
   * unknown fields, as class-validator's `forbidNonWhitelisted` does. Nested classes are written
   * out in place, titled with their class name: `additionalProperties` does not reach through a
   * `$ref`, and the same nested class is read tolerantly inside events.
   */
  strict(cls: Class): JsonSchema {
    const close = (schema: JsonSchema, seen: readonly string[]): JsonSchema =>
      mapSchemas(schema, (node) => {
        if (typeof node.$ref === 'string') {
          const name = refName(node.$ref);
          if (seen.includes(name)) throw new Error(`${cls.name}: ${name} nests itself; a strict schema cannot be written out`);
          const { $ref: _ref, ...rest } = node;
          return { title: name, ...close(this.named(name), [...seen, name]), ...rest };
        }
        return node.type === 'object' && node.properties ? { ...node, additionalProperties: false } : node;
      });
    return close(this.of(cls), [cls.name]);
  }

  /** The names of the classes `schema` refers to, directly or through them, in the order found. */
  referencedBy(schema: JsonSchema): string[] {
    const found: string[] = [];
    const visit = (node: JsonSchema) => {
      mapSchemas(node, (inner) => {
        if (typeof inner.$ref === 'string') {
          const name = refName(inner.$ref);
          if (!found.includes(name)) {
            found.push(name);
            visit(this.named(name));
          }
        }
        return inner;
      });
    };
    visit(schema);
    return found;
  }
}
