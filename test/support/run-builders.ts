/** Building blocks for Runs with fixed times, shared by the golden-file fixtures. */
import type { Task } from '../../app/runs/run.js';

export const FIXED_NOW = new Date('2025-01-15T10:12:34Z');

/** A time on the fixtures' day, e.g. at('10:00:00'). */
export const at = (time: string) => `2025-01-15T${time}Z`;

/** A queued coder task with nothing spent; `extra` overrides any field. */
export function aTask(id: string, title: string, extra: Partial<Task> = {}): Task {
  return {
    id,
    title,
    role: 'coder',
    dependsOn: [],
    state: 'queued',
    links: {},
    tokens: 0,
    costUsd: 0,
    ...extra,
  };
}
