/**
 * Scm: everything autodev asks of the code host, in domain verbs. GitHubScm implements it over
 * octokit; later a local implementation works on a git repository. Errors come out as ScmError.
 */
import type { RepoRef } from '../runs/run.js';

export const PERMISSION_LEVELS = ['none', 'read', 'triage', 'write', 'maintain', 'admin'] as const;
export type PermissionLevel = (typeof PERMISSION_LEVELS)[number];

export type Reaction = '+1' | '-1' | 'laugh' | 'confused' | 'heart' | 'hooray' | 'rocket' | 'eyes';

export interface Scm {
  /** The person's effective permission on the repository ('none' when not a collaborator). */
  getPermission(repo: RepoRef, login: string): Promise<PermissionLevel>;
  /** Text of a file on a ref (default branch when ref is omitted); null when it does not exist. */
  readFile(repo: RepoRef, path: string, ref?: string): Promise<string | null>;
  reactToComment(repo: RepoRef, commentId: number, reaction: Reaction): Promise<void>;
  reactToIssue(repo: RepoRef, issueNumber: number, reaction: Reaction): Promise<void>;
  createComment(repo: RepoRef, issueNumber: number, body: string): Promise<{ id: number; url: string }>;
  updateComment(repo: RepoRef, commentId: number, body: string): Promise<void>;
  /** Comments on an issue or PR (used to find a progress comment by its hidden marker). */
  listComments(repo: RepoRef, issueNumber: number): Promise<{ id: number; body: string; author: string }[]>;
}

export type ScmErrorKind = 'not-found' | 'forbidden' | 'rate-limited' | 'unavailable' | 'invalid' | 'unknown';

export class ScmError extends Error {
  constructor(
    readonly kind: ScmErrorKind,
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ScmError';
  }
}
