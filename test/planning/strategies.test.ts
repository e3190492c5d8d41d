import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { Strategy } from '../../app/commands/command.js';
import type { PrpTask } from '../../app/planning/prp-schema.js';
import { shapeByStrategy, STRATEGY_GUIDANCE } from '../../app/planning/strategies.js';
import { classifyArea, coverKey } from '../../app/planning/task-areas.js';
import { checkGraph, computeWaves, topologicalOrder } from '../../app/planning/task-graph.js';
import { AGENT_ROLES } from '../../app/runs/run.js';
import { aTask, ALL_STRATEGIES, randomDag } from './plan-fixtures.js';

const task = (id: string, overrides: Partial<PrpTask> = {}): PrpTask => ({ ...aTask(id), ...overrides });
const depsOf = (tasks: PrpTask[]) => Object.fromEntries(tasks.map((t) => [t.id, t.dependsOn]));
const waveIds = (tasks: PrpTask[]) => computeWaves(tasks).map((w) => w.map((t) => t.id));

/** For each task, every task it waits for directly or through others. */
function ancestors(tasks: readonly PrpTask[]): Map<string, Set<string>> {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const found = new Map<string, Set<string>>();
  for (const id of topologicalOrder(tasks)) {
    const set = new Set<string>();
    for (const dep of byId.get(id)?.dependsOn ?? []) {
      set.add(dep);
      for (const a of found.get(dep) ?? []) set.add(a);
    }
    found.set(id, set);
  }
  return found;
}

describe('waterfall', () => {
  it('chains the phases design/docs → code → integration → tests → review', () => {
    const tasks = [
      task('review', { role: 'reviewer' }),
      task('code-a'),
      task('code-b', { dependsOn: ['code-a'] }),
      task('tests', { role: 'tester' }),
      task('design', { role: 'docs' }),
    ];
    const shaped = shapeByStrategy(tasks, 'waterfall');
    expect(depsOf(shaped.tasks)).toEqual({
      review: ['tests'],
      'code-a': ['design'],
      'code-b': ['code-a'],
      tests: ['code-b'],
      design: [],
    });
    expect(waveIds(shaped.tasks)).toEqual([['design'], ['code-a'], ['code-b'], ['tests'], ['review']]);
    expect(shaped.note).toMatch(/^Waterfall: 4 phases/);
  });

  it('replaces a dependency that runs against the phases by the dependencies behind it', () => {
    const tasks = [
      task('base'),
      task('docs', { role: 'docs', dependsOn: ['code'] }),
      task('code', { dependsOn: ['base'] }),
    ];
    const shaped = shapeByStrategy(tasks, 'waterfall');
    // docs waited for code; in waterfall docs come first, so docs keeps nothing of code's (code-phase) chain.
    expect(depsOf(shaped.tasks)).toEqual({ base: ['docs'], docs: [], code: ['base'] });
    expect(shaped.note).toMatch(/1 dependency that ran against this order was replaced/);
  });
});

describe('test-driven', () => {
  it('puts the tests first and makes code wait for the tests of its files, or for all tests', () => {
    const tasks = [
      task('types', { files: ['src/types.ts'] }),
      task('theme', { files: ['src/theme.ts'], dependsOn: ['types'] }),
      task('router', { files: ['src/router.ts'], dependsOn: ['types'] }),
      task('theme-tests', { role: 'tester', files: ['test/theme.test.ts'], dependsOn: ['theme'] }),
      task('e2e', { role: 'tester', files: ['test/e2e/flows.spec.ts'] }),
    ];
    const shaped = shapeByStrategy(tasks, 'test-driven');
    expect(depsOf(shaped.tasks)).toEqual({
      types: ['theme-tests', 'e2e'],
      theme: ['types', 'theme-tests'],
      router: ['types', 'theme-tests', 'e2e'],
      // The test no longer waits for the code it covers.
      'theme-tests': [],
      e2e: [],
    });
    expect(shaped.note).toBe(
      'Test-driven: tests come first; coder tasks wait for the tests of their files (1) or, with no overlapping files, for all tests (2). 1 dependency that ran against this order was replaced by the dependencies behind it.',
    );
  });

  it('leaves a plan without tests alone', () => {
    const tasks = [task('a'), task('b', { dependsOn: ['a'] })];
    const shaped = shapeByStrategy(tasks, 'test-driven');
    expect(shaped.tasks).toEqual(tasks);
    expect(shaped.note).toMatch(/no tester tasks/);
  });

  it('matches test files to the code they cover', () => {
    expect(
      [
        'test/theme.test.ts',
        'src/theme.tsx',
        'tests/test_theme.py',
        'pkg/theme_test.go',
        'theme.spec.js',
      ].map(coverKey),
    ).toEqual(['theme', 'theme', 'theme', 'theme', 'theme']);
  });
});

describe('feature-first', () => {
  it('orders backend, then frontend, then integration', () => {
    const tasks = [
      task('page', { files: ['web/pages/settings.tsx'], title: 'Settings page' }),
      task('e2e', { role: 'tester', files: ['test/e2e/settings.spec.ts'] }),
      task('route', { files: ['server/api/settings.ts'], title: 'Settings API route' }),
      task('schema', { files: ['db/migrations/001_theme.sql'] }),
      task('css', { files: ['src/styles/dark.css'] }),
    ];
    const shaped = shapeByStrategy(tasks, 'feature-first');
    expect(waveIds(shaped.tasks)).toEqual([['route', 'schema'], ['page', 'css'], ['e2e']]);
    expect(shaped.note).toMatch(
      /^Feature-first: 2 backend and shared, then 2 frontend, then 1 integration tasks/,
    );
  });

  it('reads the area from paths first, then words, and treats unmarked work as foundation', () => {
    expect(classifyArea(task('x', { files: ['src/components/Button.tsx'], title: 'Call the API' }))).toBe(
      'frontend',
    );
    expect(classifyArea(task('x', { files: [], title: 'Add a database index', description: '' }))).toBe(
      'backend',
    );
    expect(classifyArea(task('x', { files: ['src/config.ts'], title: 'Read config', description: '' }))).toBe(
      'backend',
    );
    expect(classifyArea(task('x', { role: 'docs' }))).toBe('integration');
  });
});

