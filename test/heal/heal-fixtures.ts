/**
 * Small broken projects for the healing tests: a git repository made from files, its failing command
 * run for real (with this repository's eslint, prettier and tsc on PATH — nothing is installed), the
 * output wrapped the way the Actions job log shows it, and classified by the real analyser.
 */
import { spawnSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { AgentBackend, AgentContext, AgentOutcome } from '../../app/agents/agent-backend.js';
import { buildAgentPrompt } from '../../app/agents/agent-prompt.js';
import { ScriptedBackend, type ScriptedAttempt } from '../../app/agents/scripted-backend.js';
import { analyseFailure } from '../../app/heal/analyse-failure.js';
import { loadPrompt, renderPrompt } from '../../app/prompts/prompt-library.js';
import type { FailureAnalysis } from '../../app/heal/failure-analysis.js';
import { createTestRepo, type TestRepo } from '../agent-task/task-fixtures.js';

/** PATH with this repository's node_modules/.bin first, so projects find eslint, prettier, tsc, jest. */
export function toolEnv(): NodeJS.ProcessEnv {
  const bin = join(process.cwd(), 'node_modules', '.bin');
  return {
    PATH: `${bin}:${process.env.PATH ?? ''}`,
    HOME: process.env.HOME ?? '/tmp',
    LANG: 'C.UTF-8',
  };
}

/** A project whose main worktree is `repo.clone`, one commit on main, a bare origin. */
export function createProject(files: Record<string, string>): Promise<TestRepo> {
  return createTestRepo({ '.gitignore': 'node_modules/\n', ...files });
}

/** Runs a command line in the project the way the CI step would (through a shell, like `run:`). */
export function runInProject(dir: string, command: string): { exitCode: number; output: string } {
  const ran = spawnSync('/bin/sh', ['-c', command], {
    cwd: dir,
    env: { ...toolEnv(), CI: 'true', NO_COLOR: '1' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { exitCode: ran.status ?? 1, output: `${ran.stdout}${ran.stderr}` };
}

/** The job log GitHub serves for a job whose `run:` step ran `command` and printed `output`. */
export function actionsJobLog(command: string, output: string, exitCode: number): string {
  let second = 0;
  const stamp = () => `2026-11-23T10:00:${String(second++ % 60).padStart(2, '0')}.1234567Z `;
  const lines = [
    '##[group]Run actions/checkout@v4',
    'with:',
    '  fetch-depth: 1',
    '##[endgroup]',
    `##[group]Run ${command}`,
    command,
    'shell: /usr/bin/bash -e {0}',
    '##[endgroup]',
    ...output.replace(/\n$/, '').split('\n'),
    `##[error]Process completed with exit code ${exitCode}.`,
  ];
  return `${lines.map((line) => `${stamp()}${line}`).join('\n')}\n`;
}

/** Runs the failing command for real and classifies its log; the command must fail. */
export function failAndAnalyse(dir: string, command: string, jobName = 'ci'): FailureAnalysis {
  const ran = runInProject(dir, command);
  if (ran.exitCode === 0) throw new Error(`\`${command}\` passed in ${dir}; the fixture should make it fail`);
  return analyseFailure([{ jobName, log: actionsJobLog(command, ran.output, ran.exitCode) }]);
}

export function packageJson(fields: Record<string, unknown>): string {
  return `${JSON.stringify({ name: 'demo', version: '1.0.0', private: true, ...fields }, null, 2)}\n`;
}

/** Repositories made by a test file, removed after it. */
export function projects(): {
  make(files: Record<string, string>): Promise<TestRepo>;
  removeAll(): Promise<void>;
} {
  const made: TestRepo[] = [];
  return {
    async make(files) {
      const repo = await createProject(files);
      made.push(repo);
      return repo;
    },
    removeAll: () =>
      Promise.all(made.map((repo) => rm(repo.root, { recursive: true, force: true }))).then(() => undefined),
  };
}

/** The scripted backend, which also renders the prompt a real backend would start from. */
export class PromptedScript implements AgentBackend {
  readonly name = 'scripted';
  readonly prompts: string[] = [];
  private readonly script: ScriptedBackend;
  constructor(attempts: ScriptedAttempt[]) {
    this.script = new ScriptedBackend(attempts);
  }
  async run(context: AgentContext): Promise<AgentOutcome> {
    const prompt = await buildAgentPrompt(context, {
      load: (name) => loadPrompt(name),
      render: renderPrompt,
    });
    this.prompts.push(prompt.system);
    return this.script.run(context);
  }
}
