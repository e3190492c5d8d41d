/**
 * The integrate action: merges one wave's task branches in the job the agents workflow runs after the
 * wave. Reads its inputs once, runs the job (app/integrate/integration-job.ts), and reports three ways:
 * the `result` output, `$RUNNER_TEMP/autodev-integration-<wave>.json`, and the job summary; the step
 * fails when a conflict stayed unresolved or a gate failed on the integrated tree.
 */
import * as core from '@actions/core';
import { getOctokit } from '@actions/github';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { redactDeep } from '../../../app/agent-task/redacting-log.js';
import { publishIntegration } from '../../../app/finish/state-branch-integrations.js';
import { runIntegrationJob } from '../../../app/integrate/integration-job.js';
import { GitHubScm } from '../../../app/scm/github-scm.js';
import { redactSecrets, secretValuesFromEnv } from '../../../app/workspace/redact.js';
import { readRunnerEnv } from '../../agent/src/job-inputs.js';
import { actionsLog } from '../../control/src/actions-log.js';
import { readIntegrateInputs } from './integrate-inputs.js';
import { integrationProblem, renderSummary } from './render-summary.js';

export function resultPath(temp: string, wave: number): string {
  return join(temp, `autodev-integration-${wave}.json`);
}

function githubScm(token: string, runner: { apiUrl: string; behindProxy: boolean }): GitHubScm {
  const octokit = getOctokit(token, {
    baseUrl: runner.apiUrl,
    // As in the agent action: the platform's fetch unless only @actions/github's honours a proxy.
    ...(runner.behindProxy ? {} : { request: { fetch: globalThis.fetch } }),
  });
  return new GitHubScm({ request: (route, parameters) => octokit.request(route, parameters) });
}

export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const token = core.getInput('github-token');
  const redact = (text: string) => redactSecrets(text, [...secretValuesFromEnv(env), token]);
  try {
    const inputs = readIntegrateInputs(core.getInput);
    const runner = readRunnerEnv(env);
    const result = redactDeep(
      await runIntegrationJob({
        ...inputs,
        workspace: runner.workspace,
        temp: runner.temp,
        env,
        log: actionsLog('info', { run: inputs.runId, wave: inputs.wave }),
      }),
      redact,
    );
    await writeFile(resultPath(runner.temp, inputs.wave), `${JSON.stringify(result, null, 2)}\n`);
    // The control plane reads the result from the state branch when it finishes the run.
    await publishIntegration(githubScm(token, runner), runner.repository, inputs.wave, result).catch(
      (error: unknown) => core.warning(redact(`could not publish the integration result: ${String(error)}`)),
    );
    core.setOutput('result', JSON.stringify(result));
    if (env.GITHUB_STEP_SUMMARY)
      await core.summary.addRaw(redact(renderSummary(inputs.wave, result))).write();
    const problem = integrationProblem(result);
    if (problem) core.setFailed(redact(`autodev integration of wave ${inputs.wave}: ${problem}`));
  } catch (error) {
    core.setFailed(redact(error instanceof Error ? error.message : String(error)));
  }
}
