/**
 * The agent action: one task of a plan, in the job the agents workflow started for it. Reads its inputs
 * once, runs the job (app/agent-task/agent-job.ts), and reports the result four ways: the `result` and
 * `status` outputs, `$RUNNER_TEMP/autodev-result-<task>.json` (uploaded as an artifact by the
 * workflow), the job summary, and a failed step when the task failed.
 */
import * as core from '@actions/core';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TaskResult } from '../../../app/agents/task-result.js';
import { failedResult, runAgentJob } from '../../../app/agent-task/agent-job.js';
import { redactDeep } from '../../../app/agent-task/redacting-log.js';
import { redactSecrets, secretValuesFromEnv } from '../../../app/workspace/redact.js';
import { actionsLog } from '../../control/src/actions-log.js';
import { readJobInputs, readRunnerEnv } from './job-inputs.js';
import { renderSummary } from './render-summary.js';

export function resultPath(temp: string, taskId: string): string {
  return join(temp, `autodev-result-${taskId}.json`);
}

export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const started = Date.now();
  const token = core.getInput('github-token');
  const redact = (text: string) => redactSecrets(text, [...secretValuesFromEnv(env), token]);
  const runId = core.getInput('run-id').trim();
  const taskId = core.getInput('task-id').trim();
  let title = taskId;
  let result: TaskResult;
  let temp: string | undefined;
  try {
    const inputs = readJobInputs(core.getInput);
    const runner = readRunnerEnv(env);
    temp = runner.temp;
    const job = await runAgentJob({
      ...inputs,
      workspace: runner.workspace,
      temp: runner.temp,
      repository: runner.repository,
      apiUrl: runner.apiUrl,
      detailsUrl: runner.jobUrl,
      behindProxy: runner.behindProxy,
      env,
      log: actionsLog('info', { run: inputs.runId, task: inputs.taskId }),
    });
    title = job.task.title;
    result = job.result;
  } catch (error) {
    // The job stopped before its task could: still report, so the control plane learns why.
    const message = redact(error instanceof Error ? error.message : String(error));
    result = failedResult(runId, taskId, message, Date.now() - started);
  }
  try {
    result = redactDeep(result, redact);
    const json = JSON.stringify(result);
    if (temp && taskId) await writeFile(resultPath(temp, taskId), `${JSON.stringify(result, null, 2)}\n`);
    core.setOutput('result', json);
    core.setOutput('status', result.status);
    if (env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(redact(renderSummary(title, result))).write();
    if (result.status === 'failed') core.setFailed(`autodev task ${taskId}: ${result.reason ?? 'failed'}`);
  } catch (error) {
    core.setFailed(redact(error instanceof Error ? error.message : String(error)));
  }
}
