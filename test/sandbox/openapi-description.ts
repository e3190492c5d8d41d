/**
 * GitHub's REST description from @octokit/openapi, read once per process. We read the 13 MB file with
 * `$ref`s (≈120 ms to parse) rather than the 73 MB dereferenced one, and resolve references on demand.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export type JsonSchema = { [key: string]: unknown };

export interface ParameterObject {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: JsonSchema;
  'x-multi-segment'?: boolean;
}

export interface MediaTypeObject {
  schema?: JsonSchema;
}

export interface ResponseObject {
  description?: string;
  content?: Record<string, MediaTypeObject>;
}

export interface RequestBodyObject {
  required?: boolean;
  content?: Record<string, MediaTypeObject>;
}

export interface OperationObject {
  operationId?: string;
  parameters?: (ParameterObject | Reference)[];
  requestBody?: RequestBodyObject | Reference;
  responses?: Record<string, ResponseObject | Reference>;
}

export interface Reference {
  $ref: string;
}

export interface OpenApiDescription {
  paths: Record<string, Record<string, OperationObject>>;
  components: Record<string, Record<string, unknown>>;
}

export const HTTP_METHODS = ['get', 'put', 'post', 'patch', 'delete', 'head', 'options'] as const;

// The description is immutable and costly to parse, so one copy per process is shared by every simulator.
let cached: OpenApiDescription | undefined;

export function loadGitHubDescription(): OpenApiDescription {
  if (!cached) {
    const require = createRequire(import.meta.url);
    const file = require.resolve('@octokit/openapi/generated/api.github.com.json');
    cached = JSON.parse(readFileSync(file, 'utf8')) as OpenApiDescription;
  }
  return cached;
}

export function isReference(value: unknown): value is Reference {
  return typeof value === 'object' && value !== null && typeof (value as Reference).$ref === 'string';
}

/** Follows local `#/components/...` references (chains included) to the object they name. */
export function resolve<T>(description: OpenApiDescription, value: T | Reference): T {
  let current: unknown = value;
  for (let hops = 0; isReference(current); hops += 1) {
    if (hops > 20) throw new Error(`reference cycle at ${current.$ref}`);
    current = followPointer(description, current.$ref);
  }
  return current as T;
}

function followPointer(description: OpenApiDescription, ref: string): unknown {
  if (!ref.startsWith('#/')) throw new Error(`only local references are supported: ${ref}`);
  let node: unknown = description;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined;
    if (node === undefined) throw new Error(`unresolvable reference ${ref}`);
  }
  return node;
}
