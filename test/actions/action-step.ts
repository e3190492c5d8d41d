/**
 * Runs a bundled action the way the Actions runner runs a `uses:` step: `node dist/index.js` in a
 * child process, with the event in a file and fresh GITHUB_OUTPUT / GITHUB_STEP_SUMMARY files.
 */
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface WorkflowEvent {
  name: string;
  payload: unknown;
  /** GITHUB_RUN_ID of the workflow run the event started. */
  runId: string;
}

export interface StepResult {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
}

let steps = 0;

export async function runActionStep(options: {
  dist: string;
  /** The runner's variables besides the event ones (GITHUB_REPOSITORY, INPUT_…). */
  env: NodeJS.ProcessEnv;
  event: WorkflowEvent;
  /** Where the step's files go (RUNNER_TEMP). */
  dir: string;
}): Promise<StepResult> {
  const step = join(options.dir, `step-${++steps}-${options.event.runId}`);
  const files = { event: `${step}-event.json`, output: `${step}-output`, summary: `${step}-summary.md` };
  await writeFile(files.event, JSON.stringify(options.event.payload, null, 2));
  await writeFile(files.output, '');
  await writeFile(files.summary, '');
  // Async on purpose: the simulator answering the child lives in this process's event loop.
  const child = spawn(process.execPath, [options.dist], {
    cwd: options.dir,
    env: {
      ...options.env,
      GITHUB_EVENT_NAME: options.event.name,
      GITHUB_EVENT_PATH: files.event,
      GITHUB_RUN_ID: options.event.runId,
      GITHUB_OUTPUT: files.output,
      GITHUB_STEP_SUMMARY: files.summary,
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number | null>((done) => child.on('close', done));
  const outputs = parseOutputs(await readFile(files.output, 'utf8'));
  return { code, stdout, stderr, outputs, summary: await readFile(files.summary, 'utf8') };
}

/** GITHUB_OUTPUT's `name<<delimiter` … `delimiter` blocks, as @actions/core writes them. */
export function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  for (const match of text.matchAll(/^([^\n<]+)<<(\S+)\n([\s\S]*?)\n?\2$/gm)) {
    outputs[match[1]!] = match[3]!;
  }
  return outputs;
}
