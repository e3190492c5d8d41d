/**
 * `autodev sandbox`: the GitHub simulator and the app wired to it over real HTTP, so a person can
 * try autodev without github.com. Deliver events with `autodev deliver`; watch state at
 * /_sandbox/state.
 */
import { generateKeyPairSync } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Probot, Server } from 'probot';
import { UnthrottledOctokit } from '../runtime/unthrottled-octokit.js';
import { startGitHubSimulator, type SimulatorSeed } from '../../test/sandbox/github-simulator.js';
import { autodevApp } from '../index.js';
import { outlinePlanner } from '../planner/scripted-planner.js';
import { openStore } from '../store/open-store.js';
import { packageRoot } from './repo-root.js';

export async function sandboxCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      seed: { type: 'string' },
      port: { type: 'string' },
      'github-port': { type: 'string' },
    },
  });
  const root = packageRoot();
  const seedFile = values.seed ?? join(root, 'test', 'fixtures', 'sandbox', 'seed.json');
  const seed = JSON.parse(await readFile(seedFile, 'utf8')) as SimulatorSeed;
  const port = Number(values.port ?? process.env.PORT ?? 3000);
  const githubPort = Number(values['github-port'] ?? 3001);
  const secret = process.env.WEBHOOK_SECRET ?? 'development';

  const github = await startGitHubSimulator({ seed, port: githubPort });
  // A throwaway key: the simulator accepts any well-formed app JWT.
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const store = await openStore({ dataDir: 'memory://' });
  const server = new Server({
    host: '127.0.0.1',
    port,
    Probot: Probot.defaults({
      appId: seed.app?.id ?? 1,
      privateKey,
      secret,
      baseUrl: github.url,
      logLevel: 'info',
      Octokit: UnthrottledOctokit,
    }),
  });
  await server.load(autodevApp({ store, planner: outlinePlanner }));
  await server.start();

  const fixtures = join(root, 'test', 'fixtures', 'sandbox');
  process.stdout.write(
    [
      '',
      `GitHub simulator  ${github.url}   (whole state: ${github.url}/_sandbox/state)`,
      `autodev app       http://127.0.0.1:${port}/api/github/webhooks   (webhook secret "${secret}")`,
      '',
      'Try it from another terminal:',
      `  npx autodev deliver issue_comment ${join(fixtures, 'parallel-dev-comment.json')}`,
      `  npx autodev deliver issues ${join(fixtures, 'issue-labeled.json')}`,
      `  curl -s ${github.url}/_sandbox/state | less`,
      '',
      'Ctrl-C stops both.',
      '',
    ].join('\n'),
  );
  const stop = async () => {
    await server.stop();
    await github.close();
    await store.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  return 0;
}
