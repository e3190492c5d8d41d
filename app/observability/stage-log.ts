/**
 * One log line per step of a run, derived from what each save changed: planned, wave dispatched,
 * task started and finished, wave completed, wave integrated, integrating, pull request opened, ended.
 * Lines carry runId (and taskId for a task, deliveryId when a delivery caused the change), so a filter
 * on runId tells a run's whole story.
 */
import { childLog, type Log } from '../core/logger.js';
import type { WaveIntegration } from '../finish/integration-source.js';
import type { Run } from '../runs/run.js';
import type { RunChange, RunObserver } from './run-observer.js';

/** Messages, as a filter on `msg` would use them. */
export const STAGES = {
  planned: 'run planned',
  dispatched: 'wave dispatched',
  taskStarted: 'task started',
  taskFinished: 'task finished',
  waveCompleted: 'wave completed',
  waveIntegrated: 'wave integrated',
  integrating: 'integrating',
  pullRequest: 'pull request opened',
  ended: 'run ended',
} as const;

export function stageLog(base: Log): RunObserver {
  return {
    runChanged: (change) => logChange(change, base),
    runError(run, error) {
      childLog(base, { runId: run.id }).warn({ err: error }, 'run step failed');
    },
    waveIntegrated(run, wave, result) {
      logIntegration(childLog(base, { runId: run.id }), wave, result);
    },
  };
}

function logChange({ before, after, log }: RunChange, base: Log): void {
  const runLog = childLog(log ?? base, { runId: after.id });
  if (before.state !== after.state && (after.state === 'running' || after.state === 'awaiting-approval')) {
    if (before.state === 'planning') {
      runLog.info({ tasks: after.tasks.length, state: after.state, tokens: after.tokens }, STAGES.planned);
    }
  }
  const oldWaves = new Map((before.waves ?? []).map((w) => [w.number, w]));
  for (const wave of after.waves ?? []) {
    const old = oldWaves.get(wave.number);
    if (!old) {
      const workflowRuns = wave.workflowRuns.map((r) => r.id);
      runLog.info({ wave: wave.number, tasks: wave.taskIds, workflowRuns }, STAGES.dispatched);
    }
    if (wave.completedAt && !old?.completedAt) runLog.info({ wave: wave.number }, STAGES.waveCompleted);
  }
  logTasks(before, after, runLog);
  if (after.state !== before.state && after.state === 'integrating') runLog.info(STAGES.integrating);
  if (after.pullRequest && after.pullRequest.number !== before.pullRequest?.number) {
    runLog.info(
      { pullRequest: after.pullRequest.number, url: after.pullRequest.url, draft: after.pullRequest.draft },
      STAGES.pullRequest,
    );
  }
  if (after.state !== before.state && after.finishedAt && !before.finishedAt) {
    const fields = { state: after.state, reason: after.reason, tokens: after.tokens, costUsd: after.costUsd };
    if (after.state === 'failed') runLog.warn(fields, STAGES.ended);
    else runLog.info(fields, STAGES.ended);
  }
}

function logTasks(before: Run, after: Run, runLog: Log): void {
  const old = new Map(before.tasks.map((t) => [t.id, t]));
  for (const task of after.tasks) {
    const previous = old.get(task.id);
    if (task.state === previous?.state) continue;
    const taskLog = childLog(runLog, { taskId: task.id });
    if (task.state === 'running') {
      taskLog.info({ agent: task.agent, backend: task.backend }, STAGES.taskStarted);
    } else if (task.state !== 'queued') {
      const fields = { state: task.state, reason: task.reason, tokens: task.tokens, costUsd: task.costUsd };
      if (task.state === 'failed') taskLog.warn(fields, STAGES.taskFinished);
      else taskLog.info(fields, STAGES.taskFinished);
    }
  }
}

function logIntegration(runLog: Log, wave: number, result: WaveIntegration): void {
  const failed = result.gates.filter((g) => !g.passed);
  const fields = {
    wave,
    passed: result.passed,
    merges: result.merges.map((m) => `${m.taskId}:${m.status}`),
    // A failing gate's last lines say why; they pass through the log's redaction like everything else.
    failedGates: failed.map((g) => ({
      gate: g.name,
      exitCode: g.exitCode,
      output: g.outputTail.slice(-500),
    })),
  };
  if (result.passed) runLog.info(fields, STAGES.waveIntegrated);
  else runLog.warn(fields, STAGES.waveIntegrated);
}
