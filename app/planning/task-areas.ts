/**
 * Reading a task's intent from its role, files and words: which side of the stack it touches, which
 * code a test covers, whether it is a spike or part of the MVP. Heuristics, kept in one place so the
 * strategies stay about ordering and these rules can be tuned against real plans.
 */
import type { AgentRole } from '../runs/run.js';

export interface AreaTask {
  id: string;
  role: AgentRole;
  title: string;
  description: string;
  files: readonly string[];
  mvp?: boolean | undefined;
}

export type Area = 'backend' | 'frontend' | 'integration';

const INTEGRATION_WORDS = /\b(e2e|end-to-end|integration|playwright|cypress|acceptance)\b/i;
const BACKEND_WORDS =
  /\b(server|api|apis|backend|db|database|sql|migrations?|schemas?|endpoints?|routes?|models?|services?|queues?|workers?|graphql|handlers?|store|repository)\b/gi;
const FRONTEND_WORDS =
  /\b(ui|web|frontend|front-end|client|components?|pages?|views?|css|scss|sass|less|styles?|layouts?|buttons?|forms?|screens?|react|vue|svelte|tsx|jsx|html)\b/gi;
const LAST_ROLES: readonly AgentRole[] = ['integrator', 'reviewer', 'docs'];

/**
 * Backend, frontend, or the integration that joins them. File paths weigh twice as much as words
 * because they say where the change lands; a task with no signal (shared types, config) counts as
 * backend, i.e. foundation work that the rest builds on.
 */
export function classifyArea(task: AreaTask): Area {
  if (LAST_ROLES.includes(task.role)) return 'integration';
  const paths = task.files.map((f) => f.replace(/[/._]+/g, ' ')).join(' ');
  const words = `${task.title} ${task.description}`;
  if (INTEGRATION_WORDS.test(paths) || INTEGRATION_WORDS.test(task.title)) return 'integration';
  const backend = 2 * count(BACKEND_WORDS, paths) + count(BACKEND_WORDS, words);
  const frontend = 2 * count(FRONTEND_WORDS, paths) + count(FRONTEND_WORDS, words);
  return frontend > backend ? 'frontend' : 'backend';
}

/** `pattern` is global, so match() counts every hit (and, unlike test(), keeps no state between calls). */
function count(pattern: RegExp, text: string): number {
  return text.match(pattern)?.length ?? 0;
}

/**
 * What a file is about, so a test file and the file it tests meet: `test/theme.test.ts`,
 * `src/theme.ts`, `tests/test_theme.py` and `theme_test.go` all give `theme`.
 */
export function coverKey(path: string): string {
  const base = path.split('/').pop() ?? path;
  return base
    .toLowerCase()
    .replace(/\.[^.]*$/, '')
    .replace(/([._-](test|tests|spec|specs))+$/, '')
    .replace(/^(test|tests|spec)[._-]/, '');
}

/**
 * Finds the tests that touch the same files as a piece of code, or the test files of the same modules.
 * Indexed once by file and by cover key, so matching every coder task stays linear in the files.
 */
export function testsCovering(tests: readonly AreaTask[]): (code: AreaTask) => string[] {
  const index = new Map<string, string[]>();
  const add = (key: string, id: string) => {
    const ids = index.get(key);
    if (!ids) index.set(key, [id]);
    else if (!ids.includes(id)) ids.push(id);
  };
  for (const test of tests) {
    for (const file of test.files) {
      add(`path:${file}`, test.id);
      const key = coverKey(file);
      if (key) add(`key:${key}`, test.id);
    }
  }
  return (code) => {
    const found = new Set<string>();
    for (const file of code.files) {
      for (const id of index.get(`path:${file}`) ?? []) found.add(id);
      const key = coverKey(file);
      for (const id of key ? (index.get(`key:${key}`) ?? []) : []) found.add(id);
    }
    // In plan order, so the dependencies read the way the plan does.
    return tests.filter((t) => found.has(t.id)).map((t) => t.id);
  };
}

const SPIKE_WORDS = /\b(spike|prototype|proof[- ]of[- ]concept|poc)\b/i;

export function isSpike(task: AreaTask): boolean {
  return SPIKE_WORDS.test(task.id.replace(/-/g, ' ')) || SPIKE_WORDS.test(task.title);
}

export function isMarkedMvp(task: AreaTask): boolean {
  return task.mvp === true || /\bmvp\b/i.test(task.title);
}
