/**
 * A real project for local-mode tests and the local benchmark: a Node package whose `npm test` is
 * `node --test`, `.github/autodev.yml` with that as its test gate, committed on `main`; plus the scripted
 * agent attempts (AUTODEV_AGENT_SCRIPT) that make each task add its own module and a test for it.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { ScriptedAttempt } from '../../app/agents/scripted-backend.js';

const run = promisify(execFile);

/** The parent's GIT_* variables (set when tests run from a git hook) would point git elsewhere. */
function gitEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('GIT_')));
  return {
    ...env,
    GIT_AUTHOR_NAME: 'Dev',
    GIT_AUTHOR_EMAIL: 'dev@example.com',
    GIT_COMMITTER_NAME: 'Dev',
    GIT_COMMITTER_EMAIL: 'dev@example.com',
  };
}

export async function git(dir: string, ...args: string[]): Promise<string> {
  const { stdout } = await run('git', args, { cwd: dir, env: gitEnv() });
  return stdout.trim();
}

export async function writeFiles(root: string, files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
}

export const PROJECT_FILES: Record<string, string> = {
  'package.json': `${JSON.stringify({ name: 'shapes', version: '1.0.0', type: 'module', private: true, scripts: { test: 'node --test' } }, null, 2)}\n`,
  '.github/autodev.yml': 'gates:\n  test: npm test\n',
  'src/index.js': 'export const name = "shapes";\n',
  'test/index.test.js': [
    "import assert from 'node:assert/strict';",
    "import { test } from 'node:test';",
    "import { name } from '../src/index.js';",
    '',
    "test('has a name', () => assert.equal(name, 'shapes'));",
    '',
  ].join('\n'),
};

export interface Workspace {
  /** Holds the repository, the spec and the script. */
  root: string;
  repo: string;
}

/** A fresh temp folder with the project committed on main in `<root>/repo`. */
export async function makeProject(files: Record<string, string> = PROJECT_FILES): Promise<Workspace> {
  const root = await mkdtemp(join(tmpdir(), 'autodev-local-'));
  const repo = join(root, 'repo');
  await mkdir(repo);
  await git(repo, 'init', '--quiet', '--initial-branch=main');
  await writeFiles(repo, files);
  await git(repo, 'add', '--all');
  await git(repo, 'commit', '--quiet', '-m', 'Initial commit');
  return { root, repo };
}

/** A module `src/<id>.js` exporting `<id>()` that returns `answer`, and a test expecting `expected`. */
export function moduleAttempt(id: string, answer: number, expected = answer): ScriptedAttempt {
  return {
    summary: `Added src/${id}.js with a test.`,
    actions: [
      { write: `src/${id}.js`, content: `export function ${id}() {\n  return ${answer};\n}\n` },
      {
        write: `test/${id}.test.js`,
        content: [
          "import assert from 'node:assert/strict';",
          "import { test } from 'node:test';",
          `import { ${id} } from '../src/${id}.js';`,
          '',
          `test('${id} answers', () => assert.equal(${id}(), ${expected}));`,
          '',
        ].join('\n'),
      },
    ],
  };
}

/** Writes the attempts by task id where AUTODEV_AGENT_SCRIPT can point; returns the path. */
export async function writeScript(root: string, script: Record<string, ScriptedAttempt[]>): Promise<string> {
  const path = join(root, 'agents.json');
  await writeFile(path, JSON.stringify(script, null, 2));
  return path;
}

/** A spec whose list items the outline planner turns into tasks t1…tn. */
export function listSpec(titles: string[]): string {
  return ['# Shapes', '', 'Add the shape helpers:', '', ...titles.map((title) => `- ${title}`), ''].join(
    '\n',
  );
}
