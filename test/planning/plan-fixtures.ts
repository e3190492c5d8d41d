/** Planner answers for the planning tests and the benchmark: a small realistic PRP and large random ones. */
import fc from 'fast-check';
import { STRATEGIES } from '../../app/commands/command.js';
import type { Strategy } from '../../app/commands/command.js';
import { AGENT_ROLES } from '../../app/runs/run.js';
import type { AgentRole } from '../../app/runs/run.js';
import type { GraphTask } from '../../app/planning/task-graph.js';

export interface RawTask {
  id: string;
  title: string;
  role: AgentRole;
  description: string;
  files: string[];
  dependsOn: string[];
  acceptance: string[];
  estimate: number;
  candidates?: number;
  mvp?: boolean;
}

export function aTask(id: string, overrides: Partial<RawTask> = {}): RawTask {
  return {
    id,
    title: `Do ${id}`,
    role: 'coder',
    description: `Implement ${id}.`,
    files: [`src/${id}.ts`],
    dependsOn: [],
    acceptance: [`${id} works`],
    estimate: 30,
    ...overrides,
  };
}

/** A dark-mode PRP as a good model would answer it. */
export function aPrp(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    goal: 'People can switch the settings page between a light and a dark theme.',
    why: 'Night-time users asked for a darker screen.',
    what: 'A toggle on the settings page; the choice is remembered per browser.',
    context: 'Theme tokens live in src/theme/tokens.ts; follow src/settings/page.tsx.',
    acceptanceCriteria: ['The settings page has a theme toggle', 'The choice survives a reload'],
    validationGates: ['npm test'],
    strategy: 'feature-first',
    pattern: 'fork-join',
    tasks: [
      aTask('tokens', {
        title: 'Add dark theme tokens',
        files: ['src/theme/tokens.ts'],
        estimate: 20,
      }),
      aTask('api', {
        title: 'Store the theme preference in the settings API',
        files: ['server/api/settings.ts'],
        estimate: 40,
      }),
      aTask('toggle', {
        title: 'Theme toggle component',
        files: ['src/components/theme-toggle.tsx'],
        dependsOn: ['tokens', 'api'],
        estimate: 45,
      }),
      aTask('toggle-tests', {
        title: 'Test the toggle',
        role: 'tester',
        files: ['test/components/theme-toggle.test.tsx'],
        dependsOn: ['toggle'],
        estimate: 25,
      }),
    ],
    ...overrides,
  };
}

/** Deterministic PRNG (mulberry32), so the benchmark measures the same plan every time. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const AREAS = [
  'server/api',
  'server/db',
  'src/components',
  'src/pages',
  'src/styles',
  'lib/shared',
  'test/e2e',
];
const VERBS = ['Add', 'Refactor', 'Wire', 'Validate', 'Document', 'Test', 'Migrate', 'Cache'];
const NOUNS = ['billing', 'profile', 'search', 'theme', 'audit log', 'export', 'invite flow', 'rate limit'];

/**
 * A `count`-task answer whose dependencies point only at earlier tasks (so it is a DAG), with 0–3
 * dependencies per task mostly on recent ones, the way real plans chain work, and realistic text sizes.
 */
export function randomPrp(
  count: number,
  seed = 1,
  strategy: Strategy = 'feature-first',
): Record<string, unknown> {
  const random = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const tasks: RawTask[] = [];
  for (let i = 0; i < count; i++) {
    const deps = new Set<string>();
    const wanted = i === 0 ? 0 : Math.floor(random() * 4);
    for (let d = 0; d < wanted; d++) {
      const back = 1 + Math.floor(random() * Math.min(i, 12));
      deps.add(`task-${i - back}`);
    }
    const area = pick(AREAS);
    const noun = pick(NOUNS);
    tasks.push({
      id: `task-${i}`,
      title: `${pick(VERBS)} ${noun} in ${area} (${i})`,
      role: pick(AGENT_ROLES.filter((r) => r !== 'planner')),
      description:
        `Change ${area} so that ${noun} behaves as the spec says. Follow the existing module layout, keep the public API stable, and cover the edge cases listed in the acceptance checks. `.repeat(
          2,
        ),
      files: [`${area}/${noun.replace(/ /g, '-')}-${i}.ts`, `${area}/index.ts`],
      dependsOn: [...deps],
      acceptance: [`${noun} works end to end`, `no regression in ${area}`],
      estimate: 10 + Math.floor(random() * 80),
      ...(random() < 0.05 ? { candidates: 2 } : {}),
    });
  }
  return {
    ...aPrp(),
    strategy,
    acceptanceCriteria: Array.from({ length: 8 }, (_, i) => `Criterion ${i + 1} holds`),
    validationGates: ['npm test', 'npm run lint'],
    tasks,
  };
}

export const ALL_STRATEGIES: readonly Strategy[] = STRATEGIES;

/** A random DAG: each task depends only on earlier ones, then the order is shuffled. */
export const randomDag = (minTasks: number, maxTasks: number): fc.Arbitrary<GraphTask[]> =>
  fc
    .integer({ min: minTasks, max: maxTasks })
    .chain((n) =>
      fc.tuple(
        fc.array(fc.array(fc.nat(), { maxLength: 4 }), { minLength: n, maxLength: n }),
        fc.shuffledSubarray(
          Array.from({ length: n }, (_, i) => i),
          { minLength: n, maxLength: n },
        ),
      ),
    )
    .map(([picks, order]) => {
      const tasks = picks.map((deps, i) => ({
        id: `t${i}`,
        dependsOn: i === 0 ? [] : [...new Set(deps.map((d) => `t${d % i}`))],
      }));
      return order.map((i) => tasks[i] as GraphTask);
    });
