/** The merge order: dependencies first, otherwise the given order; cycles and duplicates refused. */
import { describe, expect, it } from '@jest/globals';
import { mergeOrder } from '../../app/integrate/merge-order.js';

const t = (taskId: string, ...dependsOn: string[]) => ({ taskId, dependsOn });
const order = (...tasks: ReturnType<typeof t>[]) => mergeOrder(tasks).map((task) => task.taskId);

describe('mergeOrder', () => {
  it('keeps the given order when nothing depends on anything in the wave', () => {
    expect(order(t('c'), t('a'), t('b'))).toEqual(['c', 'a', 'b']);
  });

  it('moves a task after the tasks it depends on, and no further', () => {
    expect(order(t('b', 'a'), t('c'), t('a'))).toEqual(['c', 'a', 'b']);
    expect(order(t('d', 'c'), t('c', 'b'), t('b', 'a'), t('a'))).toEqual(['a', 'b', 'c', 'd']);
    expect(order(t('x'), t('z', 'x', 'y'), t('y'))).toEqual(['x', 'y', 'z']);
  });

  it('ignores dependencies merged by an earlier wave, and a task naming itself', () => {
    expect(order(t('b', 'earlier'), t('a', 'a'))).toEqual(['b', 'a']);
  });

  it('refuses a cycle and a task listed twice, saying which', () => {
    expect(() => order(t('a', 'b'), t('b', 'a'), t('c'))).toThrow(
      'The tasks a, b depend on each other in a cycle',
    );
    expect(() => order(t('a'), t('b'), t('a'))).toThrow('The wave lists the task a twice');
  });

  it('returns the same task objects', () => {
    const tasks = [t('b', 'a'), t('a')];
    expect(mergeOrder(tasks)).toEqual([tasks[1], tasks[0]]);
  });
});
