/**
 * The pull request a local run leaves in `.git/autodev/<run>/PULL_REQUEST.md`: its title as the first
 * line, then the body the hosted path would open the pull request with (app/finish/render-pull-request.ts,
 * so both read the same and every claim comes from what was recorded), with the two GitHub-only lines
 * said the local way: the run was started here, not from an issue, and the footer tells how to review
 * and merge the branch instead of pointing at a progress comment. Pure.
 */
import type { WaveIntegration } from '../finish/integration-source.js';
import { draftReasons, pullRequestTitle, renderPullRequestBody } from '../finish/render-pull-request.js';
import { codeSpan, mention } from '../progress/markdown-text.js';
import type { Run } from '../runs/run.js';

export interface LocalPullRequestInput {
  run: Run;
  /** The branch the run started from (what the pull request would target). */
  baseBranch: string;
  integrationBranch: string;
  integrations: { wave: number; result: WaveIntegration | null }[];
}

export function renderLocalPullRequest(input: LocalPullRequestInput): string {
  // A local run has no issue to close: the shared renderer leaves `Closes #…` out for this flag.
  const run: Run = { ...input.run, trigger: { ...input.run.trigger, onPullRequest: true } };
  const body = renderPullRequestBody({
    run,
    branch: input.integrationBranch,
    integrations: input.integrations,
    draftReasons: draftReasons(run, input.integrations),
  });
  const base = input.baseBranch;
  const branch = input.integrationBranch;
  const lines = body.split('\n').map((line) => {
    if (line.startsWith('**autodev** run ')) {
      return line.replace(
        / · (?:requested by \S+ on|issue) #\d+(?: by \S+)?/,
        ` · run locally by ${mention(run.trigger.actor)}`,
      );
    }
    if (line.startsWith('<sub>Opened by autodev')) {
      return (
        `<sub>Made by ${codeSpan('autodev run')} on a local clone, from ${codeSpan(base, 120)}. Review with ` +
        `${codeSpan(`git log --stat ${base}..${branch}`, 300)}; merge with ${codeSpan(`git merge ${branch}`, 200)}.</sub>`
      );
    }
    return line;
  });
  return `# ${pullRequestTitle(run)}\n\n${lines.join('\n')}`;
}
