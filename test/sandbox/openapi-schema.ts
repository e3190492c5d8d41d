/**
 * Turns OpenAPI 3.0 schemas from GitHub's description into JSON Schemas ajv compiles:
 * - `nullable: true` becomes a `null` alternative;
 * - `oneOf` becomes `anyOf`: GitHub writes oneOf for "one of these shapes" with overlapping branches (a
 *   basic error also fits the rule-violation error, neither having required fields), so an exclusive
 *   oneOf would reject real GitHub answers;
 * - each `#/components/schemas/X` reference points at a component converted and registered with ajv once,
 *   on first use, so the repository or user shape is compiled once rather than once per operation.
 */
import type { Ajv } from 'ajv';
import type { JsonSchema, OpenApiDescription } from './openapi-description.js';

const COMPONENT_PREFIX = '#/components/schemas/';
const REGISTERED_PREFIX = 'github-openapi:';

// Keywords whose value is a schema, an array of schemas, or a map of names to schemas. Everything else is
// copied verbatim; walking only these keeps a property that happens to be called `nullable` or
// `description` from being mistaken for a keyword.
const SCHEMA_KEYWORDS = new Set(['items', 'additionalProperties', 'not', 'contains', 'propertyNames']);
const SCHEMA_LIST_KEYWORDS = new Set(['allOf', 'anyOf', 'oneOf']);
const SCHEMA_MAP_KEYWORDS = new Set(['properties', 'patternProperties']);
// Annotations and OpenAPI-only keywords that ajv would only warn about.
const DROPPED_KEYWORDS = new Set(['nullable', 'discriminator', 'example', 'examples', 'xml', 'externalDocs']);

export class ComponentRegistry {
  private readonly registered = new Set<string>();

  constructor(
    private readonly description: OpenApiDescription,
    private readonly ajv: Ajv,
  ) {}

  /** `schema` converted for ajv, with every component it reaches registered. */
  prepare(schema: JsonSchema): JsonSchema {
    const dependencies = new Set<string>();
    const converted = convertSchema(schema, dependencies);
    const pending = [...dependencies];
    for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
      if (this.registered.has(name)) continue;
      const source = this.description.components.schemas?.[name];
      if (!isObject(source)) throw new Error(`GitHub's description has no schema named ${name}`);
      const nested = new Set<string>();
      this.ajv.addSchema({ ...convertSchema(source, nested), $id: REGISTERED_PREFIX + name });
      this.registered.add(name);
      pending.push(...nested);
    }
    return converted;
  }
}

/** Converts one OpenAPI schema node; names of referenced components are added to `dependencies`. */
export function convertSchema(node: JsonSchema, dependencies: Set<string>): JsonSchema {
  const nullable = node.nullable === true;
  if (typeof node.$ref === 'string') {
    const ref = localReference(node.$ref, dependencies);
    return nullable ? { anyOf: [ref, { type: 'null' }] } : ref;
  }
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    if (DROPPED_KEYWORDS.has(key) || key.startsWith('x-')) continue;
    if (SCHEMA_KEYWORDS.has(key) && isObject(value)) out[key] = convertSchema(value, dependencies);
    else if (SCHEMA_LIST_KEYWORDS.has(key) && Array.isArray(value))
      out[key === 'oneOf' ? 'anyOf' : key] = value.map((item: unknown) =>
        isObject(item) ? convertSchema(item, dependencies) : item,
      );
    else if (SCHEMA_MAP_KEYWORDS.has(key) && isObject(value))
      out[key] = Object.fromEntries(
        Object.entries(value).map(([name, sub]) => [
          name,
          isObject(sub) ? convertSchema(sub, dependencies) : sub,
        ]),
      );
    else out[key] = value;
  }
  return nullable ? allowNull(out) : out;
}

function allowNull(schema: JsonSchema): JsonSchema {
  const composed = 'allOf' in schema || 'anyOf' in schema || 'oneOf' in schema;
  if (typeof schema.type === 'string' && !composed) {
    const widened: JsonSchema = { ...schema, type: [schema.type, 'null'] };
    if (Array.isArray(schema.enum) && !schema.enum.includes(null)) widened.enum = [...schema.enum, null];
    return widened;
  }
  // Without a single type (or with composition that would reject null on its own) null is an alternative.
  return { anyOf: [schema, { type: 'null' }] };
}

function localReference(ref: string, dependencies: Set<string>): JsonSchema {
  if (!ref.startsWith(COMPONENT_PREFIX)) throw new Error(`unsupported schema reference ${ref}`);
  const name = ref.slice(COMPONENT_PREFIX.length);
  dependencies.add(name);
  return { $ref: REGISTERED_PREFIX + name };
}

function isObject(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