describe('risk-driven', () => {
  it('adds a spike everything waits for when the plan has none', () => {
    const shaped = shapeByStrategy([task('a'), task('b', { dependsOn: ['a'] })], 'risk-driven');
    expect(shaped.tasks[0]).toMatchObject({ id: 'spike', role: 'coder', dependsOn: [] });
    expect(depsOf(shaped.tasks)).toEqual({ spike: [], a: ['spike'], b: ['a'] });
    expect(shaped.note).toMatch(/the spike "spike" that was added/);
  });

  it("uses the plan's own spike and moves it first", () => {
    const shaped = shapeByStrategy([task('a'), task('prototype-sync', { dependsOn: ['a'] })], 'risk-driven');
    expect(depsOf(shaped.tasks)).toEqual({ a: ['prototype-sync'], 'prototype-sync': [] });
  });
});

describe('agile', () => {
  it('runs the smallest coder task and what it needs first, then the rest', () => {
    const tasks = [
      task('base', { estimate: 50 }),
      task('tiny', { estimate: 10, dependsOn: ['base'] }),
      task('other', { estimate: 40 }),
      task('more', { estimate: 20, dependsOn: ['other'] }),
    ];
    const shaped = shapeByStrategy(tasks, 'agile');
    expect(depsOf(shaped.tasks)).toEqual({ base: [], tiny: ['base'], other: ['tiny'], more: ['other'] });
    expect(shaped.note).toMatch(/^Agile: an MVP of 2 tasks \(the smallest coder task/);
  });

  it('prefers the tasks the planner marked as MVP', () => {
    const shaped = shapeByStrategy(
      [task('a', { estimate: 5 }), task('b', { mvp: true }), task('c', { title: 'MVP screen' })],
      'agile',
    );
    expect(waveIds(shaped.tasks)).toEqual([['b', 'c'], ['a']]);
  });
});

it('has guidance for the prompt for every strategy', () => {
  for (const strategy of ALL_STRATEGIES) expect(STRATEGY_GUIDANCE[strategy].length).toBeGreaterThan(20);
});

const FILES = [
  'server/api/a.ts',
  'db/schema.sql',
  'src/components/b.tsx',
  'src/styles/c.css',
  'src/a.ts',
  'test/a.test.ts',
  'test/e2e/x.spec.ts',
];
const TITLES = ['Build it', 'Spike the sync', 'MVP page', 'Integration wiring', 'Add API', 'UI polish'];

/** Random plans: a random DAG dressed with roles, files and titles that every strategy reacts to. */
const randomPlan = (min: number, max: number): fc.Arbitrary<PrpTask[]> =>
  randomDag(min, max).chain((dag) =>
    fc
      .array(
        fc.record({
          role: fc.constantFrom(...AGENT_ROLES),
          files: fc.subarray(FILES, { maxLength: 2 }),
          title: fc.constantFrom(...TITLES),
          estimate: fc.integer({ min: 1, max: 120 }),
          mvp: fc.boolean(),
        }),
        { minLength: dag.length, maxLength: dag.length },
      )
      .map((dress) =>
        dag.map((node, i) => task(node.id, { ...node, dependsOn: [...node.dependsOn], ...dress[i] })),
      ),
  );

describe('properties', () => {
  it('no strategy ever creates a cycle or a dangling dependency (plans of up to 500 tasks)', () => {
    fc.assert(
      fc.property(randomPlan(1, 500), fc.constantFrom(...ALL_STRATEGIES), (tasks, strategy) => {
        const shaped = shapeByStrategy(tasks, strategy);
        expect(checkGraph(shaped.tasks)).toEqual([]);
        const before = new Set(tasks.map((t) => t.id));
        const added = shaped.tasks.filter((t) => !before.has(t.id)).map((t) => t.id);
        expect(added).toEqual(strategy === 'risk-driven' && added.length > 0 ? ['spike'] : []);
      }),
      { numRuns: 60 },
    );
  });

  it('phase strategies keep every original pair of tasks ordered, one way or the other', () => {
    const phased: Strategy[] = ['waterfall', 'feature-first', 'agile', 'risk-driven'];
    fc.assert(
      fc.property(randomPlan(1, 40), fc.constantFrom(...phased), (tasks, strategy) => {
        const reach = ancestors(shapeByStrategy(tasks, strategy).tasks);
        const unordered = tasks.flatMap((t) =>
          t.dependsOn.filter((dep) => !reach.get(t.id)?.has(dep) && !reach.get(dep)?.has(t.id)),
        );
        expect(unordered).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('test-driven: every coder task waits for the tests that cover its files', () => {
    fc.assert(
      fc.property(randomPlan(1, 40), (tasks) => {
        const shaped = shapeByStrategy(tasks, 'test-driven').tasks;
        const reach = ancestors(shaped);
        const tests = shaped.filter((t) => t.role === 'tester');
        for (const code of shaped.filter((t) => t.role === 'coder')) {
          for (const test of tests) {
            const overlap = test.files.some((f) => code.files.some((c) => coverKey(c) === coverKey(f)));
            if (overlap) expect(reach.get(code.id)?.has(test.id)).toBe(true);
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});
