import { describe, expect, it } from '@jest/globals';
import { convertSchema } from './openapi-schema.js';
import { loadOpenApiValidator } from './openapi-validator.js';
import type { RouteMatch } from './openapi-validator.js';

const validator = loadOpenApiValidator();

function operation(method: string, path: string): RouteMatch {
  const match = validator.findOperation(method, path);
  if (!match) throw new Error(`no operation for ${method} ${path}`);
  return match;
}

describe('routing against GitHub paths', () => {
  it.each([
    ['GET', '/repos/o/r/git/ref/heads/feature/x', 'git/get-ref', { ref: 'heads/feature/x' }],
    [
      'PATCH',
      '/repos/o/r/git/refs/heads/autodev/run-1/task-a',
      'git/update-ref',
      { ref: 'heads/autodev/run-1/task-a' },
    ],
    ['GET', '/repos/o/r/commits/main/check-runs', 'checks/list-for-ref', { ref: 'main' }],
    ['GET', '/repos/o/r/commits/feature/x/check-runs', 'checks/list-for-ref', { ref: 'feature/x' }],
    ['GET', '/repos/o/r/commits/feature/x', 'repos/get-commit', { ref: 'feature/x' }],
    ['GET', '/repos/o/r/contents/src/lib/a.ts', 'repos/get-content', { path: 'src/lib/a.ts' }],
    ['GET', '/repos/o/r/contents/src%2Flib%2Fa.ts', 'repos/get-content', { path: 'src/lib/a.ts' }],
    ['GET', '/repos/o/r/branches/feat/x', 'repos/get-branch', { branch: 'feat/x' }],
    ['GET', '/repos/o/r/branches/feat/x/protection', 'repos/get-branch-protection', { branch: 'feat/x' }],
    [
      'POST',
      '/repos/o/r/actions/workflows/ci.yml/dispatches',
      'actions/create-workflow-dispatch',
      { workflow_id: 'ci.yml' },
    ],
    ['GET', '/repos/o/r/issues/comments/7', 'issues/get-comment', { comment_id: '7' }],
    ['GET', '/repos/o/r/issues/7', 'issues/get', { issue_number: '7' }],
  ])('%s %s → %s', (method, path, operationId, params) => {
    const match = operation(method, path);
    expect(match.operationId).toBe(operationId);
    expect(match.params).toMatchObject(params);
  });

  it('finds no operation for paths or parameters outside the description', () => {
    expect(validator.findOperation('GET', '/repos/o/r/not-an-endpoint')).toBeUndefined();
    expect(validator.findOperation('GET', '/repos/o/r/issues/abc')).toBeUndefined();
    expect(validator.findOperation('DELETE', '/repos/o/r/issues/1')).toBeUndefined();
  });
});

describe('request validation', () => {
  const createIssue = operation('POST', '/repos/o/r/issues');

  it('accepts what the description allows (title may be a string or an integer)', () => {
    expect(validator.validateRequest(createIssue, {}, { title: 'Bug', labels: ['autodev'] })).toEqual([]);
    expect(validator.validateRequest(createIssue, {}, { title: 5 })).toEqual([]);
  });

  it('names what the body gets wrong', () => {
    expect(validator.validateRequest(createIssue, {}, { title: { text: 'Bug' } })).toEqual([
      'body/title must be string',
      'body/title must be integer',
      'body/title must match a schema in anyOf',
    ]);
    expect(validator.validateRequest(createIssue, {}, { body: 'no title' })).toEqual([
      "body must have required property 'title'",
    ]);
  });

  it('checks query parameters after coercing them from strings', () => {
    const list = operation('GET', '/repos/o/r/issues');
    expect(validator.validateRequest(list, { state: 'closed', per_page: '100' }, undefined)).toEqual([]);
    expect(validator.validateRequest(list, { state: 'opened' }, undefined)).toEqual([
      'query/state must be equal to one of the allowed values (["open","closed","all"])',
    ]);
  });

  it('requires a body where the description does', () => {
    const comment = operation('POST', '/repos/o/r/issues/1/comments');
    expect(validator.validateRequest(comment, {}, undefined)).toEqual(['body is required']);
  });
});

