/**
 * The Scm over a local git repository (CONVENTIONS #2), for `autodev run`. Files are read from refs
 * with git's object commands and written with plumbing (a private index, commit-tree, a compare-and-swap
 * update-ref), so the user's work tree and index are never touched. What has no local equivalent is
 * recorded instead: comments go to a progress log file, check runs and reactions are kept in memory
 * (and logged), and GitHub Actions workflows cannot be dispatched at all.
 */
import { appendFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { AUTODEV_IDENTITY } from '../agent-task/commit-and-push.js';
import type { RepoRef } from '../runs/run.js';
import {
  type CheckRunUpdate,
  type NewCheckRun,
  type PermissionLevel,
  type Reaction,
  type Scm,
  ScmError,
  type WorkflowJob,
} from '../scm/scm.js';
import { parseWorktreeList } from '../workspace/git-worktrees.js';
import { commitOf, gitValue, LocalGitError, runGit } from './local-git.js';

export interface LocalScmOptions {
  repoPath: string;
  /** Where comments are appended; without it they are only kept in memory. */
  progressLog?: string;
  now?: () => Date;
}

export interface LocalCheckRun extends NewCheckRun {
  id: number;
  conclusion?: CheckRunUpdate['conclusion'];
}

export interface LocalComment {
  id: number;
  issueNumber: number;
  body: string;
  author: string;
}

const NO_COMMIT = '0'.repeat(40);

export class LocalScm implements Scm {
  readonly comments: LocalComment[] = [];
  readonly checkRuns: LocalCheckRun[] = [];
  readonly reactions: { target: string; reaction: Reaction }[] = [];
  private nextId = 1;
  private readonly now: () => Date;

  constructor(private readonly options: LocalScmOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /** Whoever runs autodev on their own clone may do anything autodev does. */
  async getPermission(): Promise<PermissionLevel> {
    return 'admin';
  }

  async readFile(repo: RepoRef, path: string, ref?: string): Promise<string | null> {
    // HEAD is the checked-out branch's tip, and still answers when HEAD is detached.
    const found = await this.readFileWithSha(repo, path, ref ?? 'HEAD');
    return found?.text ?? null;
  }

  async readFileWithSha(
    _repo: RepoRef,
    path: string,
    ref: string,
  ): Promise<{ text: string; sha: string } | null> {
    const sha = await this.blobAt(ref, path);
    if (sha === null) return null;
    return { text: await this.git(['cat-file', 'blob', sha]), sha };
  }

  /** The branch checked out in the repository: local mode proposes changes against what the user is on. */
  async defaultBranch(): Promise<string> {
    try {
      return await gitValue(this.options.repoPath, ['symbolic-ref', '--quiet', '--short', 'HEAD']);
    } catch (error) {
      throw new ScmError(
        'invalid',
        `HEAD is detached in ${this.options.repoPath}: check out a branch (git switch <branch>) so autodev knows what to build on.`,
        undefined,
        { cause: error },
      );
    }
  }

  async writeFile(
    _repo: RepoRef,
    change: { branch: string; path: string; text: string; message: string; expectedSha: string | null },
  ): Promise<{ sha: string }> {
    const parent = await commitOf(this.options.repoPath, `refs/heads/${change.branch}`);
    if (parent === null) throw new ScmError('not-found', `There is no branch ${change.branch}.`, 404);
    if (await this.checkedOut(change.branch)) {
      // Moving a checked-out branch's ref would leave that work tree showing phantom changes.
      throw new ScmError(
        'forbidden',
        `${change.branch} is checked out in a work tree; autodev only writes to branches nobody has checked out.`,
        403,
      );
    }
    const current = await this.blobAt(parent, change.path);
    if (current !== change.expectedSha) {
      throw new ScmError('conflict', `${change.path} on ${change.branch} changed since it was read.`, 409);
    }
    const blob = await this.git(['hash-object', '-w', '--stdin'], { input: change.text });
    const indexDir = await mkdtemp(join(tmpdir(), 'autodev-index-'));
    try {
      const env = { GIT_INDEX_FILE: join(indexDir, 'index') };
      await this.git(['read-tree', parent], { env });
      await this.git(['update-index', '--add', '--cacheinfo', `100644,${blob.trim()},${change.path}`], {
        env,
      });
      const tree = (await this.git(['write-tree'], { env })).trim();
      const who = {
        GIT_AUTHOR_NAME: AUTODEV_IDENTITY.name,
        GIT_AUTHOR_EMAIL: AUTODEV_IDENTITY.email,
        GIT_COMMITTER_NAME: AUTODEV_IDENTITY.name,
        GIT_COMMITTER_EMAIL: AUTODEV_IDENTITY.email,
      };
      const commit = (
        await this.git(['commit-tree', tree, '-p', parent], { input: change.message, env: who })
      ).trim();
      try {
        // Compare-and-swap: another writer that moved the branch meanwhile makes this fail, not vanish.
        await runGit(this.options.repoPath, ['update-ref', `refs/heads/${change.branch}`, commit, parent]);
      } catch (error) {
        throw new ScmError('conflict', `${change.branch} moved while ${change.path} was written.`, 409, {
          cause: error,
        });
      }
      return { sha: commit };
    } finally {
      await rm(indexDir, { recursive: true, force: true });
    }
  }

  async ensureBranch(_repo: RepoRef, branch: string, from: string): Promise<void> {
    if ((await commitOf(this.options.repoPath, `refs/heads/${branch}`)) !== null) return;
    const start = await commitOf(this.options.repoPath, from);
    if (start === null) throw new ScmError('not-found', `${from} does not name a commit.`, 404);
    try {
      await runGit(this.options.repoPath, ['update-ref', `refs/heads/${branch}`, start, NO_COMMIT]);
    } catch (error) {
      // Created by someone else between the check and the update: that is what was asked for.
      if ((await commitOf(this.options.repoPath, `refs/heads/${branch}`)) === null) throw this.wrap(error);
    }
  }

  async createComment(
    _repo: RepoRef,
    issueNumber: number,
    body: string,
  ): Promise<{ id: number; url: string }> {
    const id = this.nextId++;
    this.comments.push({ id, issueNumber, body, author: 'autodev' });
    await this.record(`comment ${id} created`, body);
    return { id, url: this.logUrl() };
  }

  async updateComment(_repo: RepoRef, commentId: number, body: string): Promise<void> {
    const comment = this.comments.find((c) => c.id === commentId);
    if (!comment) throw new ScmError('not-found', `There is no local comment ${commentId}.`, 404);
    comment.body = body;
    await this.record(`comment ${commentId} updated`, body);
  }

  async listComments(_repo: RepoRef, issueNumber: number) {
    return this.comments
      .filter((c) => c.issueNumber === issueNumber)
      .map(({ id, body, author }) => ({ id, body, author }));
  }

  async reactToComment(_repo: RepoRef, commentId: number, reaction: Reaction): Promise<void> {
    this.reactions.push({ target: `comment ${commentId}`, reaction });
  }

  async reactToIssue(_repo: RepoRef, issueNumber: number, reaction: Reaction): Promise<void> {
    this.reactions.push({ target: `issue ${issueNumber}`, reaction });
  }

  async dispatchWorkflow(_repo: RepoRef, workflow: string): Promise<{ runId: number; url: string }> {
    throw notLocal(`Dispatching the workflow ${workflow}`);
  }

  async listWorkflowJobs(): Promise<WorkflowJob[]> {
    throw notLocal('Listing workflow jobs');
  }

  async createCheckRun(_repo: RepoRef, check: NewCheckRun): Promise<{ id: number; url: string }> {
    const id = this.nextId++;
    this.checkRuns.push({ ...structuredClone(check), id });
    await this.record(
      `check ${id} ${check.name} on ${check.headSha.slice(0, 12)}`,
      check.output?.summary ?? '',
    );
    return { id, url: this.logUrl() };
  }

  async updateCheckRun(_repo: RepoRef, checkRunId: number, update: CheckRunUpdate): Promise<void> {
    const check = this.checkRuns.find((c) => c.id === checkRunId);
    if (!check) throw new ScmError('not-found', `There is no local check run ${checkRunId}.`, 404);
    if (update.output) check.output = structuredClone(update.output);
    if (update.conclusion) check.conclusion = update.conclusion;
    if (update.detailsUrl) check.detailsUrl = update.detailsUrl;
    const state = update.conclusion ?? update.status ?? 'updated';
    await this.record(`check ${checkRunId} ${check.name}: ${state}`, update.output?.summary ?? '');
  }

  private async blobAt(ref: string, path: string): Promise<string | null> {
    if ((await commitOf(this.options.repoPath, ref)) === null) return null;
    const listed = await this.git(['ls-tree', '-z', ref, '--', path]);
    // `<mode> <type> <sha>\t<path>`; a directory (tree) at the path is not a file.
    const match = /^\d+ blob ([0-9a-f]+)\t/.exec(listed);
    return match?.[1] ?? null;
  }

  private async checkedOut(branch: string): Promise<boolean> {
    const list = parseWorktreeList(await this.git(['worktree', 'list', '--porcelain']));
    return list.some((worktree) => worktree.branch === `refs/heads/${branch}`);
  }

  private async git(args: string[], options?: { input?: string; env?: Record<string, string> }) {
    try {
      return await runGit(this.options.repoPath, args, options);
    } catch (error) {
      throw this.wrap(error);
    }
  }

  private wrap(error: unknown): ScmError {
    if (error instanceof ScmError) return error;
    const message = error instanceof LocalGitError ? error.message : String(error);
    return new ScmError('unknown', `${this.options.repoPath}: ${message}`, undefined, { cause: error });
  }

  private logUrl(): string {
    return this.options.progressLog ? `file://${this.options.progressLog}` : '';
  }

  private async record(title: string, body: string): Promise<void> {
    if (!this.options.progressLog) return;
    await mkdir(dirname(this.options.progressLog), { recursive: true });
    const text = body.trim() ? `${body.trimEnd()}\n` : '';
    await appendFile(this.options.progressLog, `--- ${this.now().toISOString()} ${title}\n${text}`);
  }
}

function notLocal(what: string): ScmError {
  return new ScmError(
    'invalid',
    `${what} is not available locally: \`autodev run\` runs the agents on this machine instead of GitHub Actions.`,
  );
}
