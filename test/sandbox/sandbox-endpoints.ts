/**
 * The simulator's own endpoints under `/_sandbox/`, for people and runner emulators driving the sandbox:
 * a state snapshot, the recorded violations, a reset, and moving workflow runs along.
 */
import type { GitHubSimulator } from './github-simulator.js';
import type { SimulatorSeed } from './simulator-seed.js';
import type { RunConclusion } from './simulator-state.js';

const CONCLUSIONS: RunConclusion[] = ['success', 'failure', 'cancelled', 'skipped', 'timed_out', 'neutral'];

export function handleSandboxRequest(
  simulator: GitHubSimulator,
  method: string,
  path: string,
  rawBody: string,
): { status: number; body?: unknown; text?: string } {
  let body: unknown;
  try {
    body = rawBody.trim() ? JSON.parse(rawBody) : undefined;
  } catch {
    return { status: 400, body: { message: 'Problems parsing JSON' } };
  }
  if (method === 'GET' && path === '/_sandbox/state') return { status: 200, body: simulator.state() };
  if (method === 'GET' && path === '/_sandbox/violations') return { status: 200, body: simulator.violations };
  // Where a job log download redirects to, as GitHub's points at a signed blob URL: plain text, no token.
  const log = /^\/_sandbox\/job-logs\/(\d+)$/.exec(path);
  if (method === 'GET' && log) {
    const text = findJobLog(simulator, Number(log[1]));
    return text === undefined ? { status: 404, body: { message: 'Not Found' } } : { status: 200, text };
  }
  if (method === 'POST' && path === '/_sandbox/reset') {
    simulator.reset(body as SimulatorSeed | undefined);
    return { status: 204 };
  }
  const run = /^\/_sandbox\/workflow-runs\/(\d+)\/(start|complete)$/.exec(path);
  if (method === 'POST' && run) {
    const id = Number(run[1]);
    const conclusion = (body as { conclusion?: RunConclusion } | undefined)?.conclusion ?? 'success';
    if (run[2] === 'complete' && !CONCLUSIONS.includes(conclusion)) {
      return { status: 422, body: { message: `conclusion must be one of ${CONCLUSIONS.join(', ')}` } };
    }
    const updated =
      run[2] === 'start' ? simulator.startWorkflowRun(id) : simulator.completeWorkflowRun(id, conclusion);
    return updated ? { status: 200, body: updated } : { status: 404, body: { message: 'Not Found' } };
  }
  return { status: 404, body: { message: `No sandbox endpoint ${method} ${path}` } };
}

function findJobLog(simulator: GitHubSimulator, jobId: number): string | undefined {
  for (const repo of simulator.state().repositories) {
    for (const run of repo.workflowRuns) {
      const job = run.jobs.find((candidate) => candidate.id === jobId);
      if (job) return job.log ?? '';
    }
  }
  return undefined;
}