describe('response validation catches a simulator that got GitHub wrong', () => {
  const getLabel = operation('GET', '/repos/o/r/labels/bug');
  const label = {
    id: 1,
    node_id: 'MDU6TGFiZWwx',
    url: 'http://127.0.0.1/repos/o/r/labels/bug',
    name: 'bug',
    description: null,
    color: 'ededed',
    default: false,
  };

  it('accepts a well-formed body, including nullable fields set to null', () => {
    expect(validator.validateResponse(getLabel, 200, label)).toEqual([]);
  });

  it('reports missing fields, wrong types and bad formats', () => {
    const { color: _color, ...withoutColor } = label;
    expect(validator.validateResponse(getLabel, 200, withoutColor)).toEqual([
      "response must have required property 'color'",
    ]);
    expect(validator.validateResponse(getLabel, 200, { ...label, id: '1' })).toEqual([
      'response/id must be integer',
    ]);
    expect(validator.validateResponse(getLabel, 200, { ...label, url: 'not a url' })).toEqual([
      'response/url must match format "uri"',
    ]);
    expect(validator.validateResponse(getLabel, 200, { ...label, name: null })).toEqual([
      'response/name must be string',
    ]);
  });

  it('reports statuses the operation does not document, and bodies where none belong', () => {
    expect(validator.validateResponse(getLabel, 201, label)[0]).toMatch(/status 201 is not documented/);
    const deleteComment = operation('DELETE', '/repos/o/r/issues/comments/1');
    expect(validator.validateResponse(deleteComment, 204, undefined)).toEqual([]);
    expect(validator.validateResponse(deleteComment, 204, { ok: true })[0]).toMatch(/has no body/);
  });

  it('lets any operation fail with 4xx as long as the body is a GitHub error', () => {
    const error = { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' };
    expect(validator.validateResponse(getLabel, 404, error)).toEqual([]);
    expect(validator.validateResponse(getLabel, 401, { ...error, message: 'Bad credentials' })).toEqual([]);
    expect(validator.validateResponse(getLabel, 404, { message: 404 })).toEqual([
      'response/message must be string',
    ]);
  });
});

describe('OpenAPI 3.0 → JSON Schema', () => {
  it('reads oneOf as anyOf, because GitHub overlaps its branches', () => {
    const conflict = operation('PUT', '/repos/o/r/contents/a.md');
    const error = { message: 'a.md does not match 0123', documentation_url: 'https://docs.github.com/rest' };
    expect(validator.validateResponse(conflict, 409, error)).toEqual([]);
    expect(convertSchema({ oneOf: [{ type: 'string' }, { type: 'integer' }] }, new Set())).toEqual({
      anyOf: [{ type: 'string' }, { type: 'integer' }],
    });
  });

  it('turns nullable into a null alternative without touching properties named like keywords', () => {
    const dependencies = new Set<string>();
    const schema = convertSchema(
      {
        type: 'object',
        properties: {
          nullable: { type: 'string', nullable: true, enum: ['a'] },
          description: { $ref: '#/components/schemas/simple-user', nullable: true },
          example: { allOf: [{ type: 'object' }], nullable: true },
        },
        example: { ignored: true },
      },
      dependencies,
    );
    expect(schema).toEqual({
      type: 'object',
      properties: {
        nullable: { type: ['string', 'null'], enum: ['a', null] },
        description: { anyOf: [{ $ref: 'github-openapi:simple-user' }, { type: 'null' }] },
        example: { anyOf: [{ allOf: [{ type: 'object' }] }, { type: 'null' }] },
      },
    });
    expect([...dependencies]).toEqual(['simple-user']);
  });
});

describe('cost', () => {
  it('validates a warm request in well under 5 ms', () => {
    const match = operation('GET', '/repos/o/r/issues/1/comments');
    validator.validateRequest(match, { per_page: '100' }, undefined);
    const rounds = 200;
    const start = performance.now();
    for (let round = 0; round < rounds; round += 1) {
      const found = validator.findOperation('GET', '/repos/o/r/issues/1/comments');
      if (found) validator.validateRequest(found, { per_page: '100' }, undefined);
    }
    expect((performance.now() - start) / rounds).toBeLessThan(5);
  });
});
