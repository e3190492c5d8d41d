/**
 * The auto-fix action, in three modes that the auto-fix workflow runs as three jobs. `heal` (read-only
 * token; for a fork no secrets) makes and verifies the fix in the checkout of the head commit and
 * writes it as a patch; `publish` (write token; runs none of the head's code) pushes it; `report`
 * (runs none of it either) puts what both did on the state branch for the control plane's progress
 * comment. Reads its inputs once; any error fails the step with its message, redacted, which is also
 * the `error` output so the report can tell it.
 */
import * as core from '@actions/core';
import { getOctokit } from '@actions/github';
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { backendFor } from '../../../app/agents/agent-registry.js';
import type { AgentBackend } from '../../../app/agents/agent-backend.js';
import { backendDeps, backendName, readConfig } from '../../../app/agent-task/agent-job.js';
import { runAutoFixJob, type AutoFixJobResult } from '../../../app/heal/auto-fix-job.js';
import {
  autoFixReport,
  parseHealResult,
  parsePublishResult,
  type ReportInput,
} from '../../../app/heal/auto-fix-report.js';
import { publishAutoFixReport } from '../../../app/heal/auto-fix-state.js';
import { publishFix } from '../../../app/heal/publish-fix.js';
import { renderAttempt, renderFixReport } from '../../../app/heal/render-fix.js';
import type { AutodevConfig } from '../../../app/config/config-schema.js';
import { GitHubScm } from '../../../app/scm/github-scm.js';
import { redactSecrets, secretValuesFromEnv } from '../../../app/workspace/redact.js';
import { readRunnerEnv } from '../../agent/src/job-inputs.js';
import { readAutoFixInputs, type FixInputs, type ReportInputs } from './auto-fix-inputs.js';

export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const token = core.getInput('github-token');
  const redact = (text: string) => redactSecrets(text, [...secretValuesFromEnv(env), token]);
  try {
    const runner = readRunnerEnv(env);
    const inputs = readAutoFixInputs(core.getInput, runner.temp);
    const octokit = getOctokit(inputs.token, {
      baseUrl: runner.apiUrl,
      ...(runner.behindProxy ? {} : { request: { fetch: globalThis.fetch } }),
    });
    const scm = new GitHubScm({ request: (route, parameters) => octokit.request(route, parameters) });
    if (inputs.mode === 'report') {
      await report({ scm, runner, inputs, redact });
      return;
    }
    // The config comes from the trusted checkout (the workflow's own commit), never from the head.
    const config = await readConfig(runner.workspace);
    const deps = { scm, runner, inputs, config, env, redact };
    if (inputs.mode === 'heal') await heal(deps);
    else await publish(deps);
  } catch (error) {
    const message = redact(error instanceof Error ? error.message : String(error));
    core.setOutput('error', message);
    core.setFailed(message);
  }
}

interface Deps {
  scm: GitHubScm;
  runner: ReturnType<typeof readRunnerEnv>;
  inputs: FixInputs;
  config: AutodevConfig;
  env: NodeJS.ProcessEnv;
  redact: (text: string) => string;
}

async function heal({ scm, runner, inputs, config, env, redact }: Deps): Promise<void> {
  const agent = await agentFor(inputs, config, env);
  const result = await runAutoFixJob({
    scm,
    repository: runner.repository,
    target: inputs.target,
    ...(inputs.runId === undefined ? {} : { runId: inputs.runId }),
    ...(inputs.attempts === undefined ? {} : { attempts: inputs.attempts }),
    dir: resolve(runner.workspace, inputs.path),
    config,
    ...('backend' in agent ? { agent: agent.backend } : { noAgentReason: agent.reason }),
    patchFile: inputs.patchFile,
    env,
    secrets: [inputs.token],
    onAttempt: (attempt) => core.info(redact(renderAttempt(attempt))),
  });
  const json = redact(JSON.stringify(result));
  await writeFile(inputs.resultFile, `${json}\n`);
  core.setOutput('result', json);
  core.setOutput('fixed', String(result.fix.fixed));
  core.setOutput('fork', String(result.target.fork));
  if (env.GITHUB_STEP_SUMMARY) {
    await core.summary
      .addHeading('autodev auto-fix', 3)
      .addRaw(redact(renderFixReport(result)))
      .write();
  }
  core.info(redact(`auto-fix: ${result.fix.reason}`));
}

