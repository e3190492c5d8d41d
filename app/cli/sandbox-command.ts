/**
 * `autodev sandbox`: the GitHub simulator and the app wired to it over real HTTP, so a person can
 * try autodev without github.com. Deliver events with `autodev deliver`; watch the simulator's
 * whole state at /_sandbox/state.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  type GitHubSimulator,
  startGitHubSimulator,
  type SimulatorSeed,
} from '../../test/sandbox/github-simulator.js';
import { withAgentsWorkflow } from '../../test/sandbox/simulator-seed.js';
import { demoReviewModel, seedGitRepository, writeDemoAgentScript } from '../../test/sandbox/demo-agents.js';
import { type RunnerEmulator, startRunnerEmulator } from '../../test/sandbox/runner-emulator.js';
import { modelReviewer } from '../finish/reviewer.js';
import type { Planner } from '../planner/planner.js';
import { outlinePlanner } from '../planner/scripted-planner.js';
import { type LocalAppServer, startLocalAppServer } from '../runtime/local-app-server.js';
import { learningDispatcher, learningPlanner, openAppDatabase } from '../runtime/app-database.js';
import type { Store } from '../store/store.js';
import { packageRoot } from './repo-root.js';

export interface Sandbox {
  github: GitHubSimulator;
  app: LocalAppServer;
  store: Store;
  /** Runs dispatched agent jobs with scripted agents, as GitHub Actions would (absent with agents: false). */
  runner?: RunnerEmulator;
  /** The live dashboard and the token that opens it. */
  dashboard: { url: string; token: string };
  close(): Promise<void>;
}

export async function startSandbox(options: {
  seedFile?: string;
  port?: number;
  githubPort?: number;
  secret: string;
  logLevel?: 'info' | 'warn' | 'fatal';
  /** Run the agent jobs the app dispatches (default true); the first seeded repository gets them. */
  agents?: boolean;
  /** Defaults to the outline planner (one task per list item of the spec). */
  planner?: Planner;
  /**
   * Opens the dashboard; one is generated when absent. The sandbox app listens on 127.0.0.1 only, so
   * a generated token never guards a public address.
   */
  dashboardToken?: string;
}): Promise<Sandbox> {
  const root = packageRoot();
  const seedFile = options.seedFile ?? join(root, 'test', 'fixtures', 'sandbox', 'seed.json');
  let seed: SimulatorSeed;
  try {
    seed = JSON.parse(await readFile(seedFile, 'utf8')) as SimulatorSeed;
  } catch (error) {
    throw new Error(
      `could not read the seed ${seedFile}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const workflow = await readFile(join(root, '.github', 'workflows', 'autodev-agents.yml'), 'utf8');
  const served = withAgentsWorkflow(seed, workflow);
  const github = await startGitHubSimulator({ seed: served, port: options.githubPort ?? 0 });
  // Runs and memory on one throwaway database: /remember, outcomes and the audit trail work here too.
  const db = await openAppDatabase({}, { dataDir: 'memory://' });
  const { store, memory } = db;
  // A throwaway key: the simulator accepts any well-formed app JWT.
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const dashboardToken = options.dashboardToken ?? randomBytes(24).toString('base64url');
  const app = await startLocalAppServer({
    baseUrl: github.url,
    secret: options.secret,
    privateKey,
    appId: seed.app?.id ?? 1,
    port: options.port ?? 0,
    logLevel: options.logLevel ?? 'info',
    app: {
      store,
      memory,
      planner: learningPlanner(memory, { planner: options.planner ?? outlinePlanner }),
      dispatcher: learningDispatcher(memory),
      reviewer: modelReviewer(demoReviewModel),
      // Links open in the simulator; a short poll makes the live view follow the fast scripted agents.
      dashboard: { token: dashboardToken, webUrl: github.url, pollMs: 250 },
    },
  });
  const target = served.repositories[0];
  const runner =
    options.agents === false || !target
      ? undefined
      : startRunnerEmulator({
          github,
          appWebhookUrl: app.webhookUrl,
          secret: options.secret,
          repo: { owner: target.owner, repo: target.name, installationId: seed.installationId ?? 1 },
          bareRepoPath: await seedGitRepository(target.files ?? {}, target.defaultBranch ?? 'main'),
          agentScript: await writeDemoAgentScript(),
        });
  return {
    github,
    app,
    store,
    ...(runner ? { runner } : {}),
    dashboard: { url: new URL('/dashboard', app.webhookUrl).href, token: dashboardToken },
    async close() {
      await runner?.stop();
      await app.close();
      await github.close();
      await db.close();
    },
  };
}

export async function sandboxCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      seed: { type: 'string' },
      port: { type: 'string' },
      'github-port': { type: 'string' },
    },
  });
  const secret = process.env.WEBHOOK_SECRET ?? 'development';
  const sandbox = await startSandbox({
    ...(values.seed ? { seedFile: values.seed } : {}),
    port: Number(values.port ?? process.env.PORT ?? 3000),
    githubPort: Number(values['github-port'] ?? 3001),
    secret,
    ...(process.env.AUTODEV_DASHBOARD_TOKEN ? { dashboardToken: process.env.AUTODEV_DASHBOARD_TOKEN } : {}),
  });
  const fixtures = join(packageRoot(), 'test', 'fixtures', 'sandbox');
  const url = sandbox.github.url;
  process.stdout.write(
    [
      '',
      `GitHub simulator  ${url}   (whole state: ${url}/_sandbox/state)`,
      `autodev app       ${sandbox.app.webhookUrl}   (webhook secret "${secret}")`,
      `dashboard         ${sandbox.dashboard.url}   (token: ${sandbox.dashboard.token})`,
      '',
      'Try it from another terminal:',
      `  npx autodev deliver issue_comment ${join(fixtures, 'parallel-dev-comment.json')}`,
      `  npx autodev deliver issue_comment ${join(fixtures, 'refused-comment.json')}`,
      `  npx autodev deliver issues ${join(fixtures, 'issue-labeled.json')}`,
      `  curl -s ${url}/_sandbox/state`,
      '',
      'A runner emulator plays GitHub Actions for the first repository: it runs the agent and integrate',
      'jobs the app dispatches with scripted agents, so a run ends in a reviewed pull request.',
      '',
      'Ctrl-C stops everything.',
      '',
    ].join('\n'),
  );
  const stop = () => void sandbox.close().finally(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return 0;
}
