/**
 * The control action (Actions-only mode): handles the one event that started this workflow run with
 * the same engine the hosted app uses. Reads its inputs once; any error fails the step with its message.
 */
import * as core from '@actions/core';
import { createActionsRuntime } from '../../../app/runtime/actions-runtime.js';
import { actionsLog, parseLogLevel } from './actions-log.js';
import { renderSummary } from './render-summary.js';
import { readRunnerEnv, readWorkflowEvent } from './workflow-event.js';

export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  try {
    const token = core.getInput('github-token', { required: true });
    const databaseUrl = core.getInput('database-url');
    // A URL typed into the workflow rather than taken from a secret would otherwise show in the log.
    if (databaseUrl) core.setSecret(databaseUrl);
    const log = actionsLog(parseLogLevel(core.getInput('log-level')));
    const runner = readRunnerEnv(env);
    const input = await readWorkflowEvent(runner);

    const runtime = await createActionsRuntime({
      token,
      repository: runner.repository,
      apiUrl: runner.apiUrl,
      behindProxy: runner.behindProxy,
      ...(databaseUrl ? { databaseUrl } : {}),
      ...(env.AUTODEV_PLANNER ? { plannerSpec: env.AUTODEV_PLANNER } : {}),
      log,
    });
    try {
      const outcome = await runtime.handle(input);
      log.info({ runId: outcome.run?.id, state: outcome.run?.state }, `${input.event}: ${outcome.kind}`);
      core.setOutput('run-id', outcome.run?.id ?? '');
      core.setOutput('state', outcome.run?.state ?? '');
      if (runner.stepSummary)
        await core.summary.addRaw(renderSummary(input, outcome, runner.serverUrl)).write();
    } finally {
      await runtime.close();
    }
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : String(error));
  }
}