async function publish({ scm, runner, inputs, config, redact }: Deps): Promise<void> {
  const heal = JSON.parse(await readFile(inputs.resultFile, 'utf8')) as AutoFixJobResult;
  if (!heal.fix.fixed || !heal.commitMessage) {
    throw new Error(`there is no verified fix to publish: ${heal.fix.reason}`);
  }
  const published = await publishFix({
    scm,
    repository: runner.repository,
    target:
      'pullRequest' in inputs.target
        ? inputs.target
        : { branch: inputs.target.branch, headSha: heal.target.headSha },
    headSha: heal.target.headSha,
    patchFile: inputs.patchFile,
    message: redact(heal.commitMessage),
    dir: runner.workspace,
    config,
    body: redact(renderFixReport(heal)),
  });
  core.setOutput('result', JSON.stringify(published));
  core.setOutput('fixed', 'true');
  core.setOutput('fork', String(heal.target.fork));
  core.info(
    published.kind === 'pushed'
      ? `pushed the fix ${published.commit.slice(0, 7)} to ${published.branch}`
      : `${published.created ? 'opened' : 'updated'} the fix pull request #${published.number} from ${published.branch}`,
  );
}

/**
 * Builds the report from heal's result file (absent when heal failed early) and publish's output, and
 * writes it to the state branch, replacing the report of an earlier attempt of this run.
 */
async function report({
  scm,
  runner,
  inputs,
  redact,
}: Pick<Deps, 'scm' | 'runner' | 'redact'> & { inputs: ReportInputs }): Promise<void> {
  const heal = await healOutcome(inputs.resultFile);
  const built = autoFixReport({
    workflowRunId: inputs.workflowRunId,
    heal: {
      outcome: inputs.heal.outcome,
      ...heal,
      ...(inputs.heal.error ? { error: inputs.heal.error } : {}),
    },
    publish: {
      outcome: inputs.publish.outcome,
      result: inputs.publish.result ? parsePublishResult(inputs.publish.result) : null,
      ...(inputs.publish.error ? { error: inputs.publish.error } : {}),
    },
  });
  const redacted = redactStrings(built, redact);
  await publishAutoFixReport(scm, runner.repository, redacted);
  core.setOutput('result', JSON.stringify(redacted));
  core.setOutput('fixed', String(redacted.fixed));
  core.info(
    `auto-fix report of run ${redacted.workflowRunId}: ${redacted.fixed ? 'fixed' : 'not fixed'} — ${redacted.reason}`,
  );
}

async function healOutcome(resultFile: string): Promise<Pick<ReportInput['heal'], 'result' | 'unreadable'>> {
  let json: string;
  try {
    json = await readFile(resultFile, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { result: null };
    throw error;
  }
  const parsed = parseHealResult(json);
  return parsed.ok ? { result: parsed.heal } : { result: null, unreadable: parsed.reason };
}

/** Every string in a JSON value with secrets replaced (the value's shape stays as it was). */
function redactStrings<T>(value: T, redact: (text: string) => string): T {
  const walk = (v: unknown): unknown =>
    typeof v === 'string'
      ? redact(v)
      : Array.isArray(v)
        ? v.map(walk)
        : v !== null && typeof v === 'object'
          ? Object.fromEntries(Object.entries(v).map(([key, inner]) => [key, walk(inner)]))
          : v;
  return walk(value) as T;
}

/** The agent backend for fixes healers cannot make, or why there is none (no model key, typically). */
async function agentFor(
  inputs: FixInputs,
  config: AutodevConfig,
  env: NodeJS.ProcessEnv,
): Promise<{ backend: AgentBackend } | { reason: string }> {
  try {
    const name = backendName({ backend: inputs.backend, env });
    return {
      backend: backendFor(name, await backendDeps({ env }, { role: 'coder', taskId: 'auto-fix' }, config)),
    };
  } catch (error) {
    return { reason: `no agent could start (${error instanceof Error ? error.message : String(error)})` };
  }
}
