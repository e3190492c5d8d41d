/**
 * The JSON a sandbox starts from (test/fixtures/sandbox/seed.json), and how it becomes simulator state:
 * users, repositories with an initial commit of their files, collaborators, issues and workflows.
 */
import { commitFiles } from './git-store.js';
import { botLogin, ensureLabel, ensureUser, nextId, timestamp } from './simulator-state.js';
import type { CollaboratorRole, RepositoryRecord, SimulatorState } from './simulator-state.js';

export interface SimulatorSeed {
  installationId?: number;
  /** With `publicKey` (PEM), JWT signatures are verified; without it any well-formed JWT is accepted. */
  app?: { id: number; slug: string; name?: string; publicKey?: string };
  users: { login: string; type?: 'User' | 'Bot' }[];
  repositories: {
    owner: string;
    name: string;
    defaultBranch?: string;
    private?: boolean;
    /** path → text on the default branch */
    files?: Record<string, string>;
    collaborators?: Record<string, CollaboratorRole>;
    issues?: {
      number?: number;
      title: string;
      body?: string;
      author: string;
      labels?: string[];
      /** Comments already on the issue; a fixed id lets a saved webhook payload refer to one. */
      comments?: { id?: number; author: string; body: string }[];
    }[];
    /** Defaults to every `.github/workflows/*.yml` among `files`. */
    workflows?: { id?: number; path: string; name?: string }[];
  }[];
}

export function createSimulatorState(seed: SimulatorSeed, now = timestamp()): SimulatorState {
  const app = { id: seed.app?.id ?? 1, slug: seed.app?.slug ?? 'autodev', name: seed.app?.name ?? '' };
  const state: SimulatorState = {
    app: { ...app, name: app.name || app.slug },
    installationId: seed.installationId ?? 1,
    createdAt: now,
    nextId: 1000,
    users: [],
    tokens: [],
    repositories: [],
  };
  ensureUser(state, botLogin(state), 'Bot');
  for (const user of seed.users) ensureUser(state, user.login, user.type ?? 'User');
  for (const repo of seed.repositories) {
    ensureUser(state, repo.owner, 'Organization');
    state.repositories.push(seedRepository(state, repo, now));
  }
  return state;
}

function seedRepository(state: SimulatorState, seed: SimulatorSeed['repositories'][number], now: string) {
  const repo: RepositoryRecord = {
    id: nextId(state),
    owner: seed.owner,
    name: seed.name,
    private: seed.private ?? false,
    defaultBranch: seed.defaultBranch ?? 'main',
    createdAt: now,
    pushedAt: now,
    collaborators: { ...seed.collaborators },
    refs: {},
    commits: {},
    blobs: {},
    labels: [],
    issues: [],
    comments: [],
    pulls: [],
    reviews: [],
    checkRuns: [],
    workflows: [],
    workflowRuns: [],
    dispatches: [],
    nextNumber: 1,
  };
  for (const login of Object.keys(repo.collaborators)) ensureUser(state, login);
  const files = seed.files ?? { 'README.md': `# ${seed.name}\n` };
  commitFiles(repo, repo.defaultBranch, files, { message: 'Initial commit', author: seed.owner, date: now });
  const workflows: { id?: number; path: string; name?: string }[] =
    seed.workflows ??
    Object.keys(files)
      .filter((path) => /^\.github\/workflows\/[^/]+\.ya?ml$/.test(path))
      .map((path) => ({ path }));
  for (const workflow of workflows) {
    const name = workflow.name ?? workflowName(files[workflow.path]) ?? workflow.path;
    repo.workflows.push({ id: workflow.id ?? nextId(state), path: workflow.path, name, createdAt: now });
  }
  for (const issue of seed.issues ?? []) {
    const number = issue.number ?? repo.nextNumber;
    repo.nextNumber = Math.max(repo.nextNumber, number + 1);
    ensureUser(state, issue.author);
    repo.issues.push({
      id: nextId(state),
      number,
      title: issue.title,
      body: issue.body ?? null,
      user: issue.author,
      state: 'open',
      stateReason: null,
      labels: issue.labels ?? [],
      isPullRequest: false,
      reactions: [],
      createdAt: now,
      updatedAt: now,
      closedAt: null,
    });
    for (const label of issue.labels ?? []) ensureLabel(state, repo, label);
    for (const comment of issue.comments ?? []) {
      ensureUser(state, comment.author);
      // Ids handed out later must never collide with a seeded one.
      if (comment.id !== undefined) state.nextId = Math.max(state.nextId, comment.id);
      repo.comments.push({
        id: comment.id ?? nextId(state),
        issueNumber: number,
        body: comment.body,
        user: comment.author,
        reactions: [],
        createdAt: now,
        updatedAt: now,
      });
    }
  }
  return repo;
}

/** A workflow's top-level `name:`, which GitHub shows as the workflow's name (the path otherwise). */
function workflowName(text: string | undefined): string | undefined {
  return /^name:\s*['"]?(.+?)['"]?\s*$/m.exec(text ?? '')?.[1];
}

/** Every repository gets autodev's agents workflow (unless it has its own), so plans can be dispatched. */
export function withAgentsWorkflow(seed: SimulatorSeed, workflow: string): SimulatorSeed {
  return {
    ...seed,
    repositories: seed.repositories.map((repo) => ({
      ...repo,
      files: { '.github/workflows/autodev-agents.yml': workflow, ...repo.files },
    })),
  };
}
