/**
 * Makes the real-log corpus for the failure analyser: for each case in ci-log-cases.ts it writes a small
 * broken project to a temp dir, really runs the workflow's steps on it (tsc, jest, eslint, prettier,
 * node, npm) and writes what they printed as a GitHub Actions job log to test/fixtures/ci-logs/<case>.log,
 * with manifest.json saying what each log must be classified as. Cases marked `again` run a second
 * time, later, in a plain temp dir instead of a runner-shaped workspace: the same failure at another
 * time and path, which must get the same signature.
 *
 * The runner's own lines (job set-up, checkout, setup-node, post-job cleanup, time-limit messages) are
 * written here in the runner's format; every tool's output is captured from a real run.
 *
 *   npx tsx test/heal/make-ci-log-corpus.ts
 *   CASES=npm-audit-high,jest-assertion npx tsx test/heal/make-ci-log-corpus.ts   (remake only these)
 *
 * Needs the registry for the npm audit and ETARGET cases; without it those cases are reported and left out.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { analyseJobLog } from '../../app/heal/analyse-failure.js';
import { formatActionsLog, REPO_BIN, runStep, type LogPart, type RunnerStep } from './actions-log-writer.js';
import { ADVISORIES, CORPUS_CASES, type CorpusCase } from './ci-log-cases.js';
import { gunzipSync } from 'node:zlib';

const OUT_DIR = path.resolve(import.meta.dirname, '../fixtures/ci-logs');
const REPO = 'acme/shop';

function setUpJob(job: string, debug: boolean): RunnerStep[] {
  const dbg = (lines: string[]): string[] => (debug ? lines.map((l) => `##[debug]${l}`) : []);
  return [
    {
      lines: [
        "Current runner version: '2.329.0'",
        '##[group]Operating System',
        'Ubuntu',
        '24.04.3',
        'LTS',
        '##[endgroup]',
        '##[group]Runner Image',
        'Image: ubuntu-24.04',
        'Version: 20251112.124.1',
        '##[endgroup]',
        '##[group]GITHUB_TOKEN Permissions',
        'Contents: read',
        'Metadata: read',
        '##[endgroup]',
        'Secret source: Actions',
        'Prepare workflow directory',
        'Prepare all required actions',
        'Getting action download info',
        "Download action repository 'actions/checkout@v4' (SHA:08eba0b27e820071cde6df949e0beb9ba4906955)",
        "Download action repository 'actions/setup-node@v4' (SHA:49933ea5288caeca8642d1e84afbd3f7d6820020)",
        `Complete job name: ${job}`,
      ],
    },
    {
      title: 'Run actions/checkout@v4',
      header: [
        'with:',
        `  repository: ${REPO}`,
        '  token: ***',
        '  fetch-depth: 1',
        '  persist-credentials: true',
      ],
      lines: [
        ...dbg(["Evaluating condition for step: 'Run actions/checkout@v4'", 'Evaluating: success()']),
        `Syncing repository: ${REPO}`,
        '##[group]Getting Git version info',
        "Working directory is '/home/runner/work/shop/shop'",
        '[command]/usr/bin/git version',
        'git version 2.51.0',
        '##[endgroup]',
        '##[group]Checking out the ref',
        '[command]/usr/bin/git checkout --progress --force -B main refs/remotes/origin/main',
        "Switched to a new branch 'main'",
        "branch 'main' set up to track 'origin/main'.",
        '##[endgroup]',
        '[command]/usr/bin/git log -1 --format=%H',
        '5f3c0e9d2b7a41c8e6f1a0b93d4c7e2a18b6f905',
      ],
    },
  ];
}

function setUpNode(warnings: string[], debug: boolean): RunnerStep {
  return {
    title: 'Run actions/setup-node@v4',
    header: ['with:', '  node-version: 20', '  cache: npm', '  always-auth: false', '  check-latest: false'],
    lines: [
      ...(debug ? ["##[debug]Evaluating condition for step: 'Run actions/setup-node@v4'"] : []),
      'Found in cache @ /opt/hostedtoolcache/node/20.19.5/x64',
      '##[group]Environment details',
      `node: ${process.version}`,
      `npm: ${execFileSync('npm', ['--version'], { encoding: 'utf8' }).trim()}`,
      'yarn: 1.22.22',
      '##[endgroup]',
      ...warnings.map((w) => `##[warning]${w}`),
    ],
  };
}

const POST_JOB: RunnerStep[] = [
  { always: true, lines: ['Post job cleanup.', 'Cache hit occurred on the primary key, not saving cache.'] },
  {
    always: true,
    lines: [
      'Post job cleanup.',
      '[command]/usr/bin/git version',
      'git version 2.51.0',
      '[command]/usr/bin/git config --local --name-only --get-regexp core\\.sshCommand',
      '[command]/usr/bin/git config --local --name-only --get-regexp http\\.https\\:\\/\\/github\\.com\\/\\.extraheader',
      'http.https://github.com/.extraheader',
      '[command]/usr/bin/git config --local --unset-all http.https://github.com/.extraheader',
      'Cleaning up orphan processes',
    ],
  },
];

/**
 * A registry front on 127.0.0.1: npm's bulk advisory request is answered from ADVISORIES, everything
 * else (packuments) is fetched from the public registry.
 */
