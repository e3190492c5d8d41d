/**
 * Checks requests and responses against GitHub's OpenAPI description: which operation a method and path
 * address, whether path/query parameters and the JSON body fit that operation, and whether a response
 * body fits the schema documented for its status. Validators are compiled on first use and cached.
 */
import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import formatsModule from 'ajv-formats';
import type { FormatsPlugin } from 'ajv-formats';
import { loadGitHubDescription, resolve } from './openapi-description.js';
import type {
  JsonSchema,
  OpenApiDescription,
  ParameterObject,
  RequestBodyObject,
  ResponseObject,
} from './openapi-description.js';
import { OperationRouter } from './openapi-router.js';
import type { RouteMatch } from './openapi-router.js';
import { ComponentRegistry } from './openapi-schema.js';

export type { RouteMatch } from './openapi-router.js';

const MAX_ERRORS = 10;
// Formats GitHub uses that carry no checkable constraint for JSON values (ajv would warn on each).
const ANNOTATION_FORMATS = ['int32', 'int64', 'double', 'binary', 'repo.nwo'];
// ajv-formats is CommonJS; depending on the loader its default export is the plugin or its module object.
const addFormats: FormatsPlugin =
  (formatsModule as unknown as { default?: FormatsPlugin }).default ??
  (formatsModule as unknown as FormatsPlugin);

export class OpenApiValidator {
  private readonly router: OperationRouter;
  private readonly bodies: Ajv;
  private readonly bodySchemas: ComponentRegistry;
  // Parameters arrive as strings; this instance coerces "5" to 5 before checking `type: integer`.
  private readonly parameters: Ajv;
  private readonly parameterSchemas: ComponentRegistry;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(private readonly description: OpenApiDescription) {
    this.router = new OperationRouter(description);
    this.bodies = createAjv(false);
    this.bodySchemas = new ComponentRegistry(description, this.bodies);
    this.parameters = createAjv(true);
    this.parameterSchemas = new ComponentRegistry(description, this.parameters);
  }

  /** The most specific operation whose template and path parameters fit, or undefined. */
  findOperation(method: string, rawPath: string): RouteMatch | undefined {
    return this.router
      .match(method, rawPath)
      .find((match) => this.parameterErrors(match, 'path', match.params).length === 0);
  }

  validateRequest(match: RouteMatch, query: Record<string, string>, body: unknown): string[] {
    const errors = this.parameterErrors(match, 'query', query);
    const requestBody = match.operation.requestBody
      ? resolve<RequestBodyObject>(this.description, match.operation.requestBody)
      : undefined;
    const schema = requestBody?.content?.['application/json']?.schema;
    if (body === undefined) {
      if (requestBody?.required) errors.push('body is required');
    } else if (schema) {
      const validate = this.validator(`${match.operationId} request`, this.bodies, () =>
        this.bodySchemas.prepare(schema),
      );
      if (!validate(body)) errors.push(...formatErrors('body', validate.errors));
    }
    return errors.slice(0, MAX_ERRORS);
  }

  /** `body` is undefined when the response has none (204, 304, …). */
  validateResponse(match: RouteMatch, status: number, body: unknown): string[] {
    const declared = match.operation.responses?.[String(status)];
    const response = declared ? resolve<ResponseObject>(this.description, declared) : undefined;
    // The description lists few error statuses, and some without a body, yet GitHub answers any operation
    // with 401/403/404/422 and friends carrying a JSON message: those must look like GitHub's basic error.
    if (status >= 400 && !response?.content) {
      return body === undefined
        ? []
        : this.check('basic-error', { $ref: '#/components/schemas/basic-error' }, body);
    }
    if (!response) {
      const documented = Object.keys(match.operation.responses ?? {}).join(', ');
      return [`status ${status} is not documented for ${match.operationId} (documented: ${documented})`];
    }
    if (!response.content) {
      return body === undefined
        ? []
        : [`status ${status} of ${match.operationId} has no body, but one was sent`];
    }
    const schema = response.content['application/json']?.schema;
    if (!schema) return [];
    if (body === undefined) return [`status ${status} of ${match.operationId} needs a JSON body`];
    return this.check(`${match.operationId} ${status}`, schema, body);
  }

  private check(key: string, schema: JsonSchema, body: unknown): string[] {
    const validate = this.validator(key, this.bodies, () => this.bodySchemas.prepare(schema));
    return validate(body) ? [] : formatErrors('response', validate.errors).slice(0, MAX_ERRORS);
  }

  private parameterErrors(
    match: RouteMatch,
    place: 'path' | 'query',
    values: Record<string, string>,
  ): string[] {
    const validate = this.validator(`${match.operationId} ${place}`, this.parameters, () =>
      this.parameterSchema(match, place),
    );
    // Coercion rewrites values in place; the caller's strings stay untouched.
    return validate({ ...values }) ? [] : formatErrors(place, validate.errors);
  }

  private parameterSchema(match: RouteMatch, place: 'path' | 'query'): JsonSchema {
    const properties: Record<string, JsonSchema> = {};
    const required: string[] = [];
    for (const raw of match.operation.parameters ?? []) {
      const parameter = resolve<ParameterObject>(this.description, raw);
      if (parameter.in !== place) continue;
      properties[parameter.name] = parameter.schema ?? {};
      if (parameter.required) required.push(parameter.name);
    }
    return this.parameterSchemas.prepare({ type: 'object', properties, required });
  }

  private validator(key: string, ajv: Ajv, schema: () => JsonSchema): ValidateFunction {
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = ajv.compile(schema());
      this.compiled.set(key, validate);
    }
    return validate;
  }
}

// Routing tables and compiled validators are pure functions of the description: share them per process.
let shared: OpenApiValidator | undefined;

export function loadOpenApiValidator(): OpenApiValidator {
  shared ??= new OpenApiValidator(loadGitHubDescription());
  return shared;
}

function createAjv(coerceTypes: boolean): Ajv {
  // inlineRefs: false compiles each component once and shares it, instead of inlining copies per operation.
  const ajv = new Ajv({
    strict: false,
    allErrors: true,
    validateSchema: false,
    inlineRefs: false,
    coerceTypes,
    logger: false,
  });
  addFormats(ajv);
  for (const format of ANNOTATION_FORMATS) ajv.addFormat(format, true);
  return ajv;
}

function formatErrors(place: string, errors: ErrorObject[] | null | undefined): string[] {
  const messages = (errors ?? []).map((error) => {
    const detail =
      error.keyword === 'enum'
        ? ` (${JSON.stringify((error.params as { allowedValues?: unknown }).allowedValues)})`
        : error.keyword === 'additionalProperties'
          ? ` (${String((error.params as { additionalProperty?: unknown }).additionalProperty)})`
          : '';
    return `${place}${error.instancePath} ${error.message ?? error.keyword}${detail}`;
  });
  return [...new Set(messages)];
}
