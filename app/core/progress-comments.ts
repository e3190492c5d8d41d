/**
 * The run's one progress comment: created once (found again by its hidden marker after a crash between
 * creating it and saving its id), then edited in place, always from the newest stored version of the
 * run so a slower writer never paints over a newer state.
 */
import { findRunIdInComment, renderProgress } from '../progress/render-progress.js';
import type { Run } from '../runs/run.js';
import type { Scm } from '../scm/scm.js';
import { StaleRunError, type Store } from '../store/store.js';

export interface ProgressCommentsDeps {
  store: Store;
  /** The app's own login: only its comments can be the progress comment. */
  botLogin(): Promise<string>;
  now: () => Date;
}

export class ProgressComments {
  constructor(private readonly deps: ProgressCommentsDeps) {}

  /** Creates the run's progress comment once, then edits it in place. */
  async publish(scope: { scm: Scm }, run: Run, options: { searchExisting?: boolean } = {}): Promise<Run> {
    if (run.commentId !== undefined) {
      // Render the newest stored version, so a slower writer never paints over a newer state.
      const latest = await this.deps.store.getRun(run.id);
      const shown = latest && latest.version > run.version ? latest : run;
      await scope.scm.updateComment(run.repo, run.commentId, renderProgress(shown, { now: this.deps.now() }));
      return shown;
    }
    const body = renderProgress(run, { now: this.deps.now() });
    // After a crash between creating the comment and saving its id, find it by its hidden marker.
    let commentId: number | undefined;
    if (options.searchExisting) {
      // Anyone can type a marker; only the bot's own comment counts.
      const bot = (await this.deps.botLogin()).toLowerCase();
      const comments = await scope.scm.listComments(run.repo, run.issueNumber);
      commentId = comments.find(
        (c) => c.author.toLowerCase() === bot && findRunIdInComment(c.body) === run.id,
      )?.id;
      if (commentId !== undefined) await scope.scm.updateComment(run.repo, commentId, body);
    }
    commentId ??= (await scope.scm.createComment(run.repo, run.issueNumber, body)).id;
    return this.saveCommentId(run, commentId);
  }

  private async saveCommentId(run: Run, commentId: number): Promise<Run> {
    let current = run;
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        return await this.deps.store.saveRun({ ...current, commentId });
      } catch (error) {
        if (!(error instanceof StaleRunError)) throw error;
        const latest = await this.deps.store.getRun(run.id);
        if (!latest) throw error;
        if (latest.commentId !== undefined) return latest;
        current = latest;
      }
    }
    throw new Error(`could not record the progress comment of run ${run.id}`);
  }
}