async function startAdvisoryRegistry(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        if (req.method === 'POST' && req.url?.startsWith('/-/npm/v1/security/advisories/bulk')) {
          const raw = Buffer.concat(chunks);
          const body = JSON.parse(
            (req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8'),
          ) as Record<string, string[]>;
          const found = Object.fromEntries(
            Object.keys(body).flatMap((name) => (ADVISORIES[name] ? [[name, ADVISORIES[name]]] : [])),
          );
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(found));
          return;
        }
        const upstream = await fetch(`https://registry.npmjs.org${req.url ?? '/'}`, {
          headers: { accept: req.headers.accept ?? 'application/json' },
        });
        const text = Buffer.from(await upstream.arrayBuffer());
        res
          .writeHead(upstream.status, {
            'content-type': upstream.headers.get('content-type') ?? 'application/json',
          })
          .end(text);
      })().catch((error: Error) => res.writeHead(502).end(error.message));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string')
    throw new Error('advisory registry did not get a port');
  return { server, url: `http://127.0.0.1:${address.port}/` };
}

const TSC_LINE = /^\S.*\(\d+,\d+\): error TS\d+: /;

async function writeProject(dir: string, files: Record<string, string>): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), text);
  }
}

/** Runs one case in `dir` and returns its job log and the command of the step that failed. */
async function captureCase(
  c: CorpusCase,
  dir: string,
  env: Record<string, string>,
  advisoryRegistry: string,
): Promise<{ log: string; command: string }> {
  await writeProject(dir, c.files);
  for (const command of c.prepare ?? []) {
    const prep = await runStep(command, dir, { env });
    if (prep.exitCode !== 0)
      throw new Error(`${c.name}: preparing with "${command}" failed:\n${prep.output}`);
  }
  const clockStart = Date.now() - 9000;
  const parts: LogPart[] = [
    ...setUpJob(c.job, c.debug ?? false),
    setUpNode(c.setupWarnings ?? [], c.debug ?? false),
  ].map((step) => ({ kind: 'runner', step }));
  let failed: string | undefined;
  const stepEnv = c.localAdvisories ? { ...env, npm_config_registry: advisoryRegistry } : env;
  for (const step of c.steps) {
    const options =
      step.killAfterMs === undefined ? { env: stepEnv } : { env: stepEnv, killAfterMs: step.killAfterMs };
    const run = await runStep(step.run, dir, options);
    if (c.tscMatcher) {
      run.output = run.output
        .split('\n')
        .map((line) => (TSC_LINE.test(line) ? `##[error]${line}` : line))
        .join('\n');
    }
    parts.push({ kind: 'run', run });
    if (run.exitCode !== 0 || run.killed) {
      failed = step.run;
      break;
    }
  }
  if (!failed) throw new Error(`${c.name}: every step passed; the project is meant to be broken.`);
  for (const line of c.runnerAfter ?? [])
    parts.push({ kind: 'runner', step: { always: true, lines: [line] } });
  for (const step of POST_JOB) parts.push({ kind: 'runner', step });
  return { log: formatActionsLog(parts, clockStart), command: failed };
}

function toolVersions(): Record<string, string> {
  const version = (bin: string): string =>
    execFileSync(path.join(REPO_BIN, bin), ['--version'], { encoding: 'utf8' }).trim().split('\n')[0] ?? '';
  return {
    node: process.version,
    npm: execFileSync('npm', ['--version'], { encoding: 'utf8' }).trim(),
    tsc: version('tsc'),
    jest: version('jest'),
    eslint: version('eslint'),
    prettier: version('prettier'),
  };
}

