import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { randomDag } from './plan-fixtures.js';
import {
  checkGraph,
  computeWaves,
  criticalPath,
  formatGraphError,
  type GraphTask,
} from '../../app/planning/task-graph.js';

const t = (id: string, ...dependsOn: string[]): GraphTask & { minutes: number } => ({
  id,
  dependsOn,
  minutes: 10,
});
const messages = (tasks: GraphTask[]) => checkGraph(tasks).map(formatGraphError);

describe('checkGraph', () => {
  it('accepts a DAG', () => {
    expect(checkGraph([t('a'), t('b', 'a'), t('c', 'a', 'b')])).toEqual([]);
  });

  it('names the tasks of a cycle in order, starting from the first in the plan', () => {
    const tasks = [t('x'), t('c', 'a'), t('a', 'b'), t('b', 'c'), t('d', 'c')];
    expect(checkGraph(tasks)).toEqual([{ kind: 'cycle', cycle: ['c', 'a', 'b'] }]);
    expect(messages(tasks)).toEqual(['the plan has a cycle: c → a → b → c (each task depends on the next)']);
  });

  it('reports a two-task cycle and separate cycles separately', () => {
    expect(messages([t('a', 'b'), t('b', 'a'), t('p', 'q'), t('q', 'p')])).toEqual([
      'the plan has a cycle: a → b → a (each task depends on the next)',
      'the plan has a cycle: p → q → p (each task depends on the next)',
    ]);
  });

  it('reports unknown dependencies, self-dependencies and duplicate ids, and keeps going', () => {
    expect(messages([t('a', 'ghost'), t('b', 'b'), t('a')])).toEqual([
      'two tasks have the id "a"',
      'task "a" depends on "ghost", which is not a task in the plan',
      'task "b" depends on itself',
    ]);
  });

  it('handles a 10,000-task chain without running out of stack', () => {
    const chain = Array.from({ length: 10_000 }, (_, i) => t(`t${i}`, ...(i > 0 ? [`t${i - 1}`] : [])));
    chain[0] = t('t0', 't9999');
    const [error] = checkGraph(chain);
    expect(error?.kind).toBe('cycle');
    if (error?.kind === 'cycle') expect(error.cycle).toHaveLength(10_000);
  });
});

describe('computeWaves', () => {
  it('groups by topological level and keeps the plan order inside a wave', () => {
    const tasks = [t('d', 'b', 'c'), t('c', 'a'), t('b'), t('a'), t('e', 'a')];
    expect(computeWaves(tasks).map((wave) => wave.map((x) => x.id))).toEqual([['b', 'a'], ['c', 'e'], ['d']]);
  });
});

describe('criticalPath', () => {
  it('follows the longest chain by estimate, not by task count', () => {
    const tasks = [
      { id: 'a', dependsOn: [], minutes: 5 },
      { id: 'b', dependsOn: ['a'], minutes: 5 },
      { id: 'c', dependsOn: ['b'], minutes: 5 },
      { id: 'big', dependsOn: [], minutes: 40 },
      { id: 'end', dependsOn: ['c', 'big'], minutes: 10 },
    ];
    expect(criticalPath(tasks, (x) => x.minutes)).toEqual({ minutes: 50, path: ['big', 'end'] });
    expect(criticalPath([], () => 1)).toEqual({ minutes: 0, path: [] });
  });
});

describe('properties of random DAGs of up to 500 tasks', () => {
  it('has no graph errors, and every task sits in a later wave than each of its dependencies', () => {
    fc.assert(
      fc.property(randomDag(1, 500), (tasks) => {
        expect(checkGraph(tasks)).toEqual([]);
        const wave = new Map<string, number>();
        computeWaves(tasks).forEach((group, k) => group.forEach((task) => wave.set(task.id, k)));
        expect(wave.size).toBe(tasks.length);
        const wrong = tasks.filter((task) => {
          const mine = wave.get(task.id) ?? -1;
          // Topological *level*: after every dependency, and no later than the deepest one needs.
          const deepest = Math.max(-1, ...task.dependsOn.map((d) => wave.get(d) ?? Infinity));
          return mine !== deepest + 1;
        });
        expect(wrong).toEqual([]);
      }),
      { numRuns: 50 },
    );
  });

  it('finds a cycle as soon as one edge closes a loop', () => {
    fc.assert(
      fc.property(randomDag(400, 500), fc.nat(), (tasks, pick) => {
        // Pick a task with a dependency and make that dependency (transitively) wait for it.
        const withDep = tasks.filter((x) => x.dependsOn.length > 0);
        fc.pre(withDep.length > 0);
        const task = withDep[pick % withDep.length] as GraphTask;
        const dep = task.dependsOn[0] as string;
        const looped = tasks.map((x) => (x.id === dep ? { ...x, dependsOn: [...x.dependsOn, task.id] } : x));
        const cycles = checkGraph(looped).filter((e) => e.kind === 'cycle');
        expect(cycles.length).toBeGreaterThan(0);
        for (const error of cycles) {
          if (error.kind !== 'cycle') continue;
          // Each named task really depends on the next one.
          const byId = new Map(looped.map((x) => [x.id, x]));
          error.cycle.forEach((id, i) => {
            const next = error.cycle[(i + 1) % error.cycle.length] as string;
            expect(byId.get(id)?.dependsOn).toContain(next);
          });
        }
      }),
      { numRuns: 50 },
    );
  });
});
