/** The runner's environment and event file, turned into the one delivery this workflow run handles. */
import { readFile } from 'node:fs/promises';
import { actionOf, repoOfPayload } from '../../../app/core/event-fields.js';
import type { RepoRef } from '../../../app/runs/run.js';
import type { DeliveryInput } from '../../../app/store/store.js';
import { requireRunnerVariable, runnerRepository } from '../../../app/runners/runner-env.js';

/** What the Actions runner tells a step about its workflow run. */
export interface RunnerEnv {
  eventName: string;
  eventPath: string;
  repository: RepoRef;
  runId: string;
  runAttempt: string;
  apiUrl: string;
  serverUrl: string;
  /** GITHUB_STEP_SUMMARY; absent when the action runs outside a runner. */
  stepSummary?: string;
  behindProxy: boolean;
}

export function readRunnerEnv(env: NodeJS.ProcessEnv): RunnerEnv {
  const need = (name: string): string => requireRunnerVariable(env, name);
  const repository = runnerRepository(env);
  return {
    eventName: need('GITHUB_EVENT_NAME'),
    eventPath: need('GITHUB_EVENT_PATH'),
    repository,
    runId: need('GITHUB_RUN_ID'),
    runAttempt: env.GITHUB_RUN_ATTEMPT?.trim() || '1',
    apiUrl: env.GITHUB_API_URL?.trim() || 'https://api.github.com',
    serverUrl: env.GITHUB_SERVER_URL?.trim() || 'https://github.com',
    ...(env.GITHUB_STEP_SUMMARY ? { stepSummary: env.GITHUB_STEP_SUMMARY } : {}),
    behindProxy: ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'].some((name) =>
      Boolean(env[name]),
    ),
  };
}

/**
 * The delivery for a workflow run attempt. Its id is `<run id>-<attempt>`: the same attempt is the same
 * delivery, while re-running the job is a new one (the first may have stopped half way).
 */
export function deliveryFromEvent(runner: RunnerEnv, payload: unknown): DeliveryInput {
  const repo = repoOfPayload(payload) ?? runner.repository;
  const action = actionOf(payload);
  return {
    id: `${runner.runId}-${runner.runAttempt}`,
    event: runner.eventName,
    ...(action ? { action } : {}),
    repo: `${repo.owner}/${repo.repo}`,
    payload,
  };
}

export async function readWorkflowEvent(runner: RunnerEnv): Promise<DeliveryInput> {
  let payload: unknown;
  try {
    payload = JSON.parse(await readFile(runner.eventPath, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read the event at GITHUB_EVENT_PATH (${runner.eventPath}): ${String(error)}`, {
      cause: error,
    });
  }
  return deliveryFromEvent(runner, payload);
}
