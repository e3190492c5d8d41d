/** The agent action's inputs and the runner variables it needs, read once and checked. */
import type { RepoRef } from '../../../app/runs/run.js';
import { requireRunnerVariable, runnerRepository } from '../../../app/runners/runner-env.js';

export interface JobInputs {
  runId: string;
  taskId: string;
  planFile: string;
  token: string;
  backend: string;
  attempts: number;
  base: string;
}

type GetInput = (name: string, options?: { required?: boolean }) => string;

export function readJobInputs(getInput: GetInput): JobInputs {
  const attemptsText = getInput('attempts').trim() || '3';
  const attempts = Number(attemptsText);
  if (!Number.isInteger(attempts) || attempts < 1 || attempts > 10) {
    throw new Error(`attempts must be a whole number from 1 to 10, not "${attemptsText}"`);
  }
  return {
    runId: getInput('run-id', { required: true }).trim(),
    taskId: getInput('task-id', { required: true }).trim(),
    planFile: getInput('plan-file', { required: true }).trim(),
    token: getInput('github-token', { required: true }),
    backend: getInput('backend').trim(),
    attempts,
    base: getInput('base').trim(),
  };
}

export interface AgentRunnerEnv {
  workspace: string;
  temp: string;
  repository: RepoRef;
  apiUrl: string;
  /** The workflow run's page, linked from the check run. */
  jobUrl?: string;
  behindProxy: boolean;
}

export function readRunnerEnv(env: NodeJS.ProcessEnv): AgentRunnerEnv {
  const need = (name: string): string => requireRunnerVariable(env, name);
  const repository = runnerRepository(env);
  const server = env.GITHUB_SERVER_URL?.trim() || 'https://github.com';
  const runId = env.GITHUB_RUN_ID?.trim();
  return {
    workspace: need('GITHUB_WORKSPACE'),
    temp: need('RUNNER_TEMP'),
    repository,
    apiUrl: env.GITHUB_API_URL?.trim() || 'https://api.github.com',
    ...(runId ? { jobUrl: `${server}/${repository.owner}/${repository.repo}/actions/runs/${runId}` } : {}),
    behindProxy: ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'].some((name) =>
      Boolean(env[name]),
    ),
  };
}
