/**
 * JSON files on a repository's state branch through the Scm's file verbs, each read with the blob sha
 * it was read at, each write guarded by that sha (the optimistic lock RepoStateStore builds on).
 */
import { createHash } from 'node:crypto';
import type { RepoRef } from '../runs/run.js';
import { type Scm, ScmError } from '../scm/scm.js';

export const STATE_BRANCH = 'autodev-state';
/** The branch starts as a copy of the default branch: one folder keeps state apart from its files. */
export const STATE_ROOT = '.autodev';
const BRANCH_RETRIES = 5;

export interface Versioned<T> {
  value: T;
  sha: string;
}

export class StateBranchFiles {
  private ready: Promise<void> | null = null;

  constructor(
    private readonly scm: Scm,
    private readonly repo: RepoRef,
    readonly branch: string = STATE_BRANCH,
  ) {}

  async read<T>(path: string): Promise<Versioned<T> | null> {
    const file = await this.scm.readFileWithSha(this.repo, `${STATE_ROOT}/${path}`, this.branch);
    if (!file) return null;
    try {
      return { value: JSON.parse(file.text) as T, sha: file.sha };
    } catch (error) {
      throw new Error(
        `${STATE_ROOT}/${path} on the ${this.branch} branch is not valid JSON (${String(error)}); ` +
          'restore it from the branch history or delete it',
        { cause: error },
      );
    }
  }

  /**
   * Writes `value` unless the file changed since `expectedSha` was read (null: it must not exist yet);
   * returns the new blob sha, or 'conflict'.
   */
  async write(
    path: string,
    value: unknown,
    expectedSha: string | null,
    what: string,
  ): Promise<string | 'conflict'> {
    const change = {
      branch: this.branch,
      path: `${STATE_ROOT}/${path}`,
      text: toJson(value),
      // With a token other than GITHUB_TOKEN, pushes start workflows; state commits must not start CI.
      message: `autodev: ${what} [skip ci]`,
      expectedSha,
    };
    await this.ensureBranch();
    for (let attempt = 1; ; attempt++) {
      try {
        return (await this.scm.writeFile(this.repo, change)).sha;
      } catch (error) {
        if (!(error instanceof ScmError)) throw error;
        if (error.kind === 'not-found' && attempt === 1) {
          // Someone deleted the branch since it was made: make it again.
          this.ready = null;
          await this.ensureBranch();
          continue;
        }
        if (error.kind !== 'conflict') throw error;
        // GitHub also answers 409 when another commit moved the branch between its read and its update
        // of the ref: the file itself may be unchanged, and then the write is simply tried again.
        const current = await this.scm.readFileWithSha(this.repo, change.path, this.branch);
        if ((current?.sha ?? null) !== expectedSha) return 'conflict';
        if (attempt >= BRANCH_RETRIES) {
          throw new ScmError(
            'unavailable',
            `the ${this.branch} branch kept moving while writing ${change.path}`,
          );
        }
        await new Promise((done) => setTimeout(done, 100 * attempt + Math.random() * 100));
      }
    }
  }

  private ensureBranch(): Promise<void> {
    this.ready ??= this.scm
      .defaultBranch(this.repo)
      .then((from) => this.scm.ensureBranch(this.repo, this.branch, from))
      .catch((error: unknown) => {
        this.ready = null;
        throw error;
      });
    return this.ready;
  }
}

/** A file name for an id or a name; anything unusual is hashed, so no id can reach outside its folder. */
export function fileName(name: string): string {
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(name)
    ? name
    : createHash('sha256').update(name).digest('hex');
}

/** NUL becomes U+FFFD as in the SQL stores, so a run reads the same whichever store kept it. */
export function toJson(value: unknown): string {
  const text = JSON.stringify(
    value,
    (_key, v: unknown) =>
      typeof v === 'string' && v.includes('\u0000') ? v.replaceAll('\u0000', '\uFFFD') : v,
    2,
  );
  return `${text}\n`;
}
