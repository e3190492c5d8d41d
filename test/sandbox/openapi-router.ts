/**
 * Maps a method and a raw URL path to the operations of GitHub's description whose path template matches.
 * Parameters marked `x-multi-segment` in the description (ref, path, branch, sha, …) may span slashes;
 * the others match one segment. When several templates match, the most specific comes first: the one
 * with the most literal characters (so `/commits/{ref}/check-runs` wins over `/commits/{ref}` with
 * ref = "main/check-runs"), then the one with fewer greedy parameters.
 */
import { HTTP_METHODS, resolve } from './openapi-description.js';
import type { OpenApiDescription, OperationObject, ParameterObject } from './openapi-description.js';

export interface RouteMatch {
  method: string;
  template: string;
  operationId: string;
  operation: OperationObject;
  /** Path parameters, percent-decoded. */
  params: Record<string, string>;
}

interface Candidate {
  template: string;
  operationId: string;
  operation: OperationObject;
  pattern: RegExp;
  paramNames: string[];
  literalLength: number;
  greedyCount: number;
}

export class OperationRouter {
  private readonly byMethod = new Map<string, Candidate[]>();

  constructor(description: OpenApiDescription) {
    for (const [template, item] of Object.entries(description.paths)) {
      for (const method of HTTP_METHODS) {
        const operation = item[method];
        if (!operation) continue;
        const list = this.byMethod.get(method.toUpperCase()) ?? [];
        list.push(compileTemplate(description, template, operation));
        this.byMethod.set(method.toUpperCase(), list);
      }
    }
    for (const list of this.byMethod.values()) list.sort(bySpecificity);
  }

  /** Every operation whose template matches, most specific first. */
  match(method: string, rawPath: string): RouteMatch[] {
    const matches: RouteMatch[] = [];
    for (const candidate of this.byMethod.get(method.toUpperCase()) ?? []) {
      const found = candidate.pattern.exec(rawPath);
      if (!found) continue;
      const params = decodeParams(candidate.paramNames, found.slice(1));
      if (!params) continue;
      const { template, operationId, operation } = candidate;
      matches.push({ method: method.toUpperCase(), template, operationId, operation, params });
    }
    return matches;
  }
}

function compileTemplate(
  description: OpenApiDescription,
  template: string,
  operation: OperationObject,
): Candidate {
  const greedy = new Set(
    (operation.parameters ?? [])
      .map((parameter) => resolve<ParameterObject>(description, parameter))
      .filter((parameter) => parameter.in === 'path' && parameter['x-multi-segment'] === true)
      .map((parameter) => parameter.name),
  );
  const paramNames: string[] = [];
  let source = '';
  let literalLength = 0;
  // Splitting on placeholders also handles the one template with two in a segment ({base}...{head}).
  for (const piece of template.split(/(\{[^}]+\})/)) {
    const name = /^\{([^}]+)\}$/.exec(piece)?.[1];
    if (name === undefined) {
      source += piece.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      literalLength += piece.length;
    } else {
      paramNames.push(name);
      source += greedy.has(name) ? '(.+?)' : '([^/]+?)';
    }
  }
  return {
    template,
    operationId: operation.operationId ?? `${template}`,
    operation,
    pattern: new RegExp(`^${source}$`),
    paramNames,
    literalLength,
    greedyCount: greedy.size,
  };
}

function bySpecificity(a: Candidate, b: Candidate): number {
  return (
    b.literalLength - a.literalLength ||
    a.greedyCount - b.greedyCount ||
    a.paramNames.length - b.paramNames.length
  );
}

function decodeParams(names: string[], values: (string | undefined)[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (const [index, name] of names.entries()) {
    try {
      params[name] = decodeURIComponent(values[index] ?? '');
    } catch {
      return undefined;
    }
  }
  return params;
}
