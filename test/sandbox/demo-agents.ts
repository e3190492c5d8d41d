/**
 * What `autodev sandbox` needs to run agent jobs with no model: a real git repository holding the
 * seeded files (the agent and integrate actions clone it and push to it), a scripted agent that writes
 * one note per task (outline-planner task ids t1…tN, so merges never conflict), and a reviewer that
 * always answers the same review.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { CompletionModel } from '../../app/models/completion-model.js';

const run = promisify(execFile);
const git = (cwd: string, ...args: string[]) => run('git', args, { cwd });

/** A bare repository whose default branch holds `files`, like the simulator's seeded repository. */
export async function seedGitRepository(files: Record<string, string>, branch: string): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'autodev-sandbox-git-'));
  const bare = join(root, 'origin.git');
  const work = join(root, 'seed');
  await run('git', ['init', '--quiet', '--bare', `--initial-branch=${branch}`, bare]);
  await run('git', ['init', '--quiet', `--initial-branch=${branch}`, work]);
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(work, path)), { recursive: true });
    await writeFile(join(work, path), text);
  }
  await git(work, 'add', '--all');
  await git(
    work,
    '-c',
    'user.name=autodev sandbox',
    '-c',
    'user.email=sandbox@autodev.invalid',
    'commit',
    '--quiet',
    '-m',
    'Initial commit',
  );
  await git(work, 'push', '--quiet', bare, branch);
  return bare;
}

/** AUTODEV_AGENT_SCRIPT for up to `tasks` outline tasks: each writes docs/autodev/<task>.md. */
export async function writeDemoAgentScript(tasks = 50): Promise<string> {
  const script: Record<string, unknown> = {};
  for (let i = 1; i <= tasks; i++) {
    const id = `t${i}`;
    script[id] = [
      {
        actions: [
          {
            write: `docs/autodev/${id}.md`,
            content: `# ${id}\n\nWritten by the sandbox's scripted agent.\n`,
          },
        ],
        summary: `Wrote docs/autodev/${id}.md.`,
      },
    ];
  }
  const path = join(await mkdtemp(join(tmpdir(), 'autodev-sandbox-script-')), 'agents.json');
  await writeFile(path, JSON.stringify(script));
  return path;
}

/** The reviewer's model in the sandbox: the same short review every time. */
export const demoReviewModel: CompletionModel = {
  async complete() {
    const review = {
      verdict: 'comment',
      summary: 'Sandbox review: the scripted agents wrote one note per task.',
      comments: [],
    };
    return {
      text: JSON.stringify(review),
      usage: {
        inputTokens: 0,
        outputTokens: 0,
        tokens: 0,
        costUsd: 0,
        provider: 'scripted',
        model: 'sandbox-reviewer',
      },
    };
  },
};