interface ManifestCase {
  file: string;
  description: string;
  job: string;
  command: string;
  class: string;
  fixable: boolean;
  location?: CorpusCase['expect']['location'];
  sameFailureAs?: string;
}

async function main(): Promise<void> {
  const root = await mkdtemp(path.join(tmpdir(), 'ci-log-corpus-'));
  const npmrc = path.join(root, 'npmrc');
  const cafile = '/etc/ssl/certs/ca-certificates.crt';
  await writeFile(
    npmrc,
    `${existsSync(cafile) ? `cafile=${cafile}\n` : ''}fund=false\nupdate-notifier=false\n`,
  );
  const env = { NPM_CONFIG_USERCONFIG: npmrc };
  const advisories = await startAdvisoryRegistry();
  await mkdir(OUT_DIR, { recursive: true });

  const only = process.env.CASES?.split(',').map((name) => name.trim());
  const cases = only ? CORPUS_CASES.filter((c) => only.includes(c.name)) : CORPUS_CASES;
  const manifestPath = path.join(OUT_DIR, 'manifest.json');
  const previous =
    only && existsSync(manifestPath)
      ? (JSON.parse(await readFile(manifestPath, 'utf8')) as { cases: Record<string, ManifestCase> })
      : undefined;
  const manifest: Record<string, ManifestCase> = { ...previous?.cases };
  const skipped: string[] = [];
  const record = async (c: CorpusCase, name: string, dir: string, sameFailureAs?: string): Promise<void> => {
    let log: string;
    let command: string;
    try {
      ({ log, command } = await captureCase(c, dir, env, advisories.url));
    } catch (error) {
      skipped.push(`${name}: ${(error as Error).message.split('\n')[0]}`);
      return;
    }
    await writeFile(path.join(OUT_DIR, `${name}.log`), log);
    const entry: ManifestCase = {
      file: `${name}.log`,
      description: c.description,
      job: c.job,
      command,
      class: c.expect.class,
      fixable: c.expect.fixable,
    };
    if (c.expect.location) entry.location = c.expect.location;
    if (sameFailureAs) entry.sameFailureAs = sameFailureAs;
    manifest[name] = entry;
    const got = analyseJobLog({ jobName: c.job, log });
    const mark = got.class === c.expect.class && got.fixableWithoutModel === c.expect.fixable ? 'ok ' : 'XX ';
    console.log(
      `${mark}${name.padEnd(40)} expected ${c.expect.class}/${c.expect.fixable}  got ${got.class}/${got.fixableWithoutModel}  ${JSON.stringify(got.locations[0] ?? null)}`,
    );
  };

  for (const c of cases) {
    await record(c, c.name, path.join(root, c.name, 'home/runner/work/shop/shop'));
  }
  // The same failures again, later and elsewhere: a temp dir of their own, as on a self-hosted runner.
  for (const c of cases.filter((x) => x.again)) {
    const dir = await mkdtemp(path.join(tmpdir(), 'ci-'));
    await record(c, `${c.name}-again`, dir, c.name);
    await rm(dir, { recursive: true, force: true });
  }

  const document = {
    about:
      'Real CI logs made by test/heal/make-ci-log-corpus.ts: tool output captured from real runs on broken projects, wrapped in the GitHub Actions job log format. Each case names the class the failure analyser must give, whether a deterministic healer can fix it, and a location the analysis must include.',
    advisories:
      "The registry reachable here refuses npm's advisory endpoint (405), so the npm audit cases ask 127.0.0.1 for advisories copied from GitHub's advisory database (ADVISORIES in test/heal/ci-log-cases.ts); the lockfile and packuments are real and npm renders the report itself.",
    generatedAt: new Date().toISOString(),
    tools: toolVersions(),
    cases: Object.fromEntries(
      CORPUS_CASES.flatMap((c) => [c.name, `${c.name}-again`]).flatMap((name) =>
        manifest[name] ? [[name, manifest[name]]] : [],
      ),
    ),
  };
  await writeFile(manifestPath, `${JSON.stringify(document, null, 2)}\n`);
  await rm(root, { recursive: true, force: true });
  advisories.server.close();
  console.log(`\n${Object.keys(manifest).length} logs written to ${path.relative(process.cwd(), OUT_DIR)}`);
  if (skipped.length > 0) console.log(`Left out:\n  ${skipped.join('\n  ')}`);
}

await main();
