/** The integrate action's inputs, read once and checked; every problem says what to change. */

export interface IntegrateInputs {
  runId: string;
  wave: number;
  planFile: string;
  /** Empty when the workflow passed none. */
  taskIds: string[];
  token: string;
  backend: string;
}

type GetInput = (name: string, options?: { required?: boolean }) => string;

export function readIntegrateInputs(getInput: GetInput): IntegrateInputs {
  const waveText = getInput('wave', { required: true }).trim();
  const wave = Number(waveText);
  if (!Number.isInteger(wave) || wave < 1) {
    throw new Error(`wave must be a whole number from 1, not "${waveText}"`);
  }
  return {
    runId: getInput('run-id', { required: true }).trim(),
    wave,
    planFile: getInput('plan-file', { required: true }).trim(),
    taskIds: parseTaskIds(getInput('tasks')),
    token: getInput('github-token'),
    backend: getInput('backend').trim(),
  };
}

/** The workflow's `tasks` input: a JSON array of task ids, or nothing. */
export function parseTaskIds(text: string): string[] {
  if (text.trim() === '') return [];
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new Error(
      `tasks must be a JSON array of task ids, like ["api","docs"], not ${JSON.stringify(text)}`,
    );
  }
  if (!Array.isArray(data) || !data.every((id): id is string => typeof id === 'string' && id !== '')) {
    throw new Error(
      `tasks must be a JSON array of task ids, like ["api","docs"], not ${JSON.stringify(text)}`,
    );
  }
  return data;
}
