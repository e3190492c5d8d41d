import { describe, expect, it } from '@jest/globals';
import { extractJson } from '../../app/planning/extract-json.js';
import { formatPath, parsePrp, planJsonSchema } from '../../app/planning/prp-schema.js';
import { normaliseTaskIds, slugifyTaskId, TASK_ID_PATTERN } from '../../app/planning/task-ids.js';
import { aPrp, aTask } from './plan-fixtures.js';

function errorsOf(raw: unknown): string[] {
  const result = parsePrp(raw);
  if (result.ok) throw new Error('expected the answer to be rejected');
  return result.errors;
}

describe('parsePrp', () => {
  it('accepts a good plan and fills the optional fields', () => {
    const tasks = [{ ...aTask('a'), files: undefined, dependsOn: undefined, acceptance: undefined }];
    const result = parsePrp(aPrp({ tasks, context: undefined, validationGates: undefined }));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.prp.context).toBe('');
    expect(result.prp.validationGates).toEqual([]);
    expect(result.prp.tasks[0]).toMatchObject({ files: [], dependsOn: [], acceptance: [] });
    expect(result.prp.tasks[0]?.candidates).toBeUndefined();
  });

  it('ignores keys the schema does not know rather than spending a retry on them', () => {
    const result = parsePrp(aPrp({ confidence: 0.9 }));
    expect(result.ok).toBe(true);
  });

  it.each([
    [
      'a bad role',
      { tasks: [aTask('a', { role: 'developer' as never })] },
      /^tasks\[0\]\.role: .*"coder".* \(got "developer"\)$/,
    ],
    ['a missing field', { why: undefined }, /^why: is missing$/],
    ['no acceptance criteria', { acceptanceCriteria: [] }, /^acceptanceCriteria: .*>=1 items/],
    [
      'a fractional estimate',
      { tasks: [aTask('a', { estimate: 12.5 })] },
      /^tasks\[0\]\.estimate: expected int/,
    ],
    ['a zero estimate', { tasks: [aTask('a', { estimate: 0 })] }, /^tasks\[0\]\.estimate: .*>0/],
    ['zero candidates', { tasks: [aTask('a', { candidates: 0 })] }, /^tasks\[0\]\.candidates: .*>=1/],
    ['an unknown strategy', { strategy: 'yolo' }, /^strategy: .*"waterfall".* \(got "yolo"\)$/],
    ['an unknown pattern', { pattern: 'star' }, /^pattern: .*"fork-join"/],
    ['no tasks', { tasks: [] }, /^tasks: .*>=1 items/],
    [
      'files as a string',
      { tasks: [aTask('a', { files: 'src/a.ts' as never })] },
      /^tasks\[0\]\.files: expected array/,
    ],
  ])('reports %s with a readable path', (_name, overrides, pattern) => {
    expect(errorsOf(aPrp(overrides))).toEqual([expect.stringMatching(pattern)]);
  });

  it('reports an answer that is not an object as a whole', () => {
    expect(errorsOf(['a'])).toEqual(['(the answer): expected object, received array']);
  });

  it('lists many problems at once, but not endlessly', () => {
    const tasks = Array.from({ length: 30 }, (_, i) => aTask(`t${i}`, { role: 'x' as never }));
    const errors = errorsOf(aPrp({ tasks }));
    expect(errors).toHaveLength(21);
    expect(errors.at(-1)).toBe('…and 10 more problems');
  });

  it('formats paths the way a reader looks them up', () => {
    expect(formatPath(['tasks', 2, 'dependsOn', 0])).toBe('tasks[2].dependsOn[0]');
    expect(formatPath([])).toBe('(the answer)');
  });
});

describe('planJsonSchema', () => {
  it('is JSON Schema text describing the answer, with optional fields left out of required', () => {
    const schema = JSON.parse(planJsonSchema()) as {
      required: string[];
      properties: { tasks: { items: { required: string[]; properties: Record<string, unknown> } } };
    };
    expect(schema.required).toEqual(
      expect.arrayContaining(['goal', 'why', 'what', 'acceptanceCriteria', 'strategy', 'pattern', 'tasks']),
    );
    expect(schema.required).not.toContain('context');
    const task = schema.properties.tasks.items;
    expect(task.required).toEqual(expect.arrayContaining(['id', 'title', 'role', 'description', 'estimate']));
    expect(task.required).not.toContain('candidates');
    expect(Object.keys(task.properties)).toEqual(
      expect.arrayContaining(['files', 'dependsOn', 'acceptance']),
    );
    expect(planJsonSchema()).toBe(planJsonSchema());
  });
});

describe('task ids', () => {
  it.each([
    ['Set up the API (v2)!', 'set-up-the-api-v2'],
    ['Ünïcödé Tåsk', 'unicode-task'],
    ['---', 'task'],
    ['a'.repeat(60), 'a'.repeat(40)],
    ['API__Endpoint', 'api-endpoint'],
    // autodev/<run>/integration is the run's integration branch, beside the task branches.
    ['Integration', 'integration-task'],
  ])('slugify(%j) = %j', (input, slug) => {
    expect(slugifyTaskId(input)).toBe(slug);
    expect(slugifyTaskId(input)).toMatch(TASK_ID_PATTERN);
  });

  it('dedupes with suffixes and rewrites dependencies to the new ids', () => {
    const { tasks, unknown } = normaliseTaskIds([
      { id: 'Task A', dependsOn: [] },
      { id: 'task a', dependsOn: ['Task A'] },
      { id: 'B', dependsOn: ['task-a', 'task a', 'nope', 'Task A'] },
      { id: 'x'.repeat(45), dependsOn: [] },
      { id: 'x'.repeat(41), dependsOn: [] },
    ]);
    expect(tasks.map((t) => t.id)).toEqual([
      'task-a',
      'task-a-2',
      'b',
      'x'.repeat(40),
      `${'x'.repeat(38)}-2`,
    ]);
    expect(tasks[1]?.dependsOn).toEqual(['task-a']);
    // Exact original ids win over slugs; a dependency named twice is kept once.
    expect(tasks[2]?.dependsOn).toEqual(['task-a', 'task-a-2']);
    expect(unknown).toEqual([{ taskId: 'b', missing: 'nope' }]);
    for (const task of tasks) expect(task.id).toMatch(TASK_ID_PATTERN);
  });
});

describe('extractJson', () => {
  const plan = { goal: 'x', nested: { text: 'a } brace "quoted"' } };

  it.each([
    ['bare JSON', JSON.stringify(plan)],
    ['a ```json fence', `Here is the plan:\n\`\`\`json\n${JSON.stringify(plan, null, 2)}\n\`\`\`\nThanks!`],
    ['a plain fence', `\`\`\`\n${JSON.stringify(plan)}\n\`\`\``],
    ['leading and trailing prose', `Sure! ${JSON.stringify(plan)} Let me know {if} that helps.`],
  ])('reads %s', (_name, text) => {
    expect(extractJson(text)).toEqual({ ok: true, value: plan });
  });

  it('says when there is no JSON, or when it does not parse', () => {
    expect(extractJson('I cannot plan this.')).toEqual({
      ok: false,
      error: expect.stringMatching(/holds no JSON object/),
    });
    expect(extractJson('{"goal": "x",')).toEqual({
      ok: false,
      error: expect.stringMatching(/^the answer's JSON does not parse: /),
    });
  });
});
